"""The campaign's reminders (docs/domain.md §8): to the launching authority before each phase ends and
before each institutional measure is due, N working days before (`[campaign]` in the policy profile);
pure, `now` passed in."""

from datetime import datetime

from domain.campaigns import PHASE_ZH, step
from models.actors import system_actor
from models.campaign import (
    CampaignAction,
    CampaignNotice,
    CampaignProjection,
    CampaignState,
    CampaignStatus,
    PhaseKind,
    PhaseStatus,
)

A = CampaignAction
S = CampaignStatus


# --- reminders --------------------------------------------------------------------------------------------


def due_reminders(state: CampaignState, now: datetime) -> list[tuple[str, int]]:
    """("phase", index) and ("measure", id) whose next reminder is due by `now`."""
    if state.status in (S.CLOSED, S.CANCELLED):
        return []
    due: list[tuple[str, int]] = []
    for index, p in enumerate(state.phases):
        if p.status != PhaseStatus.DONE and p.reminders_sent < len(p.reminders) and p.reminders[p.reminders_sent] <= now:
            due.append(("phase", index))
    for m in state.measures:
        if m.completed_at is None and m.reminders_sent < len(m.reminders) and m.reminders[m.reminders_sent] <= now:
            due.append(("measure", m.id))
    return due


def next_reminder(state: CampaignState) -> datetime | None:
    if state.status in (S.CLOSED, S.CANCELLED):
        return None
    instants = [p.reminders[p.reminders_sent] for p in state.phases
                if p.status != PhaseStatus.DONE and p.reminders_sent < len(p.reminders)]
    instants += [m.reminders[m.reminders_sent] for m in state.measures
                 if m.completed_at is None and m.reminders_sent < len(m.reminders)]
    return min(instants) if instants else None


def reminded(state: CampaignState, what: str, key: int, now: datetime) -> CampaignProjection:
    authority = state.start.authority_code
    if what == "phase":
        phase = state.phases[key]
        phases = tuple(p.model_copy(update={"reminders_sent": p.reminders_sent + 1}) if i == key else p
                       for i, p in enumerate(state.phases))
        text = f"专项整治“{state.start.title}”的{PHASE_ZH[phase.kind]}阶段将于 {phase.ends_on} 结束"
        item = step(state, system_actor("campaign_phase_reminder"), A.REMINDER, {"phases": phases}, text, now)
    else:
        measure = next(m for m in state.measures if m.id == key)
        measures = tuple(m.model_copy(update={"reminders_sent": m.reminders_sent + 1}) if m.id == key else m
                         for m in state.measures)
        text = f"制度措施“{measure.title}”（{measure.responsible_unit}）应于 {measure.due_on} 前完成"
        item = step(state, system_actor("campaign_measure_reminder"), A.MEASURE_REMINDER, {"measures": measures}, text, now)
    notice = CampaignNotice(target_code=authority, kind="campaign_reminder", title=text, body=text)
    return item.model_copy(update={"notices": (notice,)})


def with_phase_reminders(state: CampaignState, kind: PhaseKind, reminders: tuple[datetime, ...], now: datetime) -> CampaignState:
    phases = tuple(p.model_copy(update={"reminders": tuple(r for r in reminders if r > now), "reminders_sent": 0})
                   if p.kind == kind else p for p in state.phases)
    return state.model_copy(update={"phases": phases})


def with_measure_reminders(state: CampaignState, measure_id: int, reminders: tuple[datetime, ...], now: datetime) -> CampaignState:
    measures = tuple(m.model_copy(update={"reminders": tuple(r for r in reminders if r > now), "reminders_sent": 0})
                     if m.id == measure_id else m for m in state.measures)
    return state.model_copy(update={"measures": measures})
