"""打分排队: jurisdictions ranked by a score whose weights are policy data (`[ranking]` in the profile). Pure.

Each term is a figure of docs/domain.md §10 times its weight; rates count as fractions (0 to 1), and a rate
with nothing to divide (no hazard found, none rectified, none listed) counts as full, so a jurisdiction is not
marked down for hazards it did not have. Counts (overdue now, deadlines missed, circular rungs) carry negative
weights in the default profile.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

RATE_TERMS = ("rectification_rate", "on_time_rate", "closure_rate")


@dataclass(frozen=True)
class Term:
    term: str
    value: float
    weight: float
    points: float


@dataclass(frozen=True)
class Ranked:
    region_code: str
    name: str
    score: float
    terms: tuple[Term, ...]
    rank: int = 0


def score(values: Mapping[str, float | None], weights: Mapping[str, float]) -> tuple[float, tuple[Term, ...]]:
    """The score of one jurisdiction and the terms that make it, in the weights' order."""
    terms = []
    for name, weight in weights.items():
        raw = values.get(name)
        value = (1.0 if name in RATE_TERMS else 0.0) if raw is None else float(raw)
        terms.append(Term(term=name, value=round(value, 6), weight=weight, points=round(weight * value, 4)))
    return round(sum(t.points for t in terms), 4), tuple(terms)


def rank(entries: Sequence[tuple[str, str, Mapping[str, float | None]]], weights: Mapping[str, float]) -> list[Ranked]:
    """Highest score first (ties by region code); `rank` is 1-based and shared by equal scores."""
    scored = []
    for code, name, values in entries:
        total, terms = score(values, weights)
        scored.append(Ranked(region_code=code, name=name, score=total, terms=terms))
    scored.sort(key=lambda r: (-r.score, r.region_code))
    ranked: list[Ranked] = []
    for index, entry in enumerate(scored):
        place = ranked[-1].rank if ranked and ranked[-1].score == entry.score else index + 1
        ranked.append(Ranked(entry.region_code, entry.name, entry.score, entry.terms, place))
    return ranked
