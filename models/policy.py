"""Policy profiles (domain.md section 11): every number of the process, versioned data, never code constants.

A hazard pins the profile (name, version and content) when it starts and copies the ladder when listed.
"""

from enum import StrEnum

from pydantic import Field

from models.base import Frozen


class RungType(StrEnum):
    """The escalation ladder's rungs (domain.md section 5)."""

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
    """Working days allowed in each state (domain.md section 3)."""

    assess: int = Field(default=3, ge=1)
    list: int = Field(default=5, ge=1)
    plan: int = Field(default=10, ge=1)
    publish: int = Field(default=5, ge=1)
    review: int = Field(default=5, ge=1)
    verify: int = Field(default=10, ge=1)
    close: int = Field(default=5, ge=1)
    general_rectification: int = Field(default=10, ge=1)


class Reminders(Frozen):
    fractions: tuple[float, ...] = (0.5,)  # of the period, e.g. half-way
    working_days_before: tuple[int, ...] = (5, 1)


class ExtensionRules(Frozen):
    max_count: int = Field(default=2, ge=0)  # for a listed hazard
    min_working_days_before: int = Field(default=20, ge=0)  # later requests need `late_reason`
    decide_working_days: int = Field(default=10, ge=1)
    max_total_calendar_days: int = Field(default=365, ge=1)  # a listed hazard's whole period
    max_days_per_request: int = Field(default=60, ge=1)


class InterviewRules(Frozen):
    notice_calendar_days: int = Field(default=7, ge=1)  # the interview is held within this after the notice
    reply_working_days: int = Field(default=5, ge=1)


class ProgressRules(Frozen):
    major_report_every_calendar_days: int = Field(default=30, ge=1)  # monthly progress reports, major hazards


class PolicyProfile(Frozen):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,40}$")
    version: int = Field(ge=1)
    title: str = ""
    description: str = ""
    timers: StepTimers = StepTimers()
    reminders: Reminders = Reminders()
    ladder: tuple[Rung, ...]
    general_ladder: tuple[Rung, ...]
    extension: ExtensionRules = ExtensionRules()
    interview: InterviewRules = InterviewRules()
    progress: ProgressRules = ProgressRules()
    four_eyes_major: bool = True  # the verifier of a major hazard does not also close it

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"
