"""Which clocks run in which state (docs/domain.md §3), who owes each step, and what is due now.

Pure: the workflow plans each clock's instants in an activity (the working-day calendar) and asks here what
is due at `now`.
"""

from datetime import datetime, timedelta

from domain import paperwork
from models.clock import Clock, ClockName, ClockSpec
from models.enums import HazardLevel, HazardStatus, JurisdictionLevel
from models.hazard import HazardState, JurisdictionRef
from registry.hazard import DEADLINE_STATES, HAZARD

S = HazardStatus


def local_authority(state: HazardState) -> JurisdictionRef:
    """The lowest government level holding the hazard (the county, or the city for a city-level region)."""
    for ref in reversed(state.facts.region_path):
        if ref.level != JurisdictionLevel.TOWN:
            return ref
    return state.facts.region_path[-1]


def supervising_authority(state: HazardState) -> str:
    """The authority that supervises the hazard: the listing authority, else the local one."""
    if state.level == HazardLevel.MAJOR and state.listing is not None:
        return state.listing.authority_code
    return local_authority(state).code


def superior_of(state: HazardState, code: str) -> str | None:
    codes = [ref.code for ref in state.facts.region_path]
    if code in codes and codes.index(code) > 0:
        return codes[codes.index(code) - 1]
    return None


def clocks_for(state: HazardState) -> tuple[ClockSpec, ...]:
    """The clocks that should be running now. None while paused: paused time does not count."""
    if state.pause is not None:
        return ()
    if state.status.terminal:
        return paperwork.clocks_for(state)  # a close-out still to sign and publish
    timers, since, status = state.policy.timers, state.status_since, state.status
    uscc, supervising = state.facts.enterprise_uscc, supervising_authority(state)
    specs: list[ClockSpec] = []
    if status == S.REPORTED:
        specs.append(ClockSpec(name=ClockName.ASSESS, owner_code=local_authority(state).code, start=since, working_days=timers.assess))
    elif status == S.ASSESSED and state.level == HazardLevel.MAJOR:
        specs.append(ClockSpec(name=ClockName.LIST, owner_code=local_authority(state).code, start=since, working_days=timers.list))
    elif status == S.LISTED:
        specs.append(ClockSpec(name=ClockName.PLAN, owner_code=uscc, start=since, working_days=timers.plan))
    elif status == S.PLAN_SUBMITTED:
        specs.append(ClockSpec(name=ClockName.REVIEW, owner_code=supervising, start=since, working_days=timers.review))
    elif status == S.ACCEPTANCE_REQUESTED:
        specs.append(ClockSpec(name=ClockName.VERIFY, owner_code=supervising, start=since, working_days=timers.verify))
    elif status == S.VERIFIED:
        specs.append(ClockSpec(name=ClockName.CLOSE, owner_code=supervising, start=since, working_days=timers.close))
    if status in DEADLINE_STATES and state.deadline is not None:
        start = state.deadline_set_at or since
        specs.append(ClockSpec(name=ClockName.RECTIFICATION, owner_code=uscc, start=start, due_at=state.deadline))
    if status == S.RECTIFYING and state.level == HazardLevel.MAJOR:
        last = max([since, *(p.at for p in state.progress)])
        every = timedelta(days=state.policy.progress.major_report_every_calendar_days)
        specs.append(ClockSpec(name=ClockName.PROGRESS, owner_code=uscc, start=last, due_at=last + every))
    pending = pending_extension_index(state)
    if pending is not None:
        requested = state.extensions[pending].requested_at
        decide = state.policy.extension.decide_working_days
        specs.append(ClockSpec(name=ClockName.EXTENSION_DECISION, owner_code=supervising, start=requested, working_days=decide))
    return tuple(specs) + paperwork.clocks_for(state)  # signatures and publication


def pending_extension_index(state: HazardState) -> int | None:
    for index, extension in enumerate(state.extensions):
        if extension.status == "pending":
            return index
    return None


def clock(state: HazardState, name: ClockName) -> Clock | None:
    return next((c for c in state.clocks if c.spec.name == name), None)


def ladder_active(state: HazardState) -> bool:
    """After the rectification deadline, until acceptance is requested (or the clock is paused)."""
    return state.overdue and state.status in DEADLINE_STATES and state.pause is None and bool(state.ladder)


def next_rung_due(state: HazardState) -> datetime | None:
    index = len(state.fired)
    if not ladder_active(state) or index >= len(state.ladder) or state.ladder_deadline != state.deadline:
        return None
    return state.ladder_due[index] if index < len(state.ladder_due) else None


def next_wake(state: HazardState) -> datetime | None:
    """The earliest instant at which something is due: a reminder, a lapse, or the next rung."""
    instants: list[datetime] = []
    if state.pause is None:
        for c in state.clocks:
            if c.reminders_sent < len(c.reminders):
                instants.append(c.reminders[c.reminders_sent])
            if not c.lapsed:
                instants.append(c.due_at)
    rung = next_rung_due(state)
    if rung is not None:
        instants.append(rung)
    return min(instants) if instants else None


def next_rung(state: HazardState) -> tuple[str, datetime] | None:
    """The rung that fires next if nothing changes, and when (for display)."""
    index = len(state.fired)
    if state.status not in DEADLINE_STATES or state.pause is not None or index >= len(state.ladder):
        return None
    if state.ladder_deadline != state.deadline or index >= len(state.ladder_due):
        return None
    return state.ladder[index].type.value, state.ladder_due[index]


ACTION_CLOCK = {spec.name: ClockName(spec.clock) for spec in HAZARD.actions if spec.clock}


def due_for(state: HazardState, action: str) -> datetime | None:
    """When the step `action` is due, from the clock that runs for it."""
    name = ACTION_CLOCK.get(action)
    running = clock(state, name) if name else None
    return running.due_at if running else None
