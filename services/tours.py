"""Inspection tours (巡查) as both doors see them: create, list, read, take a step, coverage.

Creating checks the organizer, the targets, the team and its 回避 against the accounts, gives the tour its id
(TR-<organizer>-<year>-NNN) and starts `TourWorkflow` with update-with-start (the answer comes from the
workflow once the plan is projected). A step is checked with the same rules the workflow's validators run.
"""

import asyncio
import contextlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

from anyio import from_thread
from sqlmodel import Session
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowUpdateStage,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from core.policies import PolicyRegistry
from core.settings import Settings
from domain import tour as rules
from domain.refusals import Refusal, refuse
from models.actions import Command
from models.base import china_date
from models.enums import Role
from models.policy import TourRules
from models.tables import Enterprise, Jurisdiction, TourRow
from models.tour import (
    ChangeTeamBody,
    RecordFindingBody,
    Target,
    TeamCommand,
    TeamMember,
    TeamSlot,
    TourAction,
    TourBody,
    TourCreate,
    TourStart,
    TourState,
    tour_workflow_id,
)
from services import presenters
from services.errors import ApiError, engine_unavailable, from_refusal, outside, refused, role_refused
from services.gateway import ADMIT_TIMEOUT, engine_down, run_step
from services.principal import Principal
from services.tour_views import CoverageOut, TourOut, TourSummary, detail, summary
from store import reference, tours
from workflows.tour import TourWorkflow

PROJECTION_WAIT_SECONDS = 15.0
MAX_ID_ATTEMPTS = 200
ORGANIZER_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER})
UPDATES: dict[TourAction, Any] = {
    TourAction.CHANGE_TEAM: TourWorkflow.change_team,
    TourAction.RECORD_FINDING: TourWorkflow.record_finding,
    TourAction.TRANSFER_CLUE: TourWorkflow.transfer_clue,
    TourAction.SUBMIT_REPORT: TourWorkflow.submit_report,
    TourAction.APPROVE_REPORT: TourWorkflow.approve_report,
    TourAction.DELIVER_FEEDBACK: TourWorkflow.deliver_feedback,
    TourAction.SUBMIT_RECTIFICATION_REPORT: TourWorkflow.submit_rectification_report,
    TourAction.ACCEPT_RECTIFICATION: TourWorkflow.accept_rectification,
    TourAction.REJECT_RECTIFICATION: TourWorkflow.reject_rectification,
    TourAction.PUBLISH: TourWorkflow.publish,
}


def _refused(refusal: Refusal) -> ApiError:
    return from_refusal(refusal)


# --- creating -----------------------------------------------------------------------------------------


def create_tour(*, session: Session, principal: Principal, body: TourCreate, settings: Settings, client: Client,
                policies: PolicyRegistry) -> TourOut | str:
    """The tour as recorded, or its id when the workflow took it but has not recorded it within the wait."""
    actor = principal.actor
    if actor.role not in ORGANIZER_ROLES or actor.jurisdiction_code is None:
        raise role_refused(actor.role, ORGANIZER_ROLES, "organize a tour", "组织巡查")
    organizer = reference.get_jurisdiction(session=session, code=actor.jurisdiction_code)
    assert organizer is not None
    policy = policies.latest(settings.policy)
    today = china_date(datetime.now(UTC))
    try:
        targets = resolve_targets(session, organizer, body)
        team = resolve_team(session, body.team)
        rules.check_team(team, targets, policy.tour or TourRules())
    except Refusal as refusal:
        raise _refused(refusal) from None
    start = TourStart(id="", title=body.title, kind=body.kind, organizer=reference.chain(session=session, jurisdiction=organizer)[-1],
                      organizer_path=reference.chain(session=session, jurisdiction=organizer), targets=targets,
                      starts_on=body.starts_on, ends_on=body.ends_on, focus=body.focus, team=team,
                      tip_phone=body.tip_phone, tip_mailbox=body.tip_mailbox, created_by=actor, policy=policy)
    number = tours.next_number(session=session, organizer_code=organizer.code, year=today.year)
    for attempt in range(MAX_ID_ATTEMPTS):  # an id the read model does not know may be held on the server
        start = start.model_copy(update={"id": tours.tour_id(organizer.code, today.year, number + attempt)})
        if from_thread.run(_start, client, start, settings.temporal_task_queue):
            break
    else:  # pragma: no cover - that many ids held by workflows the read model does not know
        raise refused(503, "no_free_code", what_zh="巡查", what="tour id")
    session.expire_all()
    row = tours.get_row(session=session, tour_id=start.id)
    if row is None:
        return start.id  # accepted by the workflow, not yet in the read model: 202 with the id
    return detail(session, row, principal)


