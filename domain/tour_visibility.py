"""Who sees which part of an inspection tour (巡查).

A tour is read from three places. The organizing committee's office and its leaders (staff of the organizer's
jurisdiction and above) see all of it. The team sees all of it but who recorded a clue (a referral to the
discipline body protects its author: only the office knows). A target (staff of a jurisdiction the tour
inspects) sees what is addressed to it: the announcement and the team by name and role, its own target's
progress, findings other than clues and its own feedback letter, the report once a committee leader approved
it, and the published results; never a clue, the team's accounts, another target's findings or letter, or the
draft report. Rules from docs/domain.md §7 and §12 (seed 002: the team reports clues to the office, the
inspected receive the feedback addressed to them).
"""

from enum import StrEnum

from domain.permissions import may_see_record
from models.actors import Actor
from models.enums import Role
from models.tour import Finding, TourState
from models.tour_bodies import FindingKind, TourAction


class TourView(StrEnum):
    OFFICE = "office"  # the organizing committee's office and leaders, and those above
    TEAM = "team"  # a member of the tour's team
    TARGET = "target"  # staff of an inspected jurisdiction


# the steps a target's timeline shows: what is addressed to it, never the team's own work
TARGET_STEPS = frozenset({
    TourAction.PLAN, TourAction.STATION, TourAction.APPROVE_REPORT, TourAction.DELIVER_FEEDBACK,
    TourAction.SUBMIT_RECTIFICATION_REPORT, TourAction.ACCEPT_RECTIFICATION, TourAction.REJECT_RECTIFICATION,
    TourAction.PUBLISH, TourAction.END,
})


# the office's people: its supervisors (安委办) and the committee's leaders (and admins, auditors, the system)
OFFICE_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.AUDITOR, Role.SYSTEM})


def view_of(actor: Actor, state: TourState) -> TourView | None:
    """How `actor` reads the tour; None: not at all."""
    if actor.role in OFFICE_ROLES and may_see_record(actor, state.start.organizer_path, ""):
        return TourView.OFFICE
    if any(m.user_id == actor.user_id for m in state.team):
        return TourView.TEAM
    if actor.role != Role.ENTERPRISE and own_targets(actor, state):
        return TourView.TARGET
    return None


def own_targets(actor: Actor, state: TourState) -> frozenset[str]:
    """The keys of the targets whose jurisdiction is the actor's or lies under it."""
    return frozenset(t.key for t in state.start.targets if may_see_record(actor, t.region_path, ""))


def findings(view: TourView, actor: Actor, state: TourState) -> tuple[Finding, ...]:
    """The findings this view shows: all (the office); all, a clue's recorder withheld (the team); a target's
    own findings other than clues, their recorder named by role only (a target)."""
    if view == TourView.OFFICE:
        return state.findings
    if view == TourView.TEAM:  # a clue's recorder is known to the office (and to the recorder)
        return tuple(_anonymous(f) if f.kind == FindingKind.CLUE and f.by.user_id != actor.user_id else f
                     for f in state.findings)
    mine = own_targets(actor, state)
    return tuple(_anonymous(f) for f in state.findings if f.target in mine and f.kind != FindingKind.CLUE)


def report_visible(view: TourView, state: TourState) -> bool:
    """The report is the team's and the office's until a committee leader approves it."""
    return view != TourView.TARGET or bool(state.report and state.report.approved_at)


def document_visible(view: TourView, actor: Actor, state: TourState, sha256: str) -> bool:
    """A target reads its own feedback letter and the approved report; the team and the office every document."""
    if view != TourView.TARGET:
        return True
    mine = own_targets(actor, state)
    if any(p.feedback_hash == sha256 for p in state.progress if p.key in mine):
        return True
    reports = {d.sha256 for d in state.documents if d.kind == "tour_report"}
    if state.report is not None:
        reports.add(state.report.document_hash)
    return sha256 in reports and report_visible(view, state)


def step_visible(view: TourView, action: str) -> bool:
    return view != TourView.TARGET or action in TARGET_STEPS


def _anonymous(finding: Finding) -> Finding:
    by = finding.by
    return finding.model_copy(update={"by": Actor(user_id="", username="", role=by.role, display_name="")})
