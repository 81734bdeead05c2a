"""The working-day calendar: statutory holidays, make-up working days (调休), provisional years, loaded years."""

from datetime import UTC, date, datetime, timedelta

import pytest
from chinese_calendar import constants as official

from domain.calendar import WorkCalendar
from models.base import CHINA_TZ, end_of_day
from models.calendar import CalendarYear, DeadlineRequest, ShiftRequest, WorkingDaysRequest

CALENDAR = WorkCalendar()


def on(day: date, hour: int = 10) -> datetime:
    """An instant during `day` in Asia/Shanghai."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=CHINA_TZ)


def deadline(start: date, n: int, calendar: WorkCalendar = CALENDAR) -> tuple[datetime, bool]:
    result = calendar.deadline(DeadlineRequest(start=on(start), working_days=n))
    return result.at, result.provisional


# --- National Day 2026 ----------------------------------------------------------------------------------


def test_ten_working_days_from_25_september_2026_end_at_24_00_on_15_october() -> None:
    at, provisional = deadline(date(2026, 9, 25), 10)
    assert at == datetime(2026, 10, 15, 16, 0, tzinfo=UTC)
    assert at == end_of_day(date(2026, 10, 15))
    assert provisional is False


def test_national_day_2026_is_off_and_its_make_up_saturday_is_a_working_day() -> None:
    for day in range(1, 8):
        assert not CALENDAR.is_working_day(date(2026, 10, day)), day
    assert CALENDAR.is_working_day(date(2026, 10, 10))  # Saturday, 调休
    assert not CALENDAR.is_working_day(date(2026, 10, 11))  # Sunday
    assert CALENDAR.is_working_day(date(2026, 10, 8))
    assert not CALENDAR.is_provisional(date(2026, 10, 1))


def test_an_instant_late_in_the_evening_utc_counts_from_its_shanghai_day() -> None:
    # 2026-09-24 17:00 UTC is already 2026-09-25 01:00 in Shanghai
    request = DeadlineRequest(start=datetime(2026, 9, 24, 17, 0, tzinfo=UTC), working_days=10)
    assert CALENDAR.deadline(request).at == datetime(2026, 10, 15, 16, 0, tzinfo=UTC)


# --- Spring Festival 2026 -------------------------------------------------------------------------------

SPRING_2026 = sorted(
    d for d, name in official.holidays.items() if d.year == 2026 and name == "Spring Festival"
)
MAKE_UP_2026 = sorted(d for d in official.workdays if d.year == 2026)


def test_the_package_knows_spring_festival_2026_and_its_make_up_saturdays() -> None:
    assert [date(2026, 2, 15) + timedelta(days=i) for i in range(9)] == SPRING_2026  # 15–23 Feb
    assert {date(2026, 2, 14), date(2026, 2, 28)} <= set(MAKE_UP_2026)
    assert all(d.weekday() == 5 for d in (date(2026, 2, 14), date(2026, 2, 28)))


def test_a_period_from_the_friday_before_spring_festival_skips_it_and_counts_the_make_up_saturdays() -> None:
    friday = date(2026, 2, 13)
    assert friday.weekday() == 4
    # by hand: 14 Feb (Sat, 调休) = 1; 15–23 off; 24, 25, 26, 27 = 2–5; 28 Feb (Sat, 调休) = 6; 1 Mar Sun; 2 Mar = 7
    assert CALENDAR.add_working_days(friday, 1) == date(2026, 2, 14)
    assert CALENDAR.add_working_days(friday, 2) == date(2026, 2, 24)
    assert CALENDAR.add_working_days(friday, 6) == date(2026, 2, 28)
    assert CALENDAR.add_working_days(friday, 7) == date(2026, 3, 2)
    at, provisional = deadline(friday, 7)
    assert at == datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    assert not provisional

    # derived from the package's data: every day counted is a weekday outside the holiday or a make-up day
    counted = [d for d in (friday + timedelta(days=i) for i in range(1, 18)) if CALENDAR.is_working_day(d)]
    expected = [
        d
        for d in (friday + timedelta(days=i) for i in range(1, 18))
        if d in official.workdays or (d.weekday() < 5 and d not in official.holidays)
    ]
    assert counted == expected
    assert not set(counted) & set(SPRING_2026)


# --- beyond the package: provisional years and loaded years ---------------------------------------------


def test_2027_without_a_loaded_schedule_is_provisional_with_weekends_and_new_year_off() -> None:
    assert CALENDAR.is_provisional(date(2027, 3, 1))
    assert not CALENDAR.is_working_day(date(2027, 1, 1))  # Friday, New Year
    assert not CALENDAR.is_working_day(date(2027, 1, 2))  # Saturday
    assert not CALENDAR.is_working_day(date(2027, 1, 3))  # Sunday
    assert CALENDAR.is_working_day(date(2027, 1, 4))
    for fixed in (
        date(2027, 5, 1),
        date(2027, 5, 2),
        date(2027, 10, 1),
        date(2027, 10, 2),
        date(2027, 10, 3),
    ):
        assert not CALENDAR.is_working_day(fixed), fixed
    # 30 Dec 2026 (Wed): 31 Dec = 1, 1 Jan off, weekend, 4 Jan = 2
    at, provisional = deadline(date(2026, 12, 30), 2)
    assert at == end_of_day(date(2027, 1, 4))
    assert provisional is True


def test_a_deadline_wholly_inside_a_covered_year_is_not_provisional() -> None:
    assert deadline(date(2026, 12, 28), 3) == (end_of_day(date(2026, 12, 31)), False)


SPRING_2027 = CalendarYear(
    year=2027,
    holidays=tuple(date(2027, 2, 6) + timedelta(days=i) for i in range(7)),  # 6–12 Feb
    workdays=(date(2027, 2, 14),),  # Sunday, 调休
)


def test_a_loaded_2027_schedule_moves_the_deadline_and_is_not_provisional() -> None:
    friday = date(2027, 2, 5)
    assert friday.weekday() == 4
    assert deadline(friday, 3) == (end_of_day(date(2027, 2, 10)), True)  # provisional: 8, 9, 10 Feb

    loaded = WorkCalendar({2027: SPRING_2027})
    # 6–12 Feb off, 13 Feb Saturday off, 14 Feb Sunday (调休) = 1, 15 = 2, 16 = 3
    assert deadline(friday, 3, loaded) == (end_of_day(date(2027, 2, 16)), False)
    assert loaded.is_working_day(date(2027, 2, 14))
    assert not loaded.is_working_day(date(2027, 2, 8))
    assert not loaded.is_provisional(date(2027, 2, 8))
    assert loaded.source(2027) == "loaded"


def test_a_loaded_year_wins_over_the_package() -> None:
    loaded = WorkCalendar({2026: CalendarYear(year=2026, holidays=(date(2026, 10, 12),), workdays=())})
    assert loaded.is_working_day(date(2026, 10, 1))  # the loaded schedule says nothing about National Day
    assert not loaded.is_working_day(date(2026, 10, 10))  # and a Saturday without a listed make-up is off
    assert not loaded.is_working_day(date(2026, 10, 12))


# --- counting, shifting, zero ---------------------------------------------------------------------------


def test_working_days_between_counts_the_half_open_span() -> None:
    assert CALENDAR.working_days_between(date(2026, 9, 25), date(2026, 10, 15)) == 10
    assert CALENDAR.working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1  # 1–7 Oct off
    assert CALENDAR.working_days_between(date(2026, 10, 15), date(2026, 10, 15)) == 0
    assert CALENDAR.working_days_between(date(2026, 10, 15), date(2026, 9, 25)) == 0
    request = WorkingDaysRequest(start=on(date(2026, 2, 13)), end=on(date(2026, 3, 2), 23))
    assert CALENDAR.working_days(request) == 7


@pytest.mark.parametrize("n", [1, 5, 10, 37])
def test_counting_the_working_days_up_to_a_deadline_gives_back_n(n: int) -> None:
    start = date(2026, 9, 18)
    assert CALENDAR.working_days_between(start, CALENDAR.add_working_days(start, n)) == n


def test_shifting_a_deadline_moves_it_by_working_days_from_its_own_day() -> None:
    # a deadline at 24:00 on 30 Sep 2026 moved by 3 working days: 8, 9, 10 Oct (10 Oct is 调休)
    shifted = CALENDAR.shift(ShiftRequest(deadline=end_of_day(date(2026, 9, 30)), working_days=3))
    assert shifted.at == end_of_day(date(2026, 10, 10))
    assert shifted.provisional is False
    assert (
        CALENDAR.shift(ShiftRequest(deadline=end_of_day(date(2026, 12, 31)), working_days=1)).provisional
        is True
    )


def test_shifting_by_zero_keeps_a_deadline_on_a_working_day_and_moves_one_on_a_holiday() -> None:
    on_working_day = end_of_day(date(2026, 10, 9))
    assert CALENDAR.shift(ShiftRequest(deadline=on_working_day, working_days=0)).at == on_working_day
    on_holiday = end_of_day(date(2026, 10, 3))
    assert CALENDAR.shift(ShiftRequest(deadline=on_holiday, working_days=0)).at == end_of_day(
        date(2026, 10, 8)
    )


def test_zero_working_days_ends_the_same_day_or_the_next_working_day() -> None:
    assert CALENDAR.add_working_days(date(2026, 10, 9), 0) == date(2026, 10, 9)
    assert CALENDAR.add_working_days(date(2026, 10, 1), 0) == date(2026, 10, 8)
    assert deadline(date(2026, 10, 10), 0) == (end_of_day(date(2026, 10, 10)), False)
    assert deadline(date(2026, 10, 11), 0) == (end_of_day(date(2026, 10, 12)), False)
