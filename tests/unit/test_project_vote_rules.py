"""The vote's pure rules: quorum, 差额, ballot checks, threshold, the last seat, the board."""

from __future__ import annotations

import random
from datetime import date

import pytest

from services.intake.domain.ballots import into_the_pool, splits
from services.workflow.domain.rules import RuleBroken
from services.workflow.projects.domain.board import count, seal
from services.workflow.projects.domain.figures import ProjectFacts, best_units
from services.workflow.projects.domain.figures import count as count_projects
from services.workflow.projects.domain.proposal import behind_schedule
from services.workflow.projects.domain.rules import VoteRules
from services.workflow.projects.domain.satisfaction import verdict
from services.workflow.projects.domain.score import OPTIONS, mean_score
from services.workflow.projects.domain.vote import check_ballot, check_opening, tally

ROLL = [f"D{n:03d}" for n in range(120)]


@pytest.mark.parametrize(("present", "opens"), [(80, False), (81, True)])
def test_quorum_is_more_than_two_thirds_of_the_roll(present: int, opens: bool) -> None:
    def opening() -> None:
        check_opening(
            VoteRules(), seats=1, candidates=["A", "B"], roll=ROLL, present=ROLL[:present]
        )

    if opens:
        opening()
    else:
        with pytest.raises(RuleBroken, match="no quorum"):
            opening()


def test_a_vote_needs_more_candidates_than_seats() -> None:
    with pytest.raises(RuleBroken, match="差额"):
        check_opening(VoteRules(), seats=2, candidates=["A", "B"], roll=ROLL, present=ROLL)


def test_a_ballot_blank_valid_strangers_repeats_and_excess_refused() -> None:
    check_ballot([], ["A", "B", "C"], 2)
    for choices, why in (
        (["X"], "not a candidate"),
        (["A", "A"], "twice"),
        (["A", "B", "C"], "at most 2"),
    ):
        with pytest.raises(RuleBroken, match=why):
            check_ballot(choices, ["A", "B", "C"], 2)


def result(
    rules: VoteRules, ballots: list[list[str]], *, seats: int = 2, present: int = 10
) -> dict:
    return tally(
        rules,
        seats=seats,
        candidates=["A", "B", "C", "D"],
        roll=12,
        present=present,
        ballots=ballots,
        registered=len(ballots),
    ).as_dict()


def test_threshold_of_the_roll_or_of_those_present() -> None:
    ballots = [["A", "B"]] * 6 + [["A", "C"]] * 4  # A 10, B 6, C 4
    assert result(VoteRules(), ballots)["elected"] == ["A"]  # B needs more than 6 of 12
    present_rule = VoteRules(threshold_base="present")
    assert result(present_rule, ballots)["elected"] == ["A", "B"]  # more than 5 of 10


def test_a_tie_at_the_last_seat_calls_a_runoff_or_elects_none_of_the_tied() -> None:
    ballots = [["A", "B"]] * 4 + [["A", "C"]] * 4 + [["A"]] * 2  # A 10, B 4, C 4
    rules = VoteRules(threshold_base="present", quorum_numerator=1, quorum_denominator=3)
    few = tally(
        rules,
        seats=2,
        candidates=["A", "B", "C"],
        roll=8,
        present=6,
        ballots=ballots,
        registered=10,
    ).as_dict()
    assert few["elected"] == ["A"] and few["runoff"] == {"candidates": ["B", "C"], "seats": 1}
    none = VoteRules(threshold_base="present", tie_at_last_seat="none")
    no_runoff = tally(
        none, seats=2, candidates=["A", "B", "C"], roll=8, present=6, ballots=ballots, registered=10
    ).as_dict()
    assert no_runoff["elected"] == ["A"] and no_runoff["runoff"] is None


def test_no_result_unless_ballots_equal_the_register() -> None:
    with pytest.raises(RuleBroken, match="not published"):
        tally(
            VoteRules(),
            seats=1,
            candidates=["A", "B"],
            roll=3,
            present=3,
            ballots=[["A"]],
            registered=2,
        )


