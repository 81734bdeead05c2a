"""The campaign (专项整治) rules (docs/domain.md §8): who may act, which step applies, what each step does.

`check` refuses (403 who, 409 state, 422 body) before anything happens; `apply` and the system steps return the
step to record. All pure: the caller passes `now` (workflow time in the workflow). The workflow's validators and
the API call the same rules.
"""

from collections.abc import Mapping
from datetime import datetime

from domain.permissions import ROLE_ZH
from domain.refusals import Refusal, refuse, wrong_state
from models import labels
from models.actors import Actor, system_actor
from models.base import china_date
from models.campaign import (
    AddMeasureBody,
    AmendPhaseBody,
    CampaignAccount,
    CampaignAction,
    CampaignBody,
    CampaignNotice,
    CampaignProjection,
    CampaignStart,
    CampaignState,
    CampaignStatus,
    CancelBody,
    CompleteMeasureBody,
    Measure,
    Phase,
    PhaseKind,
    PhaseStatus,
    TaggedHazard,
)
from models.clock import DocumentSpec
from models.labels import zh
from registry.campaign import CAMPAIGN

A = CampaignAction
S = CampaignStatus
MAX_MEASURES = 200
RECTIFIED = frozenset({"verified", "closed"})

ROLES_FOR = {A(spec.name): spec.roles for spec in CAMPAIGN.actions}
ALLOWED_FROM = {A(spec.name): frozenset(S(s) for s in spec.allowed_from) for spec in CAMPAIGN.actions}

STATUS_ZH = zh(labels.CAMPAIGN_STATUS)
PHASE_ZH = zh(labels.PHASE)
ACTION_ZH = {
    A.AMEND_PHASE: "调整阶段时间", A.ADD_MEASURE: "添加制度措施", A.COMPLETE_MEASURE: "完成制度措施",
    A.CANCEL: "撤销专项整治", A.LAUNCH: "部署专项整治", A.PHASE_START: "阶段开始", A.PHASE_END: "阶段结束",
    A.REMINDER: "阶段结束提醒", A.MEASURE_REMINDER: "制度措施到期提醒", A.ACCOUNT: "整改阶段结账",
    A.SUMMARY: "总结评估报告", A.ANNUAL_SUMMARY: "年度总结",
}


# --- refusals ---------------------------------------------------------------------------------------------


def check(action: CampaignAction, state: CampaignState, actor: Actor, body: CampaignBody, now: datetime) -> None:
    """Raise a `Refusal` unless `actor` may take `action` with `body` on `state` at `now`."""
    check_role(action, actor)
    check_state(action, state)
    check_party(state.start, actor)
    check_body(state, body, now)


def check_role(action: CampaignAction, actor: Actor) -> None:
    roles = ROLES_FOR.get(action)
    if roles is None:
        raise refuse("not_a_human_action", action=action.value, action_zh=ACTION_ZH[action])
    if actor.role not in roles:
        raise refuse(
            "role_not_allowed", role=actor.role.value, role_zh=ROLE_ZH[actor.role], action=f"{action.value} a campaign",
            action_zh=ACTION_ZH[action], roles="supervisor or leader", roles_zh="督办人员或领导",
        )


def check_state(action: CampaignAction, state: CampaignState) -> None:
    if state.status not in ALLOWED_FROM.get(action, frozenset()):
        raise wrong_state("campaign", "专项整治", state.status, STATUS_ZH[state.status], action.value, ACTION_ZH[action])


def check_party(start: CampaignStart, actor: Actor) -> None:
    """403 unless `actor` belongs to the launching authority."""
    if actor.jurisdiction_code != start.authority_code:
        raise refuse("not_launching_authority", authority=start.authority_code, authority_name=start.authority_name)


def check_body(state: CampaignState, body: CampaignBody, now: datetime) -> None:
    today = china_date(now)
    if isinstance(body, AmendPhaseBody):
        _check_amendment(state, body, now)
    elif isinstance(body, AddMeasureBody):
        if body.due_on < today:
            raise refuse("date_in_past", "due_on", day=body.due_on)
        if len(state.measures) >= MAX_MEASURES:
            raise refuse("too_many_measures", limit=MAX_MEASURES)
    elif isinstance(body, CompleteMeasureBody):
        measure = next((m for m in state.measures if m.id == body.measure_id), None)
        if measure is None:
            raise refuse("measure_not_found", "measure_id", measure_id=body.measure_id)
        if measure.completed_at is not None:
            raise refuse("measure_done", "measure_id", measure_id=body.measure_id)


