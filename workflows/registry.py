"""The workflows a worker runs, and a replay checks histories against: `worker.py` and `audit/replay.py` share this list."""

from workflows.campaign import CampaignWorkflow
from workflows.hazard import HazardWorkflow
from workflows.interview import InterviewWorkflow

WORKFLOWS = [HazardWorkflow, InterviewWorkflow]
WORKFLOWS.append(CampaignWorkflow)  # 专项整治 (issue 14)
