"""The projection activity: every workflow transition lands in the read model with its audit row."""

from sqlalchemy import Engine
from temporalio import activity

from core.db import write_scope
from core.logging import get_logger
from models.hazard import ProjectionItem, ProjectionReceipt
from store import projection

log = get_logger("duban.projection")


class ProjectionActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="project_transition")
    def project_transition(self, item: ProjectionItem) -> ProjectionReceipt:
        info = activity.info()
        bound = log.bind(
            workflow_id=info.workflow_id,
            run_id=info.workflow_run_id,
            activity_type=info.activity_type,
            attempt=info.attempt,
            hazard_code=item.state.code,
            seq=item.transition.seq,
            action=item.transition.action.value,
        )
        with write_scope(self._engine) as session:
            written = projection.project_transition(session=session, item=item)
        bound.info("transition projected" if written else "transition already projected")
        return ProjectionReceipt.of(item, written)
