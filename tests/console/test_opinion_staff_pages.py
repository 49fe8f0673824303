"""The offices' opinion pages: the worklist, the record with its route and the phone in
clear only for the holder, a decision through intake, and the QR codes to print."""

from __future__ import annotations

import io
import time
import uuid

from PIL import Image

from tests.console.conftest import Console, csrf
from tests.support.system import GOOD_SUGGESTION

STATION, TOWNSHIP, COUNTY = "450102001-S1", "450102001", "450102"
PHONE = "13912345678"


def _opinion_at(console: Console, level: str) -> str:
    """An opinion left through the public form, sent up to `level` by the offices' keys."""
    system = console.system
    answer = system.client.post(
        "/intake/v1/public/opinions",
        json={
            "code": system.keys[f"qr_{STATION}"],
            "text": f"{uuid.uuid4()} 路口拥堵",
            "phone": PHONE,
        },
    )
    receipt = system.settled_receipt(answer.get_json()["id"])
    opinion_id = receipt["resource"]["id"]
    directory = system.runtime("intake").directory
    for node in (STATION, TOWNSHIP)[: ("station", "township", "county").index(level)]:
        key = directory.create_key(node, "system")
        sent = system.client.post(
            f"/intake/v1/opinions/{opinion_id}/escalate",
            json={"reason": "需上级协调"},
            headers={"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex},
        )
        name = f"tmp-{node}"
        system.keys[name] = key
        assert system.settled_receipt(sent.get_json()["id"], key_name=name)["status"] == "accepted"
    return opinion_id


def test_the_county_decides_what_it_holds_and_sees_the_rest_masked(console: Console) -> None:
    held, below = _opinion_at(console, "county"), _opinion_at(console, "township")
    client = console.client("xn.committee")
    worklist = client.get("/console/opinions").get_data(as_text=True)
    assert held in worklist and below in worklist

    page = client.get(f"/console/opinions/{held}").get_data(as_text=True)
    assert PHONE in page and 'id="decide-resolve"' in page and 'id="decide-escalate"' not in page
    other = client.get(f"/console/opinions/{below}").get_data(as_text=True)
    assert PHONE not in other and "139****5678" in other and "decide-" not in other

    path = f"/console/opinions/{held}"
    answer = client.post(
        f"{path}/act/resolve", data={"csrf_token": csrf(client, path), "reply": "已协调交警疏导"}
    )
    assert answer.status_code == 303
    for _ in range(50):
        page = client.get(path).get_data(as_text=True)
        if "closed" in page:
            break
        time.sleep(0.1)
    assert "已协调交警疏导" in page and "decide-" not in page

    refused = client.post(
        f"{path}/act/resolve", data={"csrf_token": csrf(client, path), "reply": "再答复"}
    )
    assert refused.status_code == 422


def test_qr_codes_are_made_and_printed(console: Console) -> None:
    client = console.client("xn.committee")
    path = "/console/opinion-codes"
    made = client.post(
        path, data={"csrf_token": csrf(client, path), "station_id": STATION, "label": "二楼"}
    )
    assert made.status_code == 303
    page = client.get(path).get_data(as_text=True)
    assert "data:image/svg+xml" in page and "二楼" in page


def test_a_photo_report_shows_its_place_and_photos_on_the_record(console: Console) -> None:
    system = console.system
    picture = io.BytesIO()
    Image.new("RGB", (50, 40), (90, 90, 200)).save(picture, "PNG")
    key = system.runtime("intake").directory.create_key(COUNTY, "deputy", subject="D450102-001")
    system.keys["tmp-deputy"] = key
    answer = system.client.post(
        "/intake/v1/opinions/with-photos",
        data={
            "station_id": STATION,
            "channel": "photo_report",
            "text": "护栏倒伏",
            "place": "民生路小学门口",
            "photos": [(io.BytesIO(picture.getvalue()), "rail.png")],
        },
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex},
    )
    receipt = system.settled_receipt(answer.get_json()["id"], key_name="tmp-deputy")
    page = console.client("xn.committee").get(f"/console/opinions/{receipt['resource']['id']}")
    text = page.get_data(as_text=True)
    assert "民生路小学门口" in text
    assert '<img src="/intake/v1/public/opinions/photos/' in text


def test_a_deputy_adopts_an_opinion_as_the_suggestion_filed_from_it(console: Console) -> None:
    opinion_id = _opinion_at(console, "station")
    client = console.client("xn.d001")
    page = client.get(f"/console/opinions/{opinion_id}").get_data(as_text=True)
    assert 'id="decide-adopt"' in page and "source_opinion_id" in page  # nothing to adopt yet
    filed = console.system.file({**GOOD_SUGGESTION, "source_opinion_id": opinion_id})
    suggestion_id = console.system.settled_receipt(filed.get_json()["id"])["resource"]["id"]
    path = f"/console/opinions/{opinion_id}"
    page = client.get(path).get_data(as_text=True)
    assert f'<option value="{suggestion_id}">' in page
    answer = client.post(
        f"{path}/act/adopt",
        data={"csrf_token": csrf(client, path), "suggestion_id": suggestion_id},
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)
    assert "已受理" in client.get(path).get_data(as_text=True)
    record = client.get(path).get_data(as_text=True)
    assert 'id="state">adopted' in record and 'id="decide-adopt"' not in record
    # A committee adopts in nobody's name: the decision is the deputy's.
    committee = console.client("xn.committee")
    refused = committee.post(
        f"{path}/act/adopt",
        data={"csrf_token": csrf(committee, path), "suggestion_id": suggestion_id},
    )
    assert refused.status_code == 404 and "没有这项操作" in refused.get_data(as_text=True)
