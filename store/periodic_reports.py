"""Periodic reports and circulars (通报) in the read model: each stored once per period with its document and its
row in the audit trail (`audit_entry`, keyed by the report's or circular's id, sequence 1, hash-chained like a
hazard's), and a circular's notifications to everyone it names."""

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from core.official_documents import Rendered
from models.clock import DocumentSpec
from models.tables import AuditEntry, CircularRow, Document, Notification, PeriodicReportRow
from store import audit, projecting
from store.documents import PDF


def report_id(kind: str, region_code: str, start: date, end: date) -> str:
    """RP-<kind>-<region>-<yyyymmdd>-<yyyymmdd>: one report per kind, region and period."""
    return f"RP-{kind}-{region_code}-{start:%Y%m%d}-{end:%Y%m%d}"


def circular_id(region_code: str, start: date, end: date) -> str:
    return f"CR-{region_code}-{start:%Y%m%d}-{end:%Y%m%d}"


@dataclass(frozen=True)
class Issued:
    """Who issued a report or circular, for the audit row: a user, or the system's schedule."""

    actor_id: str
    actor_name: str
    actor_role: str


def _record(session: Session, record_id: str, action: str, document: DocumentSpec, issued: Issued, at: datetime,
            policy: str, details: dict[str, Any], rendered: Rendered | None, status: str = "issued") -> None:
    """The document (by its hash; its PDF and HTML when rendered) and the audit row that names it."""
    if session.get(Document, document.sha256) is None:
        session.add(Document(
            hash=document.sha256, record_kind=action, record_id=record_id, kind=document.kind[:40], title=document.title[:300],
            content=document.content, created_at=at, media_type=PDF if rendered else "text/plain; charset=utf-8",
            pdf=rendered.pdf if rendered else None, html=rendered.html if rendered else None,
        ))
    entry = AuditEntry(
        record_kind=action, record_id=record_id, seq=1, at=at, actor_id=issued.actor_id, actor_name=issued.actor_name[:100],
        actor_role=issued.actor_role, action=action, from_status=None, to_status=status, comment=document.title[:300],
        transition_json=json.dumps(details, sort_keys=True, default=str), document_hash=document.sha256, policy=policy,
        reason=f"{action}:{details.get('kind', action)}"[:100],
    )
    audit.append(session=session, entry=entry)


def save_report(*, session: Session, row: PeriodicReportRow, document: DocumentSpec, issued: Issued, policy: str,
                rendered: Rendered | None = None) -> bool:
    """Store a new report with its document and audit row; False (nothing written) when the period's report is
    already there (a repeated or concurrent run). The caller commits."""
    if session.get(PeriodicReportRow, row.id) is not None:
        return False
    session.add(row)
    details = {"kind": row.kind, "region_code": row.region_code, "period_start": row.period_start, "period_end": row.period_end,
               "trigger": row.trigger}
    _record(session, row.id, "report", document, issued, row.generated_at, policy, details, rendered)
    return projecting.flushed(session)


def save_circular(*, session: Session, row: CircularRow, document: DocumentSpec, issued: Issued, policy: str,
                  notices: list[tuple[str, str, str]], rendered: Rendered | None = None) -> bool:
    """Store a new circular, its document and audit row, and one notification per target (kind, code, title); a
    draft (waiting for a leader's signature) is stored with no notification."""
    if session.get(CircularRow, row.id) is not None:
        return False
    session.add(row)
    details = {"kind": "circular", "region_code": row.region_code, "period_start": row.period_start,
               "period_end": row.period_end, "report_id": row.report_id}
    _record(session, row.id, "circular", document, issued, row.issued_at, policy, details, rendered, row.status)
    for target_kind, target_code, title in dict.fromkeys(notices):
        session.add(Notification(record_kind="circular", record_id=row.id, seq=1, at=row.issued_at, target_kind=target_kind, target_code=target_code,
                                 kind="circular", title=title[:300], body=document.content, document_hash=document.sha256))
    return projecting.flushed(session)


def list_reports(*, session: Session, path: str | None, kind: str | None, region_code: str | None,
                 start: date | None, end: date | None, limit: int, offset: int) -> tuple[list[PeriodicReportRow], int]:
    """Reports of jurisdictions in the subtree `path` (None: all), newest period first. `start` / `end` keep the
    reports whose period lies within them."""
    r = PeriodicReportRow
    query = select(r)
    if path is not None:
        query = query.where(col(r.region_path).startswith(path))
    if kind is not None:
        query = query.where(r.kind == kind)
    if region_code is not None:
        query = query.where(r.region_code == region_code)
    if start is not None:
        query = query.where(col(r.period_start) >= start)
    if end is not None:
        query = query.where(col(r.period_end) <= end)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(r.period_end).desc(), col(r.kind), col(r.region_code)).offset(offset).limit(limit))
    return list(rows), int(total)


def list_circulars(*, session: Session, path: str | None, region_code: str | None) -> list[CircularRow]:
    query = select(CircularRow)
    if path is not None:
        query = query.where(col(CircularRow.region_path).startswith(path))
    if region_code is not None:
        query = query.where(CircularRow.region_code == region_code)
    return list(session.exec(query.order_by(col(CircularRow.issued_at).desc(), col(CircularRow.id))))
