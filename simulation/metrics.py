"""The year's figures (docs/domain.md §10), computed from what the hazards projected by year end."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from domain.calendar import WorkCalendar
from models.base import china_date
from models.clock import GOVERNMENT_CLOCKS
from models.enums import Action
from models.policy import RungType
from simulation.model import S
from simulation.projection import LastStateProjection
from store.metrics import RECTIFIED, Figures


@dataclass
class Metrics:
    """docs/domain.md §10 for the simulated year."""

    policy: str
    found: int = 0
    rectified: int = 0
    on_time: int = 0
    listed: int = 0
    listed_closed: int = 0
    closed: int = 0
    overdue_at_year_end: int = 0
    open_at_year_end: int = 0
    working_days_to_close: float | None = None
    rungs: dict[str, int] = field(default_factory=dict)
    rung_days: dict[str, float] = field(default_factory=dict)  # mean working days from the deadline to each rung
    government_missed: int = 0
    enterprise_missed: int = 0
    reminders: int = 0
    interviews: int = 0
    interview_no_shows: int = 0
    actions: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rates(self) -> Figures:
        """The dashboard's own figures, so 整改率, 按期整改率 and 销号率 are defined once (store.metrics)."""
        return Figures(
            found=self.found, rectified=self.rectified, on_time=self.on_time, listed=self.listed,
            closed_listed=self.listed_closed,
        )

    @property
    def rectification_rate(self) -> float | None:
        return self.rates.rectification_rate

    @property
    def on_time_rate(self) -> float | None:
        return self.rates.on_time_rate

    @property
    def close_rate(self) -> float | None:
        return self.rates.closure_rate

    def figures(self) -> dict[str, Any]:
        """Every figure that must be the same for the same seed (not the run time)."""
        return {
            "found": self.found, "rectified": self.rectified, "on_time": self.on_time, "listed": self.listed,
            "listed_closed": self.listed_closed, "closed": self.closed, "overdue_at_year_end": self.overdue_at_year_end,
            "open_at_year_end": self.open_at_year_end, "working_days_to_close": self.working_days_to_close,
            "rungs": dict(sorted(self.rungs.items())), "rung_days": dict(sorted(self.rung_days.items())),
            "government_missed": self.government_missed, "enterprise_missed": self.enterprise_missed,
            "reminders": self.reminders, "interviews": self.interviews, "interview_no_shows": self.interview_no_shows,
            "actions": self.actions, "refused": dict(sorted(self.refused.items())),
        }


def metrics_of(policy: str, projection: LastStateProjection, calendar: WorkCalendar, actions: int, refused: Counter[str]) -> Metrics:
    m = Metrics(policy=policy, actions=actions, refused=dict(refused))
    close_days: list[int] = []
    rung_days: dict[str, list[int]] = {}
    rungs: Counter[str] = Counter()
    for code, state in projection.hazards.items():
        if state.status == S.VOIDED:
            continue
        m.found += 1
        if state.listing is not None:
            m.listed += 1
        if state.status.value in RECTIFIED:
            m.rectified += 1
            done = projection.completed_at.get(code)
            if state.deadline is None or (done is not None and done <= state.deadline):
                m.on_time += 1
        if state.status == S.CLOSED:
            m.closed += 1
            m.listed_closed += state.listing is not None
            if state.closed_at is not None:
                close_days.append(calendar.working_days_between(china_date(state.reported_at), china_date(state.closed_at)))
        else:
            m.open_at_year_end += 1
            m.overdue_at_year_end += state.overdue
        for fired in state.fired:
            rungs[fired.rung.value] += 1
        if state.ladder_deadline is not None:
            for fired in state.fired:
                days = calendar.working_days_between(china_date(state.ladder_deadline), china_date(fired.at))
                rung_days.setdefault(fired.rung.value, []).append(days)
    m.rungs = {r.value: rungs.get(r.value, 0) for r in RungType}
    m.working_days_to_close = round(sum(close_days) / len(close_days), 2) if close_days else None
    m.rung_days = {r: round(sum(d) / len(d), 2) for r, d in rung_days.items()}
    government = {c.value for c in GOVERNMENT_CLOCKS}
    for key, count in projection.steps.items():
        if key.startswith("missed:"):
            if key.removeprefix("missed:") in government:
                m.government_missed += count
            else:
                m.enterprise_missed += count
    m.reminders = projection.steps.get(Action.REMINDER.value, 0)
    m.interviews = len(projection.interviews)
    m.interview_no_shows = sum(1 for i in projection.interviews.values() if i.outcome is not None and i.outcome.value == "no_show")
    return m
