"""Contracts of the working-day calendar activities (deadlines are computed in activities, so the result is
recorded in history and replays stay deterministic after the holiday data changes)."""

from datetime import date, datetime

from pydantic import Field

from models.base import Frozen


class DeadlineRequest(Frozen):
    """The end (24:00 Asia/Shanghai) of the `working_days`-th working day after the day of `start`.

    `working_days = 0` means the end of `start`'s own day (or of the next working day if that day is off)."""

    start: datetime
    working_days: int = Field(ge=0, le=2000)


class Deadline(Frozen):
    at: datetime  # absolute UTC instant
    provisional: bool  # computed with the provisional rule (a year with no official or loaded schedule)


class WorkingDaysRequest(Frozen):
    """Working days in the half-open span (day of `start`, day of `end`]; 0 when `end` is not later."""

    start: datetime
    end: datetime


class ShiftRequest(Frozen):
    """Move `deadline` later by `working_days` working days (an extension, or time spent paused)."""

    deadline: datetime
    working_days: int = Field(ge=0, le=2000)


class CalendarYear(Frozen):
    """An admin-loaded official schedule for one year: statutory holidays and make-up working days (调休)."""

    year: int
    holidays: tuple[date, ...]
    workdays: tuple[date, ...]
