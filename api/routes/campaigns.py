"""Campaigns (专项整治): launch, list, read, the human steps (`POST /campaigns/{id}/actions/{action}`), the closing
account, the rectification ledger (.xlsx) and the import of a hazard list. Thin over `services/campaigns.py` and
`services/campaign_ledger.py`."""

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Response, UploadFile

from api.deps import CurrentUser, PoliciesDep, SessionDep, SettingsDep, TemporalDep
from api.routes.actions import REFUSALS, ActionRoutes
from models.campaign import CampaignCreate, CampaignStatus
from registry.campaign import CAMPAIGN
from services import campaign_import, campaign_ledger, campaigns
from services.campaign_ledger import ImportResult
from services.campaign_views import AccountOut, CampaignOut, CampaignPage

router = APIRouter(tags=["campaigns"])


@router.post("/campaigns", status_code=201, response_model=CampaignOut, responses=REFUSALS)
def launch_campaign(body: CampaignCreate, session: SessionDep, principal: CurrentUser, settings: SettingsDep,
                    client: TemporalDep, policies: PoliciesDep) -> CampaignOut:
    """Launch a campaign (部署专项整治) for a region of the caller's jurisdiction: a supervisor or leader; the
    caller's authority is the launching authority. Bad phases (overlap, end before start, no `rectify`, not a
    date) answer 422 naming the field; a region outside the caller's jurisdiction 403."""
    row = campaigns.launch(session=session, principal=principal, body=body, settings=settings, client=client,
                           policies=policies)
    return campaigns.detail(session, row, principal)


@router.get("/campaigns", response_model=CampaignPage, responses=REFUSALS)
def list_campaigns(session: SessionDep, principal: CurrentUser, status: CampaignStatus | None = None) -> CampaignPage:
    """The campaigns whose region is in the caller's subtree or covers the caller's jurisdiction."""
    return campaigns.visible_campaigns(session, principal, status)


@router.get("/campaigns/{campaign_id}", response_model=CampaignOut, responses=REFUSALS)
def get_campaign(campaign_id: str, session: SessionDep, principal: CurrentUser) -> CampaignOut:
    return campaigns.read_campaign(session, campaign_id, principal)


@router.get("/campaigns/{campaign_id}/account", response_model=AccountOut, responses=REFUSALS)
def get_account(campaign_id: str, session: SessionDep, principal: CurrentUser) -> AccountOut:
    """The closing account, written when the rectify phase ends (404 before; never for a cancelled campaign)."""
    return campaigns.read_account(session, campaign_id, principal)


LEDGER_RESPONSE: dict[int | str, dict[str, Any]] = {200: {
    "description": "the ledger workbook", "content": {campaign_ledger.XLSX: {"schema": {"type": "string", "format": "binary"}}}}}


@router.get("/campaigns/{campaign_id}/ledger.xlsx", responses={**LEDGER_RESPONSE, **REFUSALS}, response_class=Response)
def get_ledger(campaign_id: str, session: SessionDep, principal: CurrentUser) -> Response:
    """The campaign's rectification ledger (整改台账): its tagged hazards, in the columns the import reads."""
    data = campaign_ledger.ledger_xlsx(session, principal, campaign_id)
    name = f"整改台账-{campaign_id}.xlsx"
    return Response(data, media_type=campaign_ledger.XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"ledger-{campaign_id}.xlsx\"; filename*=UTF-8''{quote(name)}"})


@router.post("/campaigns/{campaign_id}/import", response_model=ImportResult, responses=REFUSALS)
def import_hazards(
    campaign_id: str, session: SessionDep, principal: CurrentUser, settings: SettingsDep, client: TemporalDep,
    policies: PoliciesDep, file: Annotated[UploadFile, File(description="the hazard list (.xlsx), the ledger's columns")],
    dry_run: Annotated[bool, Query(description="check every row, write nothing")] = False,
    dry_run_form: Annotated[bool | None, Form(alias="dry_run")] = None,
) -> ImportResult:
    """Import a hazard list (问题隐患清单): each valid row is reported as a hazard tagged with the campaign; per row
    `created`, `existing` (already tagged: the same file twice creates nothing) or `refused` with the refusal.
    With `dry_run` every row is checked (`valid` or `refused`) and nothing is written."""
    data = file.file.read()
    return campaign_import.import_hazards(session=session, principal=principal, campaign_id=campaign_id, data=data,
                                          dry_run=dry_run or bool(dry_run_form), settings=settings, client=client,
                                          policies=policies)


ActionRoutes(CAMPAIGN, "/campaigns/{campaign_id}", CampaignOut, campaigns.campaign_action,
             campaigns.detail).add_to(router)
