"""Campaigns (专项整治) as both doors see them: launching one, the visible list, one campaign with its live figures,
running a step's Update, the closing account, and the check that tags a reported hazard with a campaign.

`api/routes/campaigns.py` and the web UI's campaign pages call these; the campaign's workflow owns the Updates and
its validators check the rules again. The import and the ledger are in `services/campaign_ledger.py`.
"""

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

from anyio import from_thread
from sqlmodel import Session, col, select
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateStage,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from core.policies import PolicyRegistry
from core.settings import Settings
from domain import campaigns as rules
from domain.refusals import Refusal, refuse
from models.actions import Command
from models.base import Frozen, china_date
from models.campaign import (
    AddMeasureBody,
    AmendPhaseBody,
    CampaignAction,
    CampaignCreate,
    CampaignRules,
    CampaignStart,
    CampaignState,
    CampaignStatus,
    CancelBody,
    CompleteMeasureBody,
    campaign_workflow_id,
)
from models.enums import Role
from models.tables import CampaignRow, Jurisdiction
from services import presenters
from services.campaign_views import (
    AccountOut,
    CampaignFigures,
    CampaignOut,
    CampaignPage,
    CampaignSummary,
    PhaseOut,
    campaign_documents,
)
from services.errors import from_refusal, outside, refused, role_refused
from services.gateway import ADMIT_TIMEOUT, refusal_from, run_step
from services.principal import Principal
from store import campaigns, metrics, reference
from workflows.campaign import CampaignWorkflow

PROJECTION_WAIT_SECONDS = 15.0
MAX_NUMBER_ATTEMPTS = 50
ACTION_BODIES: dict[CampaignAction, type[Frozen]] = {
    CampaignAction.AMEND_PHASE: AmendPhaseBody,
    CampaignAction.ADD_MEASURE: AddMeasureBody,
    CampaignAction.COMPLETE_MEASURE: CompleteMeasureBody,
    CampaignAction.CANCEL: CancelBody,
}
UPDATES: dict[CampaignAction, Any] = {
    CampaignAction.AMEND_PHASE: CampaignWorkflow.amend_phase,
    CampaignAction.ADD_MEASURE: CampaignWorkflow.add_measure,
    CampaignAction.COMPLETE_MEASURE: CampaignWorkflow.complete_measure,
    CampaignAction.CANCEL: CampaignWorkflow.cancel,
}


# --- reading ----------------------------------------------------------------------------------------------


def visible_campaigns(session: Session, principal: Principal, status: CampaignStatus | None = None) -> CampaignPage:
    rows = campaigns.list_rows(session=session, scope=principal.scope, status=status.value if status else None)
    return CampaignPage(items=[summary(campaigns.state_of(r)) for r in rows], total=len(rows))


def visible_row(session: Session, campaign_id: str, principal: Principal) -> CampaignRow:
    row = campaigns.get_row(session=session, campaign_id=campaign_id)
    in_scope = row is not None and campaigns.in_scope(row, principal.scope)
    return presenters.visible(row, in_scope, "campaign", campaign_id)


def read_campaign(session: Session, campaign_id: str, principal: Principal) -> CampaignOut:
    return detail(session, visible_row(session, campaign_id, principal), principal)


def summary(state: CampaignState) -> CampaignSummary:
    start = state.start
    return CampaignSummary(
        id=start.campaign_id, title=start.title, document_number=start.document_number, region_code=start.region_code,
        region_name=start.region_path[-1].name, industries=start.industries, status=state.status,
        current_phase=state.current_phase,
        phases=[PhaseOut(kind=p.kind, starts_on=p.starts_on, ends_on=p.ends_on, status=p.status, starts_at=p.starts_at,
                         ends_at=p.ends_at) for p in state.phases],
        authority_code=start.authority_code, authority_name=start.authority_name, launched_at=state.launched_at,
    )


def figures(session: Session, state: CampaignState) -> CampaignFigures:
    """The campaign's live figures: `store.metrics.campaign_figures`, the dashboard's one definition."""
    total = metrics.campaign_figures(session=session, campaign_id=state.campaign_id, region_path=rules.region_key(state.start)).total
    return CampaignFigures(
        found=total.found, major=total.major, rectified=total.rectified, rectification_rate=total.rectification_rate,
        on_time_rate=total.on_time_rate, listed=total.listed, closed=total.closed_listed, overdue=total.overdue_now,
    )


def detail(session: Session, row: CampaignRow, principal: Principal) -> CampaignOut:
    state = campaigns.state_of(row)
    allowed = rules.allowed_actions(state, principal.actor)
    return CampaignOut(
        **summary(state).model_dump(),
        description=state.start.description,
        figures=figures(session, state),
        measures=state.measures,
        account=state.account,
        summaries=state.summaries,
        cancel_reason=state.cancel_reason,
        cancelled_at=state.cancelled_at,
        launched_by=state.start.launched_by,
        timeline=presenters.timeline_of(campaigns.events(session=session, campaign_id=row.id)),
        allowed_actions=allowed,
        documents=campaign_documents(state),
        workflow_id=row.workflow_id,
    )


def read_account(session: Session, campaign_id: str, principal: Principal) -> AccountOut:
    """The closing account; 404 until the rectify phase has ended (never, for a cancelled campaign)."""
    state = campaigns.state_of(visible_row(session, campaign_id, principal))
    account = state.account
    if account is None:
        raise refused(404, "account_not_ready", campaign_id=campaign_id)
    return AccountOut(**account.model_dump())


# --- launching --------------------------------------------------------------------------------------------


