"""From a posted action form to the JSON body intake takes, and back to the page."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

LIST_FIELDS = frozenset({"co_unit_ids"})
BOOL_FIELDS = frozenset({"public", "publish"})
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "screen": ("decision", "reason", "into"),
    "mark_key": ("leading_official", "supervisor"),
    "assign": ("lead_unit_id", "co_unit_ids"),
    "request_adjustment": ("reason",),
    "request_extension": ("reason",),
    "approve_extension": ("note",),
    "record": ("kind", "stage", "text"),
    "co_input": ("text",),
    "reply": ("reply_class", "text", "public"),
    "evaluate": ("attitude", "result", "comment"),
    "second_assign": ("meeting_note", "held_on", "lead_unit_id", "co_unit_ids"),
    "report_done": ("note",),
    "supervise": ("text",),
    "set_publication": ("publish",),
}


def body_of(action: str, form: MultiDict[str, str]) -> dict[str, Any]:
    """Empty fields are left out, so intake's own rules say what is missing."""
    body: dict[str, Any] = {}
    for name in ACTION_FIELDS[action]:
        if name in LIST_FIELDS:
            values = [v for v in form.getlist(name) if v]
            if values:
                body[name] = values
        elif name in BOOL_FIELDS:
            body[name] = form.get(name) == "yes"
        elif form.get(name, "").strip():
            body[name] = form[name].strip()
    return body
