"""A person's inbox and notification preferences; the county's webhook endpoints and dead
deliveries (the committee's). Every read and write goes to notify's API as that person."""

from __future__ import annotations

import time
import urllib.parse
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from contracts.topology import SUBSCRIPTIONS
from services.console.client import Answer
from services.console.views.common import api, expect, person, signed_in

bp = Blueprint("notify", __name__)

NOTIFY = "/notify/v1"
PAGE = 20
UNREAD_FRESH_SECONDS = 20
"""The navigation's unread count is asked for at most this often per session (and again
at once after the person marks messages read), so pages do not each wait on notify."""
CHANNELS = ("wechat", "sms", "email")
BOXES = {"committee": "常委会", "directors": "主任会议", "unit": "本单位", "deputy": "本人"}
CONSTITUENTS = "群众（意见办理短信）"


def inboxes() -> list[str]:
    """The recipients whose inbox the signed-in person reads."""
    who = g.person
    if who is None:
        return []
    if who["role"] == "committee":
        return [f"committee:{who['node']}", f"directors:{who['node']}"]
    if who["role"] in ("unit", "deputy") and who.get("subject"):
        return [f"{who['role']}:{who['subject']}"]
    return []


def own_inbox(recipient: str | None) -> str:
    """The asked-for inbox if it is the person's (else 404, as for none); the first one when
    none is asked for."""
    mine = inboxes()
    if not mine:
        abort(403, "您的账号没有消息收件箱。")
    if not recipient:
        return mine[0]
    if recipient not in mine:
        abort(404, "没有这个收件箱，或您无权查看。")
    return recipient


def unread_count() -> int | None:
    """Unread messages over the person's inboxes, for the navigation bar; None if notify
    did not answer (the page is drawn without the count rather than failing)."""
    mine = inboxes()
    if not mine:
        return None
    cached = session.get("unread")
    if cached and time.time() - cached[0] < UNREAD_FRESH_SECONDS:
        return cached[1]
    total = 0
    for recipient in mine:
        answer = api().get(f"{NOTIFY}/inbox", recipient=recipient, limit=1)
        if not answer.ok:
            return None
        total += answer.body["unread"]
    session["unread"] = [time.time(), total]
    return total


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    # A function, so only pages that draw the navigation ask for the count.
    return {"inbox_unread": unread_count}


def _field_errors(answer: Answer) -> dict[str, str]:
    """A problem's errors by the form's field names (`channels.0` is the channels field)."""
    errors: dict[str, str] = {}
    for name, reason in answer.field_errors().items():
        errors.setdefault(name.split(".")[0] or "form", reason)
    if not errors:
        errors["form"] = (answer.body or {}).get("detail", "") or "未被受理。"
    return errors


def _done(answer: Answer) -> None:
    """A write notify refused for no field of the form: shown as a page of its own."""
    if answer.status == 401:
        expect(answer)
    if not answer.ok:
        detail = (answer.body or {}).get("detail", "") if isinstance(answer.body, dict) else ""
        if answer.status in (403, 404):
            abort(404, "没有这条记录，或您无权操作。")
        abort(answer.status if answer.status in (409, 422) else 502, detail or "未被受理。")


@bp.get("/inbox")
@signed_in("committee", "unit", "deputy")
def inbox() -> Any:
    recipient = own_inbox(request.args.get("recipient"))
    before = request.args.get("before", "").strip()
    page = expect(api().get(f"{NOTIFY}/inbox", recipient=recipient, limit=PAGE, before=before))
    opened = request.args.get("open", type=int)
    return render_template(
        "inbox.html",
        recipient=recipient,
        boxes=[(r, BOXES[r.partition(":")[0]]) for r in inboxes()],
        page=page,
        before=before,
        opened=opened,
    )


@bp.post("/inbox/messages/<int:message_id>/read")
@signed_in("committee", "unit", "deputy")
def read(message_id: int) -> Any:
    recipient = own_inbox(request.form.get("recipient"))
    _done(api().write("POST", f"{NOTIFY}/inbox/{message_id}/read"))
    session.pop("unread", None)
    target = url_for("notify.inbox", recipient=recipient, open=message_id)
    return redirect(f"{target}#m-{message_id}")


@bp.post("/inbox/read-all")
@signed_in("committee", "unit", "deputy")
def read_all() -> Any:
    recipient = own_inbox(request.form.get("recipient"))
    answer = api().write("POST", f"{NOTIFY}/inbox/read-all", {"recipient": recipient})
    _done(answer)
    session.pop("unread", None)
    flash(f"已将 {answer.body['marked']} 条消息标为已读。")
    return redirect(url_for("notify.inbox", recipient=recipient))


def preference_holders() -> list[tuple[str, str]]:
    """Whose preferences the person sets: their inboxes' and, for the committee, those of
    the county's constituents told of their opinions by SMS."""
    holders = [(r, BOXES[r.partition(":")[0]]) for r in inboxes()]
    if g.person and g.person["role"] == "committee":
        holders.append((f"constituents:{g.person['node']}", CONSTITUENTS))
    return holders


