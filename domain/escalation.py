"""What the deadline clock does when something is due (docs/domain.md §5): reminders, lapses, rungs.

Pure functions from (state, now) to the projection items the workflow records.
"""

from datetime import datetime

from domain.clocks import local_authority, superior_of, supervising_authority
from domain.documents import RUNG_DOCUMENT, day_text, render_rung
from models.actors import system_actor
from models.base import china_date
from models.clock import GOVERNMENT_CLOCKS, Clock, ClockName, FiredRung, Notice
from models.enums import Action, AuthorityLevel, JurisdictionLevel
from models.hazard import HazardState, ProjectionItem, Transition
from models.policy import RungType, Target

CLOCK_ZH = {
    ClockName.ASSESS: "隐患定级",
    ClockName.LIST: "挂牌督办",
    ClockName.PLAN: "提交整改方案",
    ClockName.REVIEW: "审核整改方案",
    ClockName.RECTIFICATION: "整改",
    ClockName.VERIFY: "核查验收",
    ClockName.CLOSE: "销号",
    ClockName.EXTENSION_DECISION: "延期申请审批",
    ClockName.PROGRESS: "报送整改进展",
    ClockName.SIGN: "领导签发文书",
    ClockName.PUBLISH: "公示",
}

NEXT_LEVEL = {AuthorityLevel.COUNTY: AuthorityLevel.CITY, AuthorityLevel.CITY: AuthorityLevel.PROVINCE}


def step(
    before: HazardState,
    after: HazardState,
    action: Action,
    reason: str,
    comment: str,
    now: datetime,
    notices: tuple[Notice, ...] = (),
    document: object = None,
) -> ProjectionItem:
    after = after.model_copy(update={"seq": before.seq + 1})
    transition = Transition(
        seq=after.seq,
        at=now,
        actor=system_actor(reason),
        action=action,
        from_status=before.status,
        to_status=after.status,
        comment=comment,
        reason=reason,
    )
    return ProjectionItem(transition=transition, state=after, notices=notices, document=document)  # type: ignore[arg-type]


def clock_targets(state: HazardState, clock: Clock) -> tuple[tuple[str, str], ...]:
    """Enterprise steps notify the enterprise and the supervising authority; government steps the authority
    that owes the step and its superior."""
    if clock.spec.name in GOVERNMENT_CLOCKS:
        owner = clock.spec.owner_code
        superior = superior_of(state, owner)
        return (("authority", owner),) + ((("authority", superior),) if superior else ())
    return (("enterprise", state.facts.enterprise_uscc), ("authority", supervising_authority(state)))


def notices(targets: tuple[tuple[str, str], ...], kind: str, title: str, body: str) -> tuple[Notice, ...]:
    unique = dict.fromkeys(targets)
    return tuple(Notice(target_kind=k, target_code=c, kind=kind, title=title, body=body) for k, c in unique)


def with_clock(state: HazardState, index: int, clock: Clock) -> HazardState:
    clocks = list(state.clocks)
    clocks[index] = clock
    return state.model_copy(update={"clocks": tuple(clocks)})


def reminder(state: HazardState, index: int, now: datetime) -> ProjectionItem:
    clock = state.clocks[index]
    after = with_clock(state, index, clock.model_copy(update={"reminders_sent": clock.reminders_sent + 1}))
    what = CLOCK_ZH[clock.spec.name]
    title = f"提醒：{state.code} {what}期限 {day_text(clock.due_at)}"
    body = f"隐患“{state.facts.title}”的{what}期限为 {day_text(clock.due_at)}（24:00），请按期办理。"
    reason = f"reminder:{clock.spec.name.value}"
    return step(state, after, Action.REMINDER, reason, title, now, notices(clock_targets(state, clock), "reminder", title, body))


def lapse(state: HazardState, index: int, now: datetime) -> ProjectionItem:
    clock = state.clocks[index]
    after = with_clock(state, index, clock.model_copy(update={"lapsed": True}))
    what = CLOCK_ZH[clock.spec.name]
    targets = clock_targets(state, clock)
    if clock.spec.name == ClockName.RECTIFICATION:
        after = after.model_copy(update={"overdue": True})
        title = f"逾期：{state.code} 整改期限 {day_text(clock.due_at)} 已过，尚未申请验收"
        return step(state, after, Action.DEADLINE_PASSED, "rectification_deadline", title, now,
                    notices(targets, "overdue", title, title))
    owner = "督办机关" if clock.spec.name in GOVERNMENT_CLOCKS else "企业"
    title = f"超期：{state.code} {what}期限 {day_text(clock.due_at)} 已过（{owner}未按期办理）"
    body = f"{title}。请立即办理；本提醒同时抄送上级机关。" if clock.spec.name in GOVERNMENT_CLOCKS else title
    return step(state, after, Action.DEADLINE_MISSED, f"{clock.spec.name.value}_deadline", title, now,
                notices(targets, "overdue", title, body))


def rung_targets(state: HazardState, targets: tuple[Target, ...]) -> tuple[tuple[str, str], ...]:
    supervising = supervising_authority(state)
    resolved: list[tuple[str, str]] = []
    for target in targets:
        if target in (Target.ENTERPRISE, Target.ENTERPRISE_PRINCIPAL):
            resolved.append(("enterprise", state.facts.enterprise_uscc))
        elif target in (Target.SUPERVISING_AUTHORITY, Target.OFFICIALS):
            resolved.append(("authority", supervising))
        elif target == Target.SUPERIOR_AUTHORITY:
            superior = superior_of(state, supervising)
            resolved.append(("authority", superior or supervising))
        elif target == Target.COUNTY:
            resolved.append(("authority", local_authority(state).code))
    return tuple(resolved)


def fire_next_rung(state: HazardState, reason: str, now: datetime) -> ProjectionItem | None:
    """Fire the next rung of the hazard's ladder, if one is left."""
    index = len(state.fired)
    if index >= len(state.ladder):
        return None
    rung = state.ladder[index]
    document = render_rung(state, rung.type, reason, now)
    after = state.model_copy(
        update={"fired": (*state.fired, FiredRung(rung=rung.type, at=now, reason=reason, document_hash=document.sha256))}
    )
    if rung.type == RungType.RAISE_LISTING:
        after = raised_listing(after)
    if rung.type == RungType.INTERVIEW:
        after = after.model_copy(update={"interviews": (*after.interviews, interview_id(after))})
    title = f"{RUNG_DOCUMENT[rung.type]}：{state.code} {state.facts.title}"
    body = document.content
    # The new listing authority learns it has taken over; the old one keeps reading.
    targets = rung_targets(state, rung.targets) + rung_targets(after, rung.targets)
    return step(state, after, Action.RUNG, f"rung:{rung.type.value}", f"{rung.type.value}: {reason}", now,
                notices(targets, "rung", title, body), document)


def raised_listing(state: HazardState) -> HazardState:
    listing = state.listing
    if listing is None or listing.authority_level not in NEXT_LEVEL:
        return state
    level = NEXT_LEVEL[listing.authority_level]
    authority = next((r for r in state.facts.region_path if r.level == JurisdictionLevel(level.value)), None)
    if authority is None:
        return state
    raised = listing.model_copy(update={"authority_level": level, "authority_code": authority.code, "authority_name": authority.name})
    return state.model_copy(update={"listing": raised})


def interview_id(state: HazardState) -> str:
    return f"interview-{state.code}-{len(state.interviews) + 1}"


def interview_reason(state: HazardState, now: datetime) -> str:
    return f"隐患 {state.code} 逾期未整改（期限 {day_text(state.deadline)}），{china_date(now).isoformat()} 约谈"
