"""What an operator and an API client's tooling see: probes, metrics, OpenAPI, errors."""

from __future__ import annotations

import pytest

from contracts import REGISTRY
from runtime.config import SERVICES
from tests.api.helpers import assert_problem, settled_suggestion, wait_for
from tests.support.system import InProcessSystem

SERVICE_PATHS = {
    "intake": {"/intake/v1/suggestions", "/intake/v1/receipts/{receipt_id}"},
    "workflow": {"/workflow/v1/suggestions", "/workflow/v1/suggestions/{suggestion_id}"},
    "scoring": {"/scoring/v1/deputies/{deputy_id}/points"},
    "notify": {"/notify/v1/inbox"},
}


def test_healthz_answers_without_a_key(shared_system: InProcessSystem) -> None:
    answer = shared_system.client.get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}


def test_readyz_checks_every_database(shared_system: InProcessSystem) -> None:
    answer = shared_system.client.get("/readyz")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "ready"
    databases = {f"database:{name}" for name in (*SERVICES, "directory")}
    assert databases <= set(body["checks"])
    assert set(body["checks"].values()) == {"ok"}


def test_metrics_count_requests_and_consumed_events_after_a_flow(
    shared_system: InProcessSystem,
) -> None:
    s = shared_system
    settled_suggestion(s, s.file())

    def exposition() -> str | None:
        text = s.client.get("/metrics").get_data(as_text=True)
        consumed = f'type="{REGISTRY.latest("submission.accepted").type}"'
        return text if consumed in text else None

    text = wait_for(exposition)
    assert "renda_http_requests_total{" in text
    assert (
        'renda_http_requests_total{method="POST",route="/intake/v1/suggestions",'
        'service="intake",status="202"}' in text
    )
    for service, event_type in [
        ("workflow", REGISTRY.latest("suggestion.submitted").type),
        ("intake", REGISTRY.latest("submission.accepted").type),
    ]:
        assert f'renda_events_consumed_total{{service="{service}",type="{event_type}"}}' in text
    assert "renda_http_request_duration_seconds_bucket{" in text
    assert "renda_events_published_total{" in text


def test_metrics_do_not_label_by_id(shared_system: InProcessSystem) -> None:
    s = shared_system
    answer = s.file()
    s.client.get(answer.get_json()["href"], headers=s.headers())
    text = s.client.get("/metrics").get_data(as_text=True)
    assert answer.get_json()["id"] not in text
    assert 'route="/intake/v1/receipts/<receipt_id>"' in text


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_serves_its_openapi_document_without_a_key(
    shared_system: InProcessSystem, service: str
) -> None:
    answer = shared_system.client.get(f"/{service}/v1/openapi.json")
    assert answer.status_code == 200
    doc = answer.get_json()
    assert doc["openapi"].startswith("3.1")
    assert SERVICE_PATHS[service] <= set(doc["paths"])
    assert all(path.startswith(f"/{service}/v1/") for path in doc["paths"])
    assert "apiKey" in doc["components"]["securitySchemes"]


def test_the_intake_document_describes_filing(shared_system: InProcessSystem) -> None:
    doc = shared_system.client.get("/intake/v1/openapi.json").get_json()
    post = doc["paths"]["/intake/v1/suggestions"]["post"]
    assert "202" in post["responses"]
    assert "422" in post["responses"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in post["parameters"])


def test_an_unknown_path_is_a_problem(shared_system: InProcessSystem) -> None:
    assert_problem(shared_system.client.get("/no/such/thing"), 404)
    assert_problem(
        shared_system.client.get("/intake/v1/nothing", headers=shared_system.headers()), 404
    )


def test_an_unexpected_error_is_a_500_problem_without_a_trace(
    shared_system: InProcessSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    import services.intake.api.receipts as receipts

    def broken(name: str) -> None:
        raise RuntimeError("password=hunter2 at db.internal:5432")

    monkeypatch.setattr(receipts, "service", broken)
    answer = shared_system.client.get(
        "/intake/v1/receipts/anything", headers=shared_system.headers()
    )
    body = assert_problem(answer, 500)
    text = answer.get_data(as_text=True)
    assert "hunter2" not in text
    assert "RuntimeError" not in text
    assert "Traceback" not in text
    assert body["title"] == "Internal Server Error"
    assert answer.headers.get("X-Correlation-Id")


def test_a_database_out_of_reach_is_a_503_to_try_again(
    shared_system: InProcessSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    import services.intake.api.receipts as receipts

    def unreachable(name: str) -> None:
        raise OperationalError("select 1", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(receipts, "service", unreachable)
    answer = shared_system.client.get(
        "/intake/v1/receipts/anything", headers=shared_system.headers()
    )
    body = assert_problem(answer, 503)
    assert answer.headers["Retry-After"] == "1"
    assert "Idempotency-Key" in body["detail"]
    assert "select 1" not in answer.get_data(as_text=True)
    spec = shared_system.client.get("/intake/v1/openapi.json").get_json()
    operation = spec["paths"]["/intake/v1/receipts/{receipt_id}"]["get"]
    assert "503" in operation["responses"]


def test_a_resource_path_ending_in_openapi_json_still_needs_a_key(
    shared_system: InProcessSystem,
) -> None:
    answer = shared_system.client.get("/workflow/v1/suggestions/openapi.json")
    assert_problem(answer, 401)


def test_a_correlation_id_given_is_echoed(shared_system: InProcessSystem) -> None:
    answer = shared_system.client.get("/healthz", headers={"X-Correlation-Id": "trace-42"})
    assert answer.headers["X-Correlation-Id"] == "trace-42"
