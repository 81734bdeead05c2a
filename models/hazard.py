"""A hazard's facts and its workflow state: what the query returns and what the projection stores."""

from datetime import date, datetime

from pydantic import Field

from models.actors import Actor
from models.base import Frozen
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
    region_code: str
    region_path: tuple[JurisdictionRef, ...]  # root first, the hazard's own region last
    industry: str
    location: str
    source: Source
    discovered_at: datetime


class HazardStart(Frozen):
    code: str
    facts: HazardFacts
    reporter: Actor


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

    @property
    def workflow_id(self) -> str:
        return workflow_id_for(self.code)


class ProjectionItem(Frozen):
    """The projection activity's input: a transition and the state right after it."""

    transition: Transition
    state: HazardState


def workflow_id_for(code: str) -> str:
    return f"hazard-{code}"
