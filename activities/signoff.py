"""SignOffWorkflow's projection: a draft's reminder, lapse or signature into the read model, with its
audit row and notices in one transaction, idempotent by (record, seq)."""

from sqlalchemy import Engine
from temporalio import activity

from core.db import write_scope
from core.logging import get_logger
from models.signoff import SignOffStep
from store import signoffs

log = get_logger("duban.projection")


class SignOffActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="project_signoff")
    def project_signoff(self, step: SignOffStep) -> bool:
        with write_scope(self._engine) as session:
            written = signoffs.project_signoff(session=session, step=step)
        log.info("sign-off step projected" if written else "sign-off step already projected",
                 record_id=step.state.start.record_id, seq=step.seq, action=step.action)
        return written
