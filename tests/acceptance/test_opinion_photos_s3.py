"""Opinions' photos in an S3-compatible bucket (RENDA_PHOTO_STORE, issue 10): posted through
the public door, kept as objects in the bucket, nothing on the disk, served back by the
same link; a missing one is the same 404 as with files."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from runtime.clock import FixedClock
from tests.acceptance.test_opinion_photos import STATION, kept_photos, png_with_text, post_public
from tests.support.cycle import START, Cycle
from tests.support.s3 import S3Server, s3_server
from tests.support.system import start_in_process


@pytest.fixture
def s3() -> Iterator[S3Server]:
    with s3_server() as server:
        yield server


def test_an_opinions_photo_is_kept_in_the_bucket_and_served_back(
    s3: S3Server, tmp_path: Path
) -> None:
    bucket = s3.new_bucket()
    running = start_in_process(tmp_path / "var", clock=FixedClock(START), **s3.settings(bucket))
    try:
        cycle = Cycle(running, FixedClock(START))
        answer = post_public(cycle, [(png_with_text(), "a.png")])
        assert answer.status_code == 202, answer.get_json()
        receipt = running.settled_receipt(answer.get_json()["id"])
        assert receipt["status"] == "accepted", receipt
        station = cycle.key("system", node=STATION)
        record = running.client.get(
            receipt["resource"]["href"], headers=running.headers(station)
        ).get_json()
        (photo,) = record["photos"]
        name = photo["href"].rsplit("/", 1)[1]
        assert s3.keys(bucket) == [f"photos/{name[:2]}/{name}"]
        assert kept_photos(cycle) == []  # nothing under var/photos

        served = running.client.get(photo["href"])  # a link without a key
        assert (served.status_code, served.mimetype) == (200, "image/png")
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert served.data.startswith(b"\x89PNG")

        missing = running.client.get(photo["href"].replace(name, "0" * 32 + ".png"))
        assert (missing.status_code, missing.mimetype) == (404, "application/problem+json")
        assert missing.get_json()["detail"] == "No photo with that id."
    finally:
        running.stop()


def test_readyz_checks_the_bucket(s3: S3Server, tmp_path: Path) -> None:
    bucket = s3.new_bucket()
    running = start_in_process(tmp_path / "var", clock=FixedClock(START), **s3.settings(bucket))
    try:
        ready = running.client.get("/readyz")
        assert ready.status_code == 200, ready.get_json()
        assert ready.get_json()["checks"]["photo_store"] == "ok"
        s3.client().delete_bucket(Bucket=bucket)
        deadline = time.monotonic() + 10  # the answer is cached for 2 s
        while (answer := running.client.get("/readyz")).status_code == 200:
            assert time.monotonic() < deadline, answer.get_json()
            time.sleep(0.2)
        assert answer.status_code == 503
        assert answer.get_json()["checks"]["photo_store"] == "unreachable: PhotoStoreUnreachable"
    finally:
        running.stop()
