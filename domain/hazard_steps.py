"""What each human action of the hazard does (docs/domain.md §3): its steps, as (actor, action, changes,
comment), applied in order by `transitions.apply`. Pure: the caller passes `now` and, where the calendar was
asked first, the new deadline."""

from collections.abc import Mapping
from datetime import datetime, timedelta

from domain import clocks, escalation, paperwork, permissions
from domain.refusals import refuse
from models.actions import (
    ActionBody,
    AssessBody,
    CloseBody,
    ListBody,
    PauseBody,
    ReportProgressBody,
    RequestExtensionBody,
    ResumeBody,
    ReviewExtensionBody,
    ReviewPlanBody,
    StartInterviewBody,
    SubmitCompletionBody,
    SubmitPlanBody,
    VerifyBody,
    VoidBody,
)
from models.actors import Actor
from models.base import china_date, end_of_day
from models.calendar import Deadline
from models.clock import ClockName, Extension, ExtensionStatus, Pause
from models.documents import PublishBody
from models.enums import (
    Action,
    HazardStatus,
    PlanDecision,
    Rectification,
    VerifyDecision,
)
from models.hazard import (
    Assessment,
    Completion,
    HazardState,
    Listing,
    Plan,
    PlanReview,
    Progress,
    Verification,
)

S = HazardStatus


# --- the steps of each action: (actor, action, changes, comment) --------------------------------------

Step = tuple[Actor, Action, Mapping[str, object], str | None]


def _assess(
    state: HazardState, actor: Actor, body: ActionBody, now: datetime, new_deadline: Deadline | None
) -> list[Step]:
    assert isinstance(body, AssessBody)
    assessment = Assessment(
        level=body.level,
        basis=body.basis,
        rectification=body.rectification,
        interim_measures=body.interim_measures,
        comment=body.comment,
        at=now,
        by=actor,
    )
    steps: list[Step] = [
        (
            actor,
            Action.ASSESS,
            {"status": S.ASSESSED, "level": body.level, "assessment": assessment},
            body.comment,
        )
    ]
    if body.rectification == Rectification.IMMEDIATE:
        steps.append(
            (
                actor,
                Action.RECTIFY_ON_THE_SPOT,
                {"status": S.ACCEPTANCE_REQUESTED},
                "即查即改 / fixed on the spot",
            )
        )
    elif body.rectification == Rectification.DEADLINE:
        # no date given: the policy's general_rectification working days, computed by the workflow's calendar
        assert body.deadline is not None or new_deadline is not None, "the workflow computes the default deadline"
        deadline = end_of_day(body.deadline) if body.deadline else new_deadline.at  # type: ignore[union-attr]
        day = china_date(deadline - timedelta(seconds=1))
        steps.append(
            (
                actor,
                Action.ORDER_RECTIFICATION,
                {"status": S.RECTIFYING, "deadline": deadline, "deadline_set_at": now, "ladder": state.policy.general_ladder},
                f"责令限期整改，期限 {day} / rectify by {day}",
            )
        )
    return steps


def _list(state: HazardState, actor: Actor, body: ActionBody, now: datetime, _: Deadline | None) -> list[Step]:
    assert isinstance(body, ListBody)
    authority = permissions.authority_for(state, body.authority_level)
    listing = Listing(
        authority_level=body.authority_level,
        authority_code=authority.code,
        authority_name=authority.name,
        notice_number=body.notice_number or _notice_number(state, now),
        requirements=body.requirements,
        deadline=end_of_day(body.deadline),
        at=now,
        by=actor,
    )
    changes = {
        "status": S.LISTED,
        "listing": listing,
        "deadline": listing.deadline,
        "deadline_set_at": now,
        "overdue": False,
        "ladder": state.policy.ladder,  # snapshotted: later policy versions do not change this hazard
    }
    return [(actor, Action.LIST, changes, body.requirements or None)]


LEGACY_LISTING_NUMBER = "督字〔{year}〕{code}号"  # hazards that pinned a profile from before `[notices]`


def _notice_number(state: HazardState, now: datetime) -> str:
    template = state.policy.notices.listing_number if state.policy.notices else LEGACY_LISTING_NUMBER
    return template.format(year=china_date(now).year, code=state.code)