def _check_amendment(state: CampaignState, body: AmendPhaseBody, now: datetime) -> None:
    phase = state.phase(body.kind)
    words = {"phase": body.kind.value, "phase_zh": PHASE_ZH[body.kind]}
    if phase is None:
        raise refuse("phase_not_in_campaign", "kind", **words)
    if phase.status == PhaseStatus.DONE or phase.ends_at <= now:
        raise refuse("phase_ended", "kind", day=phase.ends_on, **words)
    today = china_date(now)
    if phase.status == PhaseStatus.ACTIVE or phase.starts_at <= now:
        if body.starts_on != phase.starts_on:
            raise refuse("phase_started", "starts_on", **words)
    elif body.starts_on < today:
        raise refuse("date_in_past", "starts_on", day=body.starts_on)
    if body.ends_on < today:
        raise refuse("date_in_past", "ends_on", day=body.ends_on)
    moved = amended_phases(state, body)
    for index, item in enumerate(moved):
        if index and item.starts_on <= moved[index - 1].ends_on:
            field = "starts_on" if item.kind == body.kind else "ends_on"
            raise refuse("phases_overlap", field)


def amended_phases(state: CampaignState, body: AmendPhaseBody) -> tuple[Phase, ...]:
    return tuple(
        p.model_copy(update={"starts_on": body.starts_on, "ends_on": body.ends_on, "reminders": (), "reminders_sent": 0})
        if p.kind == body.kind else p
        for p in state.phases
    )


def allowed_actions(state: CampaignState, actor: Actor) -> tuple[CampaignAction, ...]:
    allowed = []
    for action in (A(spec.name) for spec in CAMPAIGN.actions):
        try:
            check_role(action, actor)
            check_state(action, state)
            check_party(state.start, actor)
        except Refusal:
            continue
        allowed.append(action)
    return tuple(allowed)


# --- steps ------------------------------------------------------------------------------------------------


def launched(start: CampaignStart, workflow_id: str, now: datetime) -> CampaignProjection:
    phases = tuple(Phase(kind=p.kind, starts_on=p.starts_on, ends_on=p.ends_on) for p in start.phases)
    state = CampaignState(start=start, workflow_id=workflow_id, launched_at=now, phases=phases, seq=1)
    comment = f"{start.authority_name}部署专项整治“{start.title}”" + (f"（{start.document_number}）" if start.document_number else "")
    return CampaignProjection(seq=1, at=now, actor=start.launched_by, action=A.LAUNCH, from_status=None,
                              to_status=state.status, comment=comment, state=state)


def apply(action: CampaignAction, state: CampaignState, actor: Actor, body: CampaignBody, now: datetime) -> CampaignProjection:
    """Take a checked human step."""
    changes: Mapping[str, object]
    if isinstance(body, AmendPhaseBody):
        before = state.phase(body.kind)
        assert before is not None
        changes = {"phases": amended_phases(state, body)}
        comment = (f"{PHASE_ZH[body.kind]}：{before.starts_on}～{before.ends_on} → {body.starts_on}～{body.ends_on}；"
                   f"理由：{body.reason}")
    elif isinstance(body, AddMeasureBody):
        measure = Measure(id=len(state.measures) + 1, title=body.title, responsible_unit=body.responsible_unit,
                          due_on=body.due_on, added_at=now, added_by=actor.display_name or actor.username)
        changes = {"measures": (*state.measures, measure)}
        comment = f"制度措施 {measure.id}：{body.title}（{body.responsible_unit}，{body.due_on} 前）"
    elif isinstance(body, CompleteMeasureBody):
        done = {"completed_at": now, "completed_by": actor.display_name or actor.username, "note": body.note}
        changes = {"measures": tuple(m.model_copy(update=done) if m.id == body.measure_id else m for m in state.measures)}
        comment = f"制度措施 {body.measure_id} 已完成" + (f"：{body.note}" if body.note else "")
    elif isinstance(body, CancelBody):
        changes = {"status": S.CANCELLED, "cancel_reason": body.reason, "cancelled_at": now,
                   "phases": tuple(p.model_copy(update={"reminders": ()}) for p in state.phases)}
        comment = body.reason
    else:  # pragma: no cover - the union is exhaustive
        raise TypeError(f"no step for {type(body).__name__}")
    return step(state, actor, action, changes, comment, now)


def campaign_status(phases: tuple[Phase, ...]) -> CampaignStatus:
    if all(p.status == PhaseStatus.PLANNED for p in phases):
        return S.PLANNED
    if all(p.status == PhaseStatus.DONE for p in phases):
        return S.CLOSED
    return S.ACTIVE


