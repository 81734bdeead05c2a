"""The tour's official documents, the part of TourWorkflow that renders and signs.

Since the `tour-official-documents` patch the report and the feedback letters are rendered by the render activity
(a PDF stored by its SHA-256, which goes into the step's audit row); a document the policy wants signed (by
default the report) stays a draft, on a sign clock with reminders, until a leader of the organizing committee's
jurisdiction sends the `sign` Update. Histories recorded before the patch replay with their text documents.
"""

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.documents import DocumentActivities
    from domain import signoff
    from domain import tour_documents as paperwork
    from domain import tour_steps as steps
    from domain.refusals import Refusal
    from models.actions import Command
    from models.clock import DocumentSpec
    from models.documents import IssuedDocument, OfficialDocument, RenderReceipt, RenderRequest, SignDocument
    from models.tour import (
        DeliverFeedbackBody,
        SignClock,
        SubmitReportBody,
        TourAction,
        TourClock,
        TourProjection,
        TourState,
    )
    from workflows import calls
    from workflows.calls import refusal_error

TOUR_OFFICIAL_DOCUMENTS = "tour-official-documents"
A = TourAction


class TourPaperwork:
    """Mixed into TourWorkflow: the report's and the feedback letters' PDFs, and the leader's signature."""

    _state: TourState

    async def _plan(self, start: datetime, *, working_days: int | None = None, due_at: datetime | None = None) -> TourClock:
        raise NotImplementedError

    async def _render(self, source: OfficialDocument) -> RenderReceipt:
        return await calls.call(DocumentActivities.render_document, RenderRequest(document=source))

    async def _official(self, specs: tuple[DocumentSpec, ...], sources: tuple[OfficialDocument, ...], now: datetime
                        ) -> tuple[tuple[DocumentSpec, ...], tuple[IssuedDocument, ...], tuple[SignClock, ...]]:
        """Each text document rendered to its PDF (the spec then names the PDF), listed as issued or as a draft
        with its sign clock; tours recorded before the patch keep their text documents."""
        if not workflow.patched(TOUR_OFFICIAL_DOCUMENTS):
            return specs, (), ()
        rendered, issued, clocks = [], [], []
        for offset, (spec, source) in enumerate(zip(specs, sources, strict=True)):
            receipt = await self._render(source)
            draft = paperwork.needs_signature(self._state, source.kind)
            document = signoff.drafted(paperwork.document_id(self._state, source.kind, offset), source, receipt, now,
                                       needs_signature=draft)
            rendered.append(spec.model_copy(update={"sha256": receipt.sha256}))
            issued.append(document)
            if draft:
                clock = await self._plan(now, working_days=paperwork.rules(self._state).sign_working_days)
                clocks.append(SignClock(document_id=document.id, clock=clock))
        return tuple(rendered), tuple(issued), tuple(clocks)

    async def _report_item(self, command: Command[SubmitReportBody]) -> TourProjection:
        now = workflow.now()
        spec = steps.render_report(self._state, command.body, command.actor, now)
        specs, issued, clocks = await self._official((spec,), (paperwork.report_source(self._state, spec, now),), now)
        item = steps.apply(A.SUBMIT_REPORT, self._state, command.actor, command.body, now, rendered=specs)
        return paperwork.with_documents(item, issued, clocks)

    async def _feedback_item(self, command: Command[DeliverFeedbackBody], clocks: dict[str, TourClock]) -> TourProjection:
        now = workflow.now()
        targets = self._state.start.targets
        specs = tuple(steps.render_feedback(self._state, t.key, clocks[t.key], now) for t in targets)
        sources = tuple(paperwork.feedback_source(self._state, spec, i, now) for i, spec in enumerate(specs))
        rendered, issued, sign_clocks = await self._official(specs, sources, now)
        item = steps.apply(A.DELIVER_FEEDBACK, self._state, command.actor, command.body, now, clocks=clocks, rendered=rendered)
        return paperwork.with_documents(item, issued, sign_clocks)

    def _check_sign(self, command: Command[SignDocument]) -> None:
        try:
            signoff.check_sign(self._state.documents, command.actor, command.body.document_id)
        except Refusal as refusal:
            raise refusal_error(refusal) from None

    async def _signed_item(self, command: Command[SignDocument]) -> TourProjection:
        """The leader's signature: the document re-rendered with the signer's name, issued."""
        identifier = command.body.document_id
        receipt = await self._render(signoff.signed_source(self._state.documents, command.actor, identifier))
        return paperwork.signed(self._state, command.actor, identifier, receipt, workflow.now())

