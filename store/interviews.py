"""The interview read model: idempotent projection of InterviewWorkflow's steps, and the queries the API runs."""

from datetime import datetime

from sqlmodel import Session, col, select

from models.interview import InterviewProjection, InterviewState
from models.tables import AuditEntry, InterviewRow
from store import audit, projecting, tasks
from store.hazards import Scope, scoped
from store.projection import region_path_key


def project_interview(*, session: Session, item: InterviewProjection) -> bool:
    """Append the event row and upsert the interview row, or do nothing if this `seq` is already recorded.

    The caller commits; both writes land together or not at all. Returns whether anything was written."""
    state = item.state

    def upsert() -> None:
        if projecting.upsert_row(session, InterviewRow, state.interview_id, state, item.at, _new_row, _fill, item.seq):
            tasks.replace_for_interview(session=session, state=state)

    return projecting.project(session=session, entry=audit.step_entry("interview", state.interview_id, item), upsert=upsert)


def _new_row(state: InterviewState, at: datetime) -> InterviewRow:
    start = state.start
    return InterviewRow(
        id=start.interview_id, hazard_code=start.hazard_code, workflow_id=state.workflow_id, status=state.status.value,
        enterprise_uscc=start.enterprise_uscc, conducting_authority_code=start.conducting_authority_code,
        region_path=region_path_key(tuple(r.code for r in start.region_path)), interviewee=start.interviewee,
        trigger=start.trigger, updated_at=at, state_json="{}",
    )


def _fill(row: InterviewRow, state: InterviewState, at: datetime) -> None:
    row.status = state.status.value
    row.scheduled_at = state.scheduled_at
    row.reply_due = state.reply_due
    row.outcome = state.outcome.value if state.outcome else None


def get_row(*, session: Session, interview_id: str) -> InterviewRow | None:
    return session.get(InterviewRow, interview_id)


def state_of(row: InterviewRow) -> InterviewState:
    return InterviewState.model_validate_json(row.state_json)


def events(*, session: Session, interview_id: str) -> list[AuditEntry]:
    return audit.entries(session=session, kind="interview", record_id=interview_id)


def in_scope(row: InterviewRow, scope: Scope) -> bool:
    return scope.holds(row.region_path, row.enterprise_uscc)


def list_rows(
    *, session: Session, scope: Scope, hazard_code: str | None = None, status: str | None = None
) -> list[InterviewRow]:
    """The interviews the scope may see, newest activity first."""
    query = scoped(select(InterviewRow), scope, InterviewRow.region_path, InterviewRow.enterprise_uscc)
    if hazard_code:
        query = query.where(InterviewRow.hazard_code == hazard_code)
    if status:
        query = query.where(InterviewRow.status == status)
    return list(session.exec(query.order_by(col(InterviewRow.updated_at).desc(), col(InterviewRow.id))))
