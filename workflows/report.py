"""`PeriodicReportWorkflow`: one run of the reporting cadence (周调度, 月分析, 季讲评, annual, daily), started by its
Temporal Schedule (workflows/report_schedules.py), or by hand from the Temporal Web UI or CLI.

The period is the one that ended before the run's scheduled instant (the schedule's `TemporalScheduledStartTime`),
so a run caught up after an outage reports the period it was scheduled for, not the one current when it ran.
"""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey

with workflow.unsafe.imports_passed_through():
    from activities.reports import ReportActivities
    from models.report import CadenceOutcome, CadenceRun

SCHEDULED_START = SearchAttributeKey.for_datetime("TemporalScheduledStartTime")
REPORTS_TIMEOUT = timedelta(minutes=30)
REPORTS_RETRY = RetryPolicy(initial_interval=timedelta(seconds=5), maximum_interval=timedelta(minutes=5))


@workflow.defn(name="PeriodicReportWorkflow")
class PeriodicReportWorkflow:
    @workflow.run
    async def run(self, run: CadenceRun) -> CadenceOutcome:
        due = run.due or workflow.info().typed_search_attributes.get(SCHEDULED_START) or workflow.now()
        return await workflow.execute_activity_method(
            ReportActivities.run_periodic_reports,
            run.model_copy(update={"due": due}),
            start_to_close_timeout=REPORTS_TIMEOUT,
            retry_policy=REPORTS_RETRY,
        )
