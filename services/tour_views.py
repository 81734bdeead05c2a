"""Inspection tours as the API and the pages show them: the summary, the whole tour and the coverage row."""

from datetime import date, datetime

from pydantic import BaseModel, Field
from sqlmodel import Session

from core.db import as_utc
from domain import tour as rules
from domain import tour_visibility as visibility
from domain.tour_visibility import TourView
from models.tables import TourRow
from models.tour import Finding, TargetStatus, TourAction, TourKind, TourReport, TourState, TourStatus
from services import presenters
from services.principal import Principal
from services.schemas import DocumentOut, TimelineEntry
from store import tours


class TourSummary(BaseModel):
    id: str
    title: str
    kind: TourKind
    status: TourStatus
    organizer_code: str
    organizer_name: str
    starts_on: date
    ends_on: date
    target_names: list[str]
    report_due: datetime | None
    updated_at: datetime


class TargetOut(BaseModel):
    key: str
    region_code: str
    department: str | None
    name: str
    status: TargetStatus
    feedback_at: datetime | None = None
    feedback_document: str | None = None
    rectification_due: datetime | None = None
    rectification_overdue: bool = False
    summary: str | None = None
    rejections: list[str] = []
    interviews: list[str] = []
    interview_outcomes: list[str] = []


class TeamMemberOut(BaseModel):
    username: str
    display_name: str
    role: str
    jurisdiction_code: str | None
    unit: str | None
    avoidance: str = Field(description="`ok`, or `conflict` with the rule's words in `avoidance_words`")
    avoidance_words: str


class DeadlineOut(BaseModel):
    name: str  # report | rectification
    target: str | None = None
    due_at: datetime
    provisional: bool
    lapsed: bool
    next_reminder: datetime | None


class DeadlinesOut(BaseModel):
    """The tour's deadlines: the report's (known from the plan) and each target's rectification (once the feedback
    is delivered); `items` lists them with their state for the page."""

    report_due: datetime | None
    report_due_provisional: bool
    report_lapsed: bool
    rectification_due: dict[str, datetime] = Field(description="per target (its region_code or department)")
    items: list[DeadlineOut]


class TourDocumentOut(DocumentOut):
    target: str | None = Field(default=None, description="a feedback letter's target")


class TourOut(TourSummary):
    focus: list[str]
    targets: list[TargetOut]
    team: list[TeamMemberOut]
    deadlines: DeadlinesOut
    findings: list[Finding]
    hazards: list[str]
    report: TourReport | None
    documents: list[TourDocumentOut]
    announcement: str | None
    stationed_at: datetime | None
    published_at: datetime | None
    timeline: list[TimelineEntry]
    allowed_actions: tuple[TourAction, ...]
    workflow_id: str


class CoverageOut(BaseModel):
    region_code: str
    name: str
    level: str
    last_tour_id: str | None
    last_toured_on: date | None
    within_cycle: bool
    due_by: date | None
    cycle_years: int
    special_this_year: bool = Field(
        default=False, description="toured by a special tour this year: not due for a comprehensive one this year (seed 002)")


def summary(row: TourRow, state: object) -> TourSummary:
    s = tours.state_of(row) if state is None else state
    start = s.start  # type: ignore[attr-defined]
    return TourSummary(
        id=row.id, title=row.title, kind=start.kind, status=s.status, organizer_code=start.organizer.code,  # type: ignore[attr-defined]
        organizer_name=start.organizer.name, starts_on=start.starts_on, ends_on=start.ends_on,
        target_names=[t.name for t in start.targets], report_due=as_utc(row.report_due),
        updated_at=as_utc(row.updated_at),  # type: ignore[arg-type]
    )


def detail(session: Session, row: TourRow, principal: Principal) -> TourOut:
    """The tour as the caller may read it (`domain/tour_visibility.py`): all of it for the organizing office and
    the team, what is addressed to it for an inspected jurisdiction."""
    state = tours.state_of(row)
    view = visibility.view_of(principal.actor, state)
    assert view is not None, "visible_row let in someone with no view of the tour"
    if view == TourView.TARGET:
        return _target_detail(session, row, state, principal)
    return _detail(session, row, state, principal, view)


def _target_detail(session: Session, row: TourRow, state: TourState, principal: Principal) -> TourOut:
    """An inspected jurisdiction's view: its own targets' progress and letters, the team by name and role only,
    no clue, no other target's findings, no draft report, the team's own steps left out of the timeline."""
    full = _detail(session, row, state, principal, TourView.TARGET)
    mine = visibility.own_targets(principal.actor, state)
    targets = [t if t.key in mine else TargetOut(key=t.key, region_code=t.region_code, department=t.department,
                                                 name=t.name, status=t.status) for t in full.targets]
    team = [TeamMemberOut(username="", display_name=m.display_name, role=m.role, jurisdiction_code=None, unit=None,
                          avoidance="ok", avoidance_words="") for m in full.team]
    found = {f.hazard_code for f in full.findings if f.hazard_code}
    return full.model_copy(update={
        "targets": targets, "team": team, "hazards": [h for h in full.hazards if h in found],
        "documents": [d for d in full.documents
                      if visibility.document_visible(TourView.TARGET, principal.actor, state, d.sha256)],
        "deadlines": full.deadlines.model_copy(update={
            "rectification_due": {k: v for k, v in full.deadlines.rectification_due.items() if k in mine},
            "items": [d for d in full.deadlines.items if d.target is None or d.target in mine]}),
    })


