"""A hazard's facts and its workflow state: what the query returns and what the projection stores."""

from datetime import date, datetime

from pydantic import Field

from models.actors import Actor
from models.base import Frozen
from models.clock import Clock, DocumentSpec, Extension, FiredRung, Notice, Pause
from models.documents import IssuedDocument
from models.enums import (
    Action,
    AuthorityLevel,
    HazardLevel,
    HazardStatus,
    JurisdictionLevel,
    PlanDecision,
    Rectification,
    Source,
    VerifyDecision,
)
from models.policy import PolicyProfile, Rung


class JurisdictionRef(Frozen):
    code: str
    name: str
    level: JurisdictionLevel


class HazardFacts(Frozen):
    """What was reported (登记), with the region's chain resolved from the reference data."""

    title: str
    description: str
    enterprise_uscc: str
    enterprise_name: str
    enterprise_principal: str = ""  # 主要负责人, the interviewee of an interview
    region_code: str
    region_path: tuple[JurisdictionRef, ...]  # root first, the hazard's own region last
    industry: str
    location: str
    source: Source
    discovered_at: datetime
    campaign_id: str | None = None  # the campaign (专项整治) it is tagged with, checked on intake
    # A hazard an inspection tour found: the tour and its organizing committee, which alone lists it.
    tour_id: str | None = None
    tour_authority_code: str | None = None


class HazardStart(Frozen):
    code: str
    facts: HazardFacts
    reporter: Actor
    policy: PolicyProfile
    resume: "HazardState | None" = None  # the state carried over by continue-as-new
    consumed_outcomes: tuple[str, ...] = ()  # and the interviews whose outcome was taken up
    continue_as_new_after_events: int = Field(default=10_000, ge=100)


class Assessment(Frozen):
    level: HazardLevel
    basis: str | None
    rectification: Rectification | None
    interim_measures: str | None
    comment: str | None
    at: datetime
    by: Actor


class Listing(Frozen):
    authority_level: AuthorityLevel
    authority_code: str
    authority_name: str
    notice_number: str
    requirements: str
    deadline: datetime
    at: datetime
    by: Actor


class Plan(Frozen):
    objectives: str
    measures: str
    funds_cny: float
    responsible_person: str
    deadline: date
    contingency_plan: str
    at: datetime
    by: Actor


class PlanReview(Frozen):
    decision: PlanDecision
    comment: str | None
    at: datetime
    by: Actor


class Progress(Frozen):
    percent: int
    note: str
    at: datetime
    by: Actor


class Completion(Frozen):
    summary: str
    evidence: tuple[str, ...]
    at: datetime
    by: Actor


class Verification(Frozen):
    decision: VerifyDecision
    comment: str | None
    fake_rectification: bool
    new_deadline: datetime | None
    at: datetime
    by: Actor


class Transition(Frozen):
    """One step of the hazard's life; `seq` is its position and the projection's idempotency key."""

    seq: int
    at: datetime
    actor: Actor
    action: Action
    from_status: HazardStatus | None
    to_status: HazardStatus
    comment: str | None = None
    reason: str | None = None  # for system steps: the clock, reminder or rung that fired


class HazardState(Frozen):
    code: str
    facts: HazardFacts
    reported_at: datetime
    reported_by: Actor
    status: HazardStatus = HazardStatus.REPORTED
    level: HazardLevel | None = None
    assessment: Assessment | None = None
    listing: Listing | None = None
    plan: Plan | None = None
    plan_reviews: tuple[PlanReview, ...] = ()
    progress: tuple[Progress, ...] = ()
    completion: Completion | None = None
    verifications: tuple[Verification, ...] = ()
    failed_verifications: int = 0
    deadline: datetime | None = None  # the rectification deadline, an absolute instant
    overdue: bool = False
    closed_at: datetime | None = None
    close_comment: str | None = None
    void_reason: str | None = None
    seq: int = Field(default=0, ge=0)  # the last transition's number
    policy: PolicyProfile
    status_since: datetime
    deadline_set_at: datetime | None = None
    deadline_provisional: bool = False
    clocks: tuple[Clock, ...] = ()
    ladder: tuple[Rung, ...] = ()  # copied from the policy when the hazard is listed (or given a deadline)
    ladder_due: tuple[datetime, ...] = ()  # when each rung fires, for the current deadline
    ladder_deadline: datetime | None = None  # the deadline `ladder_due` was planned for
    fired: tuple[FiredRung, ...] = ()
    extensions: tuple[Extension, ...] = ()
    pause: Pause | None = None
    pauses: tuple[Pause, ...] = ()
    interviews: tuple[str, ...] = ()  # ids of the interview workflows started
    # Official documents: set for hazards started since the `official-documents` patch, whose
    # transitions render PDFs, whose drafts wait on a leader's signature and whose listing is published.
    paperwork: bool = False
    documents: tuple[IssuedDocument, ...] = ()
    listing_published_at: datetime | None = None
    closeout_published_at: datetime | None = None

    @property
    def workflow_id(self) -> str:
        return workflow_id_for(self.code)


class ProjectionItem(Frozen):
    """The projection activity's input: a transition, the state right after it, and what it produced."""

    transition: Transition
    state: HazardState
    notices: tuple[Notice, ...] = ()
    document: DocumentSpec | None = None


class ProjectionReceipt(Frozen):
    """What `project_transition` returns. Run as a local activity, a projection leaves only its result in the
    workflow's history (a marker), not its input: the receipt keeps every decision legible there."""

    transition: Transition
    document_sha256: str | None = None
    written: bool  # False: it was projected already (a retry)

    @classmethod
    def of(cls, item: ProjectionItem, written: bool) -> "ProjectionReceipt":
        return cls(transition=item.transition, document_sha256=item.document.sha256 if item.document else None, written=written)


def workflow_id_for(code: str) -> str:
    return f"hazard-{code}"


HazardStart.model_rebuild()
