"""HazardWorkflow on the time-skipping server: every transition, every refusal, and the deadline."""

from datetime import timedelta

import pytest
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from models.actions import (
    AssessBody,
    CloseBody,
    Command,
    ListBody,
    ReportProgressBody,
    ReviewPlanBody,
    SubmitCompletionBody,
    SubmitPlanBody,
    VerifyBody,
    VoidBody,
)
from models.enums import HazardLevel, HazardStatus, Rectification
from models.hazard import HazardState
from tests import factories as f
from tests.workflow_helpers import (
    finish_paperwork,
    now,
    refusal_code,
    running_hazard,
    update_events,
)
from workflows.hazard import HazardWorkflow

W = HazardWorkflow


def assess_major() -> Command[AssessBody]:
    return Command(
        actor=f.COUNTY_SUPERVISOR,
        body=AssessBody(level=HazardLevel.MAJOR, basis="GB 30871-2022 第5.1条", interim_measures="停用配电室"),
    )


def plan(deadline) -> SubmitPlanBody:  # type: ignore[no-untyped-def]
    return SubmitPlanBody(
        objectives="加装挡鼠板",
        measures="采购并安装不低于50cm的挡鼠板",
        funds_cny=2000,
        responsible_person="张三",
        deadline=deadline,
        contingency_plan="停用配电室并张贴警示",
    )


async def to_rectifying(env: WorkflowEnvironment, handle: WorkflowHandle) -> HazardState:
    today = await now(env)
    await handle.execute_update(W.assess, assess_major())
    await handle.execute_update(
        W.list_hazard,
        Command(
            actor=f.CITY_SUPERVISOR,
            body=ListBody(authority_level="city", deadline=f.days_after(today, 60), requirements="60日内整改"),
        ),
    )
    await handle.execute_update(W.submit_plan, Command(actor=f.ENTERPRISE_A, body=plan(f.days_after(today, 50))))
    return await handle.execute_update(
        W.review_plan, Command(actor=f.CITY_SUPERVISOR, body=ReviewPlanBody(decision="approve"))
    )


