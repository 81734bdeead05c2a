"""The hazard's official documents, a part HazardWorkflow owns (given its step machine): it renders, signs and
publishes.

Hazards started since the `official-documents` patch carry `paperwork`: each transition that issues a document
renders it in the render activity (a PDF stored by its SHA-256; the SHA-256 goes into the transition's audit
row); a document the policy wants signed stays a draft, with a government-side clock on the leader, until the
`sign` Update. Histories recorded before the patch replay without any of it.
"""

from datetime import datetime
from typing import cast

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.documents import DocumentActivities
    from domain import hazard_documents, paperwork
    from domain.refusals import Refusal
    from models.actions import Command
    from models.clock import DocumentSpec
    from models.documents import IssuedDocument, OfficialDocument, RenderReceipt, RenderRequest, SignDocument
    from models.hazard import HazardState, ProjectionItem
    from workflows import calls
    from workflows.calls import refusal_error
    from workflows.steps import StepMachine

OFFICIAL_DOCUMENTS = "official-documents"


class HazardPaperwork:
    """Documents for the transitions, and the leader's signature."""

    def __init__(self, machine: StepMachine[ProjectionItem, HazardState]) -> None:
        self._machine = machine

    @property
    def _state(self) -> HazardState:
        return self._machine.state

    def start(self) -> None:
        """Hazards started since the patch keep their paperwork; a replay of an older one never does."""
        if not self._state.paperwork and workflow.patched(OFFICIAL_DOCUMENTS):
            self._machine.state = self._state.model_copy(update={"paperwork": True})

    def open(self) -> bool:
        return paperwork.open_paperwork(self._state)

    async def _render(self, source: OfficialDocument) -> RenderReceipt:
        return await calls.call(DocumentActivities.render_document, RenderRequest(document=source))

    async def with_documents(self, before: HazardState, items: tuple[ProjectionItem, ...]) -> tuple[ProjectionItem, ...]:
        """Each item with the documents its transition issues rendered and listed in its state."""
        if not before.paperwork:
            return items
        now = workflow.now()
        out: list[ProjectionItem] = []
        previous, added = before, cast(tuple[IssuedDocument, ...], ())
        for item in items:
            state = item.state.model_copy(update={"documents": item.state.documents + added})
            item = item.model_copy(update={"state": state})
            for source in hazard_documents.documents_for(previous, item, now):
                receipt = await self._render(source)
                state = paperwork.drafted(state, source, receipt, now)
                added = (*added, state.documents[-1])
                item = with_document(item.model_copy(update={"state": state}), state.documents[-1], now)
                state = item.state
            out.append(item)
            previous = state
        return tuple(out)

    def check_sign(self, command: Command[SignDocument]) -> None:
        try:
            paperwork.check_sign(self._state, command.actor, command.body.document_id)
        except Refusal as refusal:
            raise refusal_error(refusal) from None

    async def signed_item(self, command: Command[SignDocument]) -> ProjectionItem:
        """The leader's signature: the document re-rendered with the signer's name, issued."""
        identifier = command.body.document_id
        receipt = await self._render(paperwork.signed_source(self._state, command.actor, identifier))
        item = paperwork.signed(self._state, command.actor, identifier, receipt, workflow.now())
        document = paperwork.find(item.state, identifier)
        assert document is not None
        return item.model_copy(update={"document": spec_of(document)})


def with_document(item: ProjectionItem, document: IssuedDocument, now: datetime) -> ProjectionItem:
    """The item carrying the rendered PDF's hash (its audit row's `document_hash`); a rung's fired record and
    inbox notices point at the PDF, its plain-text letter stays the notices' body."""
    state = item.state
    if item.document is not None and state.fired and state.fired[-1].document_hash == item.document.sha256:
        fired = state.fired[-1].model_copy(update={"document_hash": document.sha256})
        state = state.model_copy(update={"fired": (*state.fired[:-1], fired)})
    if item.document is not None:  # a rung's letter keeps its kind (the rung's) and its text as the notices' body
        spec = item.document.model_copy(update={"sha256": document.sha256})
    else:
        spec = DocumentSpec(kind=document.kind.value, title=document.title, content="", sha256=document.sha256)
    return item.model_copy(update={"state": state, "document": spec})


def spec_of(document: IssuedDocument) -> DocumentSpec:
    return DocumentSpec(kind=document.kind.value, title=document.title, content="", sha256=document.sha256)
