"""Every process's records as one kind of thing: who may see a record of any kind (the same rule its own pages
apply), for the audit trail, histories and replay."""

from collections.abc import Callable
from typing import Any, Literal

from sqlmodel import Session

from services import presenters
from services.errors import refused
from services.principal import Principal

RecordKind = Literal["hazard", "interview", "campaign", "tour", "circular", "report"]
# the kinds whose records a workflow runs (a periodic report is written at once, by the reporting cadence)
WorkflowKind = Literal["hazard", "interview", "campaign", "tour", "circular"]


def _visibility() -> dict[str, Callable[[Session, Principal, str], Any]]:
    from services import campaigns, circulars, interviews, reports, tours  # they import this module's callers

    return {
        "hazard": lambda session, principal, key: presenters.visible_row(session, key, principal),
        "interview": lambda session, principal, key: interviews.visible_row(session, key, principal),
        "campaign": lambda session, principal, key: campaigns.visible_row(session, key, principal),
        "tour": lambda session, principal, key: tours.visible_row(session, key, principal),
        "circular": lambda session, principal, key: circulars.read_circular(session, principal, key),
        "report": lambda session, principal, key: reports.read_report(session, principal, key),
    }


def visible_record(session: Session, principal: Principal, kind: str, record_id: str) -> Any:
    """The record's row if the caller may see it; 404 (or 403) as the record's own page answers otherwise."""
    check = _visibility().get(kind)
    if check is None:
        raise refused(422, "unknown_record_kind", "record_kind", kind=kind)
    return check(session, principal, record_id)
