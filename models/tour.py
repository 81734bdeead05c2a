"""Inspection tours (安全生产巡查, docs/domain.md §7, seed 002): the contracts of TourWorkflow, its read model
and its API.

A committee sends a tour team to lower jurisdictions or departments: plan → stationing (进驻) → inspection
(findings) → report within N working days after the end → feedback letter per target → each target's
rectification within M months → publication. The numbers come from the policy profile's `[tour]` table. The
vocabularies and the step bodies are in `models/tour_bodies.py` (re-exported here).
"""

from datetime import date, datetime

from pydantic import Field

from models.actors import Actor
from models.base import Frozen
from models.clock import DocumentSpec, Notice, PlannedClock
from models.documents import IssuedDocument
from models.hazard import JurisdictionRef
from models.policy import PolicyProfile, TourRules
from models.tour_bodies import (  # noqa: F401 - re-exported: the process's contracts in one place
    DEFAULT_FOCUS,
    AcceptRectificationBody,
    ApproveReportBody,
    ChangeTeamBody,
    Comment,
    CommentBody,
    DeliverFeedbackBody,
    FindingKind,
    JudgeRectificationBody,
    RecordFindingBody,
    RejectRectificationBody,
    SubmitRectificationBody,
    SubmitReportBody,
    TargetIn,
    TargetStatus,
    TeamRole,
    TeamSlot,
    Text10k,
    Text200,
    TourAction,
    TourBody,
    TourCreate,
    TourHazardFields,
    TourKind,
    TourPublishBody,
    TourStatus,
    TransferClueBody,
)

# --- state --------------------------------------------------------------------------------------------


class TeamMember(Frozen):
    """A team slot resolved against the accounts: where the person works, for the 回避 rules."""

    username: str
    user_id: str
    display_name: str = ""
    role: TeamRole
    jurisdiction_code: str | None = None
    jurisdiction_path: str = ""  # "370000/371700/": the subtree the person works in
    unit: str | None = None  # 工作单位, e.g. 菏泽市应急管理局


class Target(Frozen):
    key: str  # the region_code, or the department's name
    region_code: str
    department: str | None = None
    name: str
    region_path: tuple[JurisdictionRef, ...]  # root first, the target's region last

    @property
    def path_key(self) -> str:
        return "".join(f"{r.code}/" for r in self.region_path)


class Finding(Frozen):
    id: str  # F1, F2, ...
    target: str
    kind: FindingKind
    description: str
    hazard_code: str | None = None
    transferred_to: str | None = None
    transferred_at: datetime | None = None
    at: datetime
    by: Actor


TourClock = PlannedClock  # the report's and each target's rectification clock, and each draft's sign clock


class TargetProgress(Frozen):
    key: str
    status: TargetStatus = TargetStatus.AWAITING_FEEDBACK
    feedback_at: datetime | None = None
    feedback_hash: str | None = None
    clock: TourClock | None = None  # the rectification report's deadline
    summary: str | None = None
    reported_at: datetime | None = None
    accepted_at: datetime | None = None
    rejections: tuple[str, ...] = ()
    interviews: tuple[str, ...] = ()
    interview_outcomes: tuple[str, ...] = ()  # "<interview id>:<outcome>"


class SignClock(Frozen):
    """A draft document's clock: a leader of the issuing authority signs it within the policy's
    working days; reminders before, a government-side lapse after."""

    document_id: str
    clock: TourClock


class TourReport(Frozen):
    summary: str
    proposals: str
    at: datetime
    by: Actor
    document_hash: str
    approved_at: datetime | None = None
    approved_by: Actor | None = None
    comment: str | None = None


class TourStart(Frozen):
    id: str
    title: str
    kind: TourKind
    organizer: JurisdictionRef  # the committee (安委会) whose office runs the tour
    organizer_path: tuple[JurisdictionRef, ...]
    targets: tuple[Target, ...]
    starts_on: date
    ends_on: date
    focus: tuple[str, ...]
    team: tuple[TeamMember, ...]
    tip_phone: str = ""
    tip_mailbox: str = ""
    created_by: Actor
    policy: PolicyProfile

    @property
    def rules(self) -> TourRules:
        return self.policy.tour or TourRules()


class TourState(Frozen):
    start: TourStart
    workflow_id: str
    created_at: datetime
    status: TourStatus = TourStatus.PLANNED
    team: tuple[TeamMember, ...]
    findings: tuple[Finding, ...] = ()
    stationed_at: datetime | None = None
    announcement: str | None = None
    report_clock: TourClock | None = None
    report: TourReport | None = None
    progress: tuple[TargetProgress, ...] = ()
    published_at: datetime | None = None
    published_by: Actor | None = None
    interviews_started: int = 0
    documents: tuple[IssuedDocument, ...] = ()  # official documents (PDF) since the `tour-official-documents` patch
    sign_clocks: tuple[SignClock, ...] = ()  # one per draft waiting for a leader's signature
    seq: int = Field(default=0, ge=0)

    @property
    def id(self) -> str:
        return self.start.id

    def target(self, key: str) -> Target | None:
        return next((t for t in self.start.targets if t.key == key), None)

    def progress_of(self, key: str) -> TargetProgress | None:
        return next((p for p in self.progress if p.key == key), None)


class TourProjection(Frozen):
    """One step of a tour and the state right after it: the `project_tour` activity's input, keyed (id, seq)."""

    seq: int
    at: datetime
    actor: Actor
    action: TourAction
    from_status: TourStatus | None
    to_status: TourStatus
    comment: str | None = None
    reason: str | None = None
    documents: tuple[DocumentSpec, ...] = ()
    notices: tuple[Notice, ...] = ()
    state: TourState


class TourReceipt(Frozen):
    seq: int
    action: TourAction
    written: bool


def tour_workflow_id(tour_id: str) -> str:
    return f"tour-{tour_id}"


class TeamCommand(Frozen):
    """The change-team Update's payload: the body as sent and the team resolved against the accounts."""

    actor: Actor
    body: ChangeTeamBody
    members: tuple[TeamMember, ...]


class TourHazardRequest(Frozen):
    """What the `open_tour_hazard` activity turns into a hazard's start: a code, the facts, the policy."""

    tour_id: str
    organizer_code: str
    reporter: Actor
    description: str
    fields: TourHazardFields
    found_at: datetime
    policy: PolicyProfile
