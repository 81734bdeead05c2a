"""Policy profiles (docs/domain.md §11): every number of the process, versioned data, never code constants.

A hazard pins the profile (name, version and content) when it starts and copies the ladder when listed.
"""

from enum import StrEnum

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from models.base import Frozen


class RungType(StrEnum):
    """The escalation ladder's rungs (docs/domain.md §5)."""

    URGING_LETTER = "urging_letter"  # 督办函/催办
    CIRCULAR = "circular"  # 通报提醒
    INTERVIEW = "interview"  # 约谈纠治
    RAISE_LISTING = "raise_listing"  # 提级督办
    JOINT_PUNISHMENT = "joint_punishment"  # 联合惩戒
    ACCOUNTABILITY_REFERRAL = "accountability_referral"  # 移交问责


class Target(StrEnum):
    """Who a reminder or rung notifies."""

    ENTERPRISE = "enterprise"  # the hazard's enterprise (its users' inbox)
    ENTERPRISE_PRINCIPAL = "enterprise_principal"  # the enterprise's principal, through the enterprise inbox
    SUPERVISING_AUTHORITY = "supervising_authority"  # the listing authority (or the county for general hazards)
    SUPERIOR_AUTHORITY = "superior_authority"  # the level above the supervising authority
    COUNTY = "county"  # the county holding the hazard
    OFFICIALS = "officials"  # the supervising authority, for referral of its officials


class Rung(Frozen):
    type: RungType
    offset_working_days: int = Field(ge=0, le=400)  # fires at the end of the k-th working day after the deadline day
    targets: tuple[Target, ...]


class StepTimers(Frozen):
    """Working days allowed in each state (docs/domain.md §3)."""

    assess: int = Field(ge=1)
    list: int = Field(ge=1)
    plan: int = Field(ge=1)
    publish: int = Field(ge=1)
    review: int = Field(ge=1)
    verify: int = Field(ge=1)
    close: int = Field(ge=1)
    general_rectification: int = Field(ge=1)


