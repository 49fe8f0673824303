"""Workflow's rules, as docs/domain.md states them. No framework, no database, no broker."""
