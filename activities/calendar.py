"""Working-day calendar activities: deadlines are computed here so the result is recorded in history."""

import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import Engine
from temporalio import activity

from core.db import session_scope
from domain.calendar import WorkCalendar
from models.base import china_date
from models.calendar import Deadline, DeadlineRequest, ShiftRequest, WorkingDaysRequest
from models.clock import ClockPlan, ClockRequest, LadderRequest
from store.calendar import loaded_years

CACHE_SECONDS = 60.0


class CalendarActivities:
    def __init__(self, engine: Engine | None, cache_seconds: float = CACHE_SECONDS) -> None:
        """With no engine (tests), only the official data and the provisional rule are used."""
        self._engine = engine
        self._cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._calendar: WorkCalendar | None = None
        self._loaded_at = 0.0

    def calendar(self) -> WorkCalendar:
        """The calendar with the years loaded in the read model, re-read at most every `cache_seconds`."""
        with self._lock:
            now = time.monotonic()
            if self._engine is None:
                self._calendar = self._calendar or WorkCalendar()
            elif self._calendar is None or now - self._loaded_at >= self._cache_seconds:
                with session_scope(self._engine) as session:
                    self._calendar = WorkCalendar(loaded_years(session=session))
                self._loaded_at = now
            return self._calendar

    @activity.defn(name="compute_deadline")
    def compute_deadline(self, request: DeadlineRequest) -> Deadline:
        return self.calendar().deadline(request)

    @activity.defn(name="count_working_days")
    def count_working_days(self, request: WorkingDaysRequest) -> int:
        return self.calendar().working_days(request)

    @activity.defn(name="shift_deadline")
    def shift_deadline(self, request: ShiftRequest) -> Deadline:
        return self.calendar().shift(request)

    @activity.defn(name="plan_clock")
    def plan_clock(self, request: ClockRequest) -> ClockPlan:
        """A clock's due instant, its reminders (at fractions of the period and N working days before) and an
        optional cut-off N working days before, all at the end of working days counted from the start."""
        calendar = self.calendar()
        if request.working_days is not None:
            due = calendar.deadline(DeadlineRequest(start=request.start, working_days=request.working_days))
            period = request.working_days
        else:
            assert request.due_at is not None
            last_day = china_date(request.due_at - timedelta(seconds=1))
            provisional = calendar.any_provisional(china_date(request.start), last_day)
            due = Deadline(at=request.due_at, provisional=provisional)
            period = calendar.working_days_between(china_date(request.start), last_day)
        steps = {int(period * f) for f in request.reminder_fractions}
        steps |= {period - before for before in request.reminder_working_days_before}

        def end_of(k: int) -> datetime:
            return calendar.deadline(DeadlineRequest(start=request.start, working_days=k)).at

        reminders = sorted({end_of(k) for k in steps if 1 <= k < period} - {due.at})
        cutoff = None
        if request.cutoff_working_days_before is not None:
            k = period - request.cutoff_working_days_before
            cutoff = end_of(k) if k >= 1 else request.start
        return ClockPlan(due_at=due.at, provisional=due.provisional, reminders=tuple(reminders), cutoff_at=cutoff)

    @activity.defn(name="plan_ladder")
    def plan_ladder(self, request: LadderRequest) -> tuple[datetime, ...]:
        """When each rung fires: +0 at the deadline itself, +k at the end of the k-th working day after the
        deadline's day."""
        calendar = self.calendar()
        return tuple(
            request.deadline if k == 0 else calendar.shift(ShiftRequest(deadline=request.deadline, working_days=k)).at
            for k in request.offsets
        )
