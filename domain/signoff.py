"""A leader's sign-off (签发) of an official document, whatever process owns it: a document the policy
wants signed is a draft until a `leader` of its issuing authority signs it; then it is issued, re-rendered with
the signer's name. Pure rules over the owning process's tuple of documents."""

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, NamedTuple

from domain.documents import day_text
from domain.refusals import refuse
from models.actors import Actor
from models.clock import PlannedClock
from models.documents import (
    DocumentKind,
    DocumentStatus,
    IssuedDocument,
    OfficialDocument,
    RenderReceipt,
    Signature,
)
from models.enums import Role
from models.policy import DocumentRules, PolicyProfile


def rules(policy: PolicyProfile) -> DocumentRules:
    """The policy's `[documents]` table (its defaults for a profile without one)."""
    return policy.documents or DocumentRules()


def required(policy: PolicyProfile, kind: DocumentKind) -> bool:
    """Whether the policy wants `kind` signed by a leader before it is issued: the one rule every owner asks."""
    return kind.value in rules(policy).require_signature


def circular_document_id(circular_id: str) -> str:
    """A circular's one document (the sign action's `{id}`)."""
    return f"{circular_id}-circular-1"


def drafted(identifier: str, source: OfficialDocument, receipt: RenderReceipt, now: datetime, *,
            needs_signature: bool) -> IssuedDocument:
    """`source` (rendered as `receipt`) as its process holds it: a draft if a leader must sign it."""
    return IssuedDocument(
        id=identifier, kind=source.kind, title=source.title, sha256=receipt.sha256,
        status=DocumentStatus.DRAFT if needs_signature else DocumentStatus.ISSUED, needs_signature=needs_signature,
        authority_code=source.authority_code, drafted_at=now, issued_at=None if needs_signature else now, source=source,
    )


def find(documents: Sequence[IssuedDocument], identifier: str) -> IssuedDocument | None:
    return next((d for d in documents if d.id == identifier), None)


def check_sign(documents: Sequence[IssuedDocument], actor: Actor, identifier: str) -> IssuedDocument:
    """Refuse unless `actor` is a leader of the issuing authority and the document waits for a signature."""
    document = find(documents, identifier)
    if document is None:
        raise refuse("unknown_document", "document_id", id=identifier)
    if actor.role != Role.LEADER:
        raise refuse("not_a_leader")
    if actor.jurisdiction_code != document.authority_code:
        raise refuse("not_issuing_authority", authority=document.authority_code)
    if document.status == DocumentStatus.ISSUED:
        raise refuse("already_signed" if document.needs_signature else "no_signature_needed")
    return document


def signer_name(actor: Actor) -> str:
    return actor.display_name or actor.username


def signed_source(documents: Sequence[IssuedDocument], actor: Actor, identifier: str) -> OfficialDocument:
    """What to render for the signed document: the draft's source naming its signer."""
    document = check_sign(documents, actor, identifier)
    return document.source.model_copy(update={"signer": signer_name(actor)})


def signed(document: IssuedDocument, actor: Actor, receipt: RenderReceipt, now: datetime) -> IssuedDocument:
    """The draft issued: signed by `actor` at `now`, its PDF the re-rendered one."""
    signature = Signature(user_id=actor.user_id, name=signer_name(actor), at=now)
    return document.model_copy(update={
        "status": DocumentStatus.ISSUED, "signature": signature, "issued_at": now, "sha256": receipt.sha256,
        "source": document.source.model_copy(update={"signer": signature.name}),
    })


def replaced(documents: Sequence[IssuedDocument], document: IssuedDocument) -> tuple[IssuedDocument, ...]:
    return tuple(document if d.id == document.id else d for d in documents)


class SignClockStep(NamedTuple):
    kind: Literal["reminder", "lapse"]
    clock: PlannedClock  # after the step
    words: str


def sign_clock_step(clock: PlannedClock, title: str, now: datetime) -> SignClockStep | None:
    """What a draft's sign clock owes at `now`: a reminder to the issuing authority, or the lapse (its owner tells
    the authority above too); None if nothing is due. Every owner (the tour, a circular's sign-off) words it so."""
    if clock.reminder_due(now):
        return SignClockStep("reminder", clock.model_copy(update={"reminders_sent": clock.reminders_sent + 1}),
                             f"{title}待领导签发，期限 {day_text(clock.due_at)}")
    if clock.lapse_due(now):
        return SignClockStep("lapse", clock.model_copy(update={"lapsed": True}), f"{title}逾期未签发（期限 {day_text(clock.due_at)}）")
    return None
