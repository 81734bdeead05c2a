"""The interview (约谈) state machine (docs/domain.md §6): which step applies when, who takes it, what it does.

`check` refuses (403 who, 409 state, 422 body) before anything happens; `apply` returns the step to record.
Both are pure: the caller passes `now` (workflow time in the workflow). The workflow's validators and the
API call the same rules.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta

from domain.permissions import ROLE_ZH, may_see_record
from domain.refusals import Refusal, refuse, wrong_state
from models import labels
from models.actors import Actor, system_actor
from models.base import CHINA_TZ, china_date, end_of_day
from models.calendar import Deadline, DeadlineRequest
from models.enums import Role
from models.interview import (
    InterviewAction,
    InterviewBody,
    InterviewOutcome,
    InterviewOutcomeKind,
    InterviewProjection,
    InterviewState,
    InterviewStatus,
    Materials,
    RecordBody,
    Reply,
    ReplyBody,
    ScheduleBody,
    SubmitMaterialsBody,
)
from models.labels import zh
from registry.interview import INTERVIEW

A = InterviewAction
S = InterviewStatus

ROLES_FOR: dict[InterviewAction, Role] = {A(spec.name): next(iter(spec.roles)) for spec in INTERVIEW.actions}

ALLOWED_FROM: dict[InterviewAction, frozenset[InterviewStatus]] = {
    A(spec.name): frozenset(S(s) for s in spec.allowed_from) for spec in INTERVIEW.actions
}

STATUS_ZH = zh(labels.INTERVIEW_STATUS)

ACTION_ZH = {
    A.NOTICE: "发出约谈通知",
    A.SCHEDULE: "安排约谈时间地点",
    A.SUBMIT_MATERIALS: "提交书面材料",
    A.RECORD: "记录约谈",
    A.REPLY: "书面回复",
    A.REPLY_MISSED: "逾期未回复",
    A.CANCEL: "取消约谈",
}


# --- refusals ---------------------------------------------------------------------------------------------


def check(
    action: InterviewAction, state: InterviewState, actor: Actor, body: InterviewBody, now: datetime
) -> None:
    """Raise a `Refusal` unless `actor` may take `action` with `body` on `state` at `now`."""
    check_role(action, actor, state)
    check_state(action, state)
    check_party(action, state, actor)
    check_body(action, state, body, now)


INTERVIEWEE_STEPS = frozenset({A.SUBMIT_MATERIALS, A.REPLY})


def check_role(action: InterviewAction, actor: Actor, state: InterviewState | None = None) -> None:
    """403 unless `actor`'s role may ever take `action` on an interview (on a tour's interview, the interviewee's
    steps are a supervisor's of the target jurisdiction)."""
    wanted = ROLES_FOR.get(action)
    if state is not None and state.start.tour_id is not None and action in INTERVIEWEE_STEPS:
        wanted = Role.SUPERVISOR
    if wanted is None:
        raise refuse("not_a_human_action", action=action.value, action_zh=ACTION_ZH[action])
    if actor.role != wanted:
        raise refuse(
            "role_not_allowed",
            role=actor.role.value,
            role_zh=ROLE_ZH[actor.role],
            action=f"{action.value} an interview",
            action_zh=ACTION_ZH[action],
            roles=wanted.value,
            roles_zh=ROLE_ZH[wanted],
        )


def check_state(action: InterviewAction, state: InterviewState) -> None:
    """409 unless `action` applies to an interview in `state.status`."""
    if state.status not in ALLOWED_FROM.get(action, frozenset()):
        raise wrong_state("interview", "约谈", state.status, STATUS_ZH[state.status], action.value, ACTION_ZH[action], "an")


def check_party(action: InterviewAction, state: InterviewState, actor: Actor) -> None:
    """403 unless `actor` is the conducting authority's supervisor or a user of the interviewed enterprise."""
    start = state.start
    if start.tour_id is not None and action in INTERVIEWEE_STEPS:
        target = start.region_path[-1] if start.region_path else None
        if target is None or actor.jurisdiction_code != target.code:
            raise refuse("not_target_authority", target=target.code if target else "—")
        return
    if actor.role == Role.ENTERPRISE:
        if actor.enterprise_uscc != start.enterprise_uscc:
            raise refuse("not_your_enterprise", subject="interviews", subject_zh="约谈")
        return
    if actor.jurisdiction_code != start.conducting_authority_code:
        raise refuse(
            "not_conducting_authority",
            authority=start.conducting_authority_code,
            authority_name=start.conducting_authority_name,
        )


def check_body(action: InterviewAction, state: InterviewState, body: InterviewBody, now: datetime) -> None:
    """422 when the body does not fit the clock or the interview."""
    if isinstance(body, ScheduleBody):
        if body.at <= now:
            raise refuse("schedule_in_past", "at")
        latest = latest_schedule(state)
        if body.at > latest:
            last_day = china_date(latest - timedelta(seconds=1))
            days = state.start.rules.notice_calendar_days
            raise refuse("schedule_too_late", "at", days=days, last_day=last_day)
    elif isinstance(body, RecordBody):
        today = china_date(now)
        for index, commitment in enumerate(body.commitments):
            if commitment.due < today:
                raise refuse("date_in_past", f"commitments.{index}.due", day=commitment.due)


def latest_schedule(state: InterviewState) -> datetime:
    """The end (24:00 Asia/Shanghai) of the last calendar day the interview may be held on."""
    return end_of_day(china_date(state.notice_at) + timedelta(days=state.start.rules.notice_calendar_days))