async def test_major_hazard_runs_from_report_through_a_failed_verification_to_close_out(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    async with running_hazard(env, task_queue) as (projection, handle):
        today = await now(env)
        state = await handle.execute_update(W.assess, assess_major())
        assert (state.status, state.level) == (HazardStatus.ASSESSED, HazardLevel.MAJOR)

        state = await handle.execute_update(
            W.list_hazard,
            Command(actor=f.CITY_SUPERVISOR, body=ListBody(authority_level="city", deadline=f.days_after(today, 60))),
        )
        assert state.status == HazardStatus.LISTED
        assert state.listing is not None and state.listing.authority_code == "371700"
        assert state.listing.notice_number.startswith("督字〔")

        await handle.execute_update(W.submit_plan, Command(actor=f.ENTERPRISE_A, body=plan(f.days_after(today, 50))))
        state = await handle.execute_update(
            W.review_plan,
            Command(actor=f.CITY_SUPERVISOR, body=ReviewPlanBody(decision="return", comment="资金不足")),
        )
        assert state.status == HazardStatus.LISTED
        await handle.execute_update(W.submit_plan, Command(actor=f.ENTERPRISE_A, body=plan(f.days_after(today, 40))))
        state = await handle.execute_update(
            W.review_plan, Command(actor=f.CITY_SUPERVISOR, body=ReviewPlanBody(decision="approve"))
        )
        assert state.status == HazardStatus.RECTIFYING

        await handle.execute_update(
            W.report_progress, Command(actor=f.ENTERPRISE_A, body=ReportProgressBody(percent=50, note="已采购"))
        )
        await handle.execute_update(
            W.submit_completion, Command(actor=f.ENTERPRISE_A, body=SubmitCompletionBody(summary="已安装"))
        )
        # The county verifies on site: it fails once, with a new deadline, back to rectifying.
        state = await handle.execute_update(
            W.verify,
            Command(
                actor=f.COUNTY_SUPERVISOR,
                body=VerifyBody(decision="fail", comment="高度不足", new_deadline=f.days_after(today, 20)),
            ),
        )
        assert state.status == HazardStatus.RECTIFYING and state.failed_verifications == 1
        assert state.deadline is not None
        await handle.execute_update(
            W.submit_completion, Command(actor=f.ENTERPRISE_A, body=SubmitCompletionBody(summary="已加高"))
        )
        state = await handle.execute_update(W.verify, Command(actor=f.COUNTY_SUPERVISOR, body=VerifyBody(decision="pass")))
        assert state.status == HazardStatus.VERIFIED
        # The city, the listing authority, closes out.
        await handle.execute_update(W.close, Command(actor=f.CITY_SUPERVISOR, body=CloseBody(comment="销号")))
        await finish_paperwork(handle, f.CITY_SUPERVISOR)  # the listing and close-out signed and published
        final = await handle.result()

    assert final.status == HazardStatus.CLOSED
    assert projection.actions(final.code) == [
        "report", "assess", "list", "submit-plan", "review-plan", "submit-plan", "review-plan",
        "report-progress", "submit-completion", "verify", "submit-completion", "verify", "close",
        "sign", "sign", "publish", "publish",
    ]
    seqs = [i.transition.seq for i in projection.items if i.state.code == final.code]
    assert seqs == list(range(1, 18))
    assert all(i.state.seq == i.transition.seq for i in projection.items)
    actors = {i.transition.action.value: i.transition.actor.username for i in projection.items}
    assert actors["close"] == "city.supervisor" and actors["submit-plan"] == "enterprise.a"


async def test_general_hazard_fixed_on_the_spot_goes_straight_to_acceptance(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    async with running_hazard(env, task_queue) as (projection, handle):
        state = await handle.execute_update(
            W.assess,
            Command(actor=f.INSPECTOR, body=AssessBody(level="general", rectification=Rectification.IMMEDIATE)),
        )
        assert state.status == HazardStatus.ACCEPTANCE_REQUESTED
        await handle.execute_update(W.verify, Command(actor=f.COUNTY_SUPERVISOR, body=VerifyBody(decision="pass")))
        await handle.execute_update(W.close, Command(actor=f.COUNTY_SUPERVISOR, body=CloseBody()))
        final = await handle.result()
    assert final.status == HazardStatus.CLOSED
    steps = [(i.transition.from_status, i.transition.to_status) for i in projection.items]
    assert steps[1:3] == [
        (HazardStatus.REPORTED, HazardStatus.ASSESSED),
        (HazardStatus.ASSESSED, HazardStatus.ACCEPTANCE_REQUESTED),
    ]


async def test_general_hazard_with_a_deadline_is_ordered_to_rectify_without_listing(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    async with running_hazard(env, task_queue) as (projection, handle):
        deadline = f.days_after(await now(env), 10)
        state = await handle.execute_update(
            W.assess,
            Command(
                actor=f.INSPECTOR,
                body=AssessBody(level="general", rectification=Rectification.DEADLINE, deadline=deadline),
            ),
        )
        assert state.status == HazardStatus.RECTIFYING and state.listing is None
        assert state.deadline is not None
        refused = await refusal_code(
            handle, W.list_hazard, Command(actor=f.COUNTY_SUPERVISOR, body=ListBody(authority_level="county", deadline=deadline))
        )
        assert refused[0] == "conflict"
        await handle.execute_update(
            W.submit_completion, Command(actor=f.ENTERPRISE_A, body=SubmitCompletionBody(summary="已整改"))
        )
        await handle.execute_update(W.verify, Command(actor=f.COUNTY_SUPERVISOR, body=VerifyBody(decision="pass")))
        await handle.execute_update(W.close, Command(actor=f.COUNTY_SUPERVISOR, body=CloseBody()))
        assert (await handle.result()).status == HazardStatus.CLOSED
    assert "order-rectification" in projection.actions(state.code)


async def test_void_ends_the_hazard_with_its_reason(env: WorkflowEnvironment, task_queue: str) -> None:
    async with running_hazard(env, task_queue) as (projection, handle):
        await handle.execute_update(W.void, Command(actor=f.COUNTY_SUPERVISOR, body=VoidBody(reason="重复登记")))
        final = await handle.result()
    assert final.status == HazardStatus.VOIDED and final.void_reason == "重复登记"
    assert projection.actions(final.code) == ["report", "void"]


async def test_rectification_deadline_passing_marks_the_hazard_overdue_without_changing_its_state(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    async with running_hazard(env, task_queue) as (projection, handle):
        state = await to_rectifying(env, handle)
        assert not state.overdue
        await env.sleep(timedelta(days=61))
        state = await handle.query(W.state)
        assert state.overdue and state.status == HazardStatus.RECTIFYING
        passed = [i for i in projection.items if i.transition.action.value == "deadline-passed"]
        assert len(passed) == 1 and passed[0].transition.actor.role == "system"
        assert passed[0].transition.at >= state.deadline  # type: ignore[operator]
        # Applying for acceptance clears the flag; nothing more fires.
        state = await handle.execute_update(
            W.submit_completion, Command(actor=f.ENTERPRISE_A, body=SubmitCompletionBody(summary="迟交"))
        )
        assert not state.overdue
        await env.sleep(timedelta(days=30))
        assert projection.actions(state.code).count("deadline-passed") == 1


REFUSALS = [
    # (name, update, actor, body, expected type, expected code)
    ("enterprise cannot assess", W.assess, f.ENTERPRISE_A, assess_major().body, "forbidden", "role_not_allowed"),
    ("other county cannot assess", W.assess, f.COUNTY2_SUPERVISOR, assess_major().body, "forbidden", "outside_jurisdiction"),
    ("auditor cannot assess", W.assess, f.AUDITOR, assess_major().body, "forbidden", "role_not_allowed"),
    ("cannot list before assessment", W.list_hazard, f.CITY_SUPERVISOR, None, "conflict", "wrong_state"),
    ("cannot verify a reported hazard", W.verify, f.COUNTY_SUPERVISOR, VerifyBody(decision="pass"), "conflict", "wrong_state"),
    ("cannot close a reported hazard", W.close, f.COUNTY_SUPERVISOR, CloseBody(), "conflict", "wrong_state"),
    ("enterprise cannot void", W.void, f.ENTERPRISE_A, VoidBody(reason="x"), "forbidden", "role_not_allowed"),
    ("no plan before listing", W.submit_plan, f.ENTERPRISE_A, "plan", "conflict", "wrong_state"),
    ("no plan review before a plan", W.review_plan, f.CITY_SUPERVISOR, ReviewPlanBody(decision="approve"), "conflict", "wrong_state"),
    ("no progress before rectifying", W.report_progress, f.ENTERPRISE_A, ReportProgressBody(percent=10), "conflict", "wrong_state"),
    ("no completion before rectifying", W.submit_completion, f.ENTERPRISE_A, SubmitCompletionBody(summary="x"), "conflict", "wrong_state"),
    ("inspector cannot list", W.list_hazard, f.INSPECTOR, None, "forbidden", "role_not_allowed"),
    ("inspector cannot close", W.close, f.INSPECTOR, CloseBody(), "forbidden", "role_not_allowed"),
    ("other county cannot void", W.void, f.COUNTY2_SUPERVISOR, VoidBody(reason="x"), "forbidden", "outside_jurisdiction"),
]


@pytest.mark.parametrize("name,update,who,body,kind,code", REFUSALS, ids=[r[0] for r in REFUSALS])
async def test_refused_update_names_its_reason_and_leaves_no_trace_in_history(
    env: WorkflowEnvironment, task_queue: str, name, update, who, body, kind, code  # type: ignore[no-untyped-def]
) -> None:
    async with running_hazard(env, task_queue) as (projection, handle):
        if body is None:
            body = ListBody(authority_level="city", deadline=f.days_after(await now(env), 30))
        elif body == "plan":
            body = plan(f.days_after(await now(env), 30))
        assert await refusal_code(handle, update, Command(actor=who, body=body)) == (kind, code)
        state = await handle.query(W.state)
        assert state.status == HazardStatus.REPORTED and state.seq == 1
        assert await update_events(handle) == 0
        await handle.terminate("test over")


async def test_listing_and_close_belong_to_the_listing_authority(env: WorkflowEnvironment, task_queue: str) -> None:
    async with running_hazard(env, task_queue) as (projection, handle):
        today = await now(env)
        await handle.execute_update(W.assess, assess_major())

        async def refused(update: object, who: object, body: object) -> tuple[str, str]:
            return await refusal_code(handle, update, Command(actor=who, body=body))

        # A county supervisor cannot list at city level, and a city supervisor cannot list at county level.
        for who, level in ((f.COUNTY_SUPERVISOR, "city"), (f.CITY_SUPERVISOR, "county")):
            listing = ListBody(authority_level=level, deadline=f.days_after(today, 30))
            assert (await refused(W.list_hazard, who, listing))[1] == "not_listing_authority"
        listing = ListBody(authority_level="city", deadline=f.days_after(today, -1))
        assert await refused(W.list_hazard, f.CITY_SUPERVISOR, listing) == ("invalid", "date_in_past")
        await handle.execute_update(
            W.list_hazard, Command(actor=f.CITY_SUPERVISOR, body=ListBody(authority_level="city", deadline=f.days_after(today, 60)))
        )
        # The county cannot review the city's listing.
        assert (await refused(W.submit_plan, f.ENTERPRISE_B, plan(f.days_after(today, 30))))[1] == "not_your_enterprise"
        assert (await refused(W.submit_plan, f.ENTERPRISE_A, plan(f.days_after(today, 90))))[1] == "plan_after_deadline"
        await handle.execute_update(W.submit_plan, Command(actor=f.ENTERPRISE_A, body=plan(f.days_after(today, 30))))
        approve = ReviewPlanBody(decision="approve")
        assert (await refused(W.review_plan, f.COUNTY_SUPERVISOR, approve))[1] == "not_listing_authority"
        await handle.execute_update(W.review_plan, Command(actor=f.CITY_SUPERVISOR, body=approve))
        await handle.execute_update(W.submit_completion, Command(actor=f.ENTERPRISE_A, body=SubmitCompletionBody(summary="done")))
        # The province sits above the listing authority: it does not verify. The enterprise never does.
        passed = VerifyBody(decision="pass")
        assert (await refused(W.verify, f.PROVINCE_SUPERVISOR, passed))[1] == "above_listing_authority"
        assert (await refused(W.verify, f.ENTERPRISE_A, passed))[0] == "forbidden"
        await handle.execute_update(W.verify, Command(actor=f.COUNTY_SUPERVISOR, body=passed))
        assert (await refused(W.close, f.COUNTY_SUPERVISOR, CloseBody()))[1] == "not_listing_authority"
        await handle.execute_update(W.close, Command(actor=f.CITY_SUPERVISOR, body=CloseBody()))
        await finish_paperwork(handle, f.CITY_SUPERVISOR)
        assert (await handle.result()).status == HazardStatus.CLOSED


async def test_a_second_assessment_is_refused_once_the_hazard_is_assessed(env: WorkflowEnvironment, task_queue: str) -> None:
    async with running_hazard(env, task_queue) as (projection, handle):
        await handle.execute_update(W.assess, assess_major())
        assert await refusal_code(handle, W.assess, assess_major()) == ("conflict", "wrong_state")
        await handle.execute_update(W.void, Command(actor=f.CITY_SUPERVISOR, body=VoidBody(reason="误报")))
        assert (await handle.result()).status == HazardStatus.VOIDED


async def test_the_verifier_of_a_major_hazard_may_not_also_close_it(env: WorkflowEnvironment, task_queue: str) -> None:
    async with running_hazard(env, task_queue) as (projection, handle):
        await to_rectifying(env, handle)  # listed by the city
        await handle.execute_update(W.submit_completion, Command(actor=f.ENTERPRISE_A, body=SubmitCompletionBody(summary="完成")))
        await handle.execute_update(W.verify, Command(actor=f.CITY_SUPERVISOR, body=VerifyBody(decision="pass")))
        assert await refusal_code(handle, W.close, Command(actor=f.CITY_SUPERVISOR, body=CloseBody())) == ("forbidden", "four_eyes")
        colleague = f.CITY_SUPERVISOR.model_copy(update={"user_id": "u-city.supervisor2", "username": "city.supervisor2"})
        await handle.execute_update(W.close, Command(actor=colleague, body=CloseBody()))
        await finish_paperwork(handle, colleague)
        assert (await handle.result()).status == HazardStatus.CLOSED
