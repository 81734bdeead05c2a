"""The working-day calendar: admins load a year's official schedule; anyone signed in reads it and asks for
a deadline."""

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from api.deps import CurrentUser, SessionDep
from domain.calendar import WorkCalendar, official_year, provisional_year
from models.base import CHINA_TZ, Day, china_date
from models.calendar import CalendarYear, DeadlineRequest
from models.enums import Role
from services.errors import ApiError, refused, role_refused
from store import calendar as store

router = APIRouter(tags=["calendar"])

Year = Annotated[int, Path(ge=1949, le=2200)]


class CalendarYearIn(BaseModel):
    holidays: list[date]
    workdays: list[date]


class CalendarYearOut(BaseModel):
    year: int
    source: Literal["loaded", "chinese-calendar", "provisional"]
    holidays: list[date]
    workdays: list[date]


class DeadlineOut(BaseModel):
    deadline: datetime
    last_day: date
    provisional: bool


def _invalid(year: int, days: list[date]) -> ApiError:
    return refused(422, "invalid_calendar", year=year, listed=", ".join(d.isoformat() for d in days))


@router.put("/admin/calendar/{year}", response_model=CalendarYearOut)
def load_year(
    year: Year, body: CalendarYearIn, session: SessionDep, principal: CurrentUser
) -> CalendarYearOut:
    if principal.actor.role != Role.ADMIN:
        raise role_refused(principal.actor.role, {Role.ADMIN}, "load the working-day calendar", "维护工作日历")
    outside = sorted({d for d in [*body.holidays, *body.workdays] if d.year != year})
    if outside:
        raise _invalid(year, outside)
    both = sorted(set(body.holidays) & set(body.workdays))
    if both:
        raise _invalid(year, both)
    schedule = CalendarYear(
        year=year, holidays=tuple(sorted(set(body.holidays))), workdays=tuple(sorted(set(body.workdays)))
    )
    stored = store.save_year(
        session=session,
        year=schedule,
        actor_id=principal.user.id,
        actor_name=principal.user.username,
    )
    session.commit()
    return CalendarYearOut(
        year=year, source="loaded", holidays=list(stored.holidays), workdays=list(stored.workdays)
    )


@router.get("/admin/calendar/{year}", response_model=CalendarYearOut)
def read_year(year: Year, session: SessionDep, _: CurrentUser) -> CalendarYearOut:
    loaded = store.get_year(session=session, year=year)
    if loaded is not None:
        return CalendarYearOut(
            year=year, source="loaded", holidays=list(loaded.holidays), workdays=list(loaded.workdays)
        )
    official = official_year(year)
    if official is not None:
        return CalendarYearOut(
            year=year,
            source="chinese-calendar",
            holidays=list(official.holidays),
            workdays=list(official.workdays),
        )
    rule = provisional_year(year)
    return CalendarYearOut(year=year, source="provisional", holidays=list(rule.holidays), workdays=[])


@router.get("/calendar/deadline", response_model=DeadlineOut)
def deadline(
    session: SessionDep,
    _: CurrentUser,
    start: Annotated[Day, Query()],
    working_days: Annotated[int, Query(ge=0, le=2000)],
) -> DeadlineOut:
    calendar = WorkCalendar(store.loaded_years(session=session))
    noon = datetime(start.year, start.month, start.day, 12, tzinfo=CHINA_TZ)
    result = calendar.deadline(DeadlineRequest(start=noon, working_days=working_days))
    last_day = china_date(result.at - timedelta(seconds=1))  # the deadline is 24:00 of its last day
    return DeadlineOut(deadline=result.at, last_day=last_day, provisional=result.provisional)
