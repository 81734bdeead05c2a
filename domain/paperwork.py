"""The hazard's paperwork: documents drafted until a leader of the issuing authority signs them, and
publication (公示) of the listing and the close-out. Pure rules; the workflow renders in an activity."""

from datetime import datetime

from domain import signoff
from domain.refusals import refuse
from models.actors import Actor
from models.clock import ClockName, ClockSpec
from models.documents import (
    KIND_ZH,
    DocumentKind,
    DocumentStatus,
    IssuedDocument,
    OfficialDocument,
    RenderReceipt,
)
from models.enums import Action, HazardStatus
from models.hazard import HazardState, ProjectionItem, Transition
from models.policy import DocumentRules


def rules(state: HazardState) -> DocumentRules:
    return signoff.rules(state.policy)


def needs_signature(state: HazardState, kind: DocumentKind) -> bool:
    """As the policy says; a general hazard's close-out (never listed, so never 摘牌) is issued by the office."""
    if kind == DocumentKind.CLOSEOUT_NOTICE and state.listing is None:
        return False
    return signoff.required(state.policy, kind)


def document_id(state: HazardState, kind: DocumentKind) -> str:
    return f"{state.code}-{kind.value}-{len(state.documents) + 1}"


def drafted(state: HazardState, source: OfficialDocument, receipt: RenderReceipt, now: datetime) -> HazardState:
    """The state with `source` (rendered as `receipt`) among its documents: a draft if a leader must sign it."""
    document = signoff.drafted(document_id(state, source.kind), source, receipt, now,
                               needs_signature=needs_signature(state, source.kind))
    return state.model_copy(update={"documents": (*state.documents, document)})


def find(state: HazardState, identifier: str) -> IssuedDocument | None:
    return signoff.find(state.documents, identifier)


def check_sign(state: HazardState, actor: Actor, identifier: str) -> IssuedDocument:
    """Refuse unless `actor` is a leader of the issuing authority and the document waits for a signature."""
    return signoff.check_sign(state.documents, actor, identifier)


def signed(state: HazardState, actor: Actor, identifier: str, receipt: RenderReceipt, now: datetime) -> ProjectionItem:
    """The transition that records the leader's signature; the document is issued as the re-rendered PDF."""
    document = check_sign(state, actor, identifier)
    issued = signoff.signed(document, actor, receipt, now)
    after = state.model_copy(update={"documents": signoff.replaced(state.documents, issued), "seq": state.seq + 1})
    transition = Transition(seq=after.seq, at=now, actor=actor, action=Action.SIGN, from_status=state.status,
                            to_status=state.status, comment=f"签发：{document.title}", reason=f"sign:{identifier}")
    return ProjectionItem(transition=transition, state=after)


def signed_source(state: HazardState, actor: Actor, identifier: str) -> OfficialDocument:
    return signoff.signed_source(state.documents, actor, identifier)


# --- publication (公示) ----------------------------------------------------------------------------------


def due_publication(state: HazardState) -> DocumentKind | None:
    """What `publish` would publish now: the listing, then (once closed) the close-out; None if nothing."""
    if not state.paperwork or state.listing is None:
        return None
    if state.listing_published_at is None:
        return DocumentKind.LISTING_NOTICE
    if state.status == HazardStatus.CLOSED and state.closeout_published_at is None:
        return DocumentKind.CLOSEOUT_NOTICE
    return None


def check_publish(state: HazardState) -> None:
    kind = due_publication(state)
    if kind is None:
        raise refuse("nothing_to_publish")
    latest = [d for d in state.documents if d.kind == kind]
    if latest and latest[-1].status == DocumentStatus.DRAFT:
        raise refuse("document_not_signed", document=kind.value, document_zh=KIND_ZH[kind])


def published(state: HazardState, now: datetime) -> dict[str, object]:
    kind = due_publication(state)
    field = "listing_published_at" if kind == DocumentKind.LISTING_NOTICE else "closeout_published_at"
    return {field: now}


# --- the clocks that wait on the government side ----------------------------------------------------------


def clocks_for(state: HazardState) -> tuple[ClockSpec, ...]:
    """A leader's signature on each draft, and the publication due (none for hazards before the patch)."""
    if not state.paperwork:
        return ()
    specs = [
        ClockSpec(name=ClockName.SIGN, owner_code=d.authority_code, start=d.drafted_at, working_days=rules(state).sign_working_days)
        for d in state.documents if d.status == DocumentStatus.DRAFT and state.status != HazardStatus.VOIDED
    ]
    kind = due_publication(state)
    if kind is not None and state.listing is not None and state.status != HazardStatus.VOIDED:
        start = state.listing.at if kind == DocumentKind.LISTING_NOTICE else state.closed_at
        assert start is not None
        specs.append(ClockSpec(name=ClockName.PUBLISH, owner_code=state.listing.authority_code, start=start,
                               working_days=state.policy.timers.publish))
    return tuple(dict.fromkeys(specs))


def open_paperwork(state: HazardState) -> bool:
    """A closed hazard's workflow runs on while a draft waits for its signature or the close-out for publication."""
    return state.status == HazardStatus.CLOSED and bool(clocks_for(state))
