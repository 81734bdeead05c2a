"""The render activity: an OfficialDocument to its PDF and HTML, stored content-addressed by the PDF's
SHA-256. Workflows call it (never render themselves); the receipt, not the PDF, goes into history.

This is the entry point any process renders its documents through: `DocumentActivities.render_document`.
"""

from sqlalchemy import Engine
from temporalio import activity

from core import official_documents
from core.db import write_scope
from core.logging import get_logger
from models.documents import RenderReceipt, RenderRequest
from store import documents

log = get_logger("duban.documents")


class DocumentActivities:
    def __init__(self, engine: Engine | None) -> None:
        self._engine = engine

    @activity.defn(name="render_document")
    def render_document(self, request: RenderRequest) -> RenderReceipt:
        document = request.document
        rendered = official_documents.render(document)
        if self._engine is not None:  # the time-skipping tests may run without a read model
            with write_scope(self._engine) as session:
                documents.store_rendered(session=session, document=document, rendered=rendered)
        log.info("document rendered", kind=document.kind.value, subject=document.subject_code, sha256=rendered.sha256,
                 signed=document.signer is not None, size=len(rendered.pdf))
        return RenderReceipt(sha256=rendered.sha256, html_sha256=rendered.html_sha256, pages=rendered.pdf.count(b"/Type /Page\n") or 1,
                             size=len(rendered.pdf))
