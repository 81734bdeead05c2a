"""The projection activity: every workflow transition lands in the read model with its audit row."""

from sqlalchemy import Engine
from temporalio import activity

from activities.projecting import project_step
from models.hazard import ProjectionItem, ProjectionReceipt
from store import projection


class ProjectionActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="project_transition")
    def project_transition(self, item: ProjectionItem) -> ProjectionReceipt:
        written = project_step(
            self._engine, lambda session: projection.project_transition(session=session, item=item), "transition",
            hazard_code=item.state.code, seq=item.transition.seq, action=item.transition.action.value,
        )
        return ProjectionReceipt.of(item, written)
