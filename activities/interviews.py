"""The interview projection activity: every InterviewWorkflow step lands in the read model with its event row."""

from sqlalchemy import Engine
from temporalio import activity

from core.db import write_scope
from core.logging import get_logger
from models.interview import InterviewProjection, InterviewReceipt
from store import interviews

log = get_logger("duban.projection")


class InterviewActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="project_interview")
    def project_interview(self, item: InterviewProjection) -> InterviewReceipt:
        info = activity.info()
        bound = log.bind(
            workflow_id=info.workflow_id,
            run_id=info.workflow_run_id,
            activity_type=info.activity_type,
            attempt=info.attempt,
            interview_id=item.state.interview_id,
            hazard_code=item.state.start.hazard_code,
            seq=item.seq,
            action=item.action.value,
        )
        with write_scope(self._engine) as session:
            written = interviews.project_interview(session=session, item=item)
        bound.info("interview step projected" if written else "interview step already projected")
        return InterviewReceipt.of(item, written)