async def _start(client: Client, start: TourStart, task_queue: str) -> bool:
    """Start the tour's workflow and wait for its plan to be projected; False when the id is taken."""
    operation = WithStartWorkflowOperation(
        TourWorkflow.run, start, id=tour_workflow_id(start.id), task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL, id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )
    try:
        async with asyncio.timeout(PROJECTION_WAIT_SECONDS):
            update = await client.start_update_with_start_workflow(
                TourWorkflow.created, start_workflow_operation=operation, wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                rpc_timeout=ADMIT_TIMEOUT)
            await update.result()
    except (WorkflowAlreadyStartedError, WorkflowUpdateFailedError):
        with contextlib.suppress(Exception):
            await operation.workflow_handle()  # retrieve the start's own failure, so it is not logged as lost
        return False
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        return True  # started, not yet answered in time: the plan will be recorded (202)
    except (RPCError, ConnectionError, RuntimeError) as error:
        if isinstance(error, RPCError) and error.status == RPCStatusCode.ALREADY_EXISTS:
            return False
        if engine_down(error):
            raise engine_unavailable() from None
        raise
    return True


def resolve_targets(session: Session, organizer: Jurisdiction, body: TourCreate) -> tuple[Target, ...]:
    """Each target as a jurisdiction strictly inside the organizer's, or a department within its subtree."""
    targets = []
    for index, target in enumerate(body.targets):
        region = reference.get_jurisdiction(session=session, code=target.region_code)
        if region is None:
            raise refuse("unknown_region", f"targets.{index}.region_code", region=target.region_code)
        inside = region.path.startswith(organizer.path) and (target.department is not None or region.code != organizer.code)
        if not inside:
            raise refuse("target_outside_organizer", f"targets.{index}.region_code", target=region.code, organizer=organizer.code)
        name = target.department or region.name
        targets.append(Target(key=target.department or region.code, region_code=region.code, department=target.department,
                              name=name, region_path=reference.chain(session=session, jurisdiction=region)))
    return tuple(targets)


def resolve_team(session: Session, team: tuple[TeamSlot, ...]) -> tuple[TeamMember, ...]:
    """The team's accounts: where each works (jurisdiction and unit), for the 回避 rules."""
    members = []
    for index, slot in enumerate(team):
        user = reference.user_by_name(session=session, username=slot.username)
        if user is None or user.disabled:
            raise refuse("unknown_user", f"team.{index}.username", username=slot.username)
        if Role(user.role) in (Role.ENTERPRISE, Role.ADMIN):  # a tour team is government staff
            raise refuse("team_member_not_staff", f"team.{index}.username", username=slot.username)
        where = reference.get_jurisdiction(session=session, code=user.jurisdiction_code) if user.jurisdiction_code else None
        members.append(TeamMember(username=user.username, user_id=user.id, display_name=user.display_name, role=slot.role,
                                  jurisdiction_code=user.jurisdiction_code, jurisdiction_path=where.path if where else "",
                                  unit=user.unit))
    return tuple(members)


# --- reading ------------------------------------------------------------------------------------------


def visible_tours(session: Session, principal: Principal, status: str | None = None) -> list[TourSummary]:
    rows = tours.list_rows(session=session, status=status)
    return [summary(row, state) for row in rows if rules.may_see(principal.actor, state := tours.state_of(row))]


def visible_row(session: Session, tour_id: str, principal: Principal) -> TourRow:
    row = tours.get_row(session=session, tour_id=tour_id)
    seen = row is not None and rules.may_see(principal.actor, tours.state_of(row))
    return presenters.visible(row, seen, "tour", tour_id)


