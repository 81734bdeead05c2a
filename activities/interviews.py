"""The interview projection activity: every InterviewWorkflow step lands in the read model with its event row."""

from sqlalchemy import Engine
from temporalio import activity

from activities.projecting import project_step
from models.interview import InterviewProjection, InterviewReceipt
from store import interviews


class InterviewActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="project_interview")
    def project_interview(self, item: InterviewProjection) -> InterviewReceipt:
        written = project_step(
            self._engine, lambda session: interviews.project_interview(session=session, item=item), "interview step",
            interview_id=item.state.interview_id, hazard_code=item.state.start.hazard_code, seq=item.seq,
            action=item.action.value,
        )
        return InterviewReceipt.of(item, written)