def test_the_board_counts_and_its_seal_breaks_on_any_change() -> None:
    board = [{"ballot_id": "b1", "choices": ["A"]}, {"ballot_id": "a2", "choices": ["B", "A"]}]
    assert count(board) == {"A": 2, "B": 1}
    sealed = seal("v", board)
    assert seal("v", list(reversed(board))) == sealed  # the order given does not matter
    assert seal("v", [board[0], {**board[1], "choices": ["B"]}]) != sealed
    assert seal("v", board[:1]) != sealed
    assert seal("w", board) != sealed


def test_rules_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="unknown"):
        VoteRules.with_overrides({"quorum": 3})
    with pytest.raises(ValueError, match="threshold_base"):
        VoteRules(threshold_base="half")


@pytest.mark.parametrize(
    ("satisfied", "basically", "expected"),
    [
        (5, 0, "dissatisfied"),  # exactly half satisfied: not more than half
        (6, 0, "satisfied"),  # half plus one
        (5, 1, "basically"),  # half satisfied, plus one basically: more than half together
        (4, 1, "dissatisfied"),  # exactly half together
        (0, 6, "basically"),
    ],
)
def test_satisfaction_verdict_at_its_boundaries(
    satisfied: int, basically: int, expected: str
) -> None:
    votes = {"satisfied": satisfied, "basically": basically}
    assert verdict(VoteRules(), votes, ballots=10) == expected


def test_a_congress_may_ask_for_two_thirds_satisfied() -> None:
    two_thirds = VoteRules(satisfaction_numerator=2, satisfaction_denominator=3)
    assert verdict(two_thirds, {"satisfied": 6}, ballots=9) == "dissatisfied"
    assert verdict(two_thirds, {"satisfied": 6, "basically": 1}, ballots=9) == "basically"
    assert verdict(two_thirds, {"satisfied": 7}, ballots=9) == "satisfied"


def test_behind_schedule_when_progress_trails_time_gone_by_more_than_the_margin() -> None:
    start, end = date(2027, 1, 1), date(2027, 12, 31)
    half_way = date(2027, 7, 2)  # 182 of 364 days: 50% expected
    assert not behind_schedule(half_way, start, end, 40, 10)
    assert behind_schedule(half_way, start, end, 39, 10)
    assert not behind_schedule(date(2028, 3, 1), start, end, 100, 10)
    assert not behind_schedule(start, start, end, 0, 10)


def test_figures_count_voted_completed_on_time_and_verdicts() -> None:
    end = date(2027, 12, 31)
    facts = [
        ProjectFacts("completed", end, date(2027, 11, 1), "satisfied"),
        ProjectFacts("completed", end, date(2028, 1, 5), "dissatisfied"),  # late
        ProjectFacts("implementing", end, None, None),
        ProjectFacts("candidate", None, None, None),  # not elected: not counted
        ProjectFacts("dropped", None, None, None),
    ]
    assert count_projects(facts).as_dict() == {
        "voted": 3,
        "completed": 2,
        "on_time": 1,
        "satisfied": 1,
        "basically": 0,
        "dissatisfied": 1,
    }


def test_the_pool_keeps_every_ballot_until_twice_its_size_then_lets_a_random_batch_go() -> None:
    rng = random.Random(3)
    pool: list[dict] = []
    boxed: list[dict] = []
    batches = []
    for n in range(250):
        pool, leaving = into_the_pool(
            pool, {"ballot_id": f"{n * 7919 % 1000:03d}", "choices": []}, rng, size=50
        )
        if leaving:
            batches.append(n)
            assert len(leaving) == 50 and len(pool) == 50
        boxed += leaving
        assert [b["ballot_id"] for b in pool] == sorted(b["ballot_id"] for b in pool)
        assert [b["ballot_id"] for b in leaving] == sorted(b["ballot_id"] for b in leaving)
        assert 0 < len(pool) < 100  # a transaction id never points at fewer than 50 ballots
    assert batches == [99, 149, 199, 249]  # no batch before 100 ballots are in
    ids = [b["ballot_id"] for b in [*boxed, *pool]]
    assert len(ids) == len(set(ids)) == 250  # each ballot once, in the box or the pool
    first_batch = {int(b) for b in [b["ballot_id"] for b in boxed[:50]]}
    assert first_batch != {n * 7919 % 1000 for n in range(50)}  # not simply the oldest


