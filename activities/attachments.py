"""What travels with a mail: the rung's document as the document store holds it.

`document_attachment` is the one place that turns a stored document into an attachment; when documents are
rendered as PDF (issue 16, first half) it is routed to the PDF renderer, and every mail attaches the PDF.
"""

from sqlmodel import Session

from activities.channels import Attachment
from models.tables import Document


def document_attachment(session: Session, sha256: str) -> Attachment | None:
    """(filename, mime, bytes) of the stored document with this SHA-256; None when there is none."""
    document = session.get(Document, sha256)
    if document is None:
        return None
    media = document.media_type or "text/plain; charset=utf-8"
    extension = "pdf" if media.startswith("application/pdf") else "txt"
    return Attachment(filename=f"{document.kind}-{document.hazard_code}.{extension}", mime=media,
                      content=document.content.encode("utf-8"))
