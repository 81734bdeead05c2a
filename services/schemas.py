"""Request and response shapes both doors share that are not workflow contracts (a route's path parameters
are `api/deps.py`)."""

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from domain.uscc import uscc_problem
from models.actors import Actor
from models.base import CHINA_TZ, DAY_PATTERN, EARLIEST_DAY, LATEST_DAY, PRESENT
from models.clock import Extension, Pause
from models.enums import Action, HazardLevel, HazardStatus, Source
from models.hazard import (
    Assessment,
    Completion,
    Listing,
    Plan,
    PlanReview,
    Progress,
    Verification,
)
from registry.base import ActionSpec, ProcessRegistry

CLOCK_SKEW = timedelta(minutes=5)


def _valid_uscc(value: str) -> str:
    problem = uscc_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _written_out(value: object) -> object:
    """A date or a time as written (ISO 8601), never a number of Unix seconds, which pydantic would take."""
    if isinstance(value, (int, float)):
        raise PydanticCustomError("date_as_number", "write the date, not a number")
    return value


def _one_line(value: str) -> str:
    """A title on one line: line breaks and runs of white space become one space (a title goes into every mail
    subject and document heading about its record, where a line break is refused)."""
    return _not_blank(" ".join(value.split()))


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise PydanticCustomError("blank", "must not be empty")
    return value


USCC = Annotated[str, Field(min_length=18, max_length=18, examples=["91371702MA3C4G0R29"]), AfterValidator(_valid_uscc)]
RegionCode = Annotated[str, Field(pattern=r"^\d{6}(\d{3}){0,2}$", examples=["371702"])]


class HazardCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(max_length=200, json_schema_extra=PRESENT), AfterValidator(_one_line)]
    description: Annotated[str, Field(max_length=10_000)] = ""
    enterprise_uscc: USCC
    region_code: RegionCode
    industry: Annotated[str, Field(max_length=100, json_schema_extra=PRESENT), AfterValidator(_not_blank)]
    location: Annotated[str, Field(max_length=500)] = ""
    source: Source
    discovered_at: Annotated[datetime | date, BeforeValidator(_written_out), Field(json_schema_extra=DAY_PATTERN)]
    campaign_id: Annotated[str, Field(max_length=40)] | None = None  # tag it with an active campaign (专项整治)

    @field_validator("discovered_at")
    @classmethod
    def _not_in_future(cls, value: datetime | date) -> datetime:
        day = value.date() if isinstance(value, datetime) else value
        if day < EARLIEST_DAY:  # also keeps the time-zone arithmetic below from overflowing (0001-01-01)
            raise PydanticCustomError(
                "discovered_too_early", "the discovery time is before {earliest}", {"earliest": EARLIEST_DAY.isoformat()}
            )
        if day > LATEST_DAY:
            raise PydanticCustomError("discovered_in_future", "the discovery time is in the future")
        if not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day, tzinfo=CHINA_TZ)
        elif value.tzinfo is None:
            value = value.replace(tzinfo=CHINA_TZ)  # a local time as written in the field
        value = value.astimezone(UTC)
        if value > datetime.now(UTC) + CLOCK_SKEW:
            raise PydanticCustomError("discovered_in_future", "the discovery time is in the future")
        return value


class TimelineEntry(BaseModel):
    seq: int
    at: datetime
    actor: str
    actor_role: str
    action: str
    from_status: str | None
    to_status: str
    comment: str | None


class HazardSummary(BaseModel):
    code: str
    status: HazardStatus
    level: HazardLevel | None
    title: str
    region_code: str
    enterprise_uscc: str
    enterprise_name: str
    industry: str
    source: Source
    listing_level: str | None
    deadline: datetime | None
    overdue: bool
    reported_at: datetime
    updated_at: datetime
    campaign_id: str | None = None  # the campaign (专项整治) it is tagged with
    tour_id: str | None = None  # the inspection tour that found it


class FiredRungOut(BaseModel):
    rung: str
    at: datetime
    reason: str
    document_hash: str | None


class NextRungOut(BaseModel):
    rung: str
    due_at: datetime


class EscalationOut(BaseModel):
    rung: str | None = Field(description="the last rung fired, or null")
    fired: list[FiredRungOut]
    next: NextRungOut | None
    ladder: list[str] = Field(description="the hazard's own ladder (copied from its policy when listed)")


class ClockOut(BaseModel):
    name: str
    owner_code: str
    due_at: datetime
    provisional: bool
    lapsed: bool
    next_reminder: datetime | None


