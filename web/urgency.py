"""Urgency marks of the web UI: red (overdue), yellow (due within the warning window), green (fine).

The warning window is the policy profile's `display.warning_working_days` (3 working days by default); the
working days are counted on the same calendar as the deadlines (`domain.calendar.WorkCalendar` with the
years an admin loaded).
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from domain.calendar import WorkCalendar
from models.base import china_date

ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Urgency:
    mark: str  # red | yellow | green
    days_left: int | None  # working days left, today included; negative: working days overdue; None: no due date


def last_day(due: datetime) -> date:
    """The day a deadline belongs to: a deadline is 24:00 Asia/Shanghai of its last day."""
    return china_date(due - ONE_SECOND)


def urgency(
    calendar: WorkCalendar, due: datetime | None, overdue: bool, now: datetime | None = None, *, warning_working_days: int
) -> Urgency:
    now = now or datetime.now(UTC)
    if due is None:
        return Urgency("red" if overdue else "green", None)
    due = due if due.tzinfo else due.replace(tzinfo=UTC)
    today, day = china_date(now), last_day(due)
    if due <= now:
        return Urgency("red", -calendar.working_days_between(day, today))
    left = calendar.working_days_between(today - timedelta(days=1), day)
    if overdue:
        return Urgency("red", left)
    return Urgency("yellow" if left <= warning_working_days else "green", left)


def next_due(state_json: str) -> tuple[datetime | None, bool]:
    """The nearest running clock of a hazard (from its stored state, without validating all of it) and
    whether any clock has lapsed. Paused hazards have no running clock."""
    state = json.loads(state_json)
    if state.get("pause"):
        return None, False
    dues = []
    lapsed = False
    for clock in state.get("clocks") or ():
        if clock.get("lapsed"):
            lapsed = True
            continue
        dues.append(datetime.fromisoformat(clock["due_at"].replace("Z", "+00:00")))
    return (min(dues) if dues else None), lapsed
