"""Reviews of appointed officials (docs/domain.md §5): the 马山 staged score at its grade
boundaries, repeat and referral, a two-vote round and a written round."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import inspect

import services.scoring as scoring
from services.scoring.domain import reviews as r
from services.scoring.store import ReviewBallot, ReviewRound
from tests.support.handlers import COUNTY, HandlerContext, handler_context


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("59.99", "dissatisfied"),
        ("60", "basically_satisfied"),
        ("79.99", "basically_satisfied"),
        ("80", "satisfied"),
    ],
)
def test_the_grade_at_its_boundaries(score: str, grade: str) -> None:
    assert r.grade(Decimal(score)) == grade


def test_the_staged_score_weights_10_20_50_20() -> None:
    stages = {
        "preliminary": Decimal(90),
        "investigation": Decimal(80),
        "onsite": Decimal(70),
        "rectification": Decimal(60),
    }
    assert r.final_score(stages, r.DEFAULT_STAGE_WEIGHTS) == Decimal(72)  # 9+16+35+12
    assert r.interim_score(stages, r.DEFAULT_STAGE_WEIGHTS) == Decimal(75)  # 60/0.8


def test_the_report_shape_631() -> None:
    assert r.report_shape(60, 30, 10) == []
    assert r.report_shape(70, 25, 5) == [
        "achievements above 60%",
        "problems below 30%",
        "measures below 10%",
    ]


@pytest.fixture
def ctx():
    with handler_context(scoring.SPEC) as context:
        yield context


def _do(ctx: HandlerContext, round_id: str, command: str, **args: Any) -> Any:
    *_, outcome = ctx.handle(
        "review.command_requested",
        {
            "submission_id": str(uuid.uuid4()),
            "tenant": COUNTY,
            "round_id": round_id,
            "command": command,
            "args": args,
            "submitted_by": "key-committee",
            "submitted_at": ctx.clock.now(),
        },
    )
    return outcome


def _staged(ctx: HandlerContext, onsite: dict[str, list[str]], **open_args: Any) -> str:
    round_id = str(uuid.uuid4())
    groups = {"committee": "40", "deputies": "40", "constituents": "20"}
    opened = _do(
        ctx,
        round_id,
        "open",
        model="staged",
        official="韦某",
        post="局长",
        groups=groups,
        **open_args,
    )
    assert opened.name == "submission.accepted", opened.data
    _do(ctx, round_id, "stage", stage="preliminary", score="60")
    _do(ctx, round_id, "stage", stage="investigation", score="60")
    for group, scores in onsite.items():
        assert _do(ctx, round_id, "ballots", group=group, scores=scores).name == (
            "submission.accepted"
        )
    return round_id


def _onsite(score: str) -> dict[str, list[str]]:
    return {"committee": [score], "deputies": [score, score], "constituents": [score]}


@pytest.mark.parametrize(
    ("rectification", "result"),
    [
        ("59.99", "dissatisfied"),
        ("60", "basically_satisfied"),
        ("79.99", "basically_satisfied"),
        ("80", "satisfied"),
    ],
)
def test_a_mashan_round_graded_at_the_boundaries(
    ctx: HandlerContext, rectification: str, result: str
) -> None:
    # All stages at the same score: the final score is that score exactly.
    round_id = _staged(ctx, _onsite(rectification))
    _do(ctx, round_id, "stage", stage="preliminary", score=rectification)
    _do(ctx, round_id, "stage", stage="investigation", score=rectification)
    assert _do(ctx, round_id, "announce", opinion_received_on="2026-09-01").name == (
        "submission.accepted"
    )
    _do(ctx, round_id, "stage", stage="rectification", score=rectification)
    round_ = ctx.session.get(ReviewRound, round_id)
    assert (round_.score, round_.result) == (Decimal(rectification), result)
    # Plan within 1 month, report within 3; 1 October (National Day) moves to a working day.
    assert (round_.plan_due, round_.report_due) == (date(2026, 10, 8), date(2026, 12, 1))


def test_dissatisfied_repeats_and_again_is_referred(ctx: HandlerContext) -> None:
    first = _staged(ctx, _onsite("50"))
    _do(ctx, first, "announce", opinion_received_on="2026-06-01")
    assert ctx.session.get(ReviewRound, first).interim == Decimal("53.75")  # (6+12+25)/0.8
    _do(ctx, first, "stage", stage="rectification", score="50")
    assert ctx.session.get(ReviewRound, first).next_step == "repeat"
    early = _do(
        ctx, str(uuid.uuid4()), "open", model="written", official="x", post="y", repeat_of=first
    )
    # No repeat round before the admonishing talk (诫勉谈话) is on record.
    assert (early.name, early.data["field"]) == ("submission.rejected", "repeat_of")
    assert "admonishing talk" in early.data["reason"]
    talk = {"held_on": "2026-06-15", "held_by": "副主任 陆某", "note": "限期重新报告"}
    before = _do(ctx, first, "talk", **{**talk, "held_on": "2026-05-31"})
    assert (before.name, before.data["field"]) == ("submission.rejected", "held_on")
    assert _do(ctx, first, "talk", **talk).name == "submission.accepted"
    assert _do(ctx, first, "talk", **talk).data["reason"] == (
        "the admonishing talk is recorded already"
    )
    held = ctx.session.get(ReviewRound, first)
    assert (held.talk_held_on, held.talk_held_by, held.talk_note) == (
        date(2026, 6, 15),
        "副主任 陆某",
        "限期重新报告",
    )
    second = _staged(ctx, _onsite("40"), repeat_of=first)
    _do(ctx, second, "announce", opinion_received_on="2026-12-01")
    _do(ctx, second, "stage", stage="rectification", score="40")
    repeated = ctx.session.get(ReviewRound, second)
    assert (repeated.attempt, repeated.result, repeated.next_step) == (2, "dissatisfied", "refer")
    refused = _do(
        ctx, str(uuid.uuid4()), "open", model="written", official="x", post="y", repeat_of=second
    )
    assert refused.name == "submission.rejected"


def test_ballots_keep_no_rater_and_the_rules_refuse_out_of_order_steps(
    ctx: HandlerContext,
) -> None:
    assert {c.key for c in inspect(ReviewBallot).columns} == {"id", "round_id", "group", "score"}
    round_id = _staged(ctx, {"committee": ["80"]})
    missing = _do(ctx, round_id, "announce", opinion_received_on="2026-06-01")
    assert missing.data["reason"] == "no ballots from deputies, constituents"
    early = _do(ctx, round_id, "stage", stage="rectification", score="80")
    assert early.data["reason"] == "rectification is scored after the result is announced"
    assert _do(ctx, round_id, "ballots", group="press", scores=["80"]).data["reason"] == (
        "no rater group press in this round"
    )
    assert (
        _do(
            ctx, round_id, "votes", question="answers", satisfied=1, basically=0, dissatisfied=0
        ).data["reason"]
        == "a staged round takes no such score"
    )


def test_a_two_vote_round_and_a_written_round_each_give_their_result(
    ctx: HandlerContext,
) -> None:
    votes = str(uuid.uuid4())
    _do(ctx, votes, "open", model="two_votes", official="黄某", post="局长")
    _do(ctx, votes, "votes", question="performance", satisfied=30, basically=10, dissatisfied=10)
    _do(ctx, votes, "votes", question="answers", satisfied=20, basically=8, dissatisfied=12)
    _do(ctx, votes, "report", achievements=70, problems=20, measures=10)
    _do(ctx, votes, "announce", opinion_received_on="2026-03-02")
    round_ = ctx.session.get(ReviewRound, votes)
    # Performance 80 % satisfied or basically, answers 70 %: the lower one grades the round.
    assert (round_.score, round_.result, round_.next_step) == (
        Decimal(70),
        "basically_satisfied",
        "rectify",
    )
    assert round_.report_flags == ["achievements above 60%", "problems below 30%"]
    written = str(uuid.uuid4())
    _do(ctx, written, "open", model="written", official="李某", post="主任")
    _do(ctx, written, "written", score="85.5")
    _do(ctx, written, "announce", opinion_received_on="2026-03-02")
    assert ctx.session.get(ReviewRound, written).result == "satisfied"
    late = _do(ctx, written, "written", score="10")
    assert late.data["reason"] == "the round has its result"


def test_arguments_no_schema_allows_are_refused_whole(ctx: HandlerContext) -> None:
    round_id = str(uuid.uuid4())
    _do(ctx, round_id, "open", model="written", official="李某", post="主任")
    refused = _do(ctx, round_id, "written", score="101")
    assert (refused.name, refused.data["field"]) == ("submission.rejected", "args")
    assert ctx.session.get(ReviewRound, round_id).stage_scores == {}


def _emitted(ctx: HandlerContext, name: str) -> list[dict[str, Any]]:
    return [e.data for e in ctx.emitted if e.name == name]


def test_a_unit_scored_anonymously_at_a_supervision_meeting_uses_the_same_machinery(
    ctx: HandlerContext,
) -> None:
    meeting = str(uuid.uuid4())
    groups = {"deputies": "60", "committee": "40"}
    common = {"model": "onsite", "subject": "unit", "official": "区教育局", "post": "督办会"}
    stranger = _do(ctx, meeting, "open", **common, unit_id="U450103-EDU", groups=groups)
    assert stranger.data["reason"] == "no unit U450103-EDU in this congress"
    _do(ctx, meeting, "open", **common, unit_id="U450102-EDU", groups=groups)
    _do(ctx, meeting, "ballots", group="deputies", scores=["90", "70"])
    _do(ctx, meeting, "ballots", group="committee", scores=["60"])
    assert _do(ctx, meeting, "announce", opinion_received_on="2026-06-01").name == (
        "submission.accepted"
    )
    round_ = ctx.session.get(ReviewRound, meeting)
    assert (round_.score, round_.result) == (Decimal(72), "basically_satisfied")  # 48 + 24
    (told,) = _emitted(ctx, "review.result_announced")
    assert (told["unit_id"], told["subject"], told["next_step"]) == (
        "U450102-EDU",
        "unit",
        "rectify",
    )


def test_a_department_work_review_by_two_votes(ctx: HandlerContext) -> None:
    work = str(uuid.uuid4())
    _do(
        ctx,
        work,
        "open",
        model="two_votes",
        subject="department",
        official="区住建局",
        post="工作评议",
    )
    _do(ctx, work, "votes", question="performance", satisfied=5, basically=0, dissatisfied=15)
    _do(ctx, work, "votes", question="answers", satisfied=5, basically=0, dissatisfied=15)
    _do(ctx, work, "announce", opinion_received_on="2026-06-01")
    (told,) = _emitted(ctx, "review.result_announced")
    assert (told["subject"], told["result"], told["next_step"]) == (
        "department",
        "dissatisfied",
        "repeat",  # an admonishing talk and a new report
    )


def test_the_plan_and_the_report_are_reminded_then_reported_late_each_once(
    ctx: HandlerContext,
) -> None:
    from datetime import datetime

    round_id = str(uuid.uuid4())
    _do(ctx, round_id, "open", model="written", official="李某", post="主任", remind_working_days=3)
    early = _do(ctx, round_id, "plan_received", received_on="2026-09-02")
    assert early.data["reason"] == "the result is not announced yet"
    _do(ctx, round_id, "written", score="70")
    _do(ctx, round_id, "announce", opinion_received_on="2026-09-01")
    round_ = ctx.session.get(ReviewRound, round_id)
    assert (round_.plan_due, round_.report_due) == (date(2026, 10, 8), date(2026, 12, 1))

    def at(day: str) -> list[tuple[str, bool]]:
        ctx.clock.advance(datetime.fromisoformat(f"{day}T02:00:00+00:00") - ctx.clock.now())
        return [(e.data["item"], e.data["overdue"]) for e in ctx.tick("scoring.review_deadlines")]

    assert at("2026-09-25") == []
    # 30 September + 3 working days (National Day holidays skipped) reaches 8 October.
    assert at("2026-09-30") == [("plan", False)]
    assert at("2026-10-01") == []
    assert at("2026-10-08") == []
    assert at("2026-10-09") == [("plan", True)]
    assert at("2026-10-12") == []
    assert _do(ctx, round_id, "report_received", received_on="2026-10-12").data["reason"] == (
        "the plan comes before the report"
    )
    assert _do(ctx, round_id, "plan_received", received_on="2026-10-12").name == (
        "submission.accepted"
    )
    twice = _do(ctx, round_id, "plan_received", received_on="2026-10-13")
    assert twice.data["reason"] == "the plan is recorded already"
    assert at("2026-11-26") == [("report", False)]
    _do(ctx, round_id, "report_received", received_on="2026-11-30")
    assert at("2026-12-02") == []
    assert ctx.session.get(ReviewRound, round_id).report_received_on == date(2026, 11, 30)


def test_a_staged_round_satisfied_at_the_sitting_is_not_reminded_of_a_plan(
    ctx: HandlerContext,
) -> None:
    from datetime import datetime

    round_id = _staged(ctx, _onsite("90"))
    _do(ctx, round_id, "stage", stage="preliminary", score="90")
    _do(ctx, round_id, "stage", stage="investigation", score="90")
    _do(ctx, round_id, "announce", opinion_received_on="2026-06-01")
    assert r.grade(ctx.session.get(ReviewRound, round_id).interim) == "satisfied"
    ctx.clock.advance(datetime.fromisoformat("2026-07-02T02:00:00+00:00") - ctx.clock.now())
    assert ctx.tick("scoring.review_deadlines") == []
    assert r.plan_required("staged", Decimal("79.99")) and r.plan_required("written", Decimal(95))


def test_the_written_opinion_is_approved_and_sent_once(ctx: HandlerContext) -> None:
    round_id = str(uuid.uuid4())
    _do(ctx, round_id, "open", model="written", official="李某", post="主任")
    sent = ["government", "organisation", "discipline", "unit"]
    _do(ctx, round_id, "written", score="75")
    assert _do(ctx, round_id, "opinion", approved_on="2026-06-10", sent_to=sent).name == (
        "submission.accepted"
    )
    again = _do(ctx, round_id, "opinion", approved_on="2026-06-11", sent_to=["unit"])
    assert again.data["reason"] == "the written opinion is recorded already"
    round_ = ctx.session.get(ReviewRound, round_id)
    assert (round_.opinion_approved_on, round_.opinion_sent_to) == (date(2026, 6, 10), sent)
    _do(ctx, round_id, "announce", opinion_received_on="2026-06-12")
    late = str(uuid.uuid4())
    _do(ctx, late, "open", model="written", official="王某", post="局长")
    _do(ctx, late, "written", score="75")
    _do(ctx, late, "announce", opinion_received_on="2026-06-12")
    after = _do(ctx, late, "opinion", approved_on="2026-06-13", sent_to=["unit"])
    assert after.data["reason"] == "approved after its receipt was recorded"


def test_a_talk_follows_a_dissatisfied_result_only(ctx: HandlerContext) -> None:
    round_id = str(uuid.uuid4())
    _do(ctx, round_id, "open", model="written", official="李某", post="主任")
    talk = {"held_on": "2026-06-15", "held_by": "副主任 陆某"}
    refused = _do(ctx, round_id, "talk", **talk)
    assert (refused.name, refused.data["field"]) == ("submission.rejected", "talk")
    assert refused.data["reason"] == "an admonishing talk follows a dissatisfied first round only"
    nameless = _do(ctx, round_id, "talk", held_on="2026-06-15", held_by="")
    assert (nameless.name, nameless.data["field"]) == ("submission.rejected", "args")
    assert ctx.session.get(ReviewRound, round_id).talk_held_on is None


def test_the_approved_opinion_is_issued_once_to_the_bodies_it_is_sent_to(
    ctx: HandlerContext,
) -> None:
    round_id = str(uuid.uuid4())
    _do(ctx, round_id, "open", model="written", official="李某", post="局长", unit_id="U450102-EDU")
    _do(ctx, round_id, "written", score="55")
    _do(ctx, round_id, "announce", opinion_received_on="2026-06-12")
    sent = ["government", "discipline", "unit"]
    *issued, accepted = ctx.handle(
        "review.command_requested",
        {
            "submission_id": str(uuid.uuid4()),
            "tenant": COUNTY,
            "round_id": round_id,
            "command": "opinion",
            "args": {"approved_on": "2026-06-10", "sent_to": sent},
            "submitted_by": "key-committee",
            "submitted_at": ctx.clock.now(),
        },
    )
    assert accepted.name == "submission.accepted"
    assert [e.name for e in issued] == ["review.opinion_issued"]
    opinion = issued[0].data
    assert (opinion["congress_name"], opinion["unit_name"], opinion["sent_to"]) == (
        "兴宁区人大常委会",
        "U450102-EDU",
        sent,
    )
    assert (opinion["result"], opinion["score"], opinion["approved_on"]) == (
        "dissatisfied",
        "55.00",
        "2026-06-10",
    )
    _do(ctx, round_id, "opinion", approved_on="2026-06-10", sent_to=sent)
    assert len(_emitted(ctx, "review.opinion_issued")) == 1
