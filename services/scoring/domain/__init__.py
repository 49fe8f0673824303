"""Scoring's rules: duty points (docs/domain.md §4). No framework."""
