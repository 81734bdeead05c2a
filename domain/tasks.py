"""Who owes which step next ("my tasks", 待办): derived from a state with the same rules the validators run.

For each party that could act (every staff role at every jurisdiction holding the record, and the
enterprise), the registry's task actions that `allowed_actions` gives it are owed by it. Four eyes and
one's own extension request leave one user out (`excluded_user_id`). The projection writes the result in
the same transaction as the record's row (`store/tasks.py`), so "my tasks" is one indexed query.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from domain import clocks, interviews, paperwork, permissions, transitions
from models.actors import Actor
from models.clock import ClockName
from models.enums import Action, Role
from models.hazard import HazardState
from models.interview import InterviewAction, InterviewState, InterviewStatus
from registry.hazard import HAZARD
from registry.interview import INTERVIEW

if TYPE_CHECKING:
    from models.tour import TourState

STAFF_ROLES = (Role.INSPECTOR, Role.SUPERVISOR)


@dataclass(frozen=True)
class Owed:
    action: str
    role: Role
    jurisdiction_code: str | None
    enterprise_uscc: str | None
    due_at: datetime | None
    excluded_user_id: str | None = None


def _parties(region: tuple[tuple[str, str], ...], enterprise_uscc: str) -> list[Actor]:
    """A stand-in actor for every party that could act: staff of each jurisdiction, and the enterprise."""
    parties = [
        Actor(user_id="", username="", role=role, jurisdiction_code=code, jurisdiction_level=level)  # type: ignore[arg-type]
        for code, level in region
        for role in STAFF_ROLES
    ]
    parties.append(Actor(user_id="", username="", role=Role.ENTERPRISE, enterprise_uscc=enterprise_uscc))
    return parties


def hazard_tasks(state: HazardState) -> list[Owed]:
    """Every step someone owes on this hazard now, and by whom."""
    if state.status.terminal:
        return paperwork_tasks(state)
    region = tuple((ref.code, ref.level.value) for ref in state.facts.region_path)
    owed = []
    for party in _parties(region, state.facts.enterprise_uscc):
        for action in transitions.allowed_actions(state, party):
            if action.value not in HAZARD.tasks:
                continue
            owed.append(
                Owed(
                    action=action.value,
                    role=party.role,
                    jurisdiction_code=party.jurisdiction_code,
                    enterprise_uscc=party.enterprise_uscc,
                    due_at=clocks.due_for(state, action.value),
                    excluded_user_id=_excluded(state, action),
                )
            )
    return owed + paperwork_tasks(state)


def paperwork_tasks(state: HazardState) -> list[Owed]:
    """Each draft document is owed by the leaders of its issuing authority (`sign`), and a publication
    due by the listing authority's supervisors (`publish`, once its notice is signed)."""
    owed = [
        Owed(action="sign", role=Role.LEADER, jurisdiction_code=spec.owner_code, enterprise_uscc=None,
             due_at=next((c.due_at for c in state.clocks if c.spec == spec), None))
        for spec in paperwork.clocks_for(state) if spec.name == ClockName.SIGN
    ]
    publication = next((s for s in paperwork.clocks_for(state) if s.name == ClockName.PUBLISH), None)
    if publication is not None and not any(d.status == "draft" and d.kind == paperwork.due_publication(state) for d in state.documents):
        due = next((c.due_at for c in state.clocks if c.spec == publication), None)
        owed.append(Owed(action="publish", role=Role.SUPERVISOR, jurisdiction_code=publication.owner_code,
                         enterprise_uscc=None, due_at=due))
    return owed


def _excluded(state: HazardState, action: Action) -> str | None:
    excluded = permissions.excluded_user(action, state)
    return excluded[0] if excluded else None


def interview_tasks(state: InterviewState) -> list[Owed]:
    """Every step someone owes on this interview now: the conducting authority's and the enterprise's."""
    if state.status == InterviewStatus.CLOSED:
        return []
    start = state.start
    authority = next((ref for ref in start.region_path if ref.code == start.conducting_authority_code), None)
    region = ((authority.code, authority.level.value),) if authority else ()
    if start.tour_id is not None and start.region_path:  # a tour's interview: the target's staff answer it
        region = (*region, (start.region_path[-1].code, start.region_path[-1].level.value))
    owed = []
    for party in _parties(region, start.enterprise_uscc):
        for action in interviews.allowed_actions(state, party):
            if action.value not in INTERVIEW.tasks:
                continue
            if action == InterviewAction.SUBMIT_MATERIALS and state.materials is not None:
                continue  # sent once: no longer owed (it may still be sent again)
            owed.append(
                Owed(action.value, party.role, party.jurisdiction_code, party.enterprise_uscc, _interview_due(state, action))
            )
    return owed


def _interview_due(state: InterviewState, action: InterviewAction) -> datetime | None:
    if action == InterviewAction.SCHEDULE:
        return interviews.latest_schedule(state)
    if action == InterviewAction.REPLY:
        return state.reply_due
    return state.scheduled_at


# --- inspection tours --------------------------------------------------------------------------------------


def tour_tasks(state: "TourState") -> list[Owed]:
    """The steps the committee and the targets owe on a tour: approving the report (a leader of the organizing
    jurisdiction), delivering the feedback and judging each reported rectification (its office), and each
    target's rectification report (a supervisor of the target), and each draft's signature (a leader of the
    organizer). The team leader's report is the leader's own (the page and the deadlines show it; "my tasks"
    rows are owed by a role at a jurisdiction)."""
    signing = [Owed("sign", Role.LEADER, d.authority_code, None, next((c.clock.due_at for c in state.sign_clocks
                                                                        if c.document_id == d.id), None))
               for d in state.documents if d.status == "draft"]  # a leader of the organizer signs
    return signing + _tour_steps(state)


def _tour_steps(state: "TourState") -> list[Owed]:
    from models.tour import TargetStatus, TourStatus

    organizer = state.start.organizer.code
    if state.status == TourStatus.REPORT_SUBMITTED:
        return [Owed("approve-report", Role.LEADER, organizer, None, None)]
    if state.status == TourStatus.REPORT_APPROVED:
        return [Owed("deliver-feedback", Role.SUPERVISOR, organizer, None, None)]
    if state.status != TourStatus.RECTIFYING:
        return []
    owed = []
    for progress in state.progress:
        target = state.target(progress.key)
        due = progress.clock.due_at if progress.clock else None
        if progress.status == TargetStatus.RECTIFYING and target is not None:
            owed.append(Owed("submit-rectification-report", Role.SUPERVISOR, target.region_code, None, due))
        elif progress.status == TargetStatus.REPORTED:
            owed.append(Owed("accept-rectification", Role.SUPERVISOR, organizer, None, None))
    return owed
