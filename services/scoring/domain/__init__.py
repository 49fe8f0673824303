"""Scoring's rules: duty points (DOMAIN.md §4). No framework."""
