"""Hazards: report, list, read, and the human actions (`POST /hazards/{code}/actions/{action}`)."""

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse

from api.deps import CurrentUser, PoliciesDep, SessionDep, SettingsDep, TemporalDep
from api.routes.actions import REFUSALS, ActionRoutes
from models.enums import HazardLevel, HazardStatus, Source
from registry.hazard import HAZARD
from services import hazards as services
from services import presenters
from services.hazards_query import hazard_filter
from services.schemas import HazardCreate, HazardOut, HazardPage, RegionCode
from store import hazards

router = APIRouter(tags=["hazards"])


@router.post("/hazards", status_code=201, response_model=HazardOut, responses={200: {"model": HazardOut}, **REFUSALS})
def report_hazard(
    body: HazardCreate,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
    policies: PoliciesDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> Any:
    """Report a hazard (登记). With an `Idempotency-Key`, a retried request returns the same hazard with 200."""
    reported = services.report_hazard(
        session=session, principal=principal, body=body, settings=settings, client=client, policies=policies,
        idempotency_key=idempotency_key,
    )
    if reported.row is None:
        return JSONResponse(
            {"code": reported.code, "detail": {"code": "accepted", "message_zh": "已受理，稍后可查看", "message_en": "accepted; it will show shortly"}},
            status_code=202,
        )
    if reported.replay:
        response.status_code = 200
    return presenters.detail(session, reported.row, principal)


@router.get("/hazards", response_model=HazardPage, responses=REFUSALS)
def list_hazards(
    session: SessionDep,
    principal: CurrentUser,
    status: HazardStatus | None = None,
    level: HazardLevel | None = None,
    source: Annotated[Source | None, Query(description="how it was found, e.g. `campaign` (专项整治)")] = None,
    region_code: Annotated[RegionCode | None, Query()] = None,
    enterprise_uscc: Annotated[str | None, Query(max_length=18)] = None,
    overdue: bool | None = None,
    q: Annotated[str | None, Query(max_length=100, description="title search")] = None,
    campaign_id: Annotated[str | None, Query(max_length=40, description="tagged with this campaign (专项整治)")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> HazardPage:
    flt = hazard_filter(
        session, status=status, level=level, source=source, region_code=region_code,
        enterprise_uscc=enterprise_uscc, overdue=overdue, q=q, campaign_id=campaign_id,
    )
    rows, total = hazards.list_rows(session=session, scope=principal.scope, flt=flt, page=page, page_size=page_size)
    return HazardPage(items=[presenters.summary(r) for r in rows], total=total, page=page, page_size=page_size)


@router.get("/hazards/{code}", response_model=HazardOut, responses=REFUSALS)
def get_hazard(code: str, session: SessionDep, principal: CurrentUser) -> HazardOut:
    return presenters.detail(session, presenters.visible_row(session, code, principal), principal)


ActionRoutes(HAZARD, "/hazards/{code}", HazardOut, services.hazard_action, presenters.detail, id_key="code",
             unqualified=True).add_to(router)
