"""The figures of docs/domain.md §10 for one group of hazards (`Figures`), and their groupings (`Group`,
`Dashboard`): the values `store.metrics` computes and the dashboard, the reports, the ranking, the campaigns and
`GET /api/v1/metrics` show."""

from dataclasses import dataclass, field, fields
from typing import Any

from models.clock import GOVERNMENT_CLOCKS
from models.policy import RungType

RECTIFIED = ("verified", "closed")


RUNG_TYPES = tuple(r.value for r in RungType)
GOVERNMENT_MISSED_REASONS = tuple(f"{c.value}_deadline" for c in sorted(GOVERNMENT_CLOCKS))


@dataclass(frozen=True)
class Figures:
    """The figures of docs/domain.md §10 for one group of hazards: the one definition the dashboard, the
    periodic reports, the ranking and `GET /api/v1/metrics` all read."""

    found: int = 0
    rectified: int = 0
    on_time: int = 0
    listed: int = 0
    closed_listed: int = 0
    overdue_now: int = 0
    rungs_fired: int = 0
    closed: int = 0  # closed out (销号), listed or not: the hazards the average time to close is taken over
    close_working_days: int = 0  # their working days from report to close-out, summed
    government_deadlines_missed: int = 0  # a step an authority owed (assess, list, review, verify, close, ...)
    major: int = 0  # found that are major hazards
    rungs: tuple[int, ...] = (0,) * len(RUNG_TYPES)  # rungs fired, in RUNG_TYPES order

    def __add__(self, other: "Figures") -> "Figures":
        summed = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self) if f.name != "rungs"}
        return Figures(**summed, rungs=tuple(a + b for a, b in zip(self.rungs, other.rungs, strict=True)))

    @property
    def rectification_rate(self) -> float | None:
        """整改率: rectified ÷ found."""
        return self.rectified / self.found if self.found else None

    @property
    def on_time_rate(self) -> float | None:
        """按期整改率: rectified on time ÷ rectified."""
        return self.on_time / self.rectified if self.rectified else None

    @property
    def closure_rate(self) -> float | None:
        """销号率: closed ÷ listed."""
        return self.closed_listed / self.listed if self.listed else None

    @property
    def average_working_days_to_close(self) -> float | None:
        return round(self.close_working_days / self.closed, 2) if self.closed else None

    @property
    def rungs_by_type(self) -> dict[str, int]:
        return dict(zip(RUNG_TYPES, self.rungs, strict=True))

    def as_json(self) -> dict[str, Any]:
        """The figures as the API, the reports and their workbooks show them."""
        return {
            "found": self.found, "major": self.major, "rectified": self.rectified, "rectification_rate": _rate(self.rectification_rate),
            "on_time": self.on_time, "on_time_rate": _rate(self.on_time_rate), "listed": self.listed,
            "closed_listed": self.closed_listed, "closure_rate": _rate(self.closure_rate),
            "overdue_now": self.overdue_now, "closed": self.closed,
            "average_working_days_to_close": self.average_working_days_to_close, "rungs_fired": self.rungs_fired,
            "rungs_by_type": self.rungs_by_type, "government_deadlines_missed": self.government_deadlines_missed,
        }

    def ranking_terms(self) -> dict[str, float | None]:
        """The values the ranking's weights apply to (domain/ranking.py)."""
        return {
            "rectification_rate": self.rectification_rate, "on_time_rate": self.on_time_rate,
            "closure_rate": self.closure_rate, "found": self.found, "overdue_now": self.overdue_now,
            "government_deadlines_missed": self.government_deadlines_missed,
            "circular_rungs": self.rungs_by_type[RungType.CIRCULAR.value],
        }


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True)
class Group:
    key: str  # a jurisdiction code, or an industry
    name: str
    figures: Figures


@dataclass(frozen=True)
class Dashboard:
    total: Figures
    by_region: list[Group]
    by_industry: list[Group]
    by_level: list[Group] = field(default_factory=list)
    by_source: list[Group] = field(default_factory=list)

    def groups(self, group_by: str) -> list[Group]:
        """`region`, `industry`, `level` or `source`."""
        return {"region": self.by_region, "industry": self.by_industry, "level": self.by_level, "source": self.by_source}[group_by]
