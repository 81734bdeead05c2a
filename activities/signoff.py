"""SignOffWorkflow's projection: a draft's reminder, lapse or signature into the read model, with its
audit row and notices in one transaction, idempotent by (record, seq)."""

from sqlalchemy import Engine
from temporalio import activity

from activities.projecting import project_step
from models.signoff import SignOffStep
from store import signoffs


class SignOffActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="project_signoff")
    def project_signoff(self, step: SignOffStep) -> bool:
        return project_step(
            self._engine, lambda session: signoffs.project_signoff(session=session, step=step), "sign-off step",
            record_id=step.state.start.record_id, seq=step.seq, action=step.action,
        )
