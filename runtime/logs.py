"""JSON logs that carry the service, tenant, correlation id and event id of their context."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

_CONTEXT: ContextVar[dict[str, str]] = ContextVar("renda_log_context", default={})  # noqa: B039


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _CONTEXT.get().items():
            setattr(record, key, value)
        return True


@contextmanager
def log_context(**values: str | None) -> Iterator[None]:
    merged = {**_CONTEXT.get(), **{k: v for k, v in values.items() if v}}
    token = _CONTEXT.set(merged)
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def reset_log_context(**values: str | None) -> None:
    """Start a fresh context: pooled threads must not carry the last request's fields."""
    _CONTEXT.set({k: v for k, v in values.items() if v})


def bind_log_context(**values: str | None) -> None:
    """Add to the context for the rest of this request or thread."""
    _CONTEXT.set({**_CONTEXT.get(), **{k: v for k, v in values.items() if v}})


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(_ContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("amqp", "kombu", "werkzeug", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
