"""People's console accounts: argon2 passwords, and server-side sessions the APIs accept.

A session's token is presented to every API exactly like an API key and yields the same
kind of principal (node, role, subject), so a person never sees more than a key for that
place would. Sessions end after an idle time, on sign-out, or when the account is
disabled (see docs/adr/0010-console.md).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from runtime.clock import Clock
from runtime.db import Database
from runtime.directory.model import Principal
from runtime.directory.store import Account, ConsoleSession, Deputy, Node, Unit

SESSION_PREFIX = "rendasession"
ACCOUNT_ROLES = ("committee", "unit", "deputy", "reader")
ACCOUNT_ID = re.compile(r"^[a-z0-9][a-z0-9.-]{2,23}$")
MIN_PASSWORD = 10
TOUCH_SECONDS = 30.0
"""A session's last use is written at most this often: a page makes several API calls."""

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verifying a password against this keeps an unknown account as slow as a known one.
    Made on the first sign-in, not at import: hashing takes argon2's 64 MB and half a
    second of CPU, which every renda process paid at start, signing anyone in or not."""
    return _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """An operator's request about accounts that the rules refuse."""


@dataclass(frozen=True)
class SignedIn:
    """What the console keeps of a sign-in: the token, and who it is for."""

    token: str
    account_id: str
    name: str
    role: str
    node_id: str
    subject: str | None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Accounts:
    def __init__(self, db: Database, clock: Clock, idle_seconds: float) -> None:
        self.db = db
        self.clock = clock
        self.idle = timedelta(seconds=idle_seconds)
        self.touch_seconds = min(TOUCH_SECONDS, idle_seconds / 4)

    # -- operator CLI and seed -------------------------------------------------------------
    def create(
        self,
        account_id: str,
        *,
        name: str,
        password: str,
        node_id: str,
        role: str,
        subject: str | None = None,
    ) -> None:
        if not ACCOUNT_ID.match(account_id):
            raise AccountError("an account id is 3-24 of a-z, 0-9, '.', '-'")
        if role not in ACCOUNT_ROLES:
            raise AccountError(f"role must be one of {', '.join(ACCOUNT_ROLES)}")
        if role in ("unit", "deputy") and not subject:
            raise AccountError(f"a {role} account needs --subject, the {role}'s id")
        _check_password(password)
        with self.db.transaction() as session:
            if session.get(Account, account_id) is not None:
                raise AccountError(f"account {account_id} exists")
            node = session.get(Node, node_id)
            if node is None:
                raise AccountError(f"no node {node_id}")
            if role in ("unit", "deputy"):
                person = session.get(Unit if role == "unit" else Deputy, subject)
                if person is None or not _under(session, person.node_id, node.path):
                    raise AccountError(f"no {role} {subject} under node {node_id}")
            session.add(
                Account(
                    id=account_id,
                    name=name,
                    password_hash=_hasher.hash(password),
                    node_id=node_id,
                    role=role,
                    subject=subject,
                    created_at=self.clock.now(),
                )
            )

    def disable(self, account_id: str) -> None:
        """Refused at once at sign-in; its open sessions end with it."""
        with self.db.transaction() as session:
            account = self._get(session, account_id)
            account.disabled_at = self.clock.now()
            session.execute(delete(ConsoleSession).where(ConsoleSession.account_id == account_id))

    def reset_password(self, account_id: str, password: str) -> None:
        _check_password(password)
        with self.db.transaction() as session:
            account = self._get(session, account_id)
            account.password_hash = _hasher.hash(password)
            account.disabled_at = None
            session.execute(delete(ConsoleSession).where(ConsoleSession.account_id == account_id))

    # -- the console -------------------------------------------------------------------------
    def sign_in(self, account_id: str, password: str) -> SignedIn | None:
        """A new session for the right password of an enabled account, else None."""
        dummy = _dummy_hash()  # before the lookup: the first sign-in of any account makes it
        with self.db.transaction() as session:
            account = session.get(Account, account_id)
            if not _verify(account.password_hash if account else dummy, password):
                return None
            if account is None or account.disabled_at is not None:
                return None
            session_id = secrets.token_hex(8)
            secret = secrets.token_urlsafe(32)
            now = self.clock.now()
            session.add(
                ConsoleSession(
                    id=session_id,
                    secret_hash=_hash(secret),
                    account_id=account.id,
                    created_at=now,
                    last_seen_at=now,
                )
            )
            return SignedIn(
                f"{SESSION_PREFIX}_{session_id}_{secret}",
                account.id,
                account.name,
                account.role,
                account.node_id,
                account.subject,
            )

    def sign_out(self, token: str) -> None:
        parts = token.split("_", 2)
        if len(parts) == 3:
            with self.db.transaction() as session:
                session.execute(delete(ConsoleSession).where(ConsoleSession.id == parts[1]))

    def authenticate(self, token: str) -> Principal | None:
        """The principal of a live session's token: not idle too long, account enabled."""
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != SESSION_PREFIX:
            return None
        now = self.clock.now()
        with self.db.transaction() as session:
            row = session.execute(
                select(ConsoleSession, Account, Node.path)
                .join(Account, Account.id == ConsoleSession.account_id)
                .join(Node, Node.id == Account.node_id)
                .where(ConsoleSession.id == parts[1])
            ).first()
            if row is None:
                return None
            console_session, account, path = row
            if not hmac.compare_digest(console_session.secret_hash, _hash(parts[2])):
                return None
            if account.disabled_at is not None or _expired(console_session, now, self.idle):
                session.delete(console_session)
                return None
            if (now - console_session.last_seen_at).total_seconds() > self.touch_seconds:
                console_session.last_seen_at = now
        # The key id names the person: receipts and events show who acted.
        return Principal(f"@{account.id}", account.node_id, path, account.role, account.subject)

    @staticmethod
    def _get(session, account_id: str) -> Account:  # type: ignore[no-untyped-def]
        account = session.get(Account, account_id)
        if account is None:
            raise AccountError(f"no account {account_id}")
        return account


def _expired(console_session: ConsoleSession, now: datetime, idle: timedelta) -> bool:
    return now - console_session.last_seen_at > idle


def _under(session, node_id: str, path: str) -> bool:  # type: ignore[no-untyped-def]
    node = session.get(Node, node_id)
    return node is not None and node.path.startswith(path)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
