"""The workflows a worker runs, and a replay checks histories against: `worker.py` and `audit/replay.py` share this list."""

from workflows.campaign import CampaignWorkflow
from workflows.hazard import HazardWorkflow
from workflows.interview import InterviewWorkflow
from workflows.report import PeriodicReportWorkflow  # the reporting cadence

WORKFLOWS = [HazardWorkflow, InterviewWorkflow]

# Notifications that leave the building: one workflow per notification's deliveries, one per digest.
from workflows.delivery import DeliveryWorkflow, DigestWorkflow  # noqa: E402

WORKFLOWS += [DeliveryWorkflow, DigestWorkflow]
WORKFLOWS.append(CampaignWorkflow)  # campaigns (专项整治)
WORKFLOWS.append(PeriodicReportWorkflow)  # the reporting cadence
from workflows.tour import TourWorkflow  # inspection tours  # noqa: E402

WORKFLOWS.append(TourWorkflow)
from workflows.signoff import SignOffWorkflow  # a circular's sign-off  # noqa: E402

WORKFLOWS.append(SignOffWorkflow)
