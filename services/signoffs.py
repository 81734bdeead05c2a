"""Circulars' sign-off: starting a draft's SignOffWorkflow, the documents a circular is answered
with, and what a leader's `sign` of a circular's document is checked against and sent to."""

from anyio import from_thread
from sqlmodel import Session, col, select
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from core.logging import get_logger
from domain import signoff
from models.documents import DocumentStatus, IssuedDocument
from models.signoff import SignOffStart, signoff_workflow_id
from models.tables import CircularRow
from services.gateway import ADMIT_TIMEOUT, engine_down
from services.schemas import DocumentOut
from workflows.signoff import SignOffWorkflow

log = get_logger("duban.signoff")


async def start(client: Client, row: CircularRow, task_queue: str) -> str:
    """Start the draft's SignOffWorkflow (never twice: its id is the document's); answers the workflow id."""
    assert row.signoff_json is not None
    signoff = SignOffStart.model_validate_json(row.signoff_json)
    workflow_id = signoff_workflow_id(signoff.document)
    try:
        await client.start_workflow(SignOffWorkflow.run, signoff, id=workflow_id,
                                    task_queue=task_queue, id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                                    rpc_timeout=ADMIT_TIMEOUT)
        log.info("sign-off started", workflow_id=workflow_id, record_id=row.id)
    except WorkflowAlreadyStartedError:
        pass  # started before (the outbox, or the API before a crash)
    return workflow_id


def unstarted(session: Session) -> list[CircularRow]:
    """Draft circulars whose SignOffWorkflow is not started yet (the cadence drafts them; the outbox starts it)."""
    query = select(CircularRow).where(CircularRow.status == "draft", col(CircularRow.signoff_workflow_id).is_(None))
    return list(session.exec(query.order_by(col(CircularRow.issued_at))))


def mark_started(session: Session, circular_id: str, workflow_id: str) -> None:
    row = session.get(CircularRow, circular_id)
    if row is not None and row.signoff_workflow_id is None:
        row.signoff_workflow_id = workflow_id
        session.add(row)


def draft_of(row: CircularRow) -> IssuedDocument | None:
    """The circular's document as its sign-off holds it (None for a circular issued before sign-offs)."""
    if row.signoff_json is None:
        return None
    document = SignOffStart.model_validate_json(row.signoff_json).document
    if row.status == "draft":
        return document
    return document.model_copy(update={"status": DocumentStatus.ISSUED, "issued_at": row.signed_at, "sha256": row.document_hash})


def documents_of(row: CircularRow, title: str) -> list[DocumentOut]:
    issued_at = row.signed_at or (row.issued_at if row.status == "issued" else None)
    return [DocumentOut(id=signoff.circular_document_id(row.id), kind="circular", title=title, sha256=row.document_hash,
                        status=row.status, signed_by=row.signed_by, issued_at=issued_at)]


def start_now(session: Session, client: Client, row: CircularRow, task_queue: str) -> bool:
    """Start the draft's sign-off from a request's thread and record it; False (the outbox starts it later) when
    Temporal cannot be reached now."""
    try:
        workflow_id = from_thread.run(start, client, row, task_queue)
    except (RPCError, ConnectionError, RuntimeError) as error:
        if not engine_down(error):
            raise
        log.warning("sign-off not started: the engine is unreachable; the outbox starts it", record_id=row.id)
        return False
    mark_started(session, row.id, workflow_id)
    session.commit()
    return True
