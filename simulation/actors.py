"""The simulated people: what each enterprise, inspector and supervisor does to a hazard or an interview today."""

from datetime import date, datetime, timedelta
from typing import Any

from models.actions import (
    AssessBody,
    CloseBody,
    Command,
    ListBody,
    ReportProgressBody,
    RequestExtensionBody,
    ReviewExtensionBody,
    ReviewPlanBody,
    SubmitCompletionBody,
    SubmitPlanBody,
    VerifyBody,
)
from models.base import china_date
from models.clock import ExtensionStatus
from models.enums import HazardLevel, Source
from models.hazard import HazardFacts, HazardState, workflow_id_for
from models.interview import InterviewState, InterviewStatus, RecordBody, ReplyBody, ScheduleBody
from simulation.model import CITY, COUNTIES, ENTERPRISES, INSPECTORS, PROVINCE, SUPERVISORS, Plan, S
from simulation.projection import LastStateProjection


def hazard_facts(plan: Plan, discovered: datetime) -> HazardFacts:
    county, uscc, name, principal, industry = COUNTIES[plan.county]
    return HazardFacts(
        title=f"模拟隐患 {plan.index}", description="模拟检查发现的事故隐患", enterprise_uscc=uscc, enterprise_name=name,
        enterprise_principal=principal, region_code=county.code, region_path=(PROVINCE, CITY, county), industry=industry,
        location="模拟工业园", source=Source.INSPECTION, discovered_at=discovered,
    )


def _plan_body(deadline: date) -> SubmitPlanBody:
    return SubmitPlanBody(objectives="消除隐患", measures="按方案整改", funds_cny=10000, responsible_person="负责人",
                          deadline=deadline, contingency_plan="应急预案")


Step = tuple[str, str, Any, str]  # (workflow id, update name, command, label)


def hazard_step(plan: Plan, state: HazardState, today: date) -> Step | None:
    """What a human does to the hazard today, if anything (one step a day)."""
    wid = workflow_id_for(plan.code)
    county = COUNTIES[plan.county][0]
    local_a, local_b = SUPERVISORS[county.code]
    authority = state.listing.authority_code if state.listing is not None else county.code
    auth_a, auth_b = SUPERVISORS[authority]
    enterprise = ENTERPRISES[state.facts.enterprise_uscc]
    waited = (today - china_date(state.status_since)).days
    status = state.status
    if status == S.REPORTED and waited >= plan.gov_delay:
        if plan.major:
            return wid, "assess", Command(actor=local_a, body=AssessBody(level=HazardLevel.MAJOR, basis="GB 30871-2022 5.1")), "assess"
        body = AssessBody(level=HazardLevel.GENERAL, rectification="deadline", deadline=today + timedelta(days=plan.period_days))
        return wid, "assess", Command(actor=INSPECTORS[county.code], body=body), "assess"
    if status == S.ASSESSED and waited >= plan.gov_delay:
        who = SUPERVISORS[CITY.code][0] if plan.city_listed else local_a
        level = "city" if plan.city_listed else "county"
        body_l = ListBody(authority_level=level, deadline=today + timedelta(days=plan.period_days))
        return wid, "list", Command(actor=who, body=body_l), "list"
    if status == S.LISTED and waited >= 3 and state.listing is not None and state.deadline is not None:
        return wid, "submit-plan", Command(actor=enterprise, body=_plan_body(china_date(state.deadline) - timedelta(days=1))), "submit-plan"
    if status == S.PLAN_SUBMITTED and waited >= plan.gov_delay:
        return wid, "review-plan", Command(actor=auth_a, body=ReviewPlanBody(decision="approve")), "review-plan"
    if status == S.RECTIFYING and state.deadline is not None:
        pending = next((e for e in state.extensions if e.status == ExtensionStatus.PENDING), None)
        if pending is not None:
            if (today - china_date(pending.requested_at)).days >= plan.gov_delay:
                body_x = ReviewExtensionBody(decision="approve", days=15, comment="同意")
                return wid, "review-extension", Command(actor=auth_a, body=body_x), "review-extension"
        elif plan.asks_extension and state.listing is not None and not state.extensions and waited >= 3:
            body_r = RequestExtensionBody(days=20, reason="设备到货延迟", late_reason="设备到货延迟")
            return wid, "request-extension", Command(actor=enterprise, body=body_r), "request-extension"
        if today >= china_date(state.deadline) + timedelta(days=plan.finish_offset):
            return wid, "submit-completion", Command(actor=enterprise, body=SubmitCompletionBody(summary="整改完毕")), "submit-completion"
        if plan.major and plan.finish_offset < 0:
            last = max([state.status_since, *(p.at for p in state.progress)])
            if (today - china_date(last)).days >= 25:
                body_p = ReportProgressBody(percent=min(90, 30 * (len(state.progress) + 1)), note="按计划推进")
                return wid, "report-progress", Command(actor=enterprise, body=body_p), "report-progress"
        return None
    if status == S.ACCEPTANCE_REQUESTED and waited >= plan.gov_delay:
        if plan.fails_verification and state.failed_verifications == 0:
            body_v = VerifyBody(decision="fail", comment="整改不到位", new_deadline=today + timedelta(days=20))
            return wid, "verify", Command(actor=local_a, body=body_v), "verify-fail"
        return wid, "verify", Command(actor=local_a, body=VerifyBody(decision="pass")), "verify"
    if status == S.VERIFIED and waited >= plan.gov_delay:
        return wid, "close", Command(actor=auth_b, body=CloseBody(comment="销号")), "close"
    return None


def interview_step(plan: Plan, interview: InterviewState, today: date, now: datetime) -> Step | None:
    start = interview.start
    conductor = SUPERVISORS.get(start.conducting_authority_code, SUPERVISORS[CITY.code])[0]
    wid = interview.workflow_id
    if interview.status == InterviewStatus.NOTICE:
        at = now + timedelta(days=2, hours=1)
        return wid, "schedule", Command(actor=conductor, body=ScheduleBody(at=at, place="应急管理局会议室")), "interview-schedule"
    if interview.status == InterviewStatus.SCHEDULED and interview.scheduled_at is not None and interview.scheduled_at <= now:
        if plan.no_show:
            return wid, "record", Command(actor=conductor, body=RecordBody(attended=False)), "interview-no-show"
        body = RecordBody(attended=True, minutes="约谈纪要", attendees=(start.interviewee,))
        return wid, "record", Command(actor=conductor, body=body), "interview-held"
    if interview.status == InterviewStatus.HELD:
        enterprise = ENTERPRISES[start.enterprise_uscc]
        return wid, "reply", Command(actor=enterprise, body=ReplyBody(text="已按要求整改")), "interview-reply"
    return None


def todays_hazard_steps(projection: LastStateProjection, by_code: dict[str, Plan], day: date) -> list[Step]:
    return [step for code, state in list(projection.hazards.items())
            if not state.status.terminal and (step := hazard_step(by_code[code], state, day)) is not None]


def todays_interview_steps(projection: LastStateProjection, by_code: dict[str, Plan], day: date, now: datetime) -> list[Step]:
    """Leaving out the interviews of hazards closed (today, perhaps): a closed hazard cancels its interviews."""
    return [
        step for i in list(projection.interviews.values())
        if i.status != InterviewStatus.CLOSED and not projection.hazards[i.start.hazard_code].status.terminal
        and (step := interview_step(by_code[i.start.hazard_code], i, day, now)) is not None
    ]
