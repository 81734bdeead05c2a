"""CampaignWorkflow (专项整治) on the time-skipping server: phases start and end on their instants (across a year
boundary), the closing account, a cancelled campaign, an amended phase, the annual summary and the refusals."""

import hashlib
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta

from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.calendar import CalendarActivities
from activities.documents import DocumentActivities
from models.actions import Command
from models.base import CHINA_TZ, china_date, end_of_day
from models.campaign import (
    AddMeasureBody,
    AmendPhaseBody,
    CampaignAction,
    CampaignProjection,
    CampaignReceipt,
    CampaignStart,
    CampaignState,
    CampaignStatus,
    CancelBody,
    FiguresRequest,
    PhaseIn,
    PhaseKind,
    RegionFigures,
    TaggedHazard,
    campaign_workflow_id,
)
from services.campaign_views import campaign_documents
from tests import factories as f
from tests.workflow_helpers import refusal_of
from workflows.campaign import CampaignWorkflow

W = CampaignWorkflow
K = PhaseKind
A = CampaignAction


class StandIns:
    """The campaign's activities: a recording projection, and the read model's answers set by the test."""

    def __init__(self, hazards: tuple[TaggedHazard, ...] = ()) -> None:
        self.items: list[CampaignProjection] = []
        self.hazards = hazards
        self.figure_requests: list[FiguresRequest] = []

    @activity.defn(name="project_campaign")
    async def project_campaign(self, item: CampaignProjection) -> CampaignReceipt:
        self.items.append(item)
        return CampaignReceipt.of(item, True)

    @activity.defn(name="campaign_hazards")
    async def campaign_hazards(self, request: FiguresRequest) -> list[TaggedHazard]:
        return list(self.hazards)

    @activity.defn(name="campaign_figures")
    async def campaign_figures(self, request: FiguresRequest) -> list[RegionFigures]:
        self.figure_requests.append(request)
        return [RegionFigures(code="371702", name="牡丹区", found=2, rectified=1), RegionFigures(code="", name="合计", found=2, rectified=1)]

    def of(self, action: CampaignAction) -> list[CampaignProjection]:
        return [i for i in self.items if i.action == action]


@asynccontextmanager
async def campaign_worker(client: Client, task_queue: str, stand_ins: StandIns) -> AsyncIterator[Worker]:
    calendar = CalendarActivities(None)
    with ThreadPoolExecutor(max_workers=4) as executor:
        worker = Worker(
            client, task_queue=task_queue, workflows=[CampaignWorkflow],
            activities=[stand_ins.project_campaign, stand_ins.campaign_hazards, stand_ins.campaign_figures,
                        calendar.plan_clock, DocumentActivities(None).render_document],  # its PDFs
            activity_executor=executor,
        )
        async with worker:
            yield worker


def campaign_start(phases: tuple[PhaseIn, ...]) -> CampaignStart:
    return CampaignStart(
        campaign_id=f"CP-371702-{uuid.uuid4().hex[:8]}", title="危险化学品安全专项整治", document_number="菏安办〔2026〕3号",
        region_code="371702", region_path=(f.PROVINCE, f.CITY, f.COUNTY), covered=("371702",),
        industries=("危险化学品",), phases=phases, authority_code="371702", authority_name="牡丹区安委会",
        launched_by=f.COUNTY_SUPERVISOR,
    )


async def launch(env: WorkflowEnvironment, task_queue: str, phases: tuple[PhaseIn, ...]) -> WorkflowHandle:
    start = campaign_start(phases)
    return await env.client.start_workflow(W.run, start, id=campaign_workflow_id(start.campaign_id), task_queue=task_queue)


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=CHINA_TZ)


async def today(env: WorkflowEnvironment) -> date:
    return china_date(await env.get_current_time())


