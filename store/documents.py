"""Rendered documents in the read model, by the SHA-256 of their PDF (content-addressed: a second render of the
same document writes nothing)."""

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.official_documents import Rendered
from models.documents import OfficialDocument
from models.tables import Document, HazardRow

PDF = "application/pdf"


def store_rendered(*, session: Session, document: OfficialDocument, rendered: Rendered) -> bool:
    if session.get(Document, rendered.sha256) is not None:
        return False
    session.add(Document(
        hash=rendered.sha256, hazard_code=document.subject_code, kind=document.kind.value, title=document.title[:300],
        media_type=PDF, content=rendered.text, pdf=rendered.pdf, html=rendered.html, created_at=datetime.now(UTC),
    ))
    try:
        session.flush()
    except IntegrityError:  # the same render, stored by a concurrent attempt
        session.rollback()
        return False
    return True


def get(*, session: Session, sha256: str) -> Document | None:
    return session.get(Document, sha256)


def published_rows(*, session: Session, limit: int, offset: int) -> tuple[list[HazardRow], int]:
    """Hazards whose listing was published (公示), newest first."""
    query = select(HazardRow).where(HazardRow.published_at.is_not(None))  # type: ignore[union-attr]
    total = len(session.exec(query.with_only_columns(HazardRow.code)).all())  # type: ignore[call-overload]
    rows = session.exec(query.order_by(HazardRow.published_at.desc()).offset(offset).limit(limit)).all()  # type: ignore[union-attr]
    return list(rows), total
