"""Official documents (issue 16): reading a stored PDF or its HTML, a leader's signature (sent to the workflow
that owns the document), and the public listings (公示)."""

import re
from dataclasses import dataclass
from typing import Any

from anyio import from_thread
from sqlmodel import Session
from temporalio.client import Client

from api import gateway, views
from api.deps import Principal
from api.errors import ApiError, from_refusal, not_found
from api.schemas import DocumentOut, PublicListingOut, PublicListingPage
from domain import paperwork
from domain.refusals import Refusal
from models.actions import Command
from models.documents import DocumentStatus, SignDocument
from models.enums import Action
from models.tables import Document, HazardRow
from store import documents, hazards
from workflows.hazard import HazardWorkflow

UPDATES: dict[Action, Any] = {Action.SIGN: HazardWorkflow.sign}  # registry/documents.py's actions
DOCUMENT_ID = re.compile(r"^(?P<code>.+)-(?P<kind>[a-z_]+)-(?P<n>\d+)$")
WAIT_SECONDS = 15.0


@dataclass(frozen=True)
class StoredDocument:
    row: Document
    pdf: bytes | None
    html: str | None


def stored(session: Session, principal: Principal, sha256: str) -> Document:
    """The stored document, to whoever may see its record (404 otherwise, never a hint it exists)."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ApiError(422, "invalid_hash", "文书编号应为 64 位十六进制", "a document id is 64 hex characters", "sha256")
    document = documents.get(session=session, sha256=sha256)
    if document is None:
        raise not_found("文书", "document", sha256)
    record_visible(session, principal, document.hazard_code, document.kind)
    return document


def record_visible(session: Session, principal: Principal, code: str, kind: str) -> None:
    """Who may read a document is who may see its record (404 otherwise): a campaign's account or summary, a
    periodic report's or a circular's document, a tour's report or feedback letter, else a hazard's or an
    interview's."""
    from services import campaigns, circulars, tours  # they render through this service: imported when asked

    if kind.startswith("campaign_"):
        campaigns.visible_row(session, code, principal)
    elif circulars.is_cadence_record(code):
        circulars.check_document_visible(session, principal, code)
    elif code.startswith("TR-"):
        tours.visible_row(session, code, principal)
    else:
        views.visible_row(session, code, principal)


def owning_row(session: Session, document_id: str) -> HazardRow:
    match = DOCUMENT_ID.match(document_id)
    row = hazards.get_row(session=session, code=match.group("code")) if match else None
    if row is None:
        raise not_found("文书", "document", document_id)
    return row


def sign(*, session: Session, principal: Principal, client: Client, document_id: str, comment: str | None) -> DocumentOut:
    """A leader of the issuing authority signs a draft: checked here (403, 409) and again by the hazard's
    workflow, which owns the document's status and re-renders it with the signer's name."""
    row = owning_row(session, document_id)
    state = hazards.state_of(row)
    if paperwork.find(state, document_id) is None:
        raise not_found("文书", "document", document_id)
    try:
        paperwork.check_sign(state, principal.actor, document_id)
    except Refusal as refusal:
        raise from_refusal(refusal) from None
    command = Command[SignDocument](actor=principal.actor, body=SignDocument(document_id=document_id, comment=comment))
    ended = ApiError(409, "hazard_finished", f"隐患 {row.code} 的流程已结束", f"the process of hazard {row.code} has ended")
    update = UPDATES[Action.SIGN]
    after = from_thread.run(gateway.run_step, client, row.workflow_id, update, command, WAIT_SECONDS, ended)
    if after is None:
        raise ApiError(202, "accepted", "签发已受理，正在处理", "accepted; still being recorded")
    signed = paperwork.find(after, document_id)
    assert signed is not None and signed.status == DocumentStatus.ISSUED
    return views.documents_of([signed])[0]


def public_listings(session: Session, page: int, page_size: int) -> PublicListingPage:
    rows, total = documents.published_rows(session=session, limit=page_size, offset=(page - 1) * page_size)
    return PublicListingPage(items=[public_listing(r) for r in rows], total=total, page=page, page_size=page_size)


def public_listing(row: HazardRow) -> PublicListingOut:
    """What the public sees of a published listing: the enterprise, the hazard, the authority, 文号, the dates."""
    state = hazards.state_of(row)
    listing = state.listing
    assert listing is not None and state.listing_published_at is not None
    return PublicListingOut(
        hazard_code=state.code, enterprise_name=state.facts.enterprise_name, enterprise_uscc=state.facts.enterprise_uscc,
        title=state.facts.title, level=state.level.value if state.level else None,
        listing_authority=f"{listing.authority_name}安全生产委员会", listing_authority_code=listing.authority_code,
        notice_number=listing.notice_number, deadline=state.deadline, status=state.status.value, listed_at=listing.at,
        published_at=state.listing_published_at, closed_at=state.closed_at, closeout_published_at=state.closeout_published_at,
    )
