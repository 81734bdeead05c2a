"""Special campaigns (专项整治, docs/domain.md §8): the contracts of CampaignWorkflow, its read model and its API.

A campaign is launched by an authority for its jurisdiction subtree (optionally limited to industries) and runs
in phases whose boundaries are timers: a phase starts at 00:00 Asia/Shanghai of `starts_on` and ends at 24:00 of
`ends_on`. It keeps two lists (seed 003): the hazards tagged with it (问题隐患清单) and the institutional measures
(制度措施清单). When `rectify` ends it writes the closing account; when `evaluate` ends, the summary report.
"""

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from models.actors import Actor
from models.base import CHINA_TZ, Day, Frozen, body_error, end_of_day
from models.clock import DocumentSpec
from models.hazard import JurisdictionRef
from models.policy import CampaignRules


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank")
    return value


Title = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_not_blank)]
Reason = Annotated[str, Field(min_length=1, max_length=2_000), AfterValidator(_not_blank)]


class PhaseKind(StrEnum):
    MOBILIZE = "mobilize"  # 动员部署
    INVESTIGATE = "investigate"  # 深入排查 / 查摆问题
    RECTIFY = "rectify"  # 限期整改
    EVALUATE = "evaluate"  # 总结评估
    INSTITUTIONALIZE = "institutionalize"  # 建章立制


class CampaignStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class PhaseStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    DONE = "done"


class CampaignAction(StrEnum):
    """Every step of a campaign. The human ones are the API's `{action}` path segment and the Update names."""

    AMEND_PHASE = "amend-phase"
    ADD_MEASURE = "add-measure"
    COMPLETE_MEASURE = "complete-measure"
    CANCEL = "cancel"
    # system steps
    LAUNCH = "launch"
    PHASE_START = "phase-start"
    PHASE_END = "phase-end"
    REMINDER = "reminder"
    MEASURE_REMINDER = "measure-reminder"
    ACCOUNT = "account"
    SUMMARY = "summary"
    ANNUAL_SUMMARY = "annual-summary"


def phase_starts_at(day: date) -> datetime:
    """00:00 Asia/Shanghai of `day`, as a UTC instant."""
    return datetime(day.year, day.month, day.day, tzinfo=CHINA_TZ).astimezone(UTC)


def phase_ends_at(day: date) -> datetime:
    """24:00 Asia/Shanghai of `day`, as a UTC instant."""
    return end_of_day(day)


class PhaseIn(Frozen):
    kind: PhaseKind
    starts_on: Day
    ends_on: Day


MAX_CAMPAIGN_DAYS = 10 * 366  # seed 003's campaign runs three years; ten is the bound


def check_phases(phases: tuple[PhaseIn, ...], prefix: str = "phases") -> None:
    """The phases in order, each ending on or after its start, none overlapping, one of them `rectify`."""
    for index, phase in enumerate(phases):
        if phase.ends_on < phase.starts_on:
            raise body_error("phase_ends_before_start", f"{prefix}.{index}.ends_on")
        if index and phase.starts_on <= phases[index - 1].ends_on:
            raise body_error("phases_overlap", f"{prefix}.{index}.starts_on")
    kinds = [p.kind for p in phases]
    if len(set(kinds)) != len(kinds):
        raise body_error("phase_repeated", prefix)
    if PhaseKind.RECTIFY not in kinds:
        raise body_error("rectify_phase_required", prefix)
    if phases and (phases[-1].ends_on - phases[0].starts_on).days > MAX_CAMPAIGN_DAYS:
        raise body_error("campaign_too_long", f"{prefix}.{len(phases) - 1}.ends_on")


class CampaignCreate(Frozen):
    """`POST /api/v1/campaigns`."""

    title: Title
    document_number: Annotated[str, Field(max_length=100)] | None = None  # 文号
    region_code: Annotated[str, Field(pattern=r"^\d{6}(\d{3}){0,2}$", examples=["371700"])]
    industries: Annotated[tuple[Annotated[str, Field(min_length=1, max_length=100)], ...], Field(max_length=50)] = ()
    description: Annotated[str, Field(max_length=10_000)] = ""
    phases: Annotated[tuple[PhaseIn, ...], Field(min_length=1, max_length=10)]

    @model_validator(mode="after")
    def _phases(self) -> "CampaignCreate":
        check_phases(self.phases)
        return self


class CampaignStart(Frozen):
    campaign_id: Annotated[str, Field(min_length=1, max_length=40)]
    title: str
    document_number: str | None = None
    description: str = ""
    region_code: str
    region_path: tuple[JurisdictionRef, ...]  # root first, the campaign's region last
    covered: tuple[str, ...] = ()  # the jurisdictions covered (the region and its descendants), notified
    industries: tuple[str, ...] = ()
    phases: tuple[PhaseIn, ...]
    authority_code: str  # the launching authority
    authority_name: str
    launched_by: Actor
    rules: CampaignRules = CampaignRules()


# --- bodies of the human steps ------------------------------------------------------------------------


