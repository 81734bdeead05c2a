"""The Chinese working-day calendar (pure): weekends and statutory holidays are off, make-up days (调休) on.

Precedence for a year: a schedule an admin loaded, else the `chinese-calendar` package if it covers the year,
else the provisional rule (weekends off plus the fixed-date holidays 1 Jan, 1–2 May and 1–3 Oct).

Imported by activities and the API, never by workflows: a deadline is computed in an activity so its result is
recorded in the workflow's history.
"""

from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType

from chinese_calendar import constants as official

from models.base import china_date, end_of_day
from models.calendar import CalendarYear, Deadline, DeadlineRequest, ShiftRequest, WorkingDaysRequest

OFFICIAL_YEARS = range(min(official.holidays).year, max(official.holidays).year + 1)
PROVISIONAL_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))  # (month, day)
ONE_SECOND = timedelta(seconds=1)
ONE_DAY = timedelta(days=1)
NOTHING_LOADED: Mapping[int, CalendarYear] = MappingProxyType({})


def official_year(year: int) -> CalendarYear | None:
    """The `chinese-calendar` package's schedule for `year`, or None when it does not cover the year."""
    if year not in OFFICIAL_YEARS:
        return None
    return CalendarYear(
        year=year,
        holidays=tuple(sorted(d for d in official.holidays if d.year == year)),
        workdays=tuple(sorted(d for d in official.workdays if d.year == year)),
    )


def provisional_year(year: int) -> CalendarYear:
    """The provisional rule's fixed-date holidays for `year` (weekends are off too, without being listed)."""
    return CalendarYear(
        year=year, holidays=tuple(date(year, m, d) for m, d in PROVISIONAL_HOLIDAYS), workdays=()
    )


class WorkCalendar:
    def __init__(self, loaded: Mapping[int, CalendarYear] = NOTHING_LOADED) -> None:
        self._loaded: dict[int, tuple[frozenset[date], frozenset[date]]] = {
            year: (frozenset(schedule.holidays), frozenset(schedule.workdays))
            for year, schedule in loaded.items()
        }

    def source(self, year: int) -> str:
        """Where `year`'s schedule comes from: "loaded", "chinese-calendar" or "provisional"."""
        if year in self._loaded:
            return "loaded"
        if year in OFFICIAL_YEARS:
            return "chinese-calendar"
        return "provisional"

    def is_provisional(self, day: date) -> bool:
        return day.year not in self._loaded and day.year not in OFFICIAL_YEARS

    def is_working_day(self, day: date) -> bool:
        if day.year in self._loaded:
            holidays, workdays = self._loaded[day.year]
            if day in workdays:
                return True
            return day not in holidays and day.weekday() < 5
        if day.year in OFFICIAL_YEARS:
            if day in official.workdays:
                return True
            return day not in official.holidays and day.weekday() < 5
        return day.weekday() < 5 and (day.month, day.day) not in PROVISIONAL_HOLIDAYS

    def add_working_days(self, day: date, n: int) -> date:
        """The `n`-th working day after `day`; for n = 0, `day` itself if it is a working day, else the next."""
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            while not self.is_working_day(day):
                day += ONE_DAY
            return day
        while n > 0:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; 0 when `end` is not later than `start`."""
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count

    def any_provisional(self, first: date, last: date) -> bool:
        """True when any day of first..last (inclusive) falls in a provisional year."""
        return any(self.is_provisional(date(year, 1, 1)) for year in range(first.year, last.year + 1))

    def deadline(self, request: DeadlineRequest) -> Deadline:
        day = china_date(request.start)
        last = self.add_working_days(day, request.working_days)
        return Deadline(at=end_of_day(last), provisional=self.any_provisional(day, last))

    def working_days(self, request: WorkingDaysRequest) -> int:
        return self.working_days_between(china_date(request.start), china_date(request.end))

    def shift(self, request: ShiftRequest) -> Deadline:
        day = china_date(request.deadline - ONE_SECOND)  # a deadline is 24:00 of its own day
        last = self.add_working_days(day, request.working_days)
        return Deadline(at=end_of_day(last), provisional=self.any_provisional(day, last))
