"""`make run` shows notify's e-mail without a mail server: one .eml file per message."""

from __future__ import annotations

import json
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path

import requests

from tests.e2e.test_standalone import _start, _stop
from tests.support.infra import free_port
from tests.support.system import GOOD_SUGGESTION


def test_the_demo_citys_mail_lands_in_the_sink_the_banner_names(tmp_path: Path) -> None:
    port = free_port()
    process = _start(tmp_path, port)
    sink = tmp_path / "var" / "outbox-mail"
    try:
        keys = json.loads((tmp_path / "var" / "demo-keys.json").read_text())
        answer = requests.post(
            f"http://127.0.0.1:{port}/intake/v1/suggestions",
            json=GOOD_SUGGESTION,
            headers={
                "Authorization": f"Bearer {keys['county_system_450102']}",
                "Idempotency-Key": uuid.uuid4().hex,
            },
            timeout=10,
        )
        assert answer.status_code == 202
        deadline = time.monotonic() + 30
        while not list(sink.glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.2)
        (mail_file,) = sink.glob("*.eml")
        mail = message_from_bytes(mail_file.read_bytes(), policy=policy.default)
        assert mail["To"] == "edu@450102.example.cn"
        assert "新交办建议" in mail["Subject"]
        assert mail["Message-ID"].startswith(f"<{mail_file.stem}@")
    finally:
        output = _stop(process)
    assert f"file://{sink.resolve()}" in output
