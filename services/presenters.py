"""Building responses from the read model (the API returns them, the web UI's pages show them), and the
visibility checks every read makes: a row outside the caller's scope is 403, a missing one 404."""

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlmodel import Session

from core.db import as_utc
from domain import clocks, permissions, transitions
from models.documents import IssuedDocument
from models.enums import Role
from models.hazard import HazardState
from models.tables import HazardRow
from services.errors import not_found, outside
from services.principal import Principal
from services.schemas import (
    ClockOut,
    DocumentOut,
    EscalationOut,
    FiredRungOut,
    HazardOut,
    HazardSummary,
    ListingOut,
    NextRungOut,
    TimelineEntry,
)
from store import hazards

RowT = TypeVar("RowT")


def visible_row(session: Session, code: str, principal: Principal) -> HazardRow:
    """The hazard's row, if it exists and the caller may see it (404 and 403 otherwise)."""
    row = hazards.get_row(session=session, code=code)
    return visible(row, row is not None and hazards.in_scope(row, principal.scope), "hazard", code)


def visible(row: RowT | None, in_scope: bool, record: str, key: str) -> RowT:
    """`row` when it exists and is in the caller's scope; else 404, or 403 naming the rule."""
    if row is None:
        raise not_found(record, key)
    if not in_scope:
        raise outside(record, key)
    return row


def summary(row: HazardRow) -> HazardSummary:
    return HazardSummary(
        code=row.code,
        status=row.status,  # type: ignore[arg-type]
        level=row.level,  # type: ignore[arg-type]
        title=row.title,
        region_code=row.region_code,
        enterprise_uscc=row.enterprise_uscc,
        enterprise_name=row.enterprise_name,
        industry=row.industry,
        source=row.source,  # type: ignore[arg-type]
        listing_level=row.listing_level,
        deadline=as_utc(row.deadline),
        overdue=row.overdue,
        reported_at=as_utc(row.reported_at),  # type: ignore[arg-type]
        updated_at=as_utc(row.updated_at),  # type: ignore[arg-type]
        campaign_id=row.campaign_id,
        tour_id=row.tour_id,  # inspection tours
    )


def staff_by_name(answer: Any) -> Any:
    """An answer for an enterprise: the staff who acted named by their display name and role, never by their
    account (an account name is half of a sign-in)."""
    if isinstance(answer, list):
        return [staff_by_name(item) for item in answer]
    if not isinstance(answer, dict):
        return answer
    if {"user_id", "username", "role"} <= answer.keys() and answer.get("role") != "enterprise":
        return {**answer, "user_id": "", "username": ""}
    return {key: staff_by_name(value) for key, value in answer.items()}


def detail(session: Session, row: HazardRow, principal: Principal) -> HazardOut:
    out = _detail(session, row, principal)
    if principal.actor.role == Role.ENTERPRISE:
        return HazardOut.model_validate(staff_by_name(out.model_dump()))
    return out


def _detail(session: Session, row: HazardRow, principal: Principal) -> HazardOut:
    state = hazards.state_of(row)
    entries = hazards.timeline(session=session, code=row.code)
    allowed = transitions.allowed_actions(state, principal.actor) if permissions.may_see(principal.actor, state) else ()
    return HazardOut(
        **summary(row).model_dump(),
        description=state.facts.description,
        location=state.facts.location,
        region_name=state.facts.region_path[-1].name,
        discovered_at=state.facts.discovered_at,
        reported_by=state.reported_by.display_name or state.reported_by.username,
        assessment=state.assessment,
        listing=ListingOut.of(state.listing) if state.listing else None,
        plan=state.plan,
        plan_reviews=state.plan_reviews,
        progress=state.progress,
        completion=state.completion,
        verifications=state.verifications,
        failed_verifications=state.failed_verifications,
        closed_at=state.closed_at,
        void_reason=state.void_reason,
        timeline=timeline_of(entries),
        allowed_actions=allowed,
        workflow_id=row.workflow_id,
        deadline_provisional=state.deadline_provisional,
        paused=state.pause is not None,
        pause=state.pause,
        pauses=state.pauses,
        extensions=state.extensions,
        escalation=escalation_of(state),
        clocks=[
            ClockOut(
                name=c.spec.name.value,
                owner_code=c.spec.owner_code,
                due_at=c.due_at,
                provisional=c.provisional,
                lapsed=c.lapsed,
                next_reminder=c.reminders[c.reminders_sent] if c.reminders_sent < len(c.reminders) else None,
            )
            for c in state.clocks
        ],
        interviews=state.interviews,
        policy=state.policy.key,
        documents=documents_of(state.documents),
    )


def documents_of(documents: Sequence[IssuedDocument]) -> list[DocumentOut]:
    return [
        DocumentOut(id=d.id, kind=d.kind.value, title=d.title, sha256=d.sha256, status=d.status.value,
                    signed_by=d.signature.name if d.signature else None, issued_at=d.issued_at)
        for d in documents
    ]


def escalation_of(state: HazardState) -> EscalationOut:
    upcoming = clocks.next_rung(state)
    return EscalationOut(
        rung=state.fired[-1].rung.value if state.fired else None,
        fired=[FiredRungOut(rung=f.rung.value, at=f.at, reason=f.reason, document_hash=f.document_hash) for f in state.fired],
        next=NextRungOut(rung=upcoming[0], due_at=upcoming[1]) if upcoming else None,
        ladder=[r.type.value for r in state.ladder],
    )


def timeline_of(entries: Sequence[Any]) -> list[TimelineEntry]:
    """Audit or interview event rows as the timeline a person reads (actor, time, step, comment)."""
    return [
        TimelineEntry(
            seq=e.seq,
            at=as_utc(e.at),  # type: ignore[arg-type]
            actor=e.actor_name,
            actor_role=e.actor_role,
            action=e.action,
            from_status=e.from_status,
            to_status=e.to_status,
            comment=e.comment,
        )
        for e in entries
    ]