def next_boundary(state: CampaignState) -> datetime | None:
    """The next phase boundary (a start or an end), if the campaign still runs."""
    if state.status in (S.CLOSED, S.CANCELLED):
        return None
    instants = [p.starts_at for p in state.phases if p.status == PhaseStatus.PLANNED]
    instants += [p.ends_at for p in state.phases if p.status != PhaseStatus.DONE]
    return min(instants) if instants else None


def phase_started(state: CampaignState, kind: PhaseKind, now: datetime) -> CampaignProjection:
    phases = tuple(p.model_copy(update={"status": PhaseStatus.ACTIVE}) if p.kind == kind else p for p in state.phases)
    changes = {"phases": phases, "status": campaign_status(phases)}
    return step(state, system_actor("campaign_phase"), A.PHASE_START, changes, f"{PHASE_ZH[kind]}阶段开始", now)


def phase_ended(state: CampaignState, kind: PhaseKind, now: datetime) -> CampaignProjection:
    phases = tuple(p.model_copy(update={"status": PhaseStatus.DONE}) if p.kind == kind else p for p in state.phases)
    changes = {"phases": phases, "status": campaign_status(phases)}
    return step(state, system_actor("campaign_phase"), A.PHASE_END, changes, f"{PHASE_ZH[kind]}阶段结束", now)


def due_boundaries(state: CampaignState, now: datetime) -> list[tuple[str, PhaseKind]]:
    """The boundaries reached by `now`, in time order: ("start" | "end", kind)."""
    due: list[tuple[datetime, int, str, PhaseKind]] = []
    for index, p in enumerate(state.phases):
        if p.status == PhaseStatus.PLANNED and p.starts_at <= now:
            due.append((p.starts_at, index * 2, "start", p.kind))
        if p.status != PhaseStatus.DONE and p.ends_at <= now:
            due.append((p.ends_at, index * 2 + 1, "end", p.kind))
    return [(what, kind) for _, _, what, kind in sorted(due)]


def classify(hazards: tuple[TaggedHazard, ...], now: datetime) -> tuple[list[str], list[str], list[str]]:
    """The closing account: closed (verified or closed out), overdue (not rectified, its deadline passed),
    carried over (not rectified, deadline ahead or none yet). Voided records are no hazards and are left out."""
    closed, carried, overdue = [], [], []
    for hazard in sorted(hazards, key=lambda h: h.code):
        if hazard.status == "voided":
            continue
        if hazard.status in RECTIFIED:
            closed.append(hazard.code)
        elif hazard.deadline is not None and hazard.deadline <= now:
            overdue.append(hazard.code)
        else:
            carried.append(hazard.code)
    return closed, carried, overdue


def account_written(state: CampaignState, account: CampaignAccount, document: DocumentSpec, now: datetime) -> CampaignProjection:
    account = account.model_copy(update={"document_hash": document.sha256})
    comment = f"整改阶段结账：销号 {len(account.closed)}，结转 {len(account.carried_over)}，逾期 {len(account.overdue)}"
    item = step(state, system_actor("campaign_account"), A.ACCOUNT, {"account": account}, comment, now)
    return item.model_copy(update={"document": document, "notices": notices_for(state, "campaign_account", document.title, comment)})


def summary_written(state: CampaignState, action: CampaignAction, document: DocumentSpec, year: int | None,
                    now: datetime) -> CampaignProjection:
    from models.campaign import SummaryRecord

    kind = "annual_summary" if action == A.ANNUAL_SUMMARY else "summary"
    record = SummaryRecord(kind=kind, year=year, at=now, document_hash=document.sha256)
    item = step(state, system_actor(f"campaign_{kind}"), action, {"summaries": (*state.summaries, record)},
                 document.title, now)
    return item.model_copy(update={"document": document, "notices": notices_for(state, f"campaign_{kind}", document.title, document.title)})


def notices_for(state: CampaignState, kind: str, title: str, body: str) -> tuple[CampaignNotice, ...]:
    """The launching authority and every covered jurisdiction."""
    targets = dict.fromkeys((state.start.authority_code, *state.start.covered))
    return tuple(CampaignNotice(target_code=code, kind=kind, title=title, body=body) for code in targets)


def region_key(start: CampaignStart) -> str:
    """The campaign's region as the read model's path key, e.g. `370000/371700/`."""
    return "".join(f"{r.code}/" for r in start.region_path)


def year_of(instant: datetime) -> int:
    return china_date(instant).year


def step(before: CampaignState, actor: Actor, action: CampaignAction, changes: Mapping[str, object],
          comment: str | None, now: datetime) -> CampaignProjection:
    after = before.model_copy(update={**changes, "seq": before.seq + 1})
    return CampaignProjection(seq=after.seq, at=now, actor=actor, action=action, from_status=before.status,
                              to_status=after.status, comment=comment, state=after)