def allowed_actions(state: InterviewState, actor: Actor) -> tuple[InterviewAction, ...]:
    """The human steps `actor` may take on `state` now (bodies aside)."""
    allowed = []
    for action in (A(spec.name) for spec in INTERVIEW.actions):
        try:
            check_role(action, actor, state)
            check_state(action, state)
            check_party(action, state, actor)
        except Refusal:
            continue
        allowed.append(action)
    return tuple(allowed)


def may_see(actor: Actor, state: InterviewState) -> bool:
    return may_see_record(actor, state.start.region_path, state.start.enterprise_uscc)


# --- steps ------------------------------------------------------------------------------------------------


def noticed(state: InterviewState) -> InterviewProjection:
    """The first step: the interview notice (约谈通知书) is issued."""
    after = state.model_copy(update={"seq": 1})
    start = state.start
    comment = f"约谈 {start.interviewee}（{start.enterprise_name}）：{start.reason}"
    return InterviewProjection(
        seq=1,
        at=state.notice_at,
        actor=start.started_by,
        action=A.NOTICE,
        from_status=None,
        to_status=after.status,
        comment=comment,
        state=after,
    )


def reply_deadline_request(state: InterviewState, now: datetime) -> DeadlineRequest:
    """What to ask the calendar for when the interview is held: `reply_working_days` working days from now."""
    return DeadlineRequest(start=now, working_days=state.start.rules.reply_working_days)


def apply(
    action: InterviewAction,
    state: InterviewState,
    actor: Actor,
    body: InterviewBody,
    now: datetime,
    reply_due: Deadline | None = None,
) -> InterviewProjection:
    """Take a checked human step. `reply_due` is the calendar's answer when the interview was held."""
    changes: Mapping[str, object]
    if isinstance(body, ScheduleBody):
        changes = {"status": S.SCHEDULED, "scheduled_at": body.at, "place": body.place}
        comment = f"{body.at.astimezone(CHINA_TZ).strftime('%Y-%m-%d %H:%M')} {body.place}"
    elif isinstance(body, SubmitMaterialsBody):
        late = state.scheduled_at is not None and now > state.scheduled_at
        materials = Materials(**body.model_dump(), late=late, at=now, by=actor)
        changes = {"materials": materials}
        comment = "书面材料（逾期）/ written materials (late)" if late else "书面材料 / written materials"
    elif isinstance(body, RecordBody):
        if body.attended:
            if reply_due is None:
                raise ValueError("an interview held needs its reply deadline")
            changes = {
                "status": S.HELD,
                "attended": True,
                "minutes": body.minutes,
                "attendees": body.attendees,
                "commitments": body.commitments,
                "reply_due": reply_due.at,
                "reply_due_provisional": reply_due.provisional,
            }
            comment = body.minutes
        else:
            changes = {
                "status": S.CLOSED,
                "attended": False,
                "minutes": body.minutes or None,
                "outcome": InterviewOutcomeKind.NO_SHOW,
                "closed_at": now,
            }
            comment = f"被约谈人未到场 / the interviewee did not attend. {body.minutes}".strip()
    elif isinstance(body, ReplyBody):
        late = state.reply_due is not None and now > state.reply_due
        reply = Reply(text=body.text, late=late, at=now, by=actor)
        changes = {"status": S.CLOSED, "reply": reply, "outcome": InterviewOutcomeKind.REPLIED, "closed_at": now}
        comment = body.text
    else:  # pragma: no cover - the union is exhaustive
        raise TypeError(f"no step for {type(body).__name__}")
    return _step(state, actor, action, changes, comment, now)


def reply_missed(state: InterviewState, now: datetime) -> InterviewProjection:
    """The system step when the written reply's deadline passes with no reply."""
    changes = {"status": S.CLOSED, "outcome": InterviewOutcomeKind.REPLY_MISSED, "closed_at": now}
    comment = "书面回复期限已过，未收到回复 / the reply deadline passed with no reply"
    return _step(state, system_actor("interview_reply_deadline"), A.REPLY_MISSED, changes, comment, now)


def cancelled(state: InterviewState, reason: str, now: datetime) -> InterviewProjection:
    """The system step when the parent hazard ends (or otherwise calls the interview off)."""
    changes = {
        "status": S.CLOSED,
        "outcome": InterviewOutcomeKind.CANCELLED,
        "closed_at": now,
        "cancel_reason": reason,
    }
    return _step(state, system_actor("interview_cancelled"), A.CANCEL, changes, reason or None, now)


def deadline_watched(state: InterviewState) -> datetime | None:
    """The deadline the workflow waits on now, if any: the written reply's, while the interview is held."""
    return state.reply_due if state.status == S.HELD else None


def outcome_of(state: InterviewState, at: datetime) -> InterviewOutcome | None:
    if state.outcome is None:
        return None
    return InterviewOutcome(
        interview_id=state.interview_id, hazard_code=state.start.hazard_code, kind=state.outcome, at=at
    )


def _step(
    before: InterviewState,
    actor: Actor,
    action: InterviewAction,
    changes: Mapping[str, object],
    comment: str | None,
    now: datetime,
) -> InterviewProjection:
    after = before.model_copy(update={**changes, "seq": before.seq + 1})
    return InterviewProjection(
        seq=after.seq,
        at=now,
        actor=actor,
        action=action,
        from_status=before.status,
        to_status=after.status,
        comment=comment,
        state=after,
    )