def launch(*, session: Session, principal: Principal, body: CampaignCreate, settings: Settings, client: Client,
           policies: PolicyRegistry) -> CampaignRow:
    """Launch a campaign (部署专项整治): check the caller and the region, number it, start its workflow."""
    start = campaign_start(session, principal, body, campaign_rules(policies, settings))
    last = body.phases[-1]
    if last.ends_on < china_date(datetime.now(UTC)):
        raise from_refusal(refuse("campaign_over", f"phases.{len(body.phases) - 1}.ends_on", day=last.ends_on))
    year = body.phases[0].starts_on.year
    number = campaigns.count_for(session=session, region_code=body.region_code, year=year)
    for _ in range(MAX_NUMBER_ATTEMPTS):
        number += 1
        candidate = start.model_copy(update={"campaign_id": f"CP-{body.region_code}-{year}-{number:03d}"})
        if from_thread.run(_start, client, candidate, settings.temporal_task_queue):
            break
    else:
        raise refused(503, "no_free_number")
    session.expire_all()
    row = campaigns.get_row(session=session, campaign_id=candidate.campaign_id)
    if row is None:
        raise refused(503, "not_yet_recorded")
    return row


def campaign_rules(policies: PolicyRegistry, settings: Settings) -> CampaignRules:
    profile = policies.latest(settings.policy)
    return getattr(profile, "campaign", None) or CampaignRules()


def campaign_start(session: Session, principal: Principal, body: CampaignCreate, rules_: CampaignRules) -> CampaignStart:
    actor = principal.actor
    if actor.role not in (Role.SUPERVISOR, Role.LEADER):
        raise role_refused(actor.role, (Role.SUPERVISOR, Role.LEADER), "launch a campaign", "部署专项整治")
    region = reference.get_jurisdiction(session=session, code=body.region_code)
    if region is None:
        raise refused(422, "unknown_region", "region_code", region=body.region_code)
    own = session.get(Jurisdiction, actor.jurisdiction_code) if actor.jurisdiction_code else None
    if own is None or not region.path.startswith(own.path):
        raise outside("region", region.code, "region_code")
    covered = session.exec(select(Jurisdiction.code).where(col(Jurisdiction.path).startswith(region.path)).order_by(col(Jurisdiction.path)))
    return CampaignStart(
        campaign_id="pending", title=body.title, document_number=body.document_number, description=body.description,
        region_code=region.code, region_path=reference.chain(session=session, jurisdiction=region),
        covered=tuple(covered), industries=body.industries, phases=body.phases, authority_code=own.code,
        authority_name=own.name, launched_by=actor, rules=rules_,
    )


async def _start(client: Client, start: CampaignStart, task_queue: str) -> bool:
    """Start the campaign's workflow and wait for its launch to be projected; False when the number is taken."""
    operation = WithStartWorkflowOperation(
        CampaignWorkflow.run, start, id=campaign_workflow_id(start.campaign_id), task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL, id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )
    try:
        update = await client.start_update_with_start_workflow(
            CampaignWorkflow.launched, start_workflow_operation=operation, wait_for_stage=WorkflowUpdateStage.ACCEPTED,
            rpc_timeout=ADMIT_TIMEOUT,
        )
        await asyncio.wait_for(update.result(rpc_timeout=timedelta(seconds=PROJECTION_WAIT_SECONDS)), PROJECTION_WAIT_SECONDS)
    except WorkflowAlreadyStartedError:
        with contextlib.suppress(Exception):
            await operation.workflow_handle()  # the operation's own future holds the same error: take it
        return False
    except WorkflowUpdateFailedError as failure:
        raise refusal_from(failure.cause) from None
    except TimeoutError:
        return True  # started; the read model will have it shortly
    return True


# --- steps ------------------------------------------------------------------------------------------------


def campaign_action(*, session: Session, principal: Principal, client: Client, campaign_id: str,
                    action: CampaignAction, body: Frozen) -> CampaignRow | None:
    """Take a human step of a campaign; None when accepted but not yet in the read model."""
    row = visible_row(session, campaign_id, principal)
    try:
        rules.check_role(action, principal.actor)
        rules.check_party(campaigns.state_of(row).start, principal.actor)
    except Refusal as refusal:
        raise from_refusal(refusal) from None
    command_type: Any = Command[type(body)]  # type: ignore[misc]
    command = command_type(actor=principal.actor, body=body)
    ended = refused(409, "campaign_finished", campaign_id=campaign_id)
    state = from_thread.run(run_step, client, row.workflow_id, UPDATES[action], command, PROJECTION_WAIT_SECONDS, ended)
    if state is None:
        return None
    session.expire_all()
    return visible_row(session, row.id, principal)


# --- tagging a hazard -------------------------------------------------------------------------------------


def hazard_tag(session: Session, campaign_id: str | None, region: Jurisdiction, industry: str) -> str | None:
    """The campaign a reported hazard is tagged with: it must be active and cover the hazard's region (and its
    industry, when the campaign names industries); else 422 on `campaign_id`."""
    if campaign_id is None:
        return None
    row = campaigns.get_row(session=session, campaign_id=campaign_id)
    if row is None:
        raise from_refusal(refuse("campaign_not_found", "campaign_id", campaign_id=campaign_id))
    if row.status != CampaignStatus.ACTIVE.value:
        raise from_refusal(refuse("campaign_not_active", "campaign_id", campaign_id=campaign_id, status=row.status,
                                  status_zh=rules.STATUS_ZH[CampaignStatus(row.status)]))
    if not region.path.startswith(row.region_path):
        raise from_refusal(refuse("campaign_region_mismatch", "campaign_id", campaign_id=campaign_id))
    industries = campaigns.state_of(row).start.industries
    if industries and industry not in industries:
        raise from_refusal(refuse("campaign_industry_mismatch", "campaign_id", campaign_id=campaign_id,
                                  industries="、".join(industries)))
    return campaign_id