def _submit_plan(state: HazardState, actor: Actor, body: ActionBody, now: datetime, _: Deadline | None) -> list[Step]:
    assert isinstance(body, SubmitPlanBody)
    plan = Plan(**body.model_dump(), at=now, by=actor)
    return [(actor, Action.SUBMIT_PLAN, {"status": S.PLAN_SUBMITTED, "plan": plan}, None)]


def _review_plan(state: HazardState, actor: Actor, body: ActionBody, now: datetime, _: Deadline | None) -> list[Step]:
    assert isinstance(body, ReviewPlanBody)
    review = PlanReview(decision=body.decision, comment=body.comment, at=now, by=actor)
    status = S.RECTIFYING if body.decision == PlanDecision.APPROVE else S.LISTED
    changes = {"status": status, "plan_reviews": (*state.plan_reviews, review)}
    return [(actor, Action.REVIEW_PLAN, changes, body.comment)]


def _report_progress(state: HazardState, actor: Actor, body: ActionBody, now: datetime, _: Deadline | None) -> list[Step]:
    assert isinstance(body, ReportProgressBody)
    progress = Progress(percent=body.percent, note=body.note, at=now, by=actor)
    comment = f"{body.percent}% {body.note}".strip()
    return [(actor, Action.REPORT_PROGRESS, {"progress": (*state.progress, progress)}, comment)]


def _submit_completion(state: HazardState, actor: Actor, body: ActionBody, now: datetime, _: Deadline | None) -> list[Step]:
    assert isinstance(body, SubmitCompletionBody)
    completion = Completion(summary=body.summary, evidence=body.evidence, at=now, by=actor)
    changes = {"status": S.ACCEPTANCE_REQUESTED, "completion": completion, "overdue": False}
    return [(actor, Action.SUBMIT_COMPLETION, changes, body.summary)]


def _verify(state: HazardState, actor: Actor, body: ActionBody, now: datetime, _: Deadline | None) -> list[Step]:
    assert isinstance(body, VerifyBody)
    new_deadline = end_of_day(body.new_deadline) if body.new_deadline else None
    verification = Verification(
        decision=body.decision,
        comment=body.comment,
        fake_rectification=body.fake_rectification,
        new_deadline=new_deadline,
        at=now,
        by=actor,
    )
    changes: dict[str, object] = {"verifications": (*state.verifications, verification)}
    if body.decision == VerifyDecision.PASS:
        changes["status"] = S.VERIFIED
    else:
        changes.update(
            status=S.RECTIFYING,
            deadline=new_deadline,
            deadline_set_at=now,
            deadline_provisional=False,
            overdue=False,
            failed_verifications=state.failed_verifications + 1,
        )
    return [(actor, Action.VERIFY, changes, body.comment)]


def _close(state: HazardState, actor: Actor, body: ActionBody, now: datetime, _: Deadline | None) -> list[Step]:
    assert isinstance(body, CloseBody)
    changes = {"status": S.CLOSED, "closed_at": now, "close_comment": body.comment}
    return [(actor, Action.CLOSE, changes, body.comment or None)]


def _void(state: HazardState, actor: Actor, body: ActionBody, now: datetime, _: Deadline | None) -> list[Step]:
    assert isinstance(body, VoidBody)
    return [(actor, Action.VOID, {"status": S.VOIDED, "void_reason": body.reason}, body.reason)]


def _request_extension(state: HazardState, actor: Actor, body: ActionBody, now: datetime, _: Deadline | None) -> list[Step]:
    assert isinstance(body, RequestExtensionBody)
    rectification = clocks.clock(state, ClockName.RECTIFICATION)
    late = bool(rectification and rectification.cutoff_at and now > rectification.cutoff_at)
    extension = Extension(
        requested_at=now, requested_by=actor, days=body.days, reason=body.reason, late=late, late_reason=body.late_reason
    )
    comment = f"申请延期 {body.days} 个工作日：{body.reason}"
    return [(actor, Action.REQUEST_EXTENSION, {"extensions": (*state.extensions, extension)}, comment)]


