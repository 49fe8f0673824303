"""The console as its own process: the same pages, the APIs reached over HTTP."""

from __future__ import annotations

import uuid

from werkzeug.test import Client

from renda.processes import console_app, local_secret_key
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
