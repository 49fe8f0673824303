"""Each service's OpenAPI document tells the truth about its errors, and its UI is served
by the app itself."""

from __future__ import annotations

import re
from typing import Any

import pytest

from runtime.config import SERVICES
from tests.support.system import InProcessSystem

PROBLEM = "application/problem+json"


def spec(system: InProcessSystem, service: str) -> dict[str, Any]:
    answer = system.client.get(f"/{service}/v1/openapi.json")
    assert answer.status_code == 200
    return answer.get_json()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def resolve(document: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in response:
        return document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response


@pytest.mark.parametrize("service", SERVICES)
def test_every_error_is_documented_as_problem_json(
    shared_api: InProcessSystem, service: str
) -> None:
    document = spec(shared_api, service)
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status"} <= set(problem["required"])
    assert {"detail", "errors"} <= set(problem["properties"])
    assert "Error" not in document["components"]["schemas"]
    for method, path, op in operations(document):
        codes = set(op["responses"])
        assert "default" not in codes, (method, path)
        secured = op.get("security") != []
        expected = {"500"} | ({"401", "404"} if secured else set())
        if "requestBody" in op:
            expected |= {"400", "413", "415", "422"}
        assert expected <= codes, (method, path, codes)
        for code in (c for c in codes if int(c) >= 400):
            content = resolve(document, op["responses"][code])["content"]
            assert list(content) == [PROBLEM], (method, path, code)
            assert content[PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_role_checked_operations_document_403(shared_api: InProcessSystem) -> None:
    """Every write with a key checks its role, and so do the QR codes' reads; the public
    form behind a QR code has no key and no role."""
    document = spec(shared_api, "intake")
    for method, path, op in operations(document):
        role_checked = op.get("security") != [] and (
            method == "post" or path.startswith("/intake/v1/opinion-codes")
        )
        assert ("403" in op["responses"]) == role_checked, (method, path)


def test_an_error_answer_matches_the_documented_problem(shared_api: InProcessSystem) -> None:
    answer = shared_api.client.get("/workflow/v1/suggestions?year=1")
    assert answer.status_code == 401
    assert answer.headers["Content-Type"] == PROBLEM
    body = answer.get_json(force=True)
    assert {"type", "title", "status"} <= set(body)


@pytest.mark.parametrize("service", SERVICES)
def test_swagger_ui_is_served_by_the_app_without_a_key(
    shared_api: InProcessSystem, service: str
) -> None:
    page = shared_api.client.get(f"/{service}/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "swagger-ui" in html.lower()
    assert f"/{service}/v1/openapi.json" in html
    # Nothing from outside: the deployment may have no internet.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), html
    assert "validatorUrl" in html
    for asset in re.findall(r"""(?:src|href)="([^"]+)\"""", html):
        assert asset.startswith(f"/{service}/v1/docs/assets/"), asset
        assert shared_api.client.get(asset).status_code == 200, asset


def test_only_the_ui_files_are_served(shared_api: InProcessSystem) -> None:
    assert shared_api.client.get("/intake/v1/docs/assets/../../../etc/passwd").status_code == 404
