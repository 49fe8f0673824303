"""Notify's rules: who is told what (DOMAIN.md §7). No framework."""
