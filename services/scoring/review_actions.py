"""Applying the committee's commands to a review round (docs/domain.md §5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from contracts.events.review import REVIEW_COMMANDS
from runtime.work import WorkContext
from services.scoring.domain import reviews as r
from services.scoring.domain.points import congress_chain
from services.scoring.store import ReviewBallot, ReviewRound
from services.workflow.domain.calendar import add_months, on_or_after_working_day
from services.workflow.working_days import is_working_day

PLAN_MONTHS, REPORT_MONTHS = 1, 3
"""From the opinion's receipt: a rectification plan within 1 month, a report within 3."""


def _due(received: date, months: int) -> date:
    return on_or_after_working_day(add_months(received, months), is_working_day)


def _open(ctx: WorkContext, d: dict[str, Any], args: dict[str, Any]) -> ReviewRound:
    if ctx.session.get(ReviewRound, d["round_id"]) is not None:
        raise r.ReviewError("this round is open already")
    place = ctx.directory.node(d["tenant"])
    if place is None:
        raise r.ReviewError(f"no congress {d['tenant']}")
    attempt = 1
    if args["repeat_of"]:
        first = ctx.session.get(ReviewRound, args["repeat_of"])
        if first is None or first.tenant != d["tenant"] or first.next_step != "repeat":
            raise r.ReviewError(
                "repeat_of names no dissatisfied round awaiting its repeat", "repeat_of"
            )
        if first.talk_held_on is None:
            raise r.ReviewError(
                "the admonishing talk (诫勉谈话) after that round is not recorded yet: "
                "record it with the talk command first",
                "repeat_of",
            )
        attempt = first.attempt + 1
    if args["unit_id"] is not None:
        unit = ctx.directory.unit(args["unit_id"])
        if unit is None or place.id not in congress_chain(unit.node_path):
            raise r.ReviewError(f"no unit {args['unit_id']} in this congress")
    weights = args["stage_weights"] or list(r.DEFAULT_STAGE_WEIGHTS)
    if args["model"] == "staged" and sum(weights) == 0:
        raise r.ReviewError("the stage weights add up to 0")
    now = ctx.clock.now()
    round_ = ReviewRound(
        id=d["round_id"],
        tenant=place.id,
        tenant_path=place.path,
        model=args["model"],
        subject=args["subject"],
        unit_id=args["unit_id"],
        remind_working_days=args["remind_working_days"],
        official=args["official"],
        post=args["post"],
        attempt=attempt,
        repeat_of=args["repeat_of"],
        stage_weights=[str(w) for w in weights],
        groups={g: str(w) for g, w in (args["groups"] or {}).items()},
        stage_scores={},
        votes={},
        opened_by=d["submitted_by"],
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(round_)
    return round_


def _require(round_: ReviewRound, *models: str) -> None:
    if round_.model not in models:
        raise r.ReviewError(f"a {round_.model} round takes no such score")


def _onsite(ctx: WorkContext, round_: ReviewRound) -> Decimal:
    ballots: dict[str, list[Decimal]] = {}
    for group, score in ctx.session.execute(
        select(ReviewBallot.group, ReviewBallot.score).where(ReviewBallot.round_id == round_.id)
    ):
        ballots.setdefault(group, []).append(Decimal(score))
    return r.group_score(ballots, {g: Decimal(w) for g, w in round_.groups.items()})


def ref(round_: ReviewRound) -> dict[str, Any]:
    """What every review event says of its round."""
    return {
        "round_id": round_.id,
        "tenant": round_.tenant,
        "subject": round_.subject,
        "official": round_.official,
        "post": round_.post,
        "unit_id": round_.unit_id,
    }


def _conclude(ctx: WorkContext, round_: ReviewRound, score: Decimal) -> None:
    round_.score = score
    round_.result = r.grade(score)
    round_.next_step = r.after(round_.result, round_.attempt)
    ctx.emit(
        "review.result_announced",
        {
            **ref(round_),
            "attempt": round_.attempt,
            "score": score,
            "result": round_.result,
            "next_step": round_.next_step,
        },
        tenant=round_.tenant,
    )


def _received(round_: ReviewRound, item: str, on: date) -> None:
    """The plan or the report came in: its deadline is met (or late), reminders stop."""
    if round_.opinion_received_on is None:
        raise r.ReviewError("the result is not announced yet")
    if on < round_.opinion_received_on:
        raise r.ReviewError("it came in before the opinion was received")
    if getattr(round_, f"{item}_received_on") is not None:
        raise r.ReviewError(f"the {item} is recorded already")
    if item == "report" and round_.plan_received_on is None:
        raise r.ReviewError("the plan comes before the report")
    setattr(round_, f"{item}_received_on", on)


def _talk(round_: ReviewRound, args: dict[str, Any]) -> None:
    if round_.next_step != "repeat":
        raise r.ReviewError("an admonishing talk follows a dissatisfied first round only")
    if round_.talk_held_on is not None:
        raise r.ReviewError("the admonishing talk is recorded already")
    if round_.opinion_received_on is not None and args["held_on"] < round_.opinion_received_on:
        raise r.ReviewError("the talk comes after the result is announced", "held_on")
    round_.talk_held_on = args["held_on"]
    round_.talk_held_by = args["held_by"]
    round_.talk_note = args["note"]


def _issue_opinion(ctx: WorkContext, round_: ReviewRound) -> None:
    """The approved opinion goes out as a formal notice (notify numbers and files it)."""
    congress = ctx.directory.node(round_.tenant)
    unit = ctx.directory.unit(round_.unit_id) if round_.unit_id else None
    ctx.emit(
        "review.opinion_issued",
        {
            **ref(round_),
            "tenant_path": round_.tenant_path,
            "congress_name": congress.name if congress else round_.tenant,
            "unit_name": unit.name if unit else None,
            "attempt": round_.attempt,
            "approved_on": round_.opinion_approved_on,
            "sent_to": round_.opinion_sent_to,
            "score": round_.score,
            "result": round_.result,
            "issued_at": ctx.clock.now(),
        },
        tenant=round_.tenant,
    )


def _apply(ctx: WorkContext, round_: ReviewRound, command: str, args: dict[str, Any]) -> None:
    scores = dict(round_.stage_scores)
    weights = [Decimal(w) for w in round_.stage_weights]
    if command in ("plan_received", "report_received"):
        _received(round_, command.split("_")[0], args["received_on"])
        return
    if command == "talk":
        _talk(round_, args)
        return
    if command == "opinion":
        if round_.opinion_approved_on is not None:
            raise r.ReviewError("the written opinion is recorded already")
        received = round_.opinion_received_on
        if received is not None and args["approved_on"] > received:
            raise r.ReviewError("approved after its receipt was recorded")
        round_.opinion_approved_on = args["approved_on"]
        round_.opinion_sent_to = list(dict.fromkeys(args["sent_to"]))
        _issue_opinion(ctx, round_)
        return
    if round_.result is not None:
        raise r.ReviewError("the round has its result")
    if command == "report":
        round_.report_flags = r.report_shape(
            args["achievements"], args["problems"], args["measures"]
        )
    elif command == "stage":
        _require(round_, "staged")
        if args["stage"] == "rectification":
            if round_.interim is None:
                raise r.ReviewError("rectification is scored after the result is announced")
            scores["rectification"] = str(args["score"])
            round_.stage_scores = scores
            _conclude(
                ctx, round_, r.final_score({k: Decimal(v) for k, v in scores.items()}, weights)
            )
        elif round_.interim is not None:
            raise r.ReviewError("the sitting's scores are announced already")
        else:
            scores[args["stage"]] = str(args["score"])
            round_.stage_scores = scores
    elif command == "ballots":
        _require(round_, "staged", "onsite")
        if args["group"] not in round_.groups:
            raise r.ReviewError(f"no rater group {args['group']} in this round")
        if round_.interim is not None:
            raise r.ReviewError("the sitting's scores are announced already")
        for score in args["scores"]:
            ctx.session.add(ReviewBallot(round_id=round_.id, group=args["group"], score=score))
    elif command == "votes":
        _require(round_, "two_votes")
        votes = dict(round_.votes)
        votes[args["question"]] = [args["satisfied"], args["basically"], args["dissatisfied"]]
        round_.votes = votes
    elif command == "written":
        _require(round_, "written")
        scores["written"] = str(args["score"])
        round_.stage_scores = scores
    elif command == "announce":
        _announce(ctx, round_, scores, weights, args["opinion_received_on"])


def _announce(
    ctx: WorkContext,
    round_: ReviewRound,
    scores: dict[str, str],
    weights: list[Decimal],
    received: date,
) -> None:
    if round_.opinion_received_on is not None:
        raise r.ReviewError("the result is announced already")
    if round_.model == "staged":
        missing = [s for s in r.STAGES[:2] if s not in scores]
        if missing:
            raise r.ReviewError(f"no {', '.join(missing)} score yet")
        ctx.session.flush()
        scores["onsite"] = str(_onsite(ctx, round_))
        round_.stage_scores = scores
        round_.interim = r.interim_score({k: Decimal(v) for k, v in scores.items()}, weights)
    elif round_.model == "onsite":
        ctx.session.flush()
        onsite = _onsite(ctx, round_)
        round_.stage_scores = {**scores, "onsite": str(onsite)}
        _conclude(ctx, round_, onsite)
    elif round_.model == "two_votes":
        if set(round_.votes) != {"performance", "answers"}:
            raise r.ReviewError("both votes are needed: performance and answers")
        _conclude(ctx, round_, min(r.satisfaction(*tally) for tally in round_.votes.values()))
    else:
        if "written" not in scores:
            raise r.ReviewError("no written score yet")
        _conclude(ctx, round_, Decimal(scores["written"]))
    round_.opinion_received_on = received
    round_.plan_due = _due(received, PLAN_MONTHS)
    round_.report_due = _due(received, REPORT_MONTHS)


def apply_review_command(ctx: WorkContext, d: dict[str, Any]) -> ReviewRound:
    """Apply one command; a ReviewError says which rule refused it (nothing is changed)."""
    schema, _ = REVIEW_COMMANDS[d["command"]]
    args = schema().load(d["args"])
    if d["command"] == "open":
        return _open(ctx, d, args)
    round_ = ctx.session.get(ReviewRound, d["round_id"])
    if round_ is None or d["tenant"] not in congress_chain(round_.tenant_path):
        raise r.ReviewError(f"no review round {d['round_id']}")
    _apply(ctx, round_, d["command"], args)
    round_.updated_at = ctx.clock.now()
    return round_
