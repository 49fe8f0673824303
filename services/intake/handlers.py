"""Intake settles receipts from the outcomes the owning services report, opens the doors
workflow opens, and erases the photos of opinions whose retention passed."""

from __future__ import annotations

import secrets

from contracts import Event
from runtime.metrics import RECEIPTS_SETTLED
from runtime.work import WorkContext
from services.intake.domain.receipts import Status, can_settle, failure_reason
from services.intake.photos import photo_storage
from services.intake.store import (
    BallotDoor,
    BallotPool,
    ConsultationDoor,
    EvaluationDoor,
    Submission,
)


def on_submission_accepted(event: Event, ctx: WorkContext) -> None:
    submission = ctx.session.get(Submission, event.data["submission_id"])
    if submission is None or not can_settle(submission.status):
        return
    submission.status = Status.ACCEPTED
    submission.reason = None
    submission.resource_type = event.data["resource_type"]
    submission.resource_id = event.data["resource_id"]
    submission.resource_number = event.data["resource_number"]
    submission.updated_at = ctx.clock.now()
    RECEIPTS_SETTLED.labels("accepted").inc()


def on_submission_rejected(event: Event, ctx: WorkContext) -> None:
    submission = ctx.session.get(Submission, event.data["submission_id"])
    if submission is None or not can_settle(submission.status):
        return
    submission.status = Status.REJECTED
    submission.reason = event.data["reason"]
    submission.field = event.data["field"]
    submission.updated_at = ctx.clock.now()
    RECEIPTS_SETTLED.labels("rejected").inc()


def on_submission_failed(event: Event, ctx: WorkContext) -> None:
    submission = ctx.session.get(Submission, event.data["submission_id"])
    if submission is None or not can_settle(submission.status):
        return
    submission.status = Status.FAILED
    submission.reason = failure_reason(
        event.data["service"], event.data["event_id"], event.data["event_type"]
    )
    submission.field = None
    submission.updated_at = ctx.clock.now()


def on_vote_opened(event: Event, ctx: WorkContext) -> None:
    """The terminals may cast ballots in this vote from now on."""
    data = event.data
    if ctx.session.get(BallotDoor, data["vote_id"]) is not None:
        return
    ctx.session.add(
        BallotDoor(
            vote_id=data["vote_id"],
            tenant=data["tenant"],
            tenant_path=data["tenant_path"],
            candidates=list(data["candidates"]),
            choices_allowed=data["choices_allowed"],
            present=list(data["present"]),
            tracker=data["tracker"],
            open=True,
        )
    )
    ctx.session.add(BallotPool(vote_id=data["vote_id"], shard_id=secrets.token_hex(16), ballots=[]))


def on_consultation_published(event: Event, ctx: WorkContext) -> None:
    """The public page takes opinions on this draft, for its contact points, until the
    deadline."""
    data = event.data
    if ctx.session.get(ConsultationDoor, data["consultation_id"]) is not None:
        return
    ctx.session.add(
        ConsultationDoor(
            consultation_id=data["consultation_id"],
            tenant=data["tenant"],
            tenant_path=data["tenant_path"],
            station_ids=list(data["station_ids"]),
            deadline=data["deadline"],
        )
    )


def on_opinion_contact_erased(event: Event, ctx: WorkContext) -> None:
    """The opinion's retention passed (ADR 0011): its photos go with its contact. Deleting a
    photo already gone is no error in either store, so a redelivery changes nothing."""
    if ctx.settings is None:
        raise RuntimeError("erasing photos needs intake's settings (its photo storage)")
    storage = photo_storage(ctx.settings)
    for name in event.data["photos"]:
        storage.delete(name)


def on_project_completed(event: Event, ctx: WorkContext) -> None:
    """Constituents and deputies may evaluate the project until its window closes."""
    data = event.data
    if ctx.session.get(EvaluationDoor, data["project_id"]) is not None:
        return
    ctx.session.add(
        EvaluationDoor(
            project_id=data["project_id"],
            tenant=data["tenant"],
            tenant_path=data["tenant_path"],
            title=data["title"],
            closes_on=data["evaluation_closes_on"],
        )
    )


HANDLERS = {
    "submission.accepted": on_submission_accepted,
    "submission.rejected": on_submission_rejected,
    "submission.failed": on_submission_failed,
    "vote.opened": on_vote_opened,
    "consultation.published": on_consultation_published,
    "opinion.contact_erased": on_opinion_contact_erased,
    "project.completed": on_project_completed,
}
