"""Rendered documents in the read model, by the SHA-256 of their PDF (content-addressed: a second render of the
same document writes nothing)."""

from datetime import UTC, date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core import official_documents
from core.official_documents import Rendered
from models.clock import DocumentSpec
from models.documents import DocumentKind, OfficialDocument
from models.tables import CircularRow, Document, HazardRow

PDF = "application/pdf"


def store_rendered(*, session: Session, document: OfficialDocument, rendered: Rendered) -> bool:
    if session.get(Document, rendered.sha256) is not None:
        return False
    session.add(Document(
        hash=rendered.sha256, record_kind=owner_kind(session, document.kind, document.subject_code),
        record_id=document.subject_code, kind=document.kind.value, title=document.title[:300],
        media_type=PDF, content=rendered.text, pdf=rendered.pdf, html=rendered.html, created_at=datetime.now(UTC),
    ))
    try:
        session.flush()
    except IntegrityError:  # the same render, stored by a concurrent attempt
        session.rollback()
        return False
    return True


OWNER_OF_KIND = {
    DocumentKind.TOUR_REPORT: "tour", DocumentKind.TOUR_FEEDBACK: "tour", DocumentKind.DISPATCH_REPORT: "report",
    DocumentKind.CAMPAIGN_ACCOUNT: "campaign", DocumentKind.CAMPAIGN_SUMMARY: "campaign",
    DocumentKind.CAMPAIGN_ANNUAL_SUMMARY: "campaign",
}


def owner_kind(session: Session, kind: DocumentKind, subject: str) -> str:
    """The kind of record a document belongs to: by its kind, and a circular (通报) by the record that holds its
    subject (a circular of the reporting cadence, or a hazard's circular rung)."""
    if kind == DocumentKind.CIRCULAR:
        return "circular" if session.get(CircularRow, subject) is not None else "hazard"
    return OWNER_OF_KIND.get(kind, "hazard")


def owner_kind_of(*, session: Session, record_id: str) -> str | None:
    """The kind of record whose documents are stored under `record_id` (None: no document of it is stored)."""
    return session.exec(select(Document.record_kind).where(Document.record_id == record_id).limit(1)).first()


def as_official(spec: DocumentSpec, *, kind: DocumentKind, authority: str, authority_code: str, addressee: str,
                issued_on: date, subject_code: str) -> tuple[DocumentSpec, Rendered]:
    """A document written as a title and lines (a periodic report, a circular, a campaign's account) laid out as
    an official document and rendered to PDF: the spec names the PDF's SHA-256 and keeps its text."""
    official = official_of(spec, kind=kind, authority=authority, authority_code=authority_code, addressee=addressee,
                           issued_on=issued_on, subject_code=subject_code)
    return rendered_as(spec, official)


def official_of(spec: DocumentSpec, *, kind: DocumentKind, authority: str, authority_code: str, addressee: str,
                issued_on: date, subject_code: str, number: str | None = None) -> OfficialDocument:
    lines = spec.content.splitlines()
    body = tuple(line for line in (lines[1:] if lines and lines[0] == spec.title else lines) if line.strip())
    return OfficialDocument(
        kind=kind, authority=authority, authority_code=authority_code, number=number or subject_code, title=spec.title,
        addressee=addressee, paragraphs=body, issued_on=issued_on, subject_code=subject_code,
    )


def rendered_as(spec: DocumentSpec, official: OfficialDocument) -> tuple[DocumentSpec, Rendered]:
    rendered = official_documents.render(official)
    return DocumentSpec(kind=spec.kind, title=spec.title, content=rendered.text, sha256=rendered.sha256), rendered


def get(*, session: Session, sha256: str) -> Document | None:
    return session.get(Document, sha256)


def published_rows(*, session: Session, limit: int, offset: int) -> tuple[list[HazardRow], int]:
    """Hazards whose listing was published (公示), newest first."""
    query = select(HazardRow).where(HazardRow.published_at.is_not(None))  # type: ignore[union-attr]
    total = len(session.exec(query.with_only_columns(HazardRow.code)).all())  # type: ignore[call-overload]
    rows = session.exec(query.order_by(HazardRow.published_at.desc()).offset(offset).limit(limit)).all()  # type: ignore[union-attr]
    return list(rows), total
