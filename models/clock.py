"""The deadline clock: the timers of docs/domain.md §3 as data in workflow state, and the escalation
record."""

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from models.actors import Actor
from models.base import Frozen
from models.policy import RungType


class ClockName(StrEnum):
    ASSESS = "assess"  # reported: assess within 3 working days
    LIST = "list"  # assessed (major): list within 5
    PLAN = "plan"  # listed: plan due in 10
    REVIEW = "review"  # plan_submitted: review within 5
    RECTIFICATION = "rectification"  # the rectification deadline (listed, plan_submitted, rectifying)
    VERIFY = "verify"  # acceptance_requested: verify within 10
    CLOSE = "close"  # verified: close within 5
    EXTENSION_DECISION = "extension_decision"  # an extension request: decide within 10
    PROGRESS = "progress"  # rectifying (major): a progress report every month
    SIGN = "sign"  # a draft document: a leader of the issuing authority signs it
    PUBLISH = "publish"  # a listing (then a close-out): published within `timers.publish` working days


GOVERNMENT_CLOCKS = frozenset(
    {ClockName.ASSESS, ClockName.LIST, ClockName.REVIEW, ClockName.VERIFY, ClockName.CLOSE, ClockName.EXTENSION_DECISION,
     ClockName.SIGN, ClockName.PUBLISH}
)


class ClockSpec(Frozen):
    """A clock that should run, as the pure rules see it; the workflow plans its instants in an activity."""

    name: ClockName
    owner_code: str  # the enterprise's credit code, or the division code of the authority that owes the step
    start: datetime
    working_days: int | None = None  # a period of N working days from `start`...
    due_at: datetime | None = None  # ...or an absolute deadline (the rectification deadline)


class ClockRequest(Frozen):
    start: datetime
    working_days: int | None = None
    due_at: datetime | None = None
    reminder_fractions: tuple[float, ...] = ()
    reminder_working_days_before: tuple[int, ...] = ()
    cutoff_working_days_before: int | None = None


class ClockPlan(Frozen):
    due_at: datetime
    provisional: bool
    reminders: tuple[datetime, ...]
    cutoff_at: datetime | None = None  # e.g. the last on-time moment to ask for an extension


class PlannedClock(Frozen):
    """A deadline planned once (`ClockPlan`) and walked by its workflow: the next reminder, then the lapse. A tour's
    report and rectification clocks and every draft's sign clock are these."""

    due_at: datetime
    provisional: bool = False
    reminders: tuple[datetime, ...] = ()
    reminders_sent: int = 0
    lapsed: bool = False

    @classmethod
    def planned(cls, plan: "ClockPlan", now: datetime) -> "PlannedClock":
        """The clock of `plan`, its reminders already past counted as sent (a clock planned late reminds no more)."""
        return cls(due_at=plan.due_at, provisional=plan.provisional, reminders=plan.reminders,
                   reminders_sent=sum(1 for r in plan.reminders if r <= now))

    def reminder_due(self, now: datetime) -> bool:
        return self.reminders_sent < len(self.reminders) and self.reminders[self.reminders_sent] <= now

    def lapse_due(self, now: datetime) -> bool:
        return not self.lapsed and self.due_at <= now

    def pending(self) -> list[datetime]:
        """The instants still to come: the next reminder, and the deadline until it has lapsed."""
        instants = [self.reminders[self.reminders_sent]] if self.reminders_sent < len(self.reminders) else []
        return instants if self.lapsed else [*instants, self.due_at]


class Clock(Frozen):
    spec: ClockSpec
    due_at: datetime
    provisional: bool
    reminders: tuple[datetime, ...]
    reminders_sent: int = 0
    cutoff_at: datetime | None = None
    lapsed: bool = False


class LadderRequest(Frozen):
    deadline: datetime
    offsets: tuple[int, ...]


class FiredRung(Frozen):
    rung: RungType
    at: datetime
    reason: str  # "deadline", "fake_rectification", "interview_no_show", ...
    document_hash: str | None = None


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Extension(Frozen):
    requested_at: datetime
    requested_by: Actor
    days: int
    reason: str
    late: bool
    late_reason: str | None = None
    status: ExtensionStatus = ExtensionStatus.PENDING
    decided_at: datetime | None = None
    decided_by: Actor | None = None
    approved_days: int | None = None
    comment: str | None = None
    deadline_before: datetime | None = None
    deadline_after: datetime | None = None


class Pause(Frozen):
    since: datetime
    reason: str
    by: Actor
    until: datetime | None = None
    resumed_by: Actor | None = None
    working_days: int | None = None  # working days the clock stood still, added to the deadline


class Notice(Frozen):
    """An inbox row for an enterprise or an authority."""

    target_kind: str  # enterprise | authority
    target_code: str
    kind: str  # reminder | overdue | rung | interview | extension
    title: str
    body: str


class DocumentSpec(Frozen):
    kind: str
    title: str
    content: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
