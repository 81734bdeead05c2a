"""Official documents: reading a stored PDF or its HTML, a leader's signature (sent to the workflow
that owns the document), and the public listings (公示)."""

import re
from dataclasses import dataclass
from typing import Any

from anyio import from_thread
from sqlmodel import Session
from temporalio.client import Client

from domain import signoff, tour_visibility
from domain.refusals import Refusal, refuse
from models.actions import Command
from models.documents import DocumentStatus, IssuedDocument, SignDocument
from models.enums import Action
from models.signoff import signoff_workflow_id
from models.tables import CircularRow, Document, HazardRow
from services import gateway, presenters, signoffs
from services.errors import ApiError, engine_unavailable, from_refusal, not_found, refused
from services.principal import Principal
from services.records import visible_record
from services.schemas import DocumentOut, PublicListingOut, PublicListingPage
from store import documents, hazards
from store import tours as tours_store
from workflows.hazard import HazardWorkflow
from workflows.signoff import SignOffWorkflow
from workflows.tour import TourWorkflow

UPDATES: dict[Action, Any] = {Action.SIGN: HazardWorkflow.sign}  # registry/documents.py's actions (a hazard's)
SIGN_UPDATES: dict[str, Any] = {  # by the owning process
    "hazard": HazardWorkflow.sign, "tour": TourWorkflow.sign, "circular": SignOffWorkflow.sign,
}
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
        raise refused(422, "invalid_hash", "sha256")
    document = documents.get(session=session, sha256=sha256)
    if document is None:
        raise not_found("document", sha256)
    document_visible(session, principal, document.record_kind, document.record_id)
    if document.record_kind == "tour":  # an inspected jurisdiction reads only what is addressed to it
        state = tours_store.state_of(tours_store.get_row(session=session, tour_id=document.record_id))  # type: ignore[arg-type]
        view = tour_visibility.view_of(principal.actor, state)
        if view is None or not tour_visibility.document_visible(view, principal.actor, state, sha256):
            raise not_found("document", sha256)
    return document


def document_visible(session: Session, principal: Principal, record_kind: str, record_id: str) -> None:
    """Who may read a document is who may see its record (404 otherwise); a circular's also those it named."""
    from services import circulars  # it renders through this service: imported when asked

    if record_kind == "circular":
        circulars.check_document_visible(session, principal, record_id)
    else:
        visible_record(session, principal, record_kind, record_id)


@dataclass(frozen=True)
class Owner:
    """The process that owns a document: its workflow, its documents as the read model holds them, its `sign`."""

    workflow_id: str
    documents: tuple[IssuedDocument, ...]
    update: Any
    ended: ApiError


def owner_of(session: Session, client: Client, document_id: str, task_queue: str) -> Owner:
    """A document's owner from its id (`<record>-<kind>-<n>`), by the kind of record its stored documents belong
    to: a circular's sign-off, a tour's, else a hazard's."""
    from services import tours  # they render through this service: imported when asked

    match = DOCUMENT_ID.match(document_id)
    code = match.group("code") if match else ""
    kind = documents.owner_kind_of(session=session, record_id=code) if code else None
    circular = session.get(CircularRow, code) if kind == "circular" else None
    if circular is not None:
        return circular_owner(session, client, circular, task_queue)
    if kind == "tour":
        tour = tours_store.get_row(session=session, tour_id=code)
        if tour is not None:
            return Owner(tour.workflow_id, tours_store.state_of(tour).documents, SIGN_UPDATES["tour"],
                         tours.ended_error(code))
    row = hazards.get_row(session=session, code=code) if code else None
    if row is None:
        raise not_found("document", document_id)
    ended = refused(409, "hazard_finished", hazard=row.code)
    return Owner(row.workflow_id, hazards.state_of(row).documents, SIGN_UPDATES["hazard"], ended)


def circular_owner(session: Session, client: Client, row: CircularRow, task_queue: str) -> Owner:
    """A circular's draft is owned by its SignOffWorkflow (started now if the outbox has not yet: 503 when
    Temporal cannot be reached); a circular issued before sign-offs needs no signature."""
    draft = signoffs.draft_of(row)
    if draft is None:
        raise from_refusal(refuse("no_signature_needed"))
    if row.status == "draft" and row.signoff_workflow_id is None and not signoffs.start_now(session, client, row, task_queue):
        raise engine_unavailable()
    ended = refused(409, "already_signed")
    return Owner(row.signoff_workflow_id or signoff_workflow_id(draft), (draft,), SIGN_UPDATES["circular"], ended)


def sign(*, session: Session, principal: Principal, client: Client, document_id: str, comment: str | None,
         task_queue: str) -> DocumentOut:
    """A leader of the issuing authority signs a draft: checked here (403, 409) and again by the workflow that
    owns the document's status (the hazard's, the tour's, a circular's sign-off), which re-renders it with the
    signer's name."""
    owner = owner_of(session, client, document_id, task_queue)
    if signoff.find(owner.documents, document_id) is None:
        raise not_found("document", document_id)
    try:
        signoff.check_sign(owner.documents, principal.actor, document_id)
    except Refusal as refusal:
        raise from_refusal(refusal) from None
    command = Command[SignDocument](actor=principal.actor, body=SignDocument(document_id=document_id, comment=comment))
    after = from_thread.run(gateway.run_step, client, owner.workflow_id, owner.update, command, WAIT_SECONDS, owner.ended)
    if after is None:
        raise refused(202, "accepted")
    signed = signoff.find(after.documents, document_id)  # the owner's state, as its `sign` Update answers it
    assert signed is not None and signed.status == DocumentStatus.ISSUED
    return presenters.documents_of([signed])[0]


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
