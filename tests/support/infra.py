"""Reaching the real RabbitMQ and PostgreSQL, and giving each test run its own names."""

from __future__ import annotations

import os
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from kombu import Connection

PG_ADMIN_URL = os.environ.get("RENDA_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("RENDA_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672//")
DATABASES = ("directory", "intake", "workflow", "scoring", "notify")


def unavailable(what: str, exc: BaseException) -> None:
    """Under CI an unreachable dependency fails the run; on a laptop the test is skipped."""
    message = f"{what} unreachable: {exc}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def run_id() -> str:
    return uuid.uuid4().hex[:10]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresDatabases:
    """One database per service for one test run; dropped afterwards."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{prefix}_{{service}}"

    def name(self, service: str) -> str:
        return f"{self.prefix}_{service}"

    def create(self, template: PostgresDatabases | None = None) -> None:
        """Empty databases, or copies of a template's (PostgreSQL copies the files: far
        quicker than migrating and seeding again; nobody may be connected to the template)."""
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            for service in DATABASES:
                copy = f' TEMPLATE "{template.name(service)}"' if template else ""
                conn.execute(f'CREATE DATABASE "{self.name(service)}"{copy}')

    def drop(self) -> None:
        """All at once: PostgreSQL 15 checkpoints for each DROP DATABASE, and drops that run
        together share one checkpoint (one after the other they took seconds)."""
        with ThreadPoolExecutor(len(DATABASES)) as pool:
            list(pool.map(self._drop, DATABASES))

    def _drop(self, service: str) -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name(service)}" WITH (FORCE)')

    @staticmethod
    def query_admin_ping() -> None:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=5) as conn:
            conn.execute("select 1")

    def query(self, service: str, sql: str, *params: object) -> list[tuple]:
        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:5432/{self.name(service)}", autocommit=True
        ) as conn:
            return conn.execute(sql, params).fetchall()


def check_broker() -> None:
    with Connection(AMQP_URL, connect_timeout=5) as conn:
        conn.ensure_connection(max_retries=1)


def delete_bus_names(prefix: str, services: tuple[str, ...], retry_tiers: int) -> None:
    """Remove every queue and exchange a run declared under its prefix."""
    with Connection(AMQP_URL) as conn:
        channel = conn.default_channel
        for service in services:
            names = [f"{prefix}.{service}", f"{prefix}.{service}.dlq"]
            names += [f"{prefix}.{service}.retry.{tier}" for tier in range(retry_tiers)]
            for name in names:
                channel.queue_delete(name)
        for suffix in ("events", "dlx", "requeue", "retry"):
            channel.exchange_delete(f"{prefix}.{suffix}")
