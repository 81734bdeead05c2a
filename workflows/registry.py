"""The workflows a worker runs, and a replay checks histories against: `worker.py` and `audit/replay.py` share this list."""

from workflows.hazard import HazardWorkflow
from workflows.interview import InterviewWorkflow
from workflows.tour import TourWorkflow  # inspection tours (issue 15)

WORKFLOWS = [HazardWorkflow, InterviewWorkflow, TourWorkflow]
