"""Reading what an audit export and a replay need from the read model."""

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, or_, select

from models.tables import HazardRow, InterviewRow
from store import audit
from store.hazards import Scope, _scoped, timeline

EVERYTHING = Scope(everything=True)


def hazard_codes(*, session: Session, scope: Scope = EVERYTHING, since: datetime | None = None) -> list[str]:
    """The codes of the hazards the scope may see, reported or updated since `since` if given, in code order."""
    query = _scoped(select(HazardRow.code), scope)
    if since is not None:
        query = query.where(or_(col(HazardRow.reported_at) >= since, col(HazardRow.updated_at) >= since))
    return list(session.exec(query.order_by(col(HazardRow.code))))


def interview_ids(*, session: Session, hazard_code: str) -> list[str]:
    query = select(InterviewRow.id).where(InterviewRow.hazard_code == hazard_code).order_by(col(InterviewRow.id))
    return list(session.exec(query))


def hazard_record(*, session: Session, code: str) -> dict[str, Any] | None:
    """The hazard's read-model row, every column, as JSON data."""
    row = session.get(HazardRow, code)
    return row.model_dump(mode="json") if row is not None else None


def audit_records(*, session: Session, code: str) -> list[dict[str, Any]]:
    """The hazard's audit rows in sequence order, every column, as JSON data."""
    return [entry.model_dump(mode="json") for entry in timeline(session=session, code=code)]


def interview_record(*, session: Session, interview_id: str) -> dict[str, Any] | None:
    """The interview's row and its steps, every column, as JSON data."""
    row = session.get(InterviewRow, interview_id)
    if row is None:
        return None
    events = audit.entries(session=session, kind="interview", record_id=interview_id)
    return {"row": row.model_dump(mode="json"), "events": [e.model_dump(mode="json") for e in events]}