async def test_phases_start_and_end_on_their_instants_across_a_year_boundary(env: WorkflowEnvironment, task_queue: str) -> None:
    t = await today(env)
    new_year = date(t.year + 1, 1, 1)
    phases = (
        PhaseIn(kind=K.MOBILIZE, starts_on=t + timedelta(days=1), ends_on=new_year - timedelta(days=2)),
        PhaseIn(kind=K.RECTIFY, starts_on=new_year - timedelta(days=1), ends_on=new_year + timedelta(days=3)),
        PhaseIn(kind=K.EVALUATE, starts_on=new_year + timedelta(days=5), ends_on=new_year + timedelta(days=6)),
    )
    stand_ins = StandIns()
    async with campaign_worker(env.client, task_queue, stand_ins):
        handle = await launch(env, task_queue, phases)
        final: CampaignState = await handle.result()
    starts = {i.state.current_phase: i.at for i in stand_ins.of(A.PHASE_START)}
    ends = [(i.comment, i.at) for i in stand_ins.of(A.PHASE_END)]
    for phase in phases:
        assert abs(starts[phase.kind] - midnight(phase.starts_on)) < timedelta(seconds=1), phase.kind
    assert [abs(at - end_of_day(p.ends_on)) < timedelta(seconds=1) for (_, at), p in zip(ends, phases, strict=True)] == [True] * 3
    rectify_start = starts[K.RECTIFY]
    assert china_date(rectify_start).year == t.year and china_date(stand_ins.of(A.PHASE_END)[1].at - timedelta(seconds=1)).year == t.year + 1
    assert final.status == CampaignStatus.CLOSED and final.current_phase is None
    statuses = [i.state.status for i in stand_ins.items]
    assert statuses[0] == CampaignStatus.PLANNED and CampaignStatus.ACTIVE in statuses
    # a campaign across two calendar years summarises the first on its 31 December, before the year turns
    annual = stand_ins.of(A.ANNUAL_SUMMARY)
    assert [s.year for s in final.summaries if s.kind == "annual_summary"] == [t.year]
    assert abs(annual[0].at - end_of_day(date(t.year, 12, 31))) < timedelta(seconds=1)
    assert annual[0].document is not None and f"{t.year}年" in annual[0].document.title
    assert len(stand_ins.of(A.SUMMARY)) == 1 and [i.seq for i in stand_ins.items] == list(range(1, len(stand_ins.items) + 1))
    assert stand_ins.of(A.REMINDER), "the launching authority is reminded before a phase ends"


async def test_the_account_classifies_closed_carried_over_and_overdue_hazards(env: WorkflowEnvironment, task_queue: str) -> None:
    t = await today(env)
    rectify_end = end_of_day(t + timedelta(days=10))
    hazards = (
        TaggedHazard(code="HZ-1", status="closed", deadline=rectify_end - timedelta(days=5)),
        TaggedHazard(code="HZ-2", status="verified", deadline=rectify_end + timedelta(days=5)),
        TaggedHazard(code="HZ-3", status="rectifying", deadline=rectify_end - timedelta(days=1)),
        TaggedHazard(code="HZ-4", status="rectifying", deadline=rectify_end + timedelta(days=20)),
        TaggedHazard(code="HZ-5", status="reported", deadline=None),
        TaggedHazard(code="HZ-6", status="voided", deadline=None),
        TaggedHazard(code="HZ-7", status="acceptance_requested", deadline=rectify_end - timedelta(days=3)),
    )
    stand_ins = StandIns(hazards)
    phases = (PhaseIn(kind=K.RECTIFY, starts_on=t + timedelta(days=1), ends_on=t + timedelta(days=10)),)
    async with campaign_worker(env.client, task_queue, stand_ins):
        handle = await launch(env, task_queue, phases)
        final: CampaignState = await handle.result()
    account = final.account
    assert account is not None
    assert account.closed == ("HZ-1", "HZ-2")
    assert account.overdue == ("HZ-3", "HZ-7")
    assert account.carried_over == ("HZ-4", "HZ-5")
    assert abs(account.generated_at - rectify_end) < timedelta(seconds=1)
    [written] = stand_ins.of(A.ACCOUNT)
    assert written.document is not None and written.document.sha256 == account.document_hash
    assert "HZ-3" in written.document.content and "HZ-6" not in written.document.content
    # an official document rendered to PDF: the hash is the PDF's, not the text's
    assert written.document.sha256 != hashlib.sha256(written.document.content.encode()).hexdigest()
    assert {n.target_code for n in written.notices} == {"371702"}
    (document,) = campaign_documents(final)  # the campaign's answer lists it
    assert (document.kind, document.sha256, document.status) == ("campaign_account", account.document_hash, "issued")
    assert document.id == f"{final.campaign_id}-campaign_account-1" and document.issued_at == account.generated_at


