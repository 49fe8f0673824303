"""Workflow's rules, as DOMAIN.md states them. No framework, no database, no broker."""
