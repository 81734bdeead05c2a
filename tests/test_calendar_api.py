"""The working-day calendar through the real app (admin loads a year, anyone reads it and asks for a
deadline), and the calendar activities reading the years loaded into the read model."""

import json
from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.testing import ActivityEnvironment

from activities.calendar import CalendarActivities
from core.db import session_scope
from models.base import CHINA_TZ, end_of_day
from models.calendar import CalendarYear, DeadlineRequest, ShiftRequest, WorkingDaysRequest
from models.tables import AdminAudit
from store.calendar import save_year
from tests.api_helpers import Api

SCHEDULE_2027 = {
    "holidays": ["2027-01-01", *(f"2027-02-{d:02d}" for d in range(6, 13))],
    "workdays": ["2027-02-14"],
}


async def test_an_admin_loads_a_year_which_then_reads_as_loaded_and_is_audited(api: Api) -> None:
    reply = await api.as_user("admin", "PUT", "/admin/calendar/2027", json=SCHEDULE_2027)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"year": 2027, "source": "loaded", **SCHEDULE_2027}

    read = await api.as_user("county.supervisor", "GET", "/admin/calendar/2027")
    assert read.status_code == 200, read.text
    assert read.json()["source"] == "loaded"
    assert read.json()["workdays"] == ["2027-02-14"]

    with Session(api.app.state.engine) as session:
        audits = session.exec(select(AdminAudit).where(AdminAudit.action == "calendar.load")).all()
    assert len(audits) == 1
    assert audits[0].subject == "2027"
    assert audits[0].actor_name == "admin"
    assert json.loads(audits[0].details_json) == SCHEDULE_2027

    # the deadline endpoint now uses the loaded year: 5 Feb 2027 + 3 → 14 (Sun, 调休), 15, 16 Feb
    deadline = await api.as_user(
        "inspector", "GET", "/calendar/deadline", params={"start": "2027-02-05", "working_days": 3}
    )
    assert deadline.json() == {
        "deadline": "2027-02-16T16:00:00Z",
        "last_day": "2027-02-16",
        "provisional": False,
    }

    again = await api.as_user("admin", "PUT", "/admin/calendar/2027", json={"holidays": [], "workdays": []})
    assert again.status_code == 200, again.text
    assert (await api.as_user("admin", "GET", "/admin/calendar/2027")).json()["holidays"] == []


async def test_only_an_admin_may_load_a_year(api: Api) -> None:
    for username in ("city.supervisor", "auditor", "enterprise.a"):
        reply = await api.as_user(username, "PUT", "/admin/calendar/2027", json=SCHEDULE_2027)
        assert reply.status_code == 403, (username, reply.text)
        assert reply.json()["detail"]["code"] == "role_not_allowed"
        assert reply.json()["detail"]["message_zh"]
    assert (await api.as_user("admin", "GET", "/admin/calendar/2027")).json()["source"] == "provisional"


async def test_a_schedule_with_a_date_outside_its_year_or_in_both_lists_is_refused(api: Api) -> None:
    outside = {"holidays": ["2026-12-31"], "workdays": []}
    reply = await api.as_user("admin", "PUT", "/admin/calendar/2027", json=outside)
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"]["code"] == "invalid_calendar"
    assert "2026-12-31" in reply.json()["detail"]["message_en"]

    both = {"holidays": ["2027-02-14"], "workdays": ["2027-02-14"]}
    reply = await api.as_user("admin", "PUT", "/admin/calendar/2027", json=both)
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"]["code"] == "invalid_calendar"

    not_a_date = {"holidays": ["2027-02-30"], "workdays": []}
    assert (await api.as_user("admin", "PUT", "/admin/calendar/2027", json=not_a_date)).status_code == 422
    assert (await api.as_user("admin", "GET", "/admin/calendar/2027")).json()["source"] == "provisional"


async def test_the_deadline_endpoint_skips_national_day_and_flags_provisional_years(api: Api) -> None:
    reply = await api.as_user(
        "enterprise.a", "GET", "/calendar/deadline", params={"start": "2026-09-25", "working_days": 10}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json() == {
        "deadline": "2026-10-15T16:00:00Z",
        "last_day": "2026-10-15",
        "provisional": False,
    }

    reply = await api.as_user(
        "inspector", "GET", "/calendar/deadline", params={"start": "2027-02-05", "working_days": 3}
    )
    assert reply.json() == {"deadline": "2027-02-10T16:00:00Z", "last_day": "2027-02-10", "provisional": True}

    unsigned = await api.http.get(
        "/api/v1/calendar/deadline", params={"start": "2026-09-25", "working_days": 10}
    )
    assert unsigned.status_code == 401


async def test_reading_a_year_the_package_covers_lists_its_holidays_and_make_up_days(api: Api) -> None:
    reply = await api.as_user("auditor", "GET", "/admin/calendar/2026")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["source"] == "chinese-calendar"
    assert "2026-10-01" in body["holidays"] and "2026-02-15" in body["holidays"]
    assert {"2026-02-14", "2026-02-28", "2026-10-10"} <= set(body["workdays"])

    provisional = (await api.as_user("auditor", "GET", "/admin/calendar/2028")).json()
    assert provisional["source"] == "provisional"
    assert provisional["holidays"] == [
        "2028-01-01",
        "2028-05-01",
        "2028-05-02",
        "2028-10-01",
        "2028-10-02",
        "2028-10-03",
    ]


# --- the activities ---------------------------------------------------------------------------------------


def load_2027(engine: Engine) -> None:
    year = CalendarYear(
        year=2027,
        holidays=tuple(date(2027, 2, d) for d in range(6, 13)),
        workdays=(date(2027, 2, 14),),
    )
    with session_scope(engine) as session:
        save_year(session=session, year=year, actor_id="admin-id", actor_name="admin")


def test_compute_deadline_uses_the_year_loaded_into_the_read_model(sqlite_engine: Engine) -> None:
    load_2027(sqlite_engine)
    activities = CalendarActivities(sqlite_engine)
    environment = ActivityEnvironment()
    start = datetime(2027, 2, 5, 9, tzinfo=CHINA_TZ)

    deadline = environment.run(activities.compute_deadline, DeadlineRequest(start=start, working_days=3))
    assert deadline.at == datetime(2027, 2, 16, 16, 0, tzinfo=UTC)
    assert deadline.provisional is False

    count = environment.run(
        activities.count_working_days,
        WorkingDaysRequest(start=start, end=datetime(2027, 2, 16, 12, tzinfo=UTC)),
    )
    assert count == 3
    shifted = environment.run(
        activities.shift_deadline, ShiftRequest(deadline=end_of_day(date(2027, 2, 5)), working_days=1)
    )
    assert shifted.at == end_of_day(date(2027, 2, 14))


def test_the_activities_see_a_newly_loaded_year_once_their_cache_expires(sqlite_engine: Engine) -> None:
    cached = CalendarActivities(sqlite_engine)
    uncached = CalendarActivities(sqlite_engine, cache_seconds=0)
    request = DeadlineRequest(start=datetime(2027, 2, 5, 9, tzinfo=CHINA_TZ), working_days=3)
    environment = ActivityEnvironment()
    assert (environment.run(cached.compute_deadline, request)).provisional is True

    load_2027(sqlite_engine)
    assert (environment.run(cached.compute_deadline, request)).provisional is True  # within 60 s
    fresh = environment.run(uncached.compute_deadline, request)
    assert fresh == environment.run(CalendarActivities(sqlite_engine).compute_deadline, request)
    assert fresh.at == end_of_day(date(2027, 2, 16))
    assert fresh.provisional is False
