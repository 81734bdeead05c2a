"""The workflows a worker runs, and a replay checks histories against: `worker.py` and `audit/replay.py` share this list."""

from workflows.campaign import CampaignWorkflow
from workflows.hazard import HazardWorkflow
from workflows.interview import InterviewWorkflow
from workflows.report import PeriodicReportWorkflow  # issue 14, reports

WORKFLOWS = [HazardWorkflow, InterviewWorkflow]

# Notifications that leave the building (issue 16): one workflow per notification's deliveries, one per digest.
from workflows.delivery import DeliveryWorkflow, DigestWorkflow  # noqa: E402

WORKFLOWS += [DeliveryWorkflow, DigestWorkflow]
WORKFLOWS.append(CampaignWorkflow)  # 专项整治 (issue 14)
WORKFLOWS.append(PeriodicReportWorkflow)  # issue 14, reports: the reporting cadence
from workflows.tour import TourWorkflow  # inspection tours (issue 15)  # noqa: E402

WORKFLOWS.append(TourWorkflow)
from workflows.signoff import SignOffWorkflow  # issue 16: a circular's sign-off  # noqa: E402

WORKFLOWS.append(SignOffWorkflow)