async def test_a_cancelled_campaign_writes_no_account(env: WorkflowEnvironment, task_queue: str) -> None:
    t = await today(env)
    stand_ins = StandIns((TaggedHazard(code="HZ-1", status="closed"),))
    phases = (
        PhaseIn(kind=K.INVESTIGATE, starts_on=t, ends_on=t + timedelta(days=3)),
        PhaseIn(kind=K.RECTIFY, starts_on=t + timedelta(days=4), ends_on=t + timedelta(days=9)),
    )
    async with campaign_worker(env.client, task_queue, stand_ins):
        handle = await launch(env, task_queue, phases)
        state = await handle.execute_update(W.launched)
        assert state.status == CampaignStatus.ACTIVE and state.current_phase == K.INVESTIGATE
        await handle.execute_update(W.cancel, Command(actor=f.COUNTY_SUPERVISOR, body=CancelBody(reason="上级统一部署，本专项并入全市行动")))
        final: CampaignState = await handle.result()
        refused = await _refused_after_end(handle)
    assert final.status == CampaignStatus.CANCELLED and final.account is None
    assert not stand_ins.of(A.ACCOUNT) and not stand_ins.of(A.SUMMARY) and not stand_ins.of(A.PHASE_END)
    assert stand_ins.items[-1].action == A.CANCEL and final.cancel_reason
    assert refused


async def _refused_after_end(handle: WorkflowHandle) -> bool:
    try:
        await handle.execute_update(W.cancel, Command(actor=f.COUNTY_SUPERVISOR, body=CancelBody(reason="再次撤销")))
    except Exception:  # noqa: BLE001 - the workflow has completed: no update reaches it
        return True
    return False


async def test_an_amended_phase_moves_its_timer(env: WorkflowEnvironment, task_queue: str) -> None:
    t = await today(env)
    stand_ins = StandIns((TaggedHazard(code="HZ-1", status="rectifying", deadline=end_of_day(t + timedelta(days=12))),))
    phases = (PhaseIn(kind=K.RECTIFY, starts_on=t + timedelta(days=2), ends_on=t + timedelta(days=10)),)
    async with campaign_worker(env.client, task_queue, stand_ins):
        handle = await launch(env, task_queue, phases)
        await handle.execute_update(W.launched)
        body = AmendPhaseBody(kind=K.RECTIFY, starts_on=t + timedelta(days=3), ends_on=t + timedelta(days=15), reason="汛期推迟")
        amended = await handle.execute_update(W.amend_phase, Command(actor=f.COUNTY_SUPERVISOR, body=body))
        assert amended.phases[0].ends_on == t + timedelta(days=15)
        final: CampaignState = await handle.result()
    [start] = stand_ins.of(A.PHASE_START)
    [end] = stand_ins.of(A.PHASE_END)
    assert abs(start.at - midnight(t + timedelta(days=3))) < timedelta(seconds=1)
    assert abs(end.at - end_of_day(t + timedelta(days=15))) < timedelta(seconds=1)
    assert final.account is not None and final.account.overdue == ("HZ-1",)  # its deadline passed before the new end
    [amend] = stand_ins.of(A.AMEND_PHASE)
    assert amend.actor == f.COUNTY_SUPERVISOR and "汛期推迟" in (amend.comment or "")