class AmendPhaseBody(Frozen):
    kind: PhaseKind
    starts_on: Day
    ends_on: Day
    reason: Reason

    @model_validator(mode="after")
    def _order(self) -> "AmendPhaseBody":
        if self.ends_on < self.starts_on:
            raise body_error("phase_ends_before_start", "ends_on")
        return self


class AddMeasureBody(Frozen):
    title: Title
    responsible_unit: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_not_blank)]
    due_on: Day


class CompleteMeasureBody(Frozen):
    measure_id: Annotated[int, Field(ge=1, le=10_000)]
    note: Annotated[str, Field(max_length=2_000)] = ""


class CancelBody(Frozen):
    reason: Reason


CampaignBody = AmendPhaseBody | AddMeasureBody | CompleteMeasureBody | CancelBody


# --- state ------------------------------------------------------------------------------------------------


class Phase(Frozen):
    kind: PhaseKind
    starts_on: date
    ends_on: date
    status: PhaseStatus = PhaseStatus.PLANNED
    reminders: tuple[datetime, ...] = ()  # before it ends, planned on the working-day calendar
    reminders_sent: int = 0

    @property
    def starts_at(self) -> datetime:
        return phase_starts_at(self.starts_on)

    @property
    def ends_at(self) -> datetime:
        return phase_ends_at(self.ends_on)


class Measure(Frozen):
    """One entry of the list of institutional measures (制度措施清单)."""

    id: int
    title: str
    responsible_unit: str
    due_on: date
    reminders: tuple[datetime, ...] = ()
    reminders_sent: int = 0
    completed_at: datetime | None = None
    completed_by: str | None = None
    note: str = ""
    added_at: datetime
    added_by: str


class TaggedHazard(Frozen):
    """A tagged hazard as the read model holds it when the account is drawn up."""

    code: str
    status: str
    deadline: datetime | None = None
    region_code: str = ""


class CampaignAccount(Frozen):
    """The closing account (at the end of `rectify`): every tagged hazard closed, carried over or overdue."""

    generated_at: datetime
    closed: tuple[str, ...]
    carried_over: tuple[str, ...]
    overdue: tuple[str, ...]
    document_hash: str | None = None


class RegionFigures(Frozen):
    """The figures of one sub-jurisdiction (or in total), by the dashboard's definitions (store/metrics.py)."""

    code: str
    name: str
    found: int = 0
    major: int = 0
    rectified: int = 0
    on_time: int = 0
    listed: int = 0
    closed: int = 0
    overdue: int = 0


class SummaryRecord(Frozen):
    kind: str  # summary | annual_summary
    year: int | None = None
    at: datetime
    document_hash: str


class CampaignState(Frozen):
    start: CampaignStart
    workflow_id: str
    launched_at: datetime
    status: CampaignStatus = CampaignStatus.PLANNED
    phases: tuple[Phase, ...]
    measures: tuple[Measure, ...] = ()
    account: CampaignAccount | None = None
    summaries: tuple[SummaryRecord, ...] = ()
    cancel_reason: str | None = None
    cancelled_at: datetime | None = None
    seq: int = Field(default=0, ge=0)

    @property
    def campaign_id(self) -> str:
        return self.start.campaign_id

    @property
    def current_phase(self) -> PhaseKind | None:
        return next((p.kind for p in self.phases if p.status == PhaseStatus.ACTIVE), None)

    def phase(self, kind: PhaseKind) -> Phase | None:
        return next((p for p in self.phases if p.kind == kind), None)


class CampaignNotice(Frozen):
    """An inbox notification for an authority (the existing `notification` table)."""

    target_code: str
    kind: str
    title: str
    body: str


class CampaignProjection(Frozen):
    """One step of a campaign and the state right after it: the `project_campaign` activity's input."""

    seq: int
    at: datetime
    actor: Actor
    action: CampaignAction
    from_status: CampaignStatus | None
    to_status: CampaignStatus
    comment: str | None = None
    document: DocumentSpec | None = None
    notices: tuple[CampaignNotice, ...] = ()
    state: CampaignState


class CampaignReceipt(Frozen):
    seq: int
    action: CampaignAction
    document_sha256: str | None = None
    written: bool

    @classmethod
    def of(cls, item: CampaignProjection, written: bool) -> "CampaignReceipt":
        sha = item.document.sha256 if item.document else None
        return cls(seq=item.seq, action=item.action, document_sha256=sha, written=written)


class FiguresRequest(Frozen):
    """What the workflow asks the read model for: the tagged hazards, or the figures per sub-jurisdiction."""

    campaign_id: str
    region_path: str  # "370000/371700/"
    since: datetime | None = None  # hazards reported from this instant (an annual summary: its year)...
    until: datetime | None = None  # ...and before this one


def campaign_workflow_id(campaign_id: str) -> str:
    return f"campaign-{campaign_id}"


def year_ends(state: CampaignState) -> tuple[datetime, ...]:
    """24:00 of each 31 December a multi-year campaign runs through (its annual summaries)."""
    first, last = state.phases[0].starts_on, state.phases[-1].ends_on
    if first.year == last.year:
        return ()
    return tuple(phase_ends_at(date(year, 12, 31)) for year in range(first.year, last.year + 1)
                 if date(year, 12, 31) <= last)


ONE_DAY = timedelta(days=1)
