"""Where the console on its own reaches each API: RENDA_API_BASE_URL's three forms."""

from __future__ import annotations

import json

import pytest
from werkzeug.wrappers import Request, Response

from runtime.config import Settings
from services.console.client import http_transport
from tests.support.browser import serving

LISTED = (
    "intake=http://127.0.0.1:8001,workflow=http://127.0.0.1:8002,"
    "scoring=http://127.0.0.1:8003,notify=http://127.0.0.1:8004/"
)


def _settings(url: str) -> Settings:
    return Settings.from_env({"RENDA_API_BASE_URL": url})


def test_one_gateway_serves_every_service() -> None:
    settings = _settings("https://renda.example.org/")
    assert settings.api_url_for("workflow") == "https://renda.example.org/"


def test_service_placeholder_names_each_services_api() -> None:
    settings = _settings("http://renda-{service}-api:80")
    assert settings.api_url_for("intake") == "http://renda-intake-api:80"
    assert settings.api_url_for("scoring") == "http://renda-scoring-api:80"


def test_a_list_gives_each_service_its_own_url() -> None:
    settings = _settings(LISTED)
    assert settings.api_url_for("intake") == "http://127.0.0.1:8001"
    assert settings.api_url_for("notify") == "http://127.0.0.1:8004/"


@pytest.mark.parametrize(
    "url",
    [
        "intake=http://127.0.0.1:8001",
        LISTED + ",archive=http://127.0.0.1:8009",
        LISTED + ",intake=http://127.0.0.1:8009",
    ],
)
def test_a_list_must_name_every_service_once(url: str) -> None:
    with pytest.raises(ValueError, match="intake=URL,workflow=URL,scoring=URL,notify=URL"):
        _settings(url)


@Request.application
def _echo(request: Request) -> Response:
    answer = {"host": request.host, "path": request.full_path.rstrip("?")}
    status = 404 if request.path.endswith("/missing") else 200
    return Response(json.dumps(answer), status, content_type="application/json")


def test_each_call_goes_to_the_api_of_the_service_its_path_names() -> None:
    with serving(_echo) as intake, serving(_echo) as workflow:
        urls = {"intake": intake + "/", "workflow": workflow}
        send = http_transport(urls.__getitem__)
        to_workflow = send("GET", "/workflow/v1/suggestions?limit=5", {}, None)
        to_intake = send("POST", "/intake/v1/suggestions", {}, b"{}")
        refused = send("GET", "/intake/v1/missing", {}, None)
    assert to_workflow.status == 200
    assert to_workflow.body == {
        "host": workflow.removeprefix("http://"),
        "path": "/workflow/v1/suggestions?limit=5",
    }
    assert to_intake.body["host"] == intake.removeprefix("http://")
    assert (refused.status, refused.body["path"]) == (404, "/intake/v1/missing")