def _detail(session: Session, row: TourRow, state: TourState, principal: Principal, view: TourView) -> TourOut:
    start = state.start
    avoidance = {r["username"]: r for r in rules.avoidance_result(state.team, start.targets)}
    progress = {p.key: p for p in state.progress}
    targets = []
    for t in start.targets:
        p = progress.get(t.key)
        targets.append(TargetOut(
            key=t.key, region_code=t.region_code, department=t.department, name=t.name,
            status=p.status if p else TargetStatus.AWAITING_FEEDBACK, feedback_at=p.feedback_at if p else None,
            feedback_document=p.feedback_hash if p else None,
            rectification_due=p.clock.due_at if p and p.clock else None,
            rectification_overdue=bool(p and p.clock and p.clock.lapsed and p.status == TargetStatus.RECTIFYING),
            summary=p.summary if p else None, rejections=list(p.rejections) if p else [],
            interviews=list(p.interviews) if p else [], interview_outcomes=list(p.interview_outcomes) if p else [],
        ))
    deadlines = []
    if state.report_clock is not None:
        c = state.report_clock
        deadlines.append(DeadlineOut(name="report", due_at=c.due_at, provisional=c.provisional,
                                     lapsed=c.lapsed, next_reminder=_next(c.reminders, c.reminders_sent)))
    for p in state.progress:
        if p.clock is not None:
            deadlines.append(DeadlineOut(name="rectification", target=p.key, due_at=p.clock.due_at,
                                         provisional=p.clock.provisional, lapsed=p.clock.lapsed,
                                         next_reminder=_next(p.clock.reminders, p.clock.reminders_sent)))
    documents = documents_of(state)
    allowed = rules.allowed_actions(state, principal.actor) if rules.may_see(principal.actor, state) else ()
    return TourOut(
        **summary(row, state).model_dump(), focus=list(start.focus), targets=targets,
        team=[TeamMemberOut(username=m.username, display_name=m.display_name, role=m.role.value,
                            jurisdiction_code=m.jurisdiction_code, unit=m.unit,
                            avoidance=avoidance[m.username]["verdict"], avoidance_words=avoidance[m.username]["words"])
              for m in state.team],
        deadlines=DeadlinesOut(
            report_due=state.report_clock.due_at if state.report_clock else None,
            report_due_provisional=bool(state.report_clock and state.report_clock.provisional),
            report_lapsed=bool(state.report_clock and state.report_clock.lapsed),
            rectification_due={p.key: p.clock.due_at for p in state.progress if p.clock is not None},
            items=deadlines,
        ),
        findings=list(visibility.findings(view, principal.actor, state)),
        hazards=tours.hazards_of(session=session, tour_id=row.id),
        report=state.report if visibility.report_visible(view, state) else None, documents=documents,
        announcement=state.announcement, stationed_at=state.stationed_at, published_at=state.published_at,
        timeline=presenters.timeline_of([e for e in tours.events(session=session, tour_id=row.id)
                                         if visibility.step_visible(view, e.action)]),
        allowed_actions=allowed, workflow_id=row.workflow_id,
    )


def documents_of(state: TourState) -> list[TourDocumentOut]:
    """The tour's official documents (draft or issued, and who signed); a tour from before the official documents
    lists its text report and letters as issued."""
    targets = {p.feedback_hash: p.key for p in state.progress if p.feedback_hash}
    if state.documents:
        return [TourDocumentOut(**d.model_dump(), target=targets.get(d.sha256)) for d in presenters.documents_of(state.documents)]
    documents = []
    if state.report is not None:
        documents.append(TourDocumentOut(id=f"{state.id}-tour_report-0", sha256=state.report.document_hash, kind="tour_report",
                                         title=f"巡查报告（{state.id}）", status="issued", signed_by=None, issued_at=state.report.at))
    for p in state.progress:
        if p.feedback_hash:
            documents.append(TourDocumentOut(id=f"{state.id}-tour_feedback-0", sha256=p.feedback_hash, kind="tour_feedback",
                                             title=f"巡查反馈意见（{p.key}）", status="issued", signed_by=None,
                                             issued_at=p.feedback_at, target=p.key))
    return documents


def _next(reminders: tuple[datetime, ...], sent: int) -> datetime | None:
    return reminders[sent] if sent < len(reminders) else None
