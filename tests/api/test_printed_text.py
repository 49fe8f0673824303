"""Text that is printed (titles, names, tables, the text of a notice) is refused at the door
with a bidirectional control, which can make it read in another order, or an invisible
character, which makes two texts look the same: every service, JSON or form, and the rows
of an uploaded sheet. A zero-width joiner inside an emoji sequence stays."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.api.helpers import assert_problem, bearer, idem, new_key, stored, suggestion
from tests.support.system import InProcessSystem

REFUSED = {
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
    "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate",
    "\u2068": "first strong isolate",
    "\u2069": "pop directional isolate",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u061c": "arabic letter mark",
    "\u200b": "zero width space",
    "\u200c": "zero width non-joiner",
    "\u200d": "zero width joiner",
    "\u2060": "word joiner",
    "\ufeff": "zero width no-break space",
}
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
ASTRONAUT = "\U0001f469\U0001f3fd\u200d\U0001f680"


def _file(system: InProcessSystem, body: dict[str, Any]) -> Any:
    return system.client.post(
        "/intake/v1/suggestions",
        data=json.dumps(body),
        headers=system.headers("county_system_450102", **{"Idempotency-Key": idem()}),
        content_type="application/json",
    )


@pytest.mark.parametrize("char", list(REFUSED), ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_a_title_with_a_control_or_invisible_character_is_422_naming_it(
    shared_api: InProcessSystem, char: str
) -> None:
    before = stored(shared_api)
    problem = assert_problem(
        _file(shared_api, suggestion(title=f"关于增加{char}城区小学学位的建议")), 422, "title"
    )
    reason = problem["errors"][0]["reason"]
    assert f"U+{ord(char):04X} ({REFUSED[char]}) at character 5" in reason
    assert stored(shared_api) == before


def test_the_body_of_a_suggestion_is_held_to_the_same_rule(shared_api: InProcessSystem) -> None:
    reversed_ = suggestion(body="兴宁区学位紧张，\n建议\u202e所一学小建新。")
    assert_problem(_file(shared_api, reversed_), 422, "body")
    joined = suggestion(body="兴宁区学位紧\u200d张。")
    assert_problem(_file(shared_api, joined), 422, "body")
    names = suggestion(cosigner_ids=["D450102-002\u200b"])
    assert_problem(_file(shared_api, names), 422, "cosigner_ids.0")


def test_a_joiner_inside_an_emoji_sequence_is_accepted(shared_api: InProcessSystem) -> None:
    body = suggestion(
        title=f"关于亲子活动场地{FAMILY}的建议", body=f"宇航科普{ASTRONAUT}进校园。\n谢谢。"
    )
    assert _file(shared_api, body).status_code == 202


def _committee(system: InProcessSystem) -> dict[str, str]:
    return bearer(new_key(system, "450102", "committee"))


def test_a_notice_or_board_with_a_control_character_is_422_naming_the_field(
    shared_api: InProcessSystem,
) -> None:
    committee = _committee(shared_api)
    notice = {
        "title": "关于\u2067代表建议办理情况的通报",
        "body": "现将办理情况通报如下。",
        "recipients": ["unit:U450102-EDU"],
    }
    answer = shared_api.client.post("/notify/v1/notices", json=notice, headers=committee)
    assert "right-to-left isolate" in assert_problem(answer, 422, "title")["detail"]
    board = {
        "title": "2026年第一季度代表履职积分公示",
        "columns": ["代表", "积分"],
        "rows": [["张三", "12"], ["张\u200b三", "9"]],
    }
    answer = shared_api.client.post("/notify/v1/notices/boards", json=board, headers=committee)
    assert_problem(answer, 422, "rows.1.0")
    archive = shared_api.client.get("/notify/v1/notices", headers=committee).get_json()
    assert archive["items"] == []


def test_a_form_field_of_the_public_opinion_door_is_held_to_the_rule(
    shared_api: InProcessSystem,
) -> None:
    before = stored(shared_api)
    answer = shared_api.client.post(
        "/intake/v1/public/opinions/with-photos",
        data={
            "code": shared_api.keys["qr_450102001-S1"],
            "text": "小区东门路灯坏了",
            "name": "\u202e三张",
        },
        content_type="multipart/form-data",
    )
    assert "right-to-left override" in assert_problem(answer, 422, "name")["detail"]
    assert stored(shared_api) == before


def test_a_sheets_cell_is_held_to_the_rule_and_named_by_its_line(
    shared_api: InProcessSystem,
) -> None:
    sheet = (
        "deputy_id,activity,occurred_on,duration_hours,organiser,note\n"
        "D450102-008,training,2026-03-02,2,township,第一期\n"
        "D450102-008,training,2026-03-03,2,township,第\u2066二期\n"
    )
    before = stored(shared_api)
    answer = shared_api.client.post(
        "/intake/v1/duty-activities/upload",
        json={"filename": "三月.csv", "content": base64.b64encode(sheet.encode()).decode()},
        headers={**bearer(new_key(shared_api, "450102001", "system")), "Idempotency-Key": idem()},
    )
    assert (
        "left-to-right isolate" in assert_problem(answer, 422, "line 3.note")["errors"][0]["reason"]
    )
    assert stored(shared_api) == before


@pytest.mark.parametrize("char", list(REFUSED), ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_a_control_sent_as_raw_utf8_not_as_an_escape_is_refused_the_same(
    shared_api: InProcessSystem, char: str
) -> None:
    """County systems send Chinese as UTF-8, not \\u escapes: the door's check of the body's
    text (runtime.json_input) must find the character either way."""
    before = stored(shared_api)
    body = json.dumps(
        suggestion(body=f"兴宁区学位紧张，建议{char}新建一所小学。"), ensure_ascii=False
    )
    assert "\\u" not in body
    answer = shared_api.client.post(
        "/intake/v1/suggestions",
        data=body.encode(),
        headers=shared_api.headers("county_system_450102", **{"Idempotency-Key": idem()}),
        content_type="application/json",
    )
    reason = assert_problem(answer, 422, "body")["errors"][0]["reason"]
    assert f"U+{ord(char):04X} ({REFUSED[char]}) at character 11" in reason
    assert stored(shared_api) == before
