"""The plumbing every renda service runs on.

This package is the only place that imports kombu and prometheus_client, and that builds
engines, sessions, apps and workers; services use its factories, and SQLAlchemy only to
describe and query their own tables (store.py, handlers, api). See docs/architecture.md.
"""
