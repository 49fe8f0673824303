"""`renda account …`: the operator creates, disables and resets people's accounts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from renda.cli import main
from runtime.directory.store import Account


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENDA_VAR_DIR", str(tmp_path / "var"))
    assert CliRunner().invoke(main, ["migrate"]).exit_code == 0
    for args in (
        ["node", "create", "450100", "--kind", "city", "--name", "南宁市"],
        ["node", "create", "450102", "--kind", "county", "--name", "兴宁区", "--parent", "450100"],
        ["node", "create", "450103", "--kind", "county", "--name", "青秀区", "--parent", "450100"],
        ["people", "add-unit", "U450103-EDU", "--node", "450103", "--name", "青秀区教育局"],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def directory():  # type: ignore[no-untyped-def]
    from renda.cli import _directory

    return _directory()


def test_create_sign_in_disable_and_reset(env: None) -> None:
    code, out = cli(
        "account",
        "create",
        "xn.chen",
        "--name",
        "陈科长",
        "--node",
        "450102",
        "--role",
        "committee",
    )
    assert code == 0, out
    account, password = out.split()
    assert account == "xn.chen" and len(password) >= 12
    with directory().db.session() as session:
        stored = session.scalar(select(Account.password_hash).where(Account.id == "xn.chen"))
    assert stored.startswith("$argon2") and password not in stored

    signed = directory().accounts.sign_in("xn.chen", password)
    assert signed is not None
    principal = directory().authenticate(signed.token)
    assert principal is not None
    assert (principal.node_id, principal.role, principal.key_id) == (
        "450102",
        "committee",
        "@xn.chen",
    )

    assert cli("account", "disable", "xn.chen") == (0, "disabled xn.chen\n")
    assert directory().authenticate(signed.token) is None
    assert directory().accounts.sign_in("xn.chen", password) is None

    code, out = cli("account", "reset-password", "xn.chen")
    assert code == 0
    assert directory().accounts.sign_in("xn.chen", out.split()[1]) is not None
    assert directory().accounts.sign_in("xn.chen", password) is None


def test_an_account_is_scoped_like_a_key(env: None) -> None:
    code, out = cli(
        "account",
        "create",
        "xn.edu",
        "--name",
        "x",
        "--node",
        "450102",
        "--role",
        "unit",
        "--subject",
        "U450103-EDU",
    )
    assert code != 0 and "no unit U450103-EDU under node 450102" in out
    code, out = cli(
        "account", "create", "Bad Name", "--name", "x", "--node", "450102", "--role", "reader"
    )
    assert code != 0 and "3-24 of a-z" in out
    code, out = cli(
        "account", "create", "qx.reader", "--name", "x", "--node", "450103", "--role", "reader"
    )
    assert code == 0
    assert (
        cli(
            "account", "create", "qx.reader", "--name", "x", "--node", "450103", "--role", "reader"
        )[0]
        != 0
    )
