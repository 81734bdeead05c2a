"""The workflows a worker runs, and a replay checks histories against: `worker.py` and `audit/replay.py` share this list."""

from workflows.hazard import HazardWorkflow
from workflows.interview import InterviewWorkflow
from workflows.report import PeriodicReportWorkflow  # issue 14, reports

WORKFLOWS = [HazardWorkflow, InterviewWorkflow]
WORKFLOWS.append(PeriodicReportWorkflow)  # issue 14, reports: the reporting cadence
