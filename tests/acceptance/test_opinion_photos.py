"""Photos on opinions (issue 10): up to 3 on the public form and on a deputy's photo report
(随手拍: photos, place, text), the type from the decoded bytes, kept without metadata (the
EXIF location), size-limited; a refused photo refuses the opinion and nothing is kept.
And the doors' other guards: a key acts only as itself, a record needs a station in reach."""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from runtime.clock import FixedClock
from tests.support.cycle import START, Cycle
from tests.support.system import start_in_process

STATION, COUNTY = "450102001-S1", "450102"
PUBLIC_DOOR = "/intake/v1/public/opinions/with-photos"
RECORD_DOOR = "/intake/v1/opinions/with-photos"
GPS_MAKER = "RendaTestCamera"


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cycle]:
    clock = FixedClock(START)  # one clock: the cycle moves the system's time
    running = start_in_process(
        tmp_path_factory.mktemp("photos") / "var",
        clock=clock,
        opinion_rate_per_address=1000,
        opinion_rate_per_token=1000,
    )
    yield Cycle(running, clock)
    running.stop()


def jpeg_with_location(size: tuple[int, int] = (80, 60)) -> bytes:
    """A phone's photo: EXIF with the camera's name and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = GPS_MAKER  # Make
    exif[0x0112] = 6  # Orientation: rotated; the kept photo is turned upright
    exif.get_ifd(0x8825).update({1: "N", 2: (22.0, 49.0, 1.0), 3: "E", 4: (108.0, 19.0, 2.0)})
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", GPS_MAKER)
    out = io.BytesIO()
    Image.new("RGBA", (40, 40), (0, 120, 200, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def post_public(cycle: Cycle, files: list[tuple[bytes, str]], **fields: str):
    token = cycle.system.keys[f"qr_{STATION}"]
    data: dict = {"code": token, "text": "小区东门路灯坏了", **fields}
    data["photos"] = [(io.BytesIO(content), name) for content, name in files]
    return cycle.system.client.post(PUBLIC_DOOR, data=data, content_type="multipart/form-data")


def kept_photos(cycle: Cycle) -> list[Path]:
    return [p for p in (cycle.system.settings.var_dir / "photos").rglob("*") if p.is_file()]


def opinion_rows(cycle: Cycle) -> int:
    rt = cycle.system.runtime("intake")
    with rt.db.engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT count(*) FROM submissions WHERE kind = 'opinion'"
        ).scalar_one()


def test_photos_are_kept_upright_and_without_their_location(cycle: Cycle) -> None:
    answer = post_public(
        cycle, [(jpeg_with_location(), "IMG_0001.JPG"), (png_with_text(), "a.png")]
    )
    assert answer.status_code == 202, answer.get_json()
    receipt = cycle.system.settled_receipt(answer.get_json()["id"])
    assert receipt["status"] == "accepted", receipt
    station = cycle.key("system", node=STATION)
    record = cycle.system.client.get(
        receipt["resource"]["href"], headers=cycle.system.headers(station)
    ).get_json()
    assert [(p["media_type"], p["width"], p["height"]) for p in record["photos"]] == [
        ("image/jpeg", 60, 80),  # turned upright by its orientation tag, then the tag dropped
        ("image/png", 40, 40),
    ]
    for photo in record["photos"]:
        served = cycle.system.client.get(photo["href"])  # a link without a key
        assert served.status_code == 200
        assert served.mimetype == photo["media_type"]
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert GPS_MAKER.encode() not in served.data
        with Image.open(io.BytesIO(served.data)) as image:
            assert not image.getexif() and not image.getexif().get_ifd(0x8825)
            assert "Comment" not in image.info
    assert len(kept_photos(cycle)) == 2


def _not_an_image() -> bytes:
    return b"\xff\xd8\xff\xe0" + b"this claims to be a JPEG by its first bytes" * 10


def _truncated_jpeg() -> bytes:
    whole = io.BytesIO()
    Image.effect_noise((400, 400), 60).convert("RGB").save(whole, "JPEG")
    return whole.getvalue()[: len(whole.getvalue()) // 2]


@pytest.mark.parametrize(
    ("files", "status", "field", "says"),
    [
        ([(b"\xff" * 20_000_000, "big.jpg")], 413, "photos", "up to 3 photos of at most 5 MB"),
        ([(b"\xff" * 6_000_000, "six.jpg")], 413, "photos.0", "at most 5 MB"),
        ([(_not_an_image(), "fake.jpg")], 422, "photos.0", "not a JPEG, PNG or WebP"),
        ([(_truncated_jpeg(), "cut.jpg")], 422, "photos.0", "not a JPEG, PNG or WebP"),
        ([(png_with_text(), "ok.png"), (b"%PDF-1.4", "b.png")], 422, "photos.1", "Photo 2"),
        ([(png_with_text(), f"{n}.png") for n in range(4)], 422, "photos", "at most 3"),
        ([(b"", "empty.jpg")], 422, "photos.0", "empty"),
    ],
)
def test_a_refused_photo_refuses_the_opinion_and_nothing_is_kept(
    cycle: Cycle, files: list, status: int, field: str, says: str
) -> None:
    rows, photos = opinion_rows(cycle), len(kept_photos(cycle))
    answer = post_public(cycle, files, text=f"照片不合格 {uuid.uuid4().hex}")
    assert answer.status_code == status
    assert answer.headers["Content-Type"] == "application/problem+json"
    problem = answer.get_json()
    assert problem["errors"][0]["field"] == field
    assert says in problem["detail"]
    assert (opinion_rows(cycle), len(kept_photos(cycle))) == (rows, photos)


def test_the_photo_door_takes_multipart_only_and_checks_its_fields(cycle: Cycle) -> None:
    rows = opinion_rows(cycle)
    token = cycle.system.keys[f"qr_{STATION}"]
    as_json = cycle.system.client.post(PUBLIC_DOOR, json={"code": token, "text": "路灯"})
    assert as_json.status_code == 415
    assert as_json.get_json()["errors"][0]["field"] == "Content-Type"
    # The JSON door still takes JSON only.
    as_form = cycle.system.client.post(
        "/intake/v1/public/opinions",
        data={"code": token, "text": "路灯"},
        content_type="multipart/form-data",
    )
    assert as_form.status_code == 415
    hostile = [
        ({"text": "路灯\x00坏了"}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "长" * 10_000}, "text"),
        ({"phone": "12345"}, "phone"),
        ({"station_id": "450102002-S1"}, "station_id"),
        ({"photos": "not a file"}, "photos"),
    ]
    for fields, field in hostile:
        answer = cycle.system.client.post(
            PUBLIC_DOOR,
            data={"code": token, "text": "路灯", **fields},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 422, (fields, answer.get_json())
        assert field in [e["field"] for e in answer.get_json()["errors"]], answer.get_json()
    stray = cycle.system.client.post(
        PUBLIC_DOOR,
        data={"code": token, "text": "路灯", "photo": (io.BytesIO(png_with_text()), "a.png")},
        content_type="multipart/form-data",
    )
    assert stray.status_code == 422 and stray.get_json()["errors"][0]["field"] == "photo"
    assert opinion_rows(cycle) == rows


def test_the_photo_doors_are_documented_with_their_limits(cycle: Cycle) -> None:
    spec = cycle.system.client.get("/intake/v1/openapi.json").get_json()
    public = spec["paths"][PUBLIC_DOOR]["post"]
    assert list(public["requestBody"]["content"]) == ["multipart/form-data"]
    assert {"413", "415", "422", "429"} <= set(public["responses"])
    record = spec["paths"][RECORD_DOOR]["post"]
    assert list(record["requestBody"]["content"]) == ["multipart/form-data"]


def test_photo_names_reach_no_other_file(cycle: Cycle) -> None:
    for name in ("..%2F..%2Fintake.db", "x.jpg", "0" * 32 + ".gif", "0" * 32 + ".jpg"):
        answer = cycle.system.client.get(f"/intake/v1/public/opinions/photos/{name}")
        assert answer.status_code == 404, name


def test_a_deputys_photo_report_with_place_and_a_township_reception_day(cycle: Cycle) -> None:
    deputy = cycle.key("deputy", "D450102-001")
    headers = cycle.system.headers(deputy, **{"Idempotency-Key": uuid.uuid4().hex})
    report = {
        "station_id": STATION,
        "channel": "photo_report",
        "text": "人行道井盖缺失，行人易摔倒。",
        "place": "民生路与新华街交叉口东北角",
    }
    answer = cycle.system.client.post(
        RECORD_DOOR,
        data={**report, "photos": [(io.BytesIO(jpeg_with_location()), "well.jpg")]},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert answer.status_code == 202, answer.get_json()
    receipt = cycle.system.settled_receipt(answer.get_json()["id"], key_name=deputy)
    assert receipt["status"] == "accepted", receipt
    county = cycle.key("system", node=COUNTY)
    record = cycle.system.client.get(
        receipt["resource"]["href"], headers=cycle.system.headers(county)
    ).get_json()
    assert (record["channel"], record["place"], record["recorded_by"]) == (
        "photo_report",
        report["place"],
        "deputy:D450102-001",
    )
    assert len(record["photos"]) == 1
    # A retry of the same report answers the first receipt and keeps no second photo.
    photos = len(kept_photos(cycle))
    again = cycle.system.client.post(
        RECORD_DOOR,
        data={**report, "photos": [(io.BytesIO(jpeg_with_location()), "well.jpg")]},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert again.status_code == 202 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == answer.get_json()["id"]
    assert len(kept_photos(cycle)) == photos

    refused = [
        (RECORD_DOOR, {**report, "place": ""}, "place", 422),
        ("/intake/v1/opinions", report, "photos", 422),
        (RECORD_DOOR, {**report, "deputy_id": "D450102-002"}, "deputy_id", 403),
    ]
    for door, body, field, status in refused:
        rows = opinion_rows(cycle)
        fresh = cycle.system.headers(deputy, **{"Idempotency-Key": uuid.uuid4().hex})
        if door == RECORD_DOOR:
            data = {**body, "photos": [(io.BytesIO(png_with_text()), "a.png")]}
            answer = cycle.system.client.post(
                door, data=data, content_type="multipart/form-data", headers=fresh
            )
        else:
            answer = cycle.system.client.post(door, json=body, headers=fresh)
        assert answer.status_code == status, answer.get_json()
        assert answer.get_json()["errors"][0]["field"] == field
        assert opinion_rows(cycle) == rows

    township = cycle.key("system", node="450102001")
    reception_day = {
        "station_id": STATION,
        "channel": "reception_day",
        "text": "希望增设公交站",
        "phone": "13812341234",
    }
    once = cycle.system.headers(township, **{"Idempotency-Key": uuid.uuid4().hex})
    reception = cycle.system.client.post("/intake/v1/opinions", json=reception_day, headers=once)
    assert reception.status_code == 202
    retried = cycle.system.client.post("/intake/v1/opinions", json=reception_day, headers=once)
    assert retried.status_code == 202 and retried.get_json()["id"] == reception.get_json()["id"]
    assert retried.get_json()["public_code"] == reception.get_json()["public_code"]
    assert cycle.system.settled_receipt(reception.get_json()["id"], key_name=township)[
        "status"
    ] == ("accepted")


def test_a_unit_key_cannot_report_for_another_unit(cycle: Cycle) -> None:
    unit = cycle.key("unit", "U450102-EDU")
    answer = cycle.system.client.post(
        f"/intake/v1/opinions/{uuid.uuid4()}/unit-reply",
        json={"reply": "已处理", "unit_id": "U450102-HOUSING"},
        headers=cycle.system.headers(unit, **{"Idempotency-Key": uuid.uuid4().hex}),
    )
    assert answer.status_code == 403
    assert answer.get_json()["errors"][0]["field"] == "unit_id"


def test_photos_are_erased_with_the_contact_when_the_retention_passes(cycle: Cycle) -> None:
    answer = post_public(
        cycle,
        [(png_with_text(), "a.png")],
        text="儿童乐园滑梯松动",
        name="张三",
        phone="13812341234",
    )
    receipt = cycle.system.settled_receipt(answer.get_json()["id"])
    assert receipt["status"] == "accepted", receipt
    station = cycle.key("system", node=STATION)
    href = receipt["resource"]["href"]
    (photo,) = cycle.system.client.get(href, headers=cycle.system.headers(station)).get_json()[
        "photos"
    ]
    resolved = cycle.system.client.post(
        f"/intake/v1/opinions/{receipt['resource']['id']}/resolve",
        json={"reply": "路灯已修复"},
        headers=cycle.system.headers(station, **{"Idempotency-Key": uuid.uuid4().hex}),
    )
    outcome = cycle.system.settled_receipt(resolved.get_json()["id"], key_name=station)
    assert outcome["status"] == "accepted", outcome

    cycle.advance(179)  # the default retention is 180 days after closing
    cycle.tick()
    cycle.settle()
    assert cycle.system.client.get(photo["href"]).status_code == 200
    cycle.advance(2)
    cycle.tick()
    deadline = time.monotonic() + 10
    while cycle.system.client.get(photo["href"]).status_code != 404:
        assert time.monotonic() < deadline, "the photo was not erased"
        time.sleep(0.1)
    assert photo["name"] not in {p.name for p in kept_photos(cycle)}
    record = cycle.system.client.get(href, headers=cycle.system.headers(station)).get_json()
    assert (record["photos"], record["name"], record["phone"]) == ([], None, None)
