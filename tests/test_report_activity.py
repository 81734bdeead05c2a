"""The schedule's activity on the read model (SQLite and PostgreSQL): every supervising jurisdiction's report for
the period that ended before the scheduled instant, written once; with `monthly_circular` the monthly report
issues its jurisdiction's circular by itself."""

from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import Session, select

from activities.reports import ReportActivities
from models.report import CadenceRun, ReportKind
from models.tables import CircularRow, PeriodicReportRow
from tests import report_dataset as data
from tests.factories import DEFAULT_POLICY

APRIL_FIRST = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)  # 08:00 Asia/Shanghai: the monthly run for March


def test_a_run_writes_each_jurisdictions_report_once_and_no_circular_by_default(engine: Engine) -> None:
    with Session(engine) as session:
        data.load(session)
    activities = ReportActivities(engine, DEFAULT_POLICY)
    first = activities.run_periodic_reports(CadenceRun(kind=ReportKind.MONTHLY, due=APRIL_FIRST))
    again = activities.run_periodic_reports(CadenceRun(kind=ReportKind.MONTHLY, due=APRIL_FIRST))
    assert (first.period_start, first.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert sorted(first.written) == sorted(f"RP-monthly-{c}-20260301-20260331" for c in ("370000", "371700", "371702", "371721"))
    assert again.written == () and sorted(again.existing) == sorted(first.written)
    with Session(engine) as session:
        assert len(session.exec(select(PeriodicReportRow)).all()) == 4
        assert session.exec(select(CircularRow)).all() == []


def test_with_monthly_circular_the_monthly_report_issues_the_circular(engine: Engine) -> None:
    with Session(engine) as session:
        data.load(session)
    assert DEFAULT_POLICY.reports is not None
    profile = DEFAULT_POLICY.model_copy(update={"reports": DEFAULT_POLICY.reports.model_copy(update={"monthly_circular": True})})
    activities = ReportActivities(engine, profile)
    activities.run_periodic_reports(CadenceRun(kind=ReportKind.WEEKLY, due=APRIL_FIRST))
    with Session(engine) as session:
        assert session.exec(select(CircularRow)).all() == []  # only the monthly report issues one
    activities.run_periodic_reports(CadenceRun(kind=ReportKind.MONTHLY, due=APRIL_FIRST))
    with Session(engine) as session:
        circulars = {c.region_code: c for c in session.exec(select(CircularRow))}
        assert set(circulars) == {"370000", "371700", "371702", "371721"}
        assert circulars["371700"].report_id == "RP-monthly-371700-20260301-20260331"
        assert (circulars["371700"].period_start, circulars["371700"].period_end) == data.MARCH
