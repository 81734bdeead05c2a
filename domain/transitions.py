"""The hazard state machine (docs/domain.md §3): which action applies in which state, and what it does.

`check` refuses (409 state, 403 who, 422 body) before anything happens; `apply` returns the new state and
the transitions to record. Both are pure: the caller passes `now` (workflow time in the workflow).
"""

from datetime import date, datetime, timedelta

from domain import clocks, escalation, paperwork, permissions
from domain.hazard_steps import STEPS
from domain.refusals import Refusal, refuse, wrong_state
from models import labels
from models.actions import (
    ActionBody,
    RequestExtensionBody,
    ReviewExtensionBody,
    SubmitPlanBody,
    VerifyBody,
)
from models.actors import Actor
from models.base import china_date, end_of_day
from models.calendar import Deadline
from models.clock import ClockName, ExtensionStatus
from models.enums import (
    Action,
    AuthorityLevel,
    HazardLevel,
    HazardStatus,
)
from models.hazard import (
    HazardState,
    ProjectionItem,
    Transition,
)
from models.labels import zh
from registry.hazard import HAZARD

S = HazardStatus
OPEN_STATES = frozenset(s for s in HazardStatus if not s.terminal)

ALLOWED_FROM: dict[Action, frozenset[HazardStatus]] = {
    Action(spec.name): frozenset(HazardStatus(s) for s in spec.allowed_from) for spec in HAZARD.actions
}

STATUS_ZH = zh(labels.HAZARD_STATUS)



def check(action: Action, state: HazardState, actor: Actor, body: ActionBody, now: datetime) -> None:
    """Raise a `Refusal` unless `actor` may take `action` with `body` on `state` at `now`."""
    permissions.check_role(action, actor)
    check_state(action, state)
    permissions.check_jurisdiction(action, actor, state, body)
    if action == Action.PUBLISH:  # something due, its notice signed (after who: 403 before 409)
        paperwork.check_publish(state)
    check_body(action, state, body, now)


def check_state(action: Action, state: HazardState) -> None:
    if state.status not in ALLOWED_FROM[action]:
        raise wrong_state("hazard", "隐患", state.status, STATUS_ZH[state.status], action.value, f"执行“{action.value}”")
    if action == Action.LIST and state.level != HazardLevel.MAJOR:
        raise refuse("general_not_listed")
    pending = clocks.pending_extension_index(state)
    if action == Action.REQUEST_EXTENSION:
        if pending is not None:
            raise refuse("extension_pending")
        limit = state.policy.extension.max_count
        asked = sum(1 for e in state.extensions if e.status != ExtensionStatus.REJECTED)
        if state.listing is not None and asked >= limit:
            raise refuse("extension_limit", limit=limit)
    if action == Action.REVIEW_EXTENSION and pending is None:
        raise refuse("no_extension_pending")
    if action == Action.PAUSE and state.pause is not None:
        raise refuse("already_paused")
    if action == Action.RESUME and state.pause is None:
        raise refuse("not_paused")


def check_body(action: Action, state: HazardState, body: ActionBody, now: datetime) -> None:
    today = china_date(now)
    latest = today + timedelta(days=state.policy.extension.max_total_calendar_days)  # the one-year limit
    for field, day in _dates_in(body):
        if day < today:
            raise refuse("date_in_past", field, day=day)
        if day > latest:  # bounded before it reaches the calendar: a deadline decades away plans no clock
            raise refuse("date_too_far", field, day=day, limit=latest)
    if isinstance(body, RequestExtensionBody):
        _check_extension_request(state, body, now)
    if isinstance(body, ReviewExtensionBody) and body.days is not None:
        maximum = state.policy.extension.max_days_per_request
        if body.days > maximum:
            raise refuse("extension_too_long", "days", maximum=maximum)
    if isinstance(body, SubmitPlanBody) and state.deadline and end_of_day(body.deadline) > state.deadline:
        limit = china_date(state.deadline - timedelta(seconds=1))
        raise refuse("plan_after_deadline", "deadline", limit=limit)


def _check_extension_request(state: HazardState, body: RequestExtensionBody, now: datetime) -> None:
    rules = state.policy.extension
    if body.days > rules.max_days_per_request:
        raise refuse("extension_too_long", "days", maximum=rules.max_days_per_request)
    rectification = clocks.clock(state, ClockName.RECTIFICATION)
    late = rectification is not None and rectification.cutoff_at is not None and now > rectification.cutoff_at
    if late and not (body.late_reason and body.late_reason.strip()):
        raise refuse("late_extension_needs_reason", "late_reason", days=rules.min_working_days_before)


def allowed_actions(state: HazardState, actor: Actor) -> tuple[Action, ...]:
    """The human actions `actor` may take on `state` now (bodies aside)."""
    allowed = []
    for action in (Action(spec.name) for spec in HAZARD.actions):
        try:
            permissions.check_role(action, actor)
            check_state(action, state)
            permissions.check_jurisdiction(action, actor, state)
        except Refusal:
            continue
        if action == Action.LIST and actor.jurisdiction_level not in {a.value for a in AuthorityLevel}:
            continue
        if action == Action.PUBLISH and paperwork.due_publication(state) is None:  # nothing due
            continue
        allowed.append(action)
    return tuple(allowed)


def apply(
    action: Action,
    state: HazardState,
    actor: Actor,
    body: ActionBody,
    now: datetime,
    new_deadline: Deadline | None = None,
) -> tuple[ProjectionItem, ...]:
    """Take a checked action: each transition it makes, in order, with the state right after it.

    `new_deadline` is what the calendar activity computed for an approved extension or a resume."""
    items: list[ProjectionItem] = []
    current = state
    for step_actor, step_action, changes, comment in STEPS[action](state, actor, body, now, new_deadline):
        after = current.model_copy(update={**changes, "seq": current.seq + 1})
        if after.status != current.status:
            after = after.model_copy(update={"status_since": now})
        items.append(_item(current, after, step_actor, step_action, comment, now))
        current = after
    if isinstance(body, VerifyBody) and body.fake_rectification:
        raised = escalation.fire_next_rung(current, "fake_rectification", now)
        if raised is not None:
            items.append(raised)
    return tuple(items)


def reported(state: HazardState, reporter: Actor) -> ProjectionItem:
    """The first step: the hazard is recorded (登记)."""
    after = state.model_copy(update={"seq": 1})
    transition = Transition(
        seq=1,
        at=state.reported_at,
        actor=reporter,
        action=Action.REPORT,
        from_status=None,
        to_status=after.status,
        comment=state.facts.title,
    )
    return ProjectionItem(transition=transition, state=after)


def _item(
    before: HazardState, after: HazardState, actor: Actor, action: Action, comment: str | None, now: datetime
) -> ProjectionItem:
    transition = Transition(
        seq=after.seq,
        at=now,
        actor=actor,
        action=action,
        from_status=before.status,
        to_status=after.status,
        comment=comment,
    )
    return ProjectionItem(transition=transition, state=after)


def _dates_in(body: ActionBody) -> list[tuple[str, date]]:
    found = []
    for name in ("deadline", "new_deadline"):
        value = getattr(body, name, None)
        if isinstance(value, date):
            found.append((name, value))
    return found
