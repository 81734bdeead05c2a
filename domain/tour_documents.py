"""A tour's official documents: the report and the feedback letters laid out as official documents
(GB/T 9704) of the organizing committee, drafts until a leader of it signs them when the policy says so (by
default the report), each draft on a sign clock with reminders and a government-side lapse. Pure functions;
TourWorkflow renders in the render activity (workflows/tour_paperwork.py)."""

from collections.abc import Sequence
from datetime import datetime

from domain import signoff
from models.actors import Actor, system_actor
from models.base import china_date
from models.clock import DocumentSpec, Notice
from models.documents import (
    KIND_ZH,
    DocumentKind,
    DocumentStatus,
    IssuedDocument,
    OfficialDocument,
    RenderReceipt,
)
from models.policy import DocumentRules
from models.tour import SignClock, TourAction, TourClock, TourProjection, TourState

A = TourAction


def rules(state: TourState) -> DocumentRules:
    return signoff.rules(state.start.policy)


def needs_signature(state: TourState, kind: DocumentKind) -> bool:
    return signoff.required(state.start.policy, kind)


def document_id(state: TourState, kind: DocumentKind, offset: int = 0) -> str:
    return f"{state.id}-{kind.value}-{len(state.documents) + offset + 1}"


def source_of(state: TourState, spec: DocumentSpec, addressee: str, number: str, now: datetime) -> OfficialDocument:
    """The tour document `spec` (a title and lines) as an official document of the organizing committee."""
    start = state.start
    lines = spec.content.splitlines()
    skip = {spec.title, f"{addressee}：", f"日期：{china_date(now).isoformat()}"}
    body = tuple(line for line in lines[1:] if line.strip() and line not in skip)
    return OfficialDocument(
        kind=DocumentKind(spec.kind), authority=f"{start.organizer.name}安全生产委员会", authority_code=start.organizer.code,
        number=number, title=spec.title, addressee=addressee, paragraphs=body, issued_on=china_date(now),
        subject_code=start.id,
    )


def report_source(state: TourState, spec: DocumentSpec, now: datetime) -> OfficialDocument:
    """The report, to the committee; 文号 like 安巡〔2026〕TR-371700-2026-001号."""
    number = f"安巡〔{china_date(now).year}〕{state.id}号"
    return source_of(state, spec, f"{state.start.organizer.name}安全生产委员会", number, now)


def feedback_source(state: TourState, spec: DocumentSpec, index: int, now: datetime) -> OfficialDocument:
    """A target's feedback letter (反馈意见); 文号 like 安巡反〔2026〕TR-371700-2026-001-1号."""
    target = state.start.targets[index]
    return source_of(state, spec, target.name, f"安巡反〔{china_date(now).year}〕{state.id}-{index + 1}号", now)


def with_documents(item: TourProjection, documents: Sequence[IssuedDocument], clocks: Sequence[SignClock]) -> TourProjection:
    """The step carrying its rendered documents in the tour's list, with a sign clock for each draft."""
    state = item.state.model_copy(update={"documents": (*item.state.documents, *documents),
                                          "sign_clocks": (*item.state.sign_clocks, *clocks)})
    return item.model_copy(update={"state": state})


def report_unsigned(state: TourState) -> bool:
    return any(d.kind == DocumentKind.TOUR_REPORT and d.status == DocumentStatus.DRAFT for d in state.documents)


def signed(state: TourState, actor: Actor, identifier: str, receipt: RenderReceipt, now: datetime) -> TourProjection:
    """A leader's signature: the document issued as the re-rendered PDF, its clock stopped, and the report's or
    the feedback letter's hash now naming the signed PDF."""
    draft = signoff.check_sign(state.documents, actor, identifier)
    issued = signoff.signed(draft, actor, receipt, now)
    changes: dict[str, object] = {
        "documents": signoff.replaced(state.documents, issued),
        "sign_clocks": tuple(c for c in state.sign_clocks if c.document_id != identifier),
    }
    if state.report is not None and state.report.document_hash == draft.sha256:
        changes["report"] = state.report.model_copy(update={"document_hash": issued.sha256})
    if any(p.feedback_hash == draft.sha256 for p in state.progress):
        changes["progress"] = tuple(p.model_copy(update={"feedback_hash": issued.sha256}) if p.feedback_hash == draft.sha256
                                    else p for p in state.progress)
    spec = DocumentSpec(kind=issued.kind.value, title=issued.title, content="", sha256=issued.sha256)
    return _step(state, actor, A.SIGN, changes, f"签发：{issued.title}", now, reason=f"sign:{identifier}", documents=(spec,))


def sign_due(state: TourState, now: datetime) -> TourProjection | None:
    """The sign clocks' step due now: a reminder to the issuing authority, or its lapse (told to it and to the
    committee above); None if none is due."""
    for entry in state.sign_clocks:
        document = signoff.find(state.documents, entry.document_id)
        due = signoff.sign_clock_step(entry.clock, document.title if document else entry.document_id, now)
        if due is not None and due.kind == "reminder":
            return _clocked(state, entry, due.clock, A.REMINDER, "reminder", due.words, now, "reminder:sign", upward=False)
        if due is not None:
            return _clocked(state, entry, due.clock, A.DEADLINE_MISSED, "overdue", due.words, now, "deadline:sign", upward=True)
    return None


def sign_instants(state: TourState) -> list[datetime]:
    return [instant for entry in state.sign_clocks for instant in entry.clock.pending()]


def _clocked(state: TourState, entry: SignClock, clock: TourClock, action: TourAction, kind: str, words: str,
             now: datetime, reason: str, *, upward: bool) -> TourProjection:
    codes = [state.start.organizer.code]
    if upward and len(state.start.organizer_path) > 1:
        codes.append(state.start.organizer_path[-2].code)
    notices = tuple(Notice(target_kind="authority", target_code=code, kind=kind, title=words[:300], body=words) for code in codes)
    clocks = tuple(SignClock(document_id=c.document_id, clock=clock) if c.document_id == entry.document_id else c
                   for c in state.sign_clocks)
    return _step(state, system_actor(reason), action, {"sign_clocks": clocks}, words, now, reason=reason, notices=notices)


def _step(before: TourState, actor: Actor, action: TourAction, changes: dict[str, object], comment: str, now: datetime,
          *, reason: str, notices: tuple[Notice, ...] = (), documents: tuple[DocumentSpec, ...] = ()) -> TourProjection:
    after = before.model_copy(update={**changes, "seq": before.seq + 1})
    return TourProjection(seq=after.seq, at=now, actor=actor, action=action, from_status=before.status,
                          to_status=after.status, comment=comment, reason=reason, documents=documents,
                          notices=notices, state=after)


UNSIGNED_WORDS = {"document": DocumentKind.TOUR_REPORT.value, "document_zh": KIND_ZH[DocumentKind.TOUR_REPORT]}
