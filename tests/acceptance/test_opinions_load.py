"""500 opinions through the public form from 20 clients at once: each stored once, the
rate limit held exactly as configured, never a 5xx."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import func, select

from services.intake.store import Submission
from services.workflow.opinions.store import Opinion
from tests.support.browser import serving
from tests.support.system import start_in_process

ALLOWED = 450


def test_500_opinions_from_20_clients(tmp_path: Path) -> None:
    system = start_in_process(
        tmp_path / "var", opinion_rate_per_address=ALLOWED, opinion_rate_per_token=10_000
    )
    try:
        code = system.client.post(
            "/intake/v1/opinion-codes",
            json={"station_id": "450102001-S1"},
            headers=system.headers(),
        ).get_json()
        with serving(system.client.application) as base, ThreadPoolExecutor(20) as pool:

            def post(n: int) -> int:
                answer = requests.post(
                    f"{base}/intake/v1/public/opinions",
                    json={"code": code["token"], "text": f"第{n}条意见：路灯不亮"},
                    timeout=60,
                )
                if answer.status_code == 429:
                    assert int(answer.headers["Retry-After"]) >= 1
                return answer.status_code

            statuses = Counter(pool.map(post, range(500)))
        assert statuses == {202: ALLOWED, 429: 500 - ALLOWED}, statuses

        intake, workflow = system.runtime("intake"), system.runtime("workflow")
        with intake.db.session() as session:
            filed = session.scalar(
                select(func.count()).select_from(Submission).where(Submission.kind == "opinion")
            )
        assert filed == ALLOWED
        deadline = time.monotonic() + 60
        while True:
            with workflow.db.session() as session:
                landed = session.scalar(select(func.count()).select_from(Opinion))
                texts = session.scalar(select(func.count(func.distinct(Opinion.text))))
            if landed == ALLOWED or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert landed == texts == ALLOWED
    finally:
        system.stop()
