"""SignOffWorkflow on the time-skipping server: a draft circular reminds the issuing authority before
its sign-by day, lapses to it and the authority above after it; anyone but a leader of the issuing authority is
refused before history; the leader's signature re-renders it naming the signer and ends the workflow."""

import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import timedelta

from temporalio import activity
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.calendar import CalendarActivities
from activities.documents import DocumentActivities
from core import official_documents
from domain import signoff
from models.actions import Command
from models.base import china_date
from models.documents import DocumentKind, DocumentStatus, OfficialDocument, RenderReceipt, SignDocument
from models.enums import Role
from models.signoff import SignOffStart, SignOffState, SignOffStep, signoff_workflow_id
from tests import factories as f
from tests.eventually import assert_eventually_async
from tests.workflow_helpers import refusal_of
from workflows.signoff import SignOffWorkflow

CITY_LEADER = f.actor("city.leader", Role.LEADER, f.CITY)
COUNTY_LEADER = f.actor("county.leader", Role.LEADER, f.COUNTY)


class StandIns:
    def __init__(self) -> None:
        self.steps: list[SignOffStep] = []

    @activity.defn(name="project_signoff")
    async def project_signoff(self, step: SignOffStep) -> bool:
        self.steps.append(step)
        return True


@asynccontextmanager
async def signoff_worker(client: Client, task_queue: str, stand_ins: StandIns) -> AsyncIterator[Worker]:
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with Worker(client, task_queue=task_queue, workflows=[SignOffWorkflow],
                          activities=[stand_ins.project_signoff, CalendarActivities(None).plan_clock,
                                      DocumentActivities(None).render_document],
                          activity_executor=executor) as worker:
            yield worker


def draft_start(env_now: object, record: str | None = None) -> SignOffStart:
    record = record or f"CR-371700-{uuid.uuid4().hex[:8]}"
    source = OfficialDocument(kind=DocumentKind.CIRCULAR, authority="菏泽市安全生产委员会办公室", authority_code="371700",
                              number=record, title="关于事故隐患整改情况的通报", addressee="各有关单位",
                              paragraphs=("一、逾期未整改的企业：某化工有限公司",), issued_on=china_date(env_now),  # type: ignore[arg-type]
                              subject_code=record)
    rendered = official_documents.render(source)
    receipt = RenderReceipt(sha256=rendered.sha256, html_sha256=rendered.html_sha256, pages=1, size=len(rendered.pdf))
    document = signoff.drafted(f"{record}-circular-1", source, receipt, env_now, needs_signature=True)  # type: ignore[arg-type]
    return SignOffStart(record_kind="circular", record_id=record, document=document, superior_code="370000",
                        sign_working_days=3, reminder_fractions=(0.5,), reminder_working_days_before=(1,))


async def test_a_draft_circular_reminds_lapses_upward_and_is_issued_by_the_leaders_signature(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    stand_ins = StandIns()
    async with signoff_worker(env.client, task_queue, stand_ins):
        start = draft_start(await env.get_current_time())
        handle = await env.client.start_workflow(SignOffWorkflow.run, start, id=signoff_workflow_id(start.document),
                                                 task_queue=task_queue)

        async def planned() -> SignOffState:
            state: SignOffState = await handle.query(SignOffWorkflow.state)
            assert state.clock is not None
            return state

        state = await assert_eventually_async(planned, what="the sign clock planned")
        assert state.clock is not None and state.clock.reminders and state.clock.due_at > start.document.drafted_at
        for actor, code in ((f.CITY_SUPERVISOR, "not_a_leader"), (COUNTY_LEADER, "not_issuing_authority")):
            refused = await refusal_of(handle, SignOffWorkflow.sign, Command(actor=actor, body=SignDocument(document_id=start.document.id)))
            assert refused.details[0]["code"] == code
        await env.sleep(state.clock.due_at - await env.get_current_time() + timedelta(minutes=1))
        reminders = [s for s in stand_ins.steps if s.action == "reminder"]
        (lapse,) = [s for s in stand_ins.steps if s.action == "deadline-missed"]
        assert reminders and all({n.target_code for n in r.notices} == {"371700"} for r in reminders)
        assert {n.target_code for n in lapse.notices} == {"371700", "370000"} and lapse.state.clock and lapse.state.clock.lapsed
        signed = await handle.execute_update(SignOffWorkflow.sign, Command(actor=CITY_LEADER, body=SignDocument(document_id=start.document.id)))
        assert signed.document.status == DocumentStatus.ISSUED and signed.document.sha256 != start.document.sha256
        assert signed.document.source.signer == CITY_LEADER.display_name and stand_ins.steps[-1].action == "sign"
        assert [s.seq for s in stand_ins.steps] == list(range(2, len(stand_ins.steps) + 2))
        result: SignOffState = await handle.result()
        assert result.signed and result.document.signature is not None
