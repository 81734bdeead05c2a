"""Circulars (通报) as both doors see them: issue one for a jurisdiction and period (a supervisor of an authority
whose subtree holds it), list and read them (staff of the jurisdiction)."""

import json
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select
from temporalio.client import Client

from core.policies import PolicyRegistry
from core.settings import Settings
from domain.report_documents import circular_document
from models.enums import Role
from models.report import CircularRequest
from models.tables import CircularRow, Notification
from services import reports, signoffs
from services.errors import not_found
from services.principal import Principal
from services.reports import current_profile, refuse_role, region_in_scope, require_reader
from store import periodic_reports, report_content
from store.notifications import inbox_filter
from store.periodic_reports import Issued


def summary(row: CircularRow) -> dict[str, Any]:
    content = json.loads(row.content_json)
    return {
        "id": row.id, "region_code": row.region_code, "region_name": content.get("region_name"),
        "period_start": row.period_start.isoformat(), "period_end": row.period_end.isoformat(),
        "issued_at": content.get("issued_at"), "issued_by": row.issued_by, "report_id": row.report_id,
        "document_hash": row.document_hash, "enterprises_named": len(content.get("enterprises") or ()),
        "status": row.status, "signed_by": row.signed_by, "signed_at": row.signed_at.isoformat() if row.signed_at else None,
        "documents": [d.model_dump(mode="json") for d in signoffs.documents_of(row, circular_document(content).title)],
    }


def full(row: CircularRow) -> dict[str, Any]:
    return {**json.loads(row.content_json), **summary(row)}


def issue(session: Session, principal: Principal, policies: PolicyRegistry, settings: Settings,
          body: CircularRequest, client: Client) -> tuple[CircularRow, bool]:
    """Issue the period's circular; a draft (the policy wants circulars signed) has its sign-off started now, or
    by the worker's outbox when Temporal cannot be reached."""
    if principal.actor.role != Role.SUPERVISOR:
        raise refuse_role(principal, {Role.SUPERVISOR}, "issue a circular", "发布通报")
    region = region_in_scope(session, principal, body.region_code)
    issued = Issued(actor_id=principal.actor.user_id, actor_name=principal.actor.display_name or principal.actor.username,
                    actor_role=principal.actor.role.value)
    row, written = report_content.issue_circular(
        session=session, region=region, start=body.period_start, end=body.period_end, issued=issued,
        profile=current_profile(policies, settings), now=datetime.now(UTC),
    )
    session.commit()
    if row.status == "draft" and row.signoff_workflow_id is None:
        signoffs.start_now(session, client, row, settings.temporal_task_queue)
    return row, written


def list_circulars(session: Session, principal: Principal, *, region_code: str | None) -> dict[str, Any]:
    require_reader(principal)
    if region_code is not None:
        region_in_scope(session, principal, region_code)
    path = None if principal.scope.everything else (principal.scope.path or "-")
    rows = periodic_reports.list_circulars(session=session, path=path, region_code=region_code)
    return {"items": [summary(r) for r in rows], "total": len(rows)}


def read_circular(session: Session, principal: Principal, circular_id: str) -> CircularRow:
    return reports.read_in_scope(session, principal, CircularRow, circular_id, "circular")




def check_document_visible(session: Session, principal: Principal, record_id: str) -> None:
    """A circular's document: to the staff who may read it, and to the enterprises and authorities it named
    (they were sent it). Else 404."""
    row = session.get(CircularRow, record_id)
    if row is not None and principal.actor.role in reports.READERS and principal.scope.holds(row.region_path, ""):
        return
    named = session.exec(select(Notification.id).where(
        Notification.record_kind == "circular", Notification.record_id == record_id,
        inbox_filter(enterprise_uscc=principal.actor.enterprise_uscc,
                     authority_codes=(principal.actor.jurisdiction_code,) if principal.actor.jurisdiction_code else ()),
    )).first()
    if row is None or named is None:
        raise not_found("circular", record_id)
