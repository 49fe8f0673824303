"""The plumbing every renda service runs on.

This package is the only place that imports kombu, SQLAlchemy, Flask internals and
prometheus_client directly; services build on its factories.
"""
