"""The reporting cadence's activity: every supervising jurisdiction's report for the period just ended.

Run by `PeriodicReportWorkflow`, which a Temporal Schedule starts (workflows/report_schedules.py). Idempotent:
a report already stored for its kind, region and period is left as it is, so a repeated or caught-up run writes
nothing twice.
"""

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session
from temporalio import activity

from core.db import write_scope
from core.logging import get_logger
from domain.report_periods import period_ended_before
from models.base import china_date
from models.policy import PolicyProfile
from models.report import CadenceOutcome, CadenceRun, ReportKind
from store import report_content
from store.report_content import SYSTEM

log = get_logger("duban.reports")


class ReportActivities:
    def __init__(self, engine: Engine, profile: PolicyProfile) -> None:
        self._engine = engine
        self._profile = profile

    @activity.defn(name="run_periodic_reports")
    def run_periodic_reports(self, run: CadenceRun) -> CadenceOutcome:
        due = run.due or datetime.now(UTC)
        start, end = period_ended_before(run.kind, china_date(due))
        with Session(self._engine) as session:
            regions = report_content.supervising_jurisdictions(session=session)
        written: list[str] = []
        existing: list[str] = []
        for region in regions:
            with write_scope(self._engine) as session:
                row, new = report_content.generate_report(
                    session=session, kind=run.kind.value, region=region, start=start, end=end, trigger="schedule",
                    issued=SYSTEM, profile=self._profile, now=datetime.now(UTC),
                )
                (written if new else existing).append(row.id)
                if self._issues_circular(run.kind):
                    report_content.issue_circular(session=session, region=region, start=start, end=end, issued=SYSTEM,
                                                  profile=self._profile, now=datetime.now(UTC), report_id=row.id)
        log.info("periodic reports run", kind=run.kind.value, period_start=start.isoformat(), period_end=end.isoformat(),
                 written=len(written), existing=len(existing))
        return CadenceOutcome(kind=run.kind, period_start=start, period_end=end, written=tuple(written), existing=tuple(existing))

    def _issues_circular(self, kind: ReportKind) -> bool:
        cadence = self._profile.reports
        return kind == ReportKind.MONTHLY and cadence is not None and cadence.monthly_circular