class Reminders(Frozen):
    fractions: tuple[float, ...]  # of the period, e.g. half-way
    working_days_before: tuple[int, ...]

    @field_validator("fractions")
    @classmethod
    def _fractions_inside_the_period(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(not 0 < f < 1 for f in value):
            raise ValueError("each fraction must lie strictly between 0 and 1")
        return value

    @field_validator("working_days_before")
    @classmethod
    def _days_before_positive(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(d < 1 for d in value):
            raise ValueError("each value must be at least 1 working day")
        return value


class ExtensionRules(Frozen):
    max_count: int = Field(ge=0)  # for a listed hazard
    min_working_days_before: int = Field(ge=0)  # later requests need `late_reason`
    decide_working_days: int = Field(ge=1)
    max_total_calendar_days: int = Field(ge=1)  # a listed hazard's whole period
    max_days_per_request: int = Field(ge=1)


class InterviewRules(Frozen):
    notice_calendar_days: int = Field(ge=1)  # the interview is held within this after the notice
    reply_working_days: int = Field(ge=1)


class ProgressRules(Frozen):
    major_report_every_calendar_days: int = Field(ge=1)  # monthly progress reports, major hazards


class NoticeRules(Frozen):
    """Document numbers (文号): `{year}` and `{code}` are filled in."""

    listing_number: str = Field(min_length=1, max_length=100)  # 挂牌督办通知书, e.g. 督字〔{year}〕{code}号


class DisplayRules(Frozen):
    warning_working_days: int = Field(ge=0, le=60)  # "my tasks" and lists mark a step due within this yellow


class CampaignRules(Frozen):
    """`[campaign]` (专项整治): reminders to the launching authority before each phase ends, and before
    each institutional measure's due date, N working days before."""

    phase_reminder_working_days_before: tuple[int, ...] = Field(default=(3, 1), max_length=10)
    measure_reminder_working_days_before: tuple[int, ...] = Field(default=(3, 1), max_length=10)

# --- the reporting cadence and the ranking ------------------------------------------------------------------

REPORT_KINDS = ("daily", "weekly", "monthly", "quarterly", "annual")
RANKING_TERMS = (
    "rectification_rate", "on_time_rate", "closure_rate", "found", "overdue_now", "government_deadlines_missed",
    "circular_rungs",
)


class ReportCadence(Frozen):
    """`[reports]`: which periodic reports run on Temporal Schedules, and when (Asia/Shanghai).

    weekly on Monday, monthly on the 1st, quarterly on `quarterly_day` of the month after the quarter (by the
    15th, 16号令), annual on `annual_day` of January (by the 31st); daily only when listed in `kinds`."""

    kinds: tuple[str, ...]
    hour: int = Field(ge=0, le=23)
    minute: int = Field(ge=0, le=59)
    quarterly_day: int = Field(ge=1, le=15)
    annual_day: int = Field(ge=1, le=31)
    catchup_days: int = Field(ge=1, le=366)  # a period missed while the system was down is run when it comes back
    monthly_circular: bool  # the monthly report issues a circular (通报) by itself

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [k for k in value if k not in REPORT_KINDS]
        if unknown:
            raise ValueError(f"unknown report kinds {unknown}; choose from {list(REPORT_KINDS)}")
        return value


class RankingWeights(Frozen):
    """`[ranking]` (打分排队): the weight of each term of a jurisdiction's score; `bottom`: how many of the lowest
    are named in a circular."""

    weights: dict[str, float]
    bottom: int = Field(ge=0, le=50)

    def __hash__(self) -> int:  # a frozen profile is hashable; its weights are a dict
        return hash((tuple(sorted(self.weights.items())), self.bottom))

    @field_validator("weights")
    @classmethod
    def _known_terms(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = [k for k in value if k not in RANKING_TERMS]
        if unknown or not value:
            raise ValueError(f"weights must name terms from {list(RANKING_TERMS)}; unknown: {unknown}")
        return value
# --- inspection tours ---
class TourRules(Frozen):
    """Inspection tours (巡查, seed 002); the defaults are the seed's."""

    min_team_size: int = Field(default=6, ge=1, le=100)  # 每组不少于6人
    report_working_days: int = Field(default=15, ge=1, le=200)  # 巡查结束后15个工作日内形成报告
    rectification_months: int = Field(default=2, ge=1, le=24)  # 2个月内报送整改和查处情况
    coverage_years: int = Field(default=2, ge=1, le=10)  # 每两年对各县区全部巡查一遍
class DocumentRules(Frozen):
    """Official documents: which kinds a leader of the issuing authority signs before they are issued,
    and within how many working days (a government-side clock with reminders)."""

    require_signature: tuple[str, ...] = ("listing_notice", "closeout_notice", "tour_report", "circular")
    sign_working_days: int = Field(default=3, ge=1)


class PolicyProfile(Frozen):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,40}$")
    version: int = Field(ge=1)
    title: str = ""
    description: str = ""
    timers: StepTimers
    reminders: Reminders
    ladder: tuple[Rung, ...]
    general_ladder: tuple[Rung, ...]
    extension: ExtensionRules
    interview: InterviewRules
    progress: ProgressRules
    four_eyes_major: bool  # the verifier of a major hazard does not also close it
    # Keys added since the first profiles: a file must state them (the loader checks); a hazard that pinned
    # its profile before they existed carries None and keeps what it was given then.
    notices: NoticeRules | None = None
    display: DisplayRules | None = None
    campaign: CampaignRules | None = None  # campaigns (专项整治)
    reports: ReportCadence | None = None  # the reporting cadence: optional, older pinned versions still load
    ranking: RankingWeights | None = None  # the reporting cadence
    tour: TourRules | None = None  # inspection tours; None: the seed's defaults
    documents: DocumentRules | None = None  # official documents: None reads as DocumentRules()'s defaults

    @field_validator("ladder", "general_ladder")
    @classmethod
    def _ladder_well_formed(cls, ladder: tuple[Rung, ...]) -> tuple[Rung, ...]:
        """Non-empty, unique rung types, strictly increasing offsets, every rung notifies someone.

        The error's context names the offending rung (`index`, `field`) so a loader can point at its line.
        """
        if not ladder:
            raise ValueError("the ladder needs at least one rung")
        seen: set[RungType] = set()
        for index, rung in enumerate(ladder):
            if rung.type in seen:
                raise PydanticCustomError(
                    "rung_repeated",
                    "rung {index} repeats the type {type}",
                    {"index": index, "field": "type", "type": rung.type.value},
                )
            seen.add(rung.type)
            previous = ladder[index - 1].offset_working_days if index else -1
            if rung.offset_working_days <= previous:
                raise PydanticCustomError(
                    "rung_order",
                    "rung {index} must come strictly after the previous rung ({previous} working days)",
                    {"index": index, "field": "offset_working_days", "previous": previous},
                )
            if not rung.targets:
                raise PydanticCustomError(
                    "rung_targets", "rung {index} notifies nobody", {"index": index, "field": "targets"}
                )
        return ladder

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"