def _review_extension(
    state: HazardState, actor: Actor, body: ActionBody, now: datetime, new_deadline: Deadline | None
) -> list[Step]:
    assert isinstance(body, ReviewExtensionBody)
    index = clocks.pending_extension_index(state)
    assert index is not None
    pending = state.extensions[index]
    changes: dict[str, object] = {}
    if body.decision == "approve":
        assert new_deadline is not None, "the workflow computes the new deadline before applying"
        _check_total_period(state, new_deadline)
        decided = pending.model_copy(update={
            "status": ExtensionStatus.APPROVED, "approved_days": body.days, "deadline_before": state.deadline,
            "deadline_after": new_deadline.at,
        })
        changes.update(deadline=new_deadline.at, deadline_provisional=new_deadline.provisional, overdue=False)
        comment = f"批准延期 {body.days} 个工作日，新期限 {china_date(new_deadline.at - timedelta(seconds=1))}"
    else:
        decided = pending.model_copy(update={"status": ExtensionStatus.REJECTED})
        comment = f"不予延期：{body.comment}"
    decided = decided.model_copy(update={"decided_at": now, "decided_by": actor, "comment": body.comment})
    extensions = list(state.extensions)
    extensions[index] = decided
    changes["extensions"] = tuple(extensions)
    return [(actor, Action.REVIEW_EXTENSION, changes, comment)]


def _check_total_period(state: HazardState, new_deadline: Deadline) -> None:
    if state.listing is None:
        return
    limit = state.policy.extension.max_total_calendar_days
    if new_deadline.at > state.listing.at + timedelta(days=limit):
        raise refuse("period_too_long", "days", limit=limit)


def _pause(state: HazardState, actor: Actor, body: ActionBody, now: datetime, _: Deadline | None) -> list[Step]:
    assert isinstance(body, PauseBody)
    return [(actor, Action.PAUSE, {"pause": Pause(since=now, reason=body.reason, by=actor)}, body.reason)]


def _resume(state: HazardState, actor: Actor, body: ActionBody, now: datetime, new_deadline: Deadline | None) -> list[Step]:
    assert isinstance(body, ResumeBody) and state.pause is not None
    assert new_deadline is not None, "the workflow computes the shifted deadline before applying"
    paused = state.pause.model_copy(update={"until": now, "resumed_by": actor})
    changes: dict[str, object] = {"pause": None, "pauses": (*state.pauses, paused)}
    if state.deadline is not None:
        changes.update(deadline=new_deadline.at, deadline_provisional=new_deadline.provisional)
        if new_deadline.at > now:
            changes["overdue"] = False
    comment = f"恢复计时：{body.reason}；期限顺延至 {china_date(new_deadline.at - timedelta(seconds=1))}"
    return [(actor, Action.RESUME, changes, comment)]


def _interview(state: HazardState, actor: Actor, body: ActionBody, now: datetime, _: Deadline | None) -> list[Step]:
    assert isinstance(body, StartInterviewBody)
    started = (*state.interviews, escalation.interview_id(state))
    return [(actor, Action.INTERVIEW, {"interviews": started}, body.reason)]


def _publish(state: HazardState, actor: Actor, body: ActionBody, now: datetime, _: Deadline | None) -> list[Step]:
    """Publication (公示): the listing, or the close-out once closed; the workflow renders the notice."""
    assert isinstance(body, PublishBody)
    return [(actor, Action.PUBLISH, paperwork.published(state, now), body.comment or None)]


STEPS = {
    Action.ASSESS: _assess,
    Action.LIST: _list,
    Action.SUBMIT_PLAN: _submit_plan,
    Action.REVIEW_PLAN: _review_plan,
    Action.REPORT_PROGRESS: _report_progress,
    Action.SUBMIT_COMPLETION: _submit_completion,
    Action.VERIFY: _verify,
    Action.CLOSE: _close,
    Action.VOID: _void,
    Action.REQUEST_EXTENSION: _request_extension,
    Action.REVIEW_EXTENSION: _review_extension,
    Action.PAUSE: _pause,
    Action.RESUME: _resume,
    Action.INTERVIEW: _interview,
    Action.PUBLISH: _publish,  # official documents
}


