"""Sign-off and publication on the time-skipping server: the listing notice waits as a draft on a
leader of the listing authority, reminding them; a missed publication escalates; the close-out keeps the
workflow open until it is signed and published."""

from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from models.actions import CloseBody, Command, SubmitCompletionBody, VerifyBody
from models.documents import DocumentKind, DocumentStatus, PublishBody, SignDocument
from models.enums import Action, HazardStatus, Role
from models.hazard import HazardState
from tests import factories as f
from tests.test_hazard_workflow import to_rectifying
from tests.workflow_helpers import refusal_code, running_hazard
from workflows.hazard import HazardWorkflow

W = HazardWorkflow
CITY_LEADER = f.actor("city.leader", Role.LEADER, f.CITY)
COUNTY_LEADER = f.actor("county.leader", Role.LEADER, f.COUNTY)


def document(state: HazardState, kind: DocumentKind):  # type: ignore[no-untyped-def]
    return [d for d in state.documents if d.kind == kind][-1]


def sign(document_id: str, actor=CITY_LEADER) -> Command[SignDocument]:  # type: ignore[no-untyped-def]
    return Command(actor=actor, body=SignDocument(document_id=document_id))


async def test_the_listing_notice_waits_on_the_leader_and_is_issued_signed(env: WorkflowEnvironment, task_queue: str) -> None:
    async with running_hazard(env, task_queue) as (projection, handle):
        state = await to_rectifying(env, handle)
        notice = document(state, DocumentKind.LISTING_NOTICE)
        assert (notice.status, notice.needs_signature, notice.authority_code) == (DocumentStatus.DRAFT, True, "371700")
        assert notice.source.number == state.listing.notice_number
        # Nobody but a leader of the listing authority signs; publication waits for the signature.
        for actor, code in ((f.CITY_SUPERVISOR, "not_a_leader"), (COUNTY_LEADER, "not_issuing_authority")):
            assert await refusal_code(handle, W.sign, sign(notice.id, actor)) == ("forbidden", code)
        refused = await refusal_code(handle, W.publish, Command(actor=f.CITY_SUPERVISOR, body=PublishBody()))
        assert refused[1] == "document_not_signed"

        # Unsigned for days: the leader's authority is reminded, then the superior told it is overdue.
        await env.sleep(timedelta(days=6))
        reminders = [i for i in projection.items if i.transition.reason == "reminder:sign"]
        assert reminders and reminders[0].notices[0].target_code == "371700"
        missed = [i for i in projection.items if i.transition.reason == "sign_deadline"]
        assert missed and {n.target_code for n in missed[0].notices} == {"371700", "370000"}

        state = await handle.execute_update(W.sign, sign(notice.id))
        signed = document(state, DocumentKind.LISTING_NOTICE)
        assert signed.status == DocumentStatus.ISSUED and signed.signature.name == CITY_LEADER.display_name
        assert signed.sha256 != notice.sha256 and signed.source.signer == CITY_LEADER.display_name
        assert await refusal_code(handle, W.sign, sign(notice.id)) == ("conflict", "already_signed")
        audit = [i for i in projection.items if i.transition.action == Action.SIGN]
        assert audit[0].document.sha256 == signed.sha256 and audit[0].transition.actor.user_id == CITY_LEADER.user_id


async def test_a_missed_publication_escalates_to_the_superior(env: WorkflowEnvironment, task_queue: str) -> None:
    async with running_hazard(env, task_queue) as (projection, handle):
        state = await to_rectifying(env, handle)
        await handle.execute_update(W.sign, sign(document(state, DocumentKind.LISTING_NOTICE).id))
        await env.sleep(timedelta(days=9))  # timers.publish = 5 working days from the listing
        missed = [i for i in projection.items if i.transition.reason == "publish_deadline"]
        assert missed, [i.transition.reason for i in projection.items]
        assert {(n.target_code, n.kind) for n in missed[0].notices} == {("371700", "overdue"), ("370000", "overdue")}
        state = await handle.execute_update(W.publish, Command(actor=f.CITY_SUPERVISOR, body=PublishBody()))
        assert state.listing_published_at is not None
        assert document(state, DocumentKind.LISTING_ANNOUNCEMENT).status == DocumentStatus.ISSUED
        refused = await refusal_code(handle, W.publish, Command(actor=f.CITY_SUPERVISOR, body=PublishBody()))
        assert refused[1] == "nothing_to_publish"


async def test_a_closed_hazard_runs_until_its_close_out_is_signed_and_published(env: WorkflowEnvironment, task_queue: str) -> None:
    async with running_hazard(env, task_queue) as (projection, handle):
        state = await to_rectifying(env, handle)
        await handle.execute_update(W.sign, sign(document(state, DocumentKind.LISTING_NOTICE).id))
        await handle.execute_update(W.publish, Command(actor=f.CITY_SUPERVISOR, body=PublishBody()))
        await handle.execute_update(W.submit_completion, Command(actor=f.ENTERPRISE_A, body=SubmitCompletionBody(summary="完成")))
        state = await handle.execute_update(W.verify, Command(actor=f.COUNTY_SUPERVISOR, body=VerifyBody(decision="pass")))
        assert document(state, DocumentKind.VERIFICATION_OPINION).status == DocumentStatus.ISSUED
        state = await handle.execute_update(W.close, Command(actor=f.CITY_SUPERVISOR, body=CloseBody(comment="销号")))
        assert state.status == HazardStatus.CLOSED
        closeout = document(state, DocumentKind.CLOSEOUT_NOTICE)
        assert closeout.status == DocumentStatus.DRAFT
        await handle.execute_update(W.sign, sign(closeout.id))
        state = await handle.execute_update(W.publish, Command(actor=f.CITY_SUPERVISOR, body=PublishBody()))
        assert state.closeout_published_at is not None
        final = await handle.result()
    assert final.status == HazardStatus.CLOSED
    kinds = [d.kind.value for d in final.documents]
    assert kinds == ["listing_notice", "listing_announcement", "verification_opinion", "closeout_notice", "closeout_announcement"]
    assert all(d.status == DocumentStatus.ISSUED for d in final.documents)
