"""What travels with a mail: the rung's document as the document store holds it.

`document_attachment` is the one place that turns a stored document into an attachment: the PDF the official
documents service rendered, or, for a document issued as text before documents were PDFs, its text.
"""

from sqlmodel import Session

from activities.channels import Attachment
from models.tables import Document


def document_attachment(session: Session, sha256: str) -> Attachment | None:
    """(filename, mime, bytes) of the stored document with this SHA-256; None when there is none."""
    document = session.get(Document, sha256)
    if document is None:
        return None
    name = f"{document.kind}-{document.record_id}"
    if document.pdf is not None:
        return Attachment(filename=f"{name}.pdf", mime="application/pdf", content=document.pdf)
    return Attachment(filename=f"{name}.txt", mime="text/plain; charset=utf-8", content=document.content.encode("utf-8"))