def test_a_full_shard_splits_in_two_until_the_most_shards_then_spills_random_batches() -> None:
    """The pool grows by splitting: a vote opens with one shard, so every shard after a split
    holds at least `size` ballots, and a transaction id (one cast: the shard it rewrote and
    the shard or batch it made) never points at fewer than `size` ballots."""
    rng = random.Random(5)
    shards: list[list[dict]] = [[]]
    batches: list[list[dict]] = []
    splits_at = []
    for n in range(1500):
        i = rng.randrange(len(shards))  # a cast takes whichever shard is free
        shard, leaving = into_the_pool(
            shards[i], {"ballot_id": f"{n * 7919 % 10000:04d}", "choices": []}, rng, size=50
        )
        written = [shard]  # the rows this cast's transaction writes
        shards[i] = shard
        if leaving and splits(len(shards), max_shards=8):
            shards.append(leaving)
            written.append(leaving)
            splits_at.append(n)
            assert len(shard) == len(leaving) == 50
        elif leaving:
            batches.append(leaving)
            assert len(leaving) == 50 and not splits(len(shards), max_shards=8)
        assert sum(len(w) for w in written) >= 50 or n < 49  # the first 49 share one pool
        if len(shards) > 1:
            assert all(50 <= len(s) < 100 for s in shards)
    assert len(shards) == 8 and len(splits_at) == 7
    assert splits_at[0] == 99  # no split before the one shard holds 100
    assert batches and all(len(b) == 50 for b in batches)
    assert len(batches) * 50 + sum(map(len, shards)) == 1500
    ids = [b["ballot_id"] for group in [*shards, *batches] for b in group]
    assert len(ids) == len(set(ids)) == 1500  # each ballot once
    assert not splits(16) and splits(15)  # the default: up to MAX_SHARDS = 16


def test_the_best_units_finished_every_project_on_time_none_judged_dissatisfied() -> None:
    due = date(2027, 12, 31)

    def done(verdict: str | None, on: date = date(2027, 11, 1)) -> ProjectFacts:
        return ProjectFacts("completed", due, on, verdict)

    projects = [
        ("A", done("satisfied")),
        ("A", done("basically")),
        ("B", done("satisfied")),
        ("B", done("satisfied")),
        ("C", done("satisfied")),
        ("C", done("dissatisfied")),  # one project judged dissatisfied: out
        ("D", done("satisfied", on=date(2028, 1, 5))),  # late: out
        ("E", ProjectFacts("implementing", due, None, None)),  # not finished: out
        ("F", done(None)),
        ("G", done("basically")),
        ("H", done("basically")),
        ("Z", ProjectFacts("dropped", None, None, None)),  # not voted: not counted at all
    ]
    ranked = best_units(projects, how_many=10)
    assert [r.unit_id for r in ranked] == ["B", "A", "G", "H", "F"]
    assert ranked[0].counts.satisfied == 2 and ranked[0].counts.on_time == 2
    assert [r.unit_id for r in best_units(projects, how_many=2)] == ["B", "A"]


@pytest.mark.parametrize("rule", ["best_units", "problem_answer_working_days"])
def test_a_congress_cannot_set_none_of_its_best_units_or_no_days_to_answer(rule: str) -> None:
    with pytest.raises(ValueError, match=rule):
        VoteRules.with_overrides({rule: 0})
    assert getattr(VoteRules.with_overrides({rule: 3}), rule) == 3


def test_a_monthly_score_is_the_mean_of_the_scores_given_blank_ballots_left_out() -> None:
    assert [o["id"] for o in OPTIONS] == [str(n) for n in range(10, 0, -1)]
    assert mean_score({"10": 1, "9": 2}) == 9.3
    assert mean_score({"10": 0, "1": 0}) is None  # every ballot blank: no figure
