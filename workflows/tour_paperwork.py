"""The tour's official documents, a part TourWorkflow owns (given its step machine): it renders and signs.

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
    from workflows.steps import StepMachine
    from workflows.tour_clock import plan_clock

TOUR_OFFICIAL_DOCUMENTS = "tour-official-documents"
A = TourAction


class TourPaperwork:
    """The report's and the feedback letters' PDFs, and the leader's signature: the items they make."""

    def __init__(self, machine: StepMachine[TourProjection, TourState]) -> None:
        self._machine = machine

    @property
    def _state(self) -> TourState:
        return self._machine.state

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
                clock = await plan_clock(self._state, now, working_days=paperwork.rules(self._state).sign_working_days)
                clocks.append(SignClock(document_id=document.id, clock=clock))
        return tuple(rendered), tuple(issued), tuple(clocks)

    async def report_item(self, command: Command[SubmitReportBody]) -> TourProjection:
        now = workflow.now()
        spec = steps.render_report(self._state, command.body, command.actor, now)
        specs, issued, clocks = await self._official((spec,), (paperwork.report_source(self._state, spec, now),), now)
        item = steps.apply(A.SUBMIT_REPORT, self._state, command.actor, command.body, now, rendered=specs)
        return paperwork.with_documents(item, issued, clocks)

    async def feedback_item(self, command: Command[DeliverFeedbackBody], clocks: dict[str, TourClock]) -> TourProjection:
        now = workflow.now()
        targets = self._state.start.targets
        specs = tuple(steps.render_feedback(self._state, t.key, clocks[t.key], now) for t in targets)
        sources = tuple(paperwork.feedback_source(self._state, spec, i, now) for i, spec in enumerate(specs))
        rendered, issued, sign_clocks = await self._official(specs, sources, now)
        item = steps.apply(A.DELIVER_FEEDBACK, self._state, command.actor, command.body, now, clocks=clocks, rendered=rendered)
        return paperwork.with_documents(item, issued, sign_clocks)

    def check_sign(self, command: Command[SignDocument]) -> None:
        try:
            signoff.check_sign(self._state.documents, command.actor, command.body.document_id)
        except Refusal as refusal:
            raise refusal_error(refusal) from None

    async def signed_item(self, command: Command[SignDocument]) -> TourProjection:
        """The leader's signature: the document re-rendered with the signer's name, issued."""
        identifier = command.body.document_id
        receipt = await self._render(signoff.signed_source(self._state.documents, command.actor, identifier))
        return paperwork.signed(self._state, command.actor, identifier, receipt, workflow.now())

