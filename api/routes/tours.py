"""Inspection tours (巡查): create, list, read, coverage, and the human steps
(`POST /tours/{id}/actions/{action}`, generated from `registry/tour.py`), thin over `services/tours.py`."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import CurrentUser, PoliciesDep, SessionDep, SettingsDep, TemporalDep
from api.routes.actions import REFUSALS, ActionRoutes
from models.tour import TourCreate, TourStatus
from registry.tour import TOUR
from services import tours
from services.tour_views import CoverageOut, TourOut, TourSummary, detail

router = APIRouter(tags=["tours"])


@router.post("/tours", response_model=TourOut, status_code=201, responses=REFUSALS)
def create_tour(body: TourCreate, session: SessionDep, principal: CurrentUser, settings: SettingsDep,
                client: TemporalDep, policies: PoliciesDep) -> Any:
    """Organize a tour (a supervisor or leader of the organizing committee's jurisdiction): targets, dates,
    focus (default: the seed's eight items) and the team (at least 6, one leader, a deputy; 回避 checked)."""
    tour = tours.create_tour(session=session, principal=principal, body=body, settings=settings, client=client,
                             policies=policies)
    if isinstance(tour, str):
        return JSONResponse({"id": tour, "detail": {"code": "accepted", "message_zh": "巡查已受理，正在记录",
                                                    "message_en": "accepted; still being recorded"}}, status_code=202)
    return tour


@router.get("/tours", response_model=list[TourSummary], responses=REFUSALS)
def list_tours(session: SessionDep, principal: CurrentUser, status: TourStatus | None = None) -> list[TourSummary]:
    """The tours the caller may see: organized by their committee or above it, touring their jurisdiction, or
    with them in the team."""
    return tours.visible_tours(session, principal, status.value if status else None)


# Declared before `/tours/{tour_id}` so that `coverage` is never taken for a tour's id.
@router.get("/tours/coverage", response_model=list[CoverageOut], responses=REFUSALS)
def tour_coverage(region_code: str, session: SessionDep, principal: CurrentUser, settings: SettingsDep,
                  policies: PoliciesDep) -> list[CoverageOut]:
    """Each sub-jurisdiction of `region_code`: its last comprehensive tour and whether it is within the cycle
    (the policy's `tour.coverage_years`, default 2)."""
    return tours.coverage(session, principal, region_code, settings, policies)


@router.get("/tours/{tour_id}", response_model=TourOut, responses=REFUSALS)
def get_tour(tour_id: str, session: SessionDep, principal: CurrentUser) -> TourOut:
    return tours.read_tour(session, tour_id, principal)


ActionRoutes(TOUR, "/tours/{tour_id}", TourOut, tours.tour_action, detail).add_to(router)
