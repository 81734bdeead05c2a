"""Campaigns (专项整治): the visible list, one campaign (its phases as a timeline bar with today marked, the live
figures, the two lists, the account and documents), its human steps, and the import with its dry-run preview."""

from datetime import datetime
from functools import partial
from urllib.parse import quote

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile
from temporalio.client import Client

from api.deps import PoliciesDep, TemporalDep
from core.policies import PolicyRegistry
from models.campaign import CampaignCreate, PhaseKind
from registry.campaign import CAMPAIGN
from services import campaign_import, campaign_ledger, campaigns
from services.campaign_ledger import ImportResult
from services.campaign_views import CampaignOut
from services.errors import ApiError, validation_detail
from store import hazards
from store.hazards import HazardFilter
from web import forms
from web.pages.actions import posted_action, record_forms
from web.pages.context import (
    Page,
    PageDep,
    csrf_refused,
    error_page,
    message,
    regions,
    render,
    see_other,
)

router = APIRouter(include_in_schema=False)
HAZARDS_SHOWN = 200


LAUNCHERS = ("supervisor", "leader")


@router.get("/campaigns", response_class=HTMLResponse)
def campaigns_page(page: PageDep) -> HTMLResponse:
    return _campaigns_page(page)


def _campaigns_page(page: Page, problem: str | None = None, values: dict[str, str] | None = None) -> HTMLResponse:
    listing = campaigns.visible_campaigns(page.session, page.principal)
    may_launch = page.principal.actor.role.value in LAUNCHERS
    return render(page, "campaigns.html", status=422 if problem else 200, items=listing.items, may_launch=may_launch,
                  regions=regions(page) if may_launch else [], kinds=[k.value for k in PhaseKind], problem=problem,
                  values=values or {})


@router.post("/campaigns/new", response_class=HTMLResponse)
async def launch_campaign(request: Request, page: PageDep, client: TemporalDep, policies: PoliciesDep) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    return await to_thread.run_sync(partial(_launch, page, client, policies, form))


def launch_body(form: FormData) -> dict[str, object]:
    """The launch form as `CampaignCreate`'s fields: the phases with both dates given, in the order of the form."""
    text = {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}
    phases = [{"kind": k.value, "starts_on": text.get(f"{k.value}_starts_on"), "ends_on": text.get(f"{k.value}_ends_on")}
              for k in PhaseKind if text.get(f"{k.value}_starts_on") or text.get(f"{k.value}_ends_on")]
    industries = [i.strip() for i in text.get("industries", "").replace("，", ",").replace("、", ",").split(",") if i.strip()]
    return {"title": text.get("title", ""), "document_number": text.get("document_number") or None,
            "region_code": text.get("region_code", ""), "industries": industries,
            "description": text.get("description", ""), "phases": phases}


def _launch(page: Page, client: Client, policies: PolicyRegistry, form: FormData) -> Response:
    values = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf"}
    try:
        body = CampaignCreate.model_validate(launch_body(form))
        row = campaigns.launch(session=page.session, principal=page.principal, body=body, settings=page.settings,
                               client=client, policies=policies)
    except ValidationError as error:
        detail = validation_detail([dict(e) for e in error.errors()])
        return _campaigns_page(page, str(detail["message_zh"] if page.lang == "zh" else detail["message_en"]), values)
    except ApiError as error:
        if error.status == 503:
            raise
        return _campaigns_page(page, message(page.lang, error), values)
    return see_other(f"/campaigns/{quote(row.id)}?done=launch")


def timeline_bar(campaign: CampaignOut, now: datetime) -> dict[str, object]:
    """Each phase's place on a bar from the first start to the last end (percentages), and today's."""
    first, last = campaign.phases[0].starts_at, campaign.phases[-1].ends_at
    span = (last - first).total_seconds() or 1.0

    def at(instant: datetime) -> float:
        return round(min(max((instant - first).total_seconds() / span, 0.0), 1.0) * 100, 2)

    bars = [{"phase": p, "left": at(p.starts_at), "width": max(at(p.ends_at) - at(p.starts_at), 0.5)} for p in campaign.phases]
    today = at(now) if first <= now <= last else None
    return {"bars": bars, "today": today}


def _campaign_page(page: Page, campaign_id: str, errors: forms.FormErrors | None = None,
                   imported: ImportResult | None = None, import_problem: str | None = None) -> HTMLResponse:
    try:
        campaign = campaigns.read_campaign(page.session, campaign_id, page.principal)
    except ApiError as error:
        return error_page(page, error)
    rows, total = hazards.list_rows(session=page.session, scope=page.principal.scope,
                                    flt=HazardFilter(campaign_id=campaign_id), page=1, page_size=HAZARDS_SHOWN)
    return render(
        page, "campaign.html", status=errors.status if errors else (422 if import_problem else 200), campaign=campaign,
        bar=timeline_bar(campaign, page.now), hazards=rows, hazard_total=total,
        defaults={}, imported=imported, import_problem=import_problem, may_import=page.may_report,
        **record_forms(page, CAMPAIGN, campaign.allowed_actions, errors, words="campaign_action"),
    )


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
def campaign_page(page: PageDep, campaign_id: str) -> HTMLResponse:
    return _campaign_page(page, campaign_id)


@router.get("/campaigns/{campaign_id}/ledger.xlsx")
def campaign_ledger_file(page: PageDep, campaign_id: str) -> Response:
    try:
        data = campaign_ledger.ledger_xlsx(page.session, page.principal, campaign_id)
    except ApiError as error:
        return error_page(page, error)
    return Response(data, media_type=campaign_ledger.XLSX,
                    headers={"Content-Disposition": f"attachment; filename=\"ledger-{campaign_id}.xlsx\""})


@router.post("/campaigns/{campaign_id}/act/{action}", response_class=HTMLResponse)
async def campaign_action(request: Request, page: PageDep, client: TemporalDep, campaign_id: str, action: str) -> Response:
    return await posted_action(
        request, page, client, CAMPAIGN, action, act=partial(campaigns.campaign_action, campaign_id=campaign_id),
        redisplay=partial(_campaign_page, page, campaign_id), record_url=f"/campaigns/{quote(campaign_id)}",
    )


@router.post("/campaigns/{campaign_id}/import", response_class=HTMLResponse)
async def campaign_import_page(request: Request, page: PageDep, client: TemporalDep, policies: PoliciesDep, campaign_id: str) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    upload = form.get("file")
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    dry_run = form.get("dry_run") in ("true", "on")
    return await to_thread.run_sync(partial(_campaign_import, page, client, policies, campaign_id, data, dry_run))


def _campaign_import(page: Page, client: Client, policies: PolicyRegistry, campaign_id: str, data: bytes,
                     dry_run: bool) -> Response:
    try:
        result = campaign_import.import_hazards(session=page.session, principal=page.principal, campaign_id=campaign_id,
                                                data=data, dry_run=dry_run, settings=page.settings, client=client,
                                                policies=policies)
    except ApiError as error:
        if error.status in (403, 404, 503):
            return error_page(page, error)
        return _campaign_page(page, campaign_id, import_problem=message(page.lang, error))
    return _campaign_page(page, campaign_id, imported=result)
