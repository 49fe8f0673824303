"""`make run`'s mode, as a newcomer uses it: one process, one port, a demo city, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

from tests.support.infra import free_port
from tests.support.system import GOOD_SUGGESTION

RENDA = Path(sys.executable).parent / "renda"


def _start(workdir: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENDA_")}
    env.update(PORT=str(port))
    process = subprocess.Popen(
        [RENDA, "run"],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=1).ok:
                return process
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(f"renda run did not become ready:\n{process.communicate()[0]}")


def _stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    return output


def test_make_run_serves_the_whole_flow_and_keeps_data_across_restarts(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = _start(tmp_path, port)
    try:
        keys = json.loads((tmp_path / "var" / "demo-keys.json").read_text())
        auth = {"Authorization": f"Bearer {keys['county_system_450102']}"}
        answer = requests.post(
            f"{base}/intake/v1/suggestions",
            json=GOOD_SUGGESTION,
            headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
            timeout=10,
        )
        assert answer.status_code == 202, answer.text
        receipt_url = f"{base}{answer.json()['href']}"
        deadline = time.monotonic() + 20
        receipt = answer.json()
        while receipt["status"] == "pending" and time.monotonic() < deadline:
            time.sleep(0.1)
            receipt = requests.get(receipt_url, headers=auth, timeout=10).json()
        assert receipt["status"] == "accepted"
        suggestion = requests.get(f"{base}{receipt['resource']['href']}", headers=auth, timeout=10)
        assert suggestion.json()["state"] == "assigned"
        unit_auth = {"Authorization": f"Bearer {keys['unit_450102_EDU']}"}
        inbox = requests.get(
            f"{base}/notify/v1/inbox?recipient=unit:U450102-EDU", headers=unit_auth, timeout=10
        )
        assert len(inbox.json()["items"]) == 1
        points = requests.get(f"{base}/scoring/v1/deputies/D450102-001/points", headers=auth)
        assert points.json()["total"] == 2
        for service in ("intake", "workflow", "scoring", "notify"):
            spec = requests.get(f"{base}/{service}/v1/openapi.json", timeout=10)
            assert spec.status_code == 200
        assert "renda_http_requests_total" in requests.get(f"{base}/metrics", timeout=10).text
    finally:
        output = _stop(process)
    assert keys["county_system_450102"] in output
    assert f"{base}/intake/v1/openapi.json" in output
    assert "renda stopped" in output

    process = _start(tmp_path, port)
    try:
        again = json.loads((tmp_path / "var" / "demo-keys.json").read_text())
        assert again == keys
        kept = requests.get(f"{base}{receipt['resource']['href']}", headers=auth, timeout=10)
        assert kept.status_code == 200
        assert kept.json()["number"] == receipt["resource"]["number"]
    finally:
        _stop(process)


def _renda(workdir: Path, *args: str, port: int | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENDA_")}
    if port is not None:
        env.update(PORT=str(port))
    return subprocess.run(
        [RENDA, *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=60
    )


def _colour_becomes(url: str, auth: dict[str, str], colour: str) -> dict:
    deadline = time.monotonic() + 10
    while True:
        suggestion = requests.get(url, headers=auth, timeout=10).json()
        if suggestion["colour"] == colour or time.monotonic() > deadline:
            return suggestion
        time.sleep(0.2)


def test_a_trainer_moves_the_demo_clock_and_the_colours_follow_at_once(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = _start(tmp_path, port)
    try:
        keys = json.loads((tmp_path / "var" / "demo-keys.json").read_text())
        auth = {"Authorization": f"Bearer {keys['county_system_450102']}"}
        answer = requests.post(
            f"{base}/intake/v1/suggestions",
            json=GOOD_SUGGESTION,
            headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
            timeout=10,
        )
        receipt_url = f"{base}{answer.json()['href']}"
        deadline = time.monotonic() + 20
        receipt = answer.json()
        while receipt["status"] == "pending" and time.monotonic() < deadline:
            time.sleep(0.1)
            receipt = requests.get(receipt_url, headers=auth, timeout=10).json()
        url = f"{base}{receipt['resource']['href']}"
        assert _colour_becomes(url, auth, "white")["colour"] == "white"

        # A regular suggestion has three months; the last 15 days are yellow.
        moved = _renda(tmp_path, "clock", "advance", "80d")
        assert moved.returncode == 0, moved.stderr
        assert "(80d ahead)" in moved.stdout
        assert _colour_becomes(url, auth, "yellow")["colour"] == "yellow"
        assert _renda(tmp_path, "clock", "advance", "20d").returncode == 0
        assert _colour_becomes(url, auth, "red")["colour"] == "red"
        assert "(100d ahead)" in _renda(tmp_path, "clock", "show").stdout

        second = _renda(tmp_path, "run", port=port)
        assert second.returncode != 0
        assert f"port {port} on 127.0.0.1 is taken" in second.stderr
        assert requests.get(f"{base}/readyz", timeout=10).ok
    finally:
        output = _stop(process)
        _renda(tmp_path, "clock", "reset")
    assert "demo clock moved" in output


def test_renda_run_on_a_taken_port_refuses_before_it_starts_anything(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = _renda(tmp_path, "run", port=port)
    assert refused.returncode != 0
    assert f"port {port} on 127.0.0.1 is taken" in refused.stderr
    assert "PORT=" in refused.stderr
    assert not (tmp_path / "var").exists()  # no database migrated, nothing seeded
