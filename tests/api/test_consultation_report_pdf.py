"""A contact point's report as PDF: documented in workflow's OpenAPI as application/pdf,
with its errors (the PDF itself is read back in tests/console/test_consultation_pages.py,
where a whole draft is collected and reported)."""

from __future__ import annotations

from tests.api.test_contract import resolve, spec
from tests.support.system import InProcessSystem

PATH = "/workflow/v1/consultations/{consultation_id}/reports/{report_id}.pdf"


def test_the_report_pdf_is_documented(shared_api: InProcessSystem) -> None:
    document = spec(shared_api, "workflow")
    responses = document["paths"][PATH]["get"]["responses"]
    assert list(responses["200"]["content"]) == ["application/pdf"]
    assert {"401", "404", "500"} <= set(responses)
    assert "application/problem+json" in resolve(document, responses["404"])["content"]


def test_no_such_report_is_a_404_problem(shared_api: InProcessSystem) -> None:
    key = shared_api.runtime("workflow").directory.create_key("450102", "committee", label="t")
    answer = shared_api.client.get(
        "/workflow/v1/consultations/none/reports/none.pdf",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
