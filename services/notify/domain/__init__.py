"""Notify's rules: who is told what (docs/domain.md §7). No framework."""