class ListingOut(BaseModel):
    authority_level: str
    authority_code: str
    authority_name: str
    notice_number: str
    requirements: str
    deadline: datetime
    at: datetime
    by: Actor

    @classmethod
    def of(cls, listing: Listing) -> "ListingOut":
        return cls.model_validate(listing.model_dump())


class DocumentOut(BaseModel):
    """An official document of a record: `sha256` names its PDF at `GET /documents/{sha256}`."""

    id: str
    kind: str
    title: str
    sha256: str
    status: str  # draft | issued
    signed_by: str | None
    issued_at: datetime | None


class PublicListingOut(BaseModel):
    """A published listing (公示), for anyone: nothing about who reported it."""

    hazard_code: str
    enterprise_name: str
    enterprise_uscc: str
    title: str
    level: str | None
    listing_authority: str
    listing_authority_code: str
    notice_number: str
    deadline: datetime | None
    status: str
    listed_at: datetime
    published_at: datetime
    closed_at: datetime | None
    closeout_published_at: datetime | None


class PublicListingPage(BaseModel):
    items: list[PublicListingOut]
    total: int
    page: int
    page_size: int


class HazardOut(HazardSummary):
    description: str
    location: str
    region_name: str
    discovered_at: datetime
    reported_by: str
    assessment: Assessment | None
    listing: ListingOut | None
    plan: Plan | None
    plan_reviews: tuple[PlanReview, ...]
    progress: tuple[Progress, ...]
    completion: Completion | None
    verifications: tuple[Verification, ...]
    failed_verifications: int
    closed_at: datetime | None
    void_reason: str | None
    timeline: list[TimelineEntry]
    allowed_actions: tuple[Action, ...] = Field(description="what the caller may do now")
    workflow_id: str
    deadline_provisional: bool
    paused: bool
    pause: Pause | None
    pauses: tuple[Pause, ...]
    extensions: tuple[Extension, ...]
    escalation: EscalationOut
    clocks: list[ClockOut]
    interviews: tuple[str, ...]
    policy: str
    documents: list[DocumentOut] = Field(default_factory=list, description="official documents")


class HazardPage(BaseModel):
    items: list[HazardSummary]
    total: int
    page: int
    page_size: int


class TaskOut(BaseModel):
    """A step the caller owes: on a hazard (`process: hazard`) or on one of its interviews (`interview_id`)."""

    hazard_code: str
    action: str  # a hazard action (`assess`, ...) or an interview step (`schedule`, ...)
    due_at: datetime | None
    title: str
    status: str  # the hazard's or the interview's status
    overdue: bool
    process: str = "hazard"
    interview_id: str | None = None
    tour_id: str | None = None  # a tour's step (`process: tour`)
    circular_id: str | None = None  # a draft circular's signature (`process: circular`, `sign`)


class TaskPage(BaseModel):
    items: list[TaskOut]
    total: int
    page: int
    page_size: int


class EnterpriseOut(BaseModel):
    uscc: str
    name: str
    region_code: str
    principal: str
    industry: str


class JurisdictionOut(BaseModel):
    code: str
    name: str
    level: str
    parent_code: str | None


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MeOut(BaseModel):
    username: str
    display_name: str
    role: str
    jurisdiction_code: str | None
    enterprise_uscc: str | None


class FieldError(BaseModel):
    code: str
    field: str | None
    message_zh: str
    message_en: str
    message: str


class ErrorDetail(BaseModel):
    """Every refusal: a stable `code`, the `field` concerned (or null), the words in both languages."""

    code: str
    field: str | None = None
    message_zh: str
    message_en: str
    errors: list[FieldError] | None = None  # a request that failed its models: every problem found


class ErrorOut(BaseModel):
    detail: ErrorDetail


class AcceptedDetail(BaseModel):
    code: str
    message_zh: str
    message_en: str


class AcceptedOut(BaseModel):
    """202: the workflow took the step (or the report), the read model has not recorded it yet."""

    code: str | None = None  # the hazard's code
    id: str | None = None  # the interview's id
    detail: AcceptedDetail


def action_description(registry: ProcessRegistry, spec: ActionSpec) -> str:
    """An action's OpenAPI description, from its registry entry."""
    states = ", ".join(sorted(str(s) for s in spec.allowed_from))
    roles = ", ".join(sorted(r.value for r in spec.roles))
    codes = ", ".join(f"`{c}`" for c in registry.refusal_codes(spec))
    due = f" Owed as a task, due by the `{spec.clock}` clock." if spec.task and spec.clock else ""
    return (
        f"{spec.label_zh} / {spec.label_en}. Roles: {roles} ({spec.authority}). In states: {states}.{due} "
        f"Refusals (`{{\"detail\": {{\"code\", \"field\", \"message_zh\", \"message_en\"}}}}`): {codes}."
    )
