"""The opinion aggregate's rules, handler by handler (no broker, no HTTP)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

import services.workflow as workflow
from contracts.contact import ContactCipher, development_key, mask_phone
from services.workflow.opinions.domain.policy import OpinionPolicy
from services.workflow.opinions.store import Opinion, OpinionStep
from services.workflow.policy import opinion_policy_for, set_opinion_policy
from tests.support.handlers import COUNTY, HandlerContext, handler_context

STATION_PATH = f"/450100/{COUNTY}/450102001/450102001-S1/"
CIPHER = ContactCipher([development_key("")])


@pytest.fixture
def ctx() -> Iterator[HandlerContext]:
    with handler_context(workflow.SPEC) as context:
        yield context


def _land(ctx: HandlerContext, **changes: Any) -> Opinion:
    submission_id = changes.pop("submission_id", str(uuid.uuid4()))
    ctx.handle(
        "opinion.submitted",
        {
            "submission_id": submission_id,
            "tenant": COUNTY,
            "station_id": "450102001-S1",
            "station_path": STATION_PATH,
            "contact_point_kind": "liaison_station",
            "channel": "qr_code",
            "public_code": uuid.uuid4().hex[:10].upper(),
            "text": "小区门口积水",
            "phone_encrypted": CIPHER.encrypt("13812341234"),
            "phone_masked": mask_phone("13812341234"),
            "submitted_at": ctx.clock.now(),
            **changes,
        },
    )
    return ctx.session.query(Opinion).filter_by(submission_id=submission_id).one()


def _act(ctx: HandlerContext, opinion: Opinion, action: str, args: dict, **actor: str) -> list:
    who = {"key_id": "k", "role": "system", "subject": None, "node_id": opinion.holder_node_id}
    who |= actor
    who["node_path"] = (
        actor.get("node_path")
        or STATION_PATH[: STATION_PATH.index(f"/{who['node_id']}/") + len(who["node_id"]) + 2]
    )
    return ctx.handle(
        "opinion.action_requested",
        {
            "submission_id": str(uuid.uuid4()),
            "opinion_id": opinion.id,
            "action": action,
            "actor": who,
            "args": args,
            "submitted_at": ctx.clock.now(),
        },
    )


def _names(events: list) -> list[str]:
    return [e.name for e in events]


def test_an_opinion_lands_registered_at_its_station_with_the_station_deadline(
    ctx: HandlerContext,
) -> None:
    opinion = _land(ctx)
    assert (opinion.state, opinion.level, opinion.holder_node_id) == (
        "open",
        "station",
        "450102001-S1",
    )
    registered = next(e for e in ctx.emitted if e.name == "opinion.registered")
    assert registered.data["deadline"] > ctx.clock.now().date().isoformat()
    assert "13812341234" not in str(registered.data)


def test_only_a_small_urgent_matter_goes_from_the_station_to_a_department(
    ctx: HandlerContext,
) -> None:
    plain, urgent = _land(ctx), _land(ctx, urgency="urgent")
    refused = _act(ctx, plain, "forward", {"unit_id": "U450102-EDU"})
    assert _names(refused) == ["submission.rejected"]
    assert "小急难事" in refused[0].data["reason"]
    sent = _act(ctx, urgent, "forward", {"unit_id": "U450102-EDU"})
    assert _names(sent) == ["opinion.forwarded", "submission.accepted"]
    assert (urgent.state, urgent.level, urgent.holder_node_id) == (
        "forwarded",
        "department",
        "U450102-EDU",
    )
    other = _act(
        ctx,
        urgent,
        "unit_reply",
        {"reply": "已处理"},
        role="unit",
        subject="U450102-HEALTH",
        node_id=COUNTY,
    )
    assert _names(other) == ["submission.rejected"]
    done = _act(
        ctx,
        urgent,
        "unit_reply",
        {"reply": "已处理"},
        role="unit",
        subject="U450102-EDU",
        node_id=COUNTY,
    )
    assert _names(done) == ["opinion.closed", "submission.accepted"]
    assert (urgent.outcome, urgent.resolved_level) == ("forwarded", "department")


def test_a_department_of_another_county_is_refused(ctx: HandlerContext) -> None:
    opinion = _land(ctx, urgency="urgent")
    refused = _act(ctx, opinion, "forward", {"unit_id": "U450103-EDU"})
    assert refused[0].data["field"] == "unit_id"


def test_the_county_missing_its_deadline_is_marked_overdue_once(ctx: HandlerContext) -> None:
    opinion = _land(ctx)
    ctx.clock.advance(timedelta(days=20))
    assert _names(ctx.tick("workflow.opinion_deadlines")) == ["opinion.escalated"]
    ctx.clock.advance(timedelta(days=30))
    assert _names(ctx.tick("workflow.opinion_deadlines")) == ["opinion.escalated"]
    assert opinion.level == "county"
    ctx.clock.advance(timedelta(days=40))
    assert _names(ctx.tick("workflow.opinion_deadlines")) == ["opinion.overdue"]
    assert _names(ctx.tick("workflow.opinion_deadlines")) == []
    assert _names(_act(ctx, opinion, "escalate", {"reason": "再上交"})) == ["submission.rejected"]


def test_a_tenants_settings_shorten_the_station_deadline(ctx: HandlerContext) -> None:
    set_opinion_policy(ctx.session, COUNTY, {"station_working_days": 1})
    opinion = _land(ctx)
    ctx.clock.advance(timedelta(days=4))
    assert _names(ctx.tick("workflow.opinion_deadlines")) == ["opinion.escalated"]
    assert opinion.level == "township"
    with pytest.raises(ValueError, match="at least 1"):
        set_opinion_policy(ctx.session, COUNTY, {"county_working_days": 0})
    with pytest.raises(ValueError, match="unknown"):
        OpinionPolicy.with_overrides({"nonsense": 3})
    assert opinion_policy_for(ctx.session, COUNTY).station_working_days == 1


def test_contacts_of_closed_opinions_are_erased_after_the_retention(ctx: HandlerContext) -> None:
    set_opinion_policy(ctx.session, COUNTY, {"contact_retention_days": 30})
    opinion = _land(ctx, name_encrypted=CIPHER.encrypt("张三"))
    _act(ctx, opinion, "resolve", {"reply": "已处理"})
    ctx.clock.advance(timedelta(days=29))
    ctx.tick("workflow.opinion_contacts")
    assert opinion.phone_encrypted is not None
    ctx.clock.advance(timedelta(days=2))
    ctx.tick("workflow.opinion_contacts")
    assert (opinion.phone_encrypted, opinion.name_encrypted, opinion.phone_masked) == (
        None,
        None,
        None,
    )
    assert opinion.contact_erased_at is not None


PHOTO = {"media_type": "image/jpeg", "width": 80, "height": 60, "bytes": 1000}


def test_photos_are_erased_with_the_contact_by_intake(ctx: HandlerContext) -> None:
    set_opinion_policy(ctx.session, COUNTY, {"contact_retention_days": 30})
    names = ["0f" + "1" * 30 + ".jpg", "ab" + "2" * 30 + ".png"]
    with_photos = _land(ctx, photos=[{**PHOTO, "name": name} for name in names])
    # A deputy's photo report: no contact, the photos alone are erased.
    report = _land(
        ctx,
        phone_encrypted=None,
        phone_masked=None,
        photos=[{**PHOTO, "name": "cd" + "3" * 30 + ".jpg"}],
    )
    without = _land(ctx)
    for opinion in (with_photos, report, without):
        _act(ctx, opinion, "resolve", {"reply": "已处理"})
    ctx.clock.advance(timedelta(days=29))
    assert ctx.tick("workflow.opinion_contacts") == []
    assert len(with_photos.photos) == 2
    ctx.clock.advance(timedelta(days=2))
    erased = ctx.tick("workflow.opinion_contacts")
    assert [e.name for e in erased] == ["opinion.contact_erased"] * 2
    assert {e.data["opinion_id"]: e.data["photos"] for e in erased} == {
        with_photos.id: names,
        report.id: ["cd" + "3" * 30 + ".jpg"],
    }
    assert (with_photos.photos, report.photos, with_photos.phone_encrypted) == ([], [], None)
    assert without.contact_erased_at is not None
    steps = [s.kind for s in ctx.session.query(OpinionStep).filter_by(opinion_id=without.id)]
    assert steps.count("contact_erased") == 1
    assert ctx.tick("workflow.opinion_contacts") == []


def test_the_same_submission_lands_once(ctx: HandlerContext) -> None:
    submission = str(uuid.uuid4())
    _land(ctx, submission_id=submission)
    _land(ctx, submission_id=submission)
    assert ctx.session.query(Opinion).count() == 1


def test_adoption_needs_the_suggestion_that_names_the_opinion(ctx: HandlerContext) -> None:
    opinion = _land(ctx)
    refused = _act(
        ctx,
        opinion,
        "adopt",
        {"suggestion_id": "no-such"},
        role="deputy",
        subject="D450102-001",
        node_id=COUNTY,
        node_path=f"/450100/{COUNTY}/",
    )
    assert refused[0].data["field"] == "suggestion_id"
    assert opinion.state == "open"


def test_the_contact_cipher_rotates_to_a_new_key() -> None:
    old, new = development_key("old"), development_key("new")
    token = ContactCipher([old]).encrypt("13812341234")
    both = ContactCipher([new, old])
    assert both.decrypt(token) == "13812341234"
    rotated = both.rotate(token)
    assert ContactCipher([new]).decrypt(rotated) == "13812341234"
    assert ContactCipher([new]).decrypt(token) is None