async def test_the_rules_refuse_the_wrong_authority_an_ended_phase_and_a_past_due_date(env: WorkflowEnvironment, task_queue: str) -> None:
    t = await today(env)
    stand_ins = StandIns()
    phases = (
        PhaseIn(kind=K.MOBILIZE, starts_on=t, ends_on=t),
        PhaseIn(kind=K.RECTIFY, starts_on=t + timedelta(days=2), ends_on=t + timedelta(days=30)),
    )
    async with campaign_worker(env.client, task_queue, stand_ins):
        handle = await launch(env, task_queue, phases)
        await handle.execute_update(W.launched)
        other = await refusal_of(handle, W.cancel, Command(actor=f.CITY_SUPERVISOR, body=CancelBody(reason="x")))
        assert other.type == "forbidden" and other.details[0]["code"] == "not_launching_authority"
        inspector = await refusal_of(handle, W.cancel, Command(actor=f.INSPECTOR, body=CancelBody(reason="x")))
        assert inspector.details[0]["code"] == "role_not_allowed"
        missing = AmendPhaseBody(kind=K.EVALUATE, starts_on=t + timedelta(days=40), ends_on=t + timedelta(days=41), reason="x")
        assert (await refusal_of(handle, W.amend_phase, Command(actor=f.COUNTY_SUPERVISOR, body=missing))).details[0]["code"] == "phase_not_in_campaign"
        overlap = AmendPhaseBody(kind=K.RECTIFY, starts_on=t, ends_on=t + timedelta(days=30), reason="x")
        refused = await refusal_of(handle, W.amend_phase, Command(actor=f.COUNTY_SUPERVISOR, body=overlap))
        assert refused.details[0]["code"] in {"phases_overlap", "date_in_past"}
        late = AddMeasureBody(title="建立隐患排查治理制度", responsible_unit="区应急局", due_on=t - timedelta(days=1))
        refused = await refusal_of(handle, W.add_measure, Command(actor=f.COUNTY_SUPERVISOR, body=late))
        assert refused.details[0]["code"] == "date_in_past" and refused.details[0]["field"] == "due_on"
        measure = AddMeasureBody(title="建立隐患排查治理制度", responsible_unit="区应急局", due_on=t + timedelta(days=20))
        added = await handle.execute_update(W.add_measure, Command(actor=f.COUNTY_SUPERVISOR, body=measure))
        assert added.measures[0].id == 1
        await env.sleep(timedelta(days=2))  # the mobilize phase ends
        ended = AmendPhaseBody(kind=K.MOBILIZE, starts_on=t, ends_on=t + timedelta(days=1), reason="x")
        refused = await refusal_of(handle, W.amend_phase, Command(actor=f.COUNTY_SUPERVISOR, body=ended))
        assert refused.type == "conflict" and refused.details[0]["code"] == "phase_ended"
        state = await handle.query(W.state)
        assert state.measures[0].reminders, "reminders before the measure's due date are planned"
        await handle.terminate("test over")


async def test_the_launching_authority_is_reminded_before_a_measure_is_due_and_before_a_phase_ends(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    t = await today(env)
    stand_ins = StandIns()
    phases = (PhaseIn(kind=K.RECTIFY, starts_on=t, ends_on=t + timedelta(days=40)),)
    async with campaign_worker(env.client, task_queue, stand_ins):
        handle = await launch(env, task_queue, phases)
        await handle.execute_update(W.launched)
        due = t + timedelta(days=20)
        body = AddMeasureBody(title="修订危险化学品安全管理制度", responsible_unit="区应急管理局", due_on=due)
        await handle.execute_update(W.add_measure, Command(actor=f.COUNTY_SUPERVISOR, body=body))
        await env.sleep(timedelta(days=21))
        measure_reminders = stand_ins.of(A.MEASURE_REMINDER)
        state = await handle.query(W.state)
        await env.sleep(timedelta(days=20))
        phase_reminders = stand_ins.of(A.REMINDER)
        await handle.terminate("test over")
    planned = state.measures[0].reminders
    assert len(measure_reminders) == len(planned) == 2  # [campaign] measure_reminder_working_days_before = (3, 1)
    assert all(abs(r.at - at) < timedelta(seconds=1) for r, at in zip(measure_reminders, planned, strict=True))
    assert all(r.at < end_of_day(due) for r in measure_reminders)
    assert {n.target_code for r in measure_reminders for n in r.notices} == {"371702"}
    assert "修订危险化学品安全管理制度" in measure_reminders[0].notices[0].title
    assert len(phase_reminders) == 2 and all(r.at < end_of_day(t + timedelta(days=40)) for r in phase_reminders)
