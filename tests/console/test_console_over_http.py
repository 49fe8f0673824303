"""The console as its own process: the same pages, the APIs reached over HTTP."""

from __future__ import annotations

import uuid

import pytest
from werkzeug.test import Client

from renda.processes import console_app, console_wsgi, local_secret_key
from services.console.app import mounted
from services.console.client import http_transport
from tests.console.conftest import Console, csrf
from tests.support.browser import serving
from tests.support.system import GOOD_SUGGESTION


def test_signed_in_pages_and_actions_over_http(console: Console) -> None:
    answer = console.system.file({**GOOD_SUGGESTION, "title": "经由网关的建议"})
    sid = console.system.settled_receipt(answer.get_json()["id"])["resource"]["id"]
    directory = console.system.runtimes[0].directory
    with serving(console.app) as apis:
        settings = local_secret_key(console.system.settings)
        app = mounted(console_app(settings, directory, http_transport(lambda service: apis)))
        client = Client(app)
        signed = client.post(
            "/console/sign-in",
            data={
                "csrf_token": csrf(client, "/console/sign-in"),
                "account": "xn.edu",
                "password": console.passwords["xn.edu"],
            },
        )
        assert signed.status_code == 302
        listing = client.get("/console/suggestions").get_data(as_text=True)
        assert "经由网关的建议" in listing
        acted = client.post(
            f"/console/suggestions/{sid}/act/record",
            data={
                "csrf_token": csrf(client, f"/console/suggestions/{sid}"),
                "idempotency_key": uuid.uuid4().hex,
                "kind": "contact",
                "stage": "before",
                "text": "经网关记录的联系",
            },
        )
        assert acted.status_code == 302
        page = client.get(f"/console/suggestions/{sid}").get_data(as_text=True)
        assert "办理记录：已受理" in page and "经网关记录的联系" in page


def test_the_console_on_its_own_answers_prometheus_and_counts_sign_ins(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = console.system.settings
    with serving(console.app) as apis:
        for name, value in {
            "RENDA_DATABASE_URL": settings.database_url,
            "RENDA_API_BASE_URL": apis,
            "RENDA_SECRET_KEY": "a-signing-key-for-this-test-only-0123456789",
        }.items():
            monkeypatch.setenv(name, value)
        # The process's JSON log set-up would replace pytest's log capture for later tests.
        monkeypatch.setattr("runtime.logs.configure_logging", lambda level: None)
        client = Client(console_wsgi())
        assert client.get("/healthz").get_json() == {"status": "ok"}
        refused = client.post(
            "/console/sign-in",
            data={
                "csrf_token": csrf(client, "/console/sign-in"),
                "account": "xn.edu",
                "password": "not-the-password",
            },
        )
        assert refused.status_code == 422
        metrics = client.get("/metrics").get_data(as_text=True)
    assert 'renda_console_sign_ins_total{outcome="refused"}' in metrics
    assert (
        'renda_http_requests_total{method="POST",route="/sign-in",service="console",status="422"}'
        in metrics
    )
