"""The consultations' figures (docs/domain.md §8): drafts consulted, opinions received and
submitted, adopted fully and partly, per contact point; participation (people, forums).

People counts those at forums and visits, plus each opinion left alone (the public page,
a deputy): a forum's opinions are its participants' and are not counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OpinionFact:
    station_id: str
    channel: str
    state: str
    adoption: str | None


@dataclass(frozen=True)
class GatheringFact:
    station_id: str
    kind: str
    participants: int


@dataclass
class Counts:
    drafts: int = 0
    received: int = 0
    submitted: int = 0
    merged: int = 0
    adopted_fully: int = 0
    adopted_partly: int = 0
    not_adopted: int = 0
    forums: int = 0
    visits: int = 0
    people: int = 0

    def add(self, opinion: OpinionFact) -> None:
        self.received += 1
        if opinion.state == "merged":
            self.merged += 1
        if opinion.state in ("submitted", "answered"):
            self.submitted += 1
        # A merged duplicate shares its opinion's outcome but is not counted again.
        if opinion.state == "answered":
            self.adopted_fully += opinion.adoption == "fully"
            self.adopted_partly += opinion.adoption == "partly"
            self.not_adopted += opinion.adoption == "not"
        if opinion.channel in ("public_page", "deputy"):
            self.people += 1

    def gathered(self, gathering: GatheringFact) -> None:
        if gathering.kind == "forum":
            self.forums += 1
        else:
            self.visits += 1
        self.people += gathering.participants


@dataclass
class Figures:
    total: Counts = field(default_factory=Counts)
    by_station: dict[str, Counts] = field(default_factory=dict)


def count(
    drafts: Iterable[tuple[str, ...]],
    opinions: Iterable[OpinionFact],
    gatherings: Iterable[GatheringFact],
) -> Figures:
    """`drafts`: each consultation's contact points. A station's drafts are those it took
    part in; the total counts each draft once."""
    figures = Figures()

    def at(station: str) -> Counts:
        return figures.by_station.setdefault(station, Counts())

    for stations in drafts:
        figures.total.drafts += 1
        for station in stations:
            at(station).drafts += 1
    for opinion in opinions:
        figures.total.add(opinion)
        at(opinion.station_id).add(opinion)
    for gathering in gatherings:
        figures.total.gathered(gathering)
        at(gathering.station_id).gathered(gathering)
    return figures
