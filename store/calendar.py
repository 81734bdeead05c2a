"""Admin-loaded working-day schedules, each change with its audit row."""

import json
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from models.calendar import CalendarYear
from models.tables import AdminAudit, CalendarYearRow


def _dates(text: str) -> tuple[date, ...]:
    return tuple(sorted(date.fromisoformat(d) for d in json.loads(text)))


def _row_to_year(row: CalendarYearRow) -> CalendarYear:
    return CalendarYear(year=row.year, holidays=_dates(row.holidays_json), workdays=_dates(row.workdays_json))


def loaded_years(*, session: Session) -> dict[int, CalendarYear]:
    """Every year an admin has loaded, by year."""
    return {row.year: _row_to_year(row) for row in session.exec(select(CalendarYearRow))}


def get_year(*, session: Session, year: int) -> CalendarYear | None:
    row = session.get(CalendarYearRow, year)
    return _row_to_year(row) if row else None


def save_year(*, session: Session, year: CalendarYear, actor_id: str, actor_name: str) -> CalendarYear:
    """Insert or replace `year`'s schedule and append the audit row; the caller commits both together."""
    holidays = sorted({d.isoformat() for d in year.holidays})
    workdays = sorted({d.isoformat() for d in year.workdays})
    now = datetime.now(UTC)
    row = session.get(CalendarYearRow, year.year) or CalendarYearRow(
        year=year.year, holidays_json="[]", workdays_json="[]", loaded_by="", loaded_at=now
    )
    row.holidays_json = json.dumps(holidays)
    row.workdays_json = json.dumps(workdays)
    row.loaded_by = actor_name[:100]
    row.loaded_at = now
    session.add(row)
    session.add(
        AdminAudit(
            at=now,
            actor_id=actor_id,
            actor_name=actor_name[:100],
            action="calendar.load",
            subject=str(year.year),
            details_json=json.dumps({"holidays": holidays, "workdays": workdays}),
        )
    )
    return _row_to_year(row)
