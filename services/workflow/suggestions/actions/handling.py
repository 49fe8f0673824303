"""Handling by the units: contacts, commitments and ledger lines, co-handling input, and
the lead unit's reply (docs/domain.md §1 rules 3 and 4)."""

from __future__ import annotations

from sqlalchemy import select

from services.workflow.domain.actors import acting_unit
from services.workflow.domain.deadlines import evaluation_window_closes
from services.workflow.domain.rules import require
from services.workflow.suggestions.actions.act import Act, current_assignment
from services.workflow.suggestions.domain.handling import ContactStage, RecordKind, check_reply
from services.workflow.suggestions.domain.suggestion import ReplyClass, State, check_state
from services.workflow.suggestions.payloads import ref
from services.workflow.suggestions.store import Assignment, HandlingRecord, Reply


def record_action(act: Act) -> None:
    s = act.suggestion
    unit_id = acting_unit(act.actor, act.args)
    check_state(State(s.state), (State.ASSIGNED,), "record handling of")
    current_assignment(act, unit_id, "lead")
    kind = RecordKind(act.args["kind"])
    stage = act.args.get("stage")
    require(
        kind is not RecordKind.CONTACT or stage in {c.value for c in ContactStage},
        "a contact is before, during or after handling",
        "stage",
    )
    act.session.add(
        HandlingRecord(
            suggestion_id=s.id,
            round=s.round,
            unit_id=unit_id,
            kind=kind,
            stage=stage if kind is RecordKind.CONTACT else None,
            text=act.args["text"],
            at=act.now,
        )
    )


def co_input_action(act: Act) -> None:
    s = act.suggestion
    unit_id = acting_unit(act.actor, act.args)
    check_state(State(s.state), (State.ASSIGNED,), "give co-handling input to")
    assignment = current_assignment(act, unit_id, "co")
    act.session.add(
        HandlingRecord(
            suggestion_id=s.id,
            round=s.round,
            unit_id=unit_id,
            kind="co_input",
            text=act.args["text"],
            at=act.now,
        )
    )
    assignment.status = "ended"


def reply_action(act: Act) -> None:
    s = act.suggestion
    unit_id = acting_unit(act.actor, act.args)
    check_state(State(s.state), (State.ASSIGNED,), "reply to")
    lead = current_assignment(act, unit_id, "lead")
    records = act.session.execute(
        select(HandlingRecord.kind, HandlingRecord.unit_id).where(
            HandlingRecord.suggestion_id == s.id, HandlingRecord.round == s.round
        )
    ).all()
    given = {u for kind, u in records if kind == "co_input"}
    co_units = act.session.scalars(
        select(Assignment.unit_id).where(
            Assignment.suggestion_id == s.id,
            Assignment.round == s.round,
            Assignment.role == "co",
            Assignment.status != "withdrawn",
        )
    )
    check_reply(
        contacts=sum(1 for kind, _ in records if kind == RecordKind.CONTACT),
        missing_co_inputs=[u for u in co_units if u not in given],
    )
    reply_class = ReplyClass(act.args["reply_class"])
    act.session.add(
        Reply(
            suggestion_id=s.id,
            round=s.round,
            unit_id=unit_id,
            reply_class=reply_class,
            text=act.args["text"],
            public=act.args["public"],
            replied_at=act.now,
        )
    )
    lead.status = "ended"
    if s.first_replied_at is None:
        s.first_replied_at = act.now
        s.replied_on_time = act.today <= lead.deadline
    s.reply_class = reply_class
    s.state = State.REPLIED
    s.evaluation_closes = evaluation_window_closes(act.today, act.policy)
    act.ctx.emit(
        "suggestion.replied",
        {
            **ref(s),
            "lead_unit_id": unit_id,
            "round": s.round,
            "reply_class": reply_class,
            "evaluation_closes": s.evaluation_closes,
            "at": act.now,
        },
        tenant=s.tenant,
    )