@bp.route("/preferences", methods=["GET", "POST"])
@signed_in("committee", "unit", "deputy")
def preferences() -> Any:
    asked = request.values.get("recipient")
    holders = preference_holders()
    recipient = asked if asked and asked in dict(holders) else own_inbox(asked)
    channels = ("sms",) if recipient.startswith("constituents:") else CHANNELS
    path = f"{NOTIFY}/preferences/{urllib.parse.quote(recipient)}"
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = _preferences_form(channels)
        answer = api().write("PUT", path, form)
        if answer.ok:
            flash("通知设置已保存。")
            return redirect(url_for("notify.preferences", recipient=recipient))
        if answer.status != 422:
            _done(answer)
        errors = _field_errors(answer)
        current = form
    else:
        current = expect(api().get(path))
    order = {channel: i + 1 for i, channel in enumerate(current["channels"])}
    return (
        render_template(
            "preferences.html",
            recipient=recipient,
            boxes=holders,
            prefs=current,
            order=order,
            channels=channels,
            errors=errors,
        ),
        422 if errors else 200,
    )


def _preferences_form(channels: tuple[str, ...]) -> dict[str, Any]:
    """Channels in the order the person numbered them (unnumbered ones are off); times as
    typed, empty ones left unset so notify's rules say what is missing."""
    numbered = []
    for index, channel in enumerate(channels):
        value = request.form.get(f"order-{channel}", "").strip()
        if value.isdigit():
            numbered.append((int(value), index, channel))
    times = {
        name: request.form.get(name, "").strip() or None
        for name in ("quiet_start", "quiet_end", "digest_at")
    }
    return {
        "channels": [channel for _, _, channel in sorted(numbered)],
        "fallback": request.form.get("fallback") == "yes",
        **times,
    }


@bp.get("/webhooks")
@signed_in("committee")
def webhooks() -> Any:
    return _webhooks_page()


def _webhooks_page(
    *, secret: dict[str, Any] | None = None, errors: dict[str, str] | None = None, status: int = 200
) -> Any:
    endpoints = expect(api().get(f"{NOTIFY}/webhooks"))["items"]
    dead = expect(api().get(f"{NOTIFY}/deliveries", status="dead", limit=PAGE))
    return (
        render_template(
            "webhooks.html",
            endpoints=endpoints,
            dead=dead["items"],
            event_types=SUBSCRIPTIONS["notify"],
            secret=secret,
            errors=errors or {},
            form=request.form if errors else {},
            chosen=request.form.getlist("event_types") if errors else [],
            county=person()["node"],
        ),
        status,
    )


@bp.post("/webhooks")
@signed_in("committee")
def register() -> Any:
    body = {
        "url": request.form.get("url", "").strip(),
        "event_types": [t for t in request.form.getlist("event_types") if t],
        "secret": request.form.get("secret", "").strip() or None,
    }
    answer = api().write("POST", f"{NOTIFY}/webhooks", body)
    if answer.ok:
        # The secret is drawn on this answer only: never kept in the session or a redirect.
        return _webhooks_page(secret=answer.body)
    if answer.status != 422:
        _done(answer)
    return _webhooks_page(errors=_field_errors(answer), status=422)


@bp.post("/webhooks/<endpoint_id>/rotate-secret")
@signed_in("committee")
def rotate(endpoint_id: str) -> Any:
    answer = api().write("POST", f"{NOTIFY}/webhooks/{_quoted(endpoint_id)}/rotate-secret", {})
    _done(answer)
    return _webhooks_page(secret=answer.body)


@bp.post("/webhooks/<endpoint_id>/enable")
@signed_in("committee")
def enable(endpoint_id: str) -> Any:
    _done(api().write("POST", f"{NOTIFY}/webhooks/{_quoted(endpoint_id)}/enable"))
    flash("端点已重新启用，新的事件将再次推送。")
    return redirect(url_for("notify.webhooks"))


@bp.post("/webhooks/<endpoint_id>/delete")
@signed_in("committee")
def delete(endpoint_id: str) -> Any:
    _done(api().write("DELETE", f"{NOTIFY}/webhooks/{_quoted(endpoint_id)}"))
    flash("端点已删除。")
    return redirect(url_for("notify.webhooks"))


@bp.post("/deliveries/<int:delivery_id>/replay")
@signed_in("committee")
def replay(delivery_id: int) -> Any:
    _done(api().write("POST", f"{NOTIFY}/deliveries/{delivery_id}/replay"))
    flash(f"投递 {delivery_id} 已重新发送。")
    return redirect(url_for("notify.webhooks"))


def _quoted(endpoint_id: str) -> str:
    return urllib.parse.quote(endpoint_id, safe="")