def read_tour(session: Session, tour_id: str, principal: Principal) -> TourOut:
    return detail(session, visible_row(session, tour_id, principal), principal)


def coverage(session: Session, principal: Principal, region_code: str, settings: Settings,
             policies: PolicyRegistry) -> list[CoverageOut]:
    """Each sub-jurisdiction of `region_code`: its last comprehensive tour and whether it is within the cycle."""
    region = reference.get_jurisdiction(session=session, code=region_code)
    if region is None:
        raise refused(422, "unknown_region", "region_code", region=region_code)
    if not principal.scope.everything and (principal.scope.path is None or not region.path.startswith(principal.scope.path)):
        raise outside("region", region_code)
    rules_ = policies.latest(settings.policy).tour or TourRules()
    today = china_date(datetime.now(UTC))
    cutoff = date(today.year - rules_.coverage_years, today.month, min(today.day, 28))
    out = []
    for child in tours.children(session=session, code=region_code):
        rows = tours.comprehensive_tours_of(session=session, region_code=child.code)
        last = max((r for r in rows if r.starts_on <= today.isoformat()), key=lambda r: r.ends_on, default=None)
        last_day = date.fromisoformat(last.ends_on) if last else None
        out.append(CoverageOut(region_code=child.code, name=child.name, level=child.level,
                               last_tour_id=last.id if last else None, last_toured_on=last_day,
                               within_cycle=last_day is not None and last_day >= cutoff,
                               due_by=(last_day + timedelta(days=365 * rules_.coverage_years)) if last_day else None,
                               cycle_years=rules_.coverage_years,
                               special_this_year=any(r.starts_on[:4] == str(today.year) for r in tours.tours_of(
                                   session=session, region_code=child.code, kind="special"))))
    return out


# --- acting -------------------------------------------------------------------------------------------


def tour_action(*, session: Session, principal: Principal, client: Client, tour_id: str, action: TourAction,
                body: TourBody) -> TourRow | None:
    """Take a human step; None when accepted but not yet recorded."""
    row = visible_row(session, tour_id, principal)
    state = tours.state_of(row)
    members: tuple[TeamMember, ...] = ()
    try:
        if isinstance(body, ChangeTeamBody):
            members = resolve_team(session, body.team)
        if isinstance(body, RecordFindingBody) and body.hazard is not None:
            _check_hazard_fields(session, state, body)
        rules.check(action, state, principal.actor, body, members)
    except Refusal as refusal:
        raise _refused(refusal) from None
    command: Any
    if isinstance(body, ChangeTeamBody):
        command = TeamCommand(actor=principal.actor, body=body, members=members)
    else:
        command_type: Any = Command[type(body)]  # type: ignore[misc]
        command = command_type(actor=principal.actor, body=body)
    result = from_thread.run(run_step, client, row.workflow_id, UPDATES[action], command, PROJECTION_WAIT_SECONDS,
                             ended_error(tour_id))
    if result is None:
        return None
    session.expire_all()
    return visible_row(session, tour_id, principal)


def ended_error(tour_id: str) -> ApiError:
    return refused(409, "tour_finished", tour_id=tour_id)


def _check_hazard_fields(session: Session, state: TourState, body: RecordFindingBody) -> None:
    fields = body.hazard
    assert fields is not None
    region = reference.get_jurisdiction(session=session, code=fields.region_code)
    if region is None:
        raise refuse("unknown_region", "hazard.region_code", region=fields.region_code)
    if session.get(Enterprise, fields.enterprise_uscc) is None:
        raise refuse("unknown_enterprise", "hazard.enterprise_uscc", uscc=fields.enterprise_uscc)
    target = state.target(body.target)
    where = target.path_key if target is not None and target.department is None else tours.path_key(state.start.organizer_path)
    if not region.path.startswith(where):
        raise refuse("hazard_outside_target", "hazard.region_code", region=region.code, target=body.target)
    if fields.discovered_at is not None and fields.discovered_at > china_date(datetime.now(UTC)):
        raise refuse("discovered_in_future", "hazard.discovered_at")
