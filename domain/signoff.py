"""A leader's sign-off (签发) of an official document, whatever process owns it (issue 16): a document the policy
wants signed is a draft until a `leader` of its issuing authority signs it; then it is issued, re-rendered with
the signer's name. Pure rules over the owning process's tuple of documents."""

from collections.abc import Sequence
from datetime import datetime

from domain.refusals import refuse
from models.actors import Actor
from models.documents import DocumentStatus, IssuedDocument, OfficialDocument, RenderReceipt, Signature
from models.enums import Role


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


def drafts(documents: Sequence[IssuedDocument]) -> tuple[IssuedDocument, ...]:
    return tuple(d for d in documents if d.status == DocumentStatus.DRAFT)
