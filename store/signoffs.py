"""Documents signed outside a process workflow, today circulars: the start of a draft's
SignOffWorkflow, and the projection of its steps (a reminder, a lapse, the signature), each with its audit row
and notices in one transaction, idempotent by (record, seq). A signed circular is issued: its row names the
signed PDF and the signer, and only now is everyone it names notified."""

import json
from datetime import datetime

from sqlmodel import Session, select

from domain import signoff
from models.documents import OfficialDocument, RenderReceipt
from models.policy import DocumentRules, PolicyProfile
from models.signoff import SignOffStart, SignOffStep
from models.tables import AuditEntry, CircularRow, Document, Jurisdiction, Notification
from store import projecting, tasks


def draft_start(*, row: CircularRow, region: Jurisdiction, source: OfficialDocument, sha256: str, profile: PolicyProfile,
                now: datetime) -> SignOffStart:
    """What the draft circular's SignOffWorkflow starts from."""
    rules = profile.documents or DocumentRules()
    receipt = RenderReceipt(sha256=sha256, html_sha256=sha256, pages=1, size=0)
    document = signoff.drafted(signoff.circular_document_id(row.id), source, receipt, now, needs_signature=True)
    return SignOffStart(record_kind="circular", record_id=row.id, document=document, superior_code=region.parent_code,
                        sign_working_days=rules.sign_working_days, reminder_fractions=profile.reminders.fractions,
                        reminder_working_days_before=profile.reminders.working_days_before)


def project_signoff(*, session: Session, step: SignOffStep) -> bool:
    """Write the step's audit row and notices (and, for the signature, issue the circular); nothing if this
    (record, seq) is already recorded. The caller commits. Returns whether anything was written."""
    record_id = step.state.start.record_id
    kind = step.state.start.record_kind
    row = session.get(CircularRow, record_id)
    assert row is not None, f"circular {record_id} is not in the read model"
    first = session.exec(select(AuditEntry.policy).where(
        AuditEntry.record_kind == kind, AuditEntry.record_id == record_id, AuditEntry.seq == 1)).first()
    document = step.state.document
    signing = step.action == "sign"
    entry = AuditEntry(
        record_kind=kind, record_id=record_id, seq=step.seq, at=step.at, actor_id=step.actor.user_id,
        actor_name=(step.actor.display_name or step.actor.username)[:100], actor_role=step.actor.role.value,
        action=step.action, from_status=row.status, to_status="issued" if signing else row.status,
        comment=step.comment[:300], reason=step.reason[:100], document_hash=document.sha256 if signing else None,
        transition_json=json.dumps({"kind": "circular", "document_id": document.id, "action": step.action}, sort_keys=True),
        policy=first or "",
    )
    notices = [Notification(record_kind=kind, record_id=record_id, seq=step.seq, at=step.at, target_kind=n.target_kind,
                            target_code=n.target_code, kind=n.kind, title=n.title, body=n.body) for n in step.notices]

    def upsert() -> None:
        if signing:
            _issue(session, row, step)
        clock = step.state.clock
        tasks.replace_for_circular(session=session, circular_id=record_id, title=document.title,
                                   signer_code=None if signing else document.authority_code,
                                   due_at=clock.due_at if clock else None, overdue=bool(clock and clock.lapsed))

    return projecting.project(session=session, entry=entry, notices=notices, upsert=upsert)


def _issue(session: Session, row: CircularRow, step: SignOffStep) -> None:
    """The signed circular: its row names the signed PDF and the signer; everyone it names is notified."""
    from store.report_content import circular_notices  # the circular's content is drawn up there

    document = step.state.document
    assert document.signature is not None
    stored = session.get(Document, document.sha256)
    content = json.loads(row.content_json)
    content["document_hash"] = document.sha256
    row.status, row.document_hash = "issued", document.sha256
    row.signed_by, row.signed_at = document.signature.name[:100], document.signature.at
    row.content_json = json.dumps(content, ensure_ascii=False)
    session.add(row)
    title = f"通报：{document.title}"
    for target_kind, target_code, words in dict.fromkeys(circular_notices(content, title)):
        session.add(Notification(record_kind="circular", record_id=row.id, seq=step.seq, at=step.at, target_kind=target_kind,
                                 target_code=target_code, kind="circular", title=words[:300],
                                 body=stored.content if stored else title, document_hash=document.sha256))
