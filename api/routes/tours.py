"""Inspection tours (巡查): create, list, read, coverage, and the human steps
(`POST /tours/{id}/actions/{action}`, generated from `registry/tour.py`), thin over `services/tours.py`."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import CurrentUser, PoliciesDep, SessionDep, SettingsDep, TemporalDep
from models.tour import TourAction, TourCreate, TourStatus
from registry.base import ActionSpec
from registry.tour import TOUR
from services import tours
from services.errors import ApiError
from services.schemas import ErrorOut, action_description
from services.tour_views import CoverageOut, TourOut, TourSummary, detail

router = APIRouter(tags=["tours"])
REFUSALS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorOut} for status in (401, 403, 404, 409, 422)}


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


def _action_route(spec: ActionSpec) -> None:
    action = TourAction(spec.name)

    def take_action(tour_id: str, body: spec.body, session: SessionDep, principal: CurrentUser, client: TemporalDep) -> Any:  # type: ignore[name-defined]
        row = tours.tour_action(session=session, principal=principal, client=client, tour_id=tour_id, action=action, body=body)
        if row is None:
            return JSONResponse({"id": tour_id, "detail": {"code": "accepted", "message_zh": "操作已受理，正在处理",
                                                           "message_en": "accepted; still being recorded"}}, status_code=202)
        return detail(session, row, principal)

    take_action.__name__ = f"tour_action_{action.value.replace('-', '_')}"
    router.add_api_route(f"/tours/{{tour_id}}/actions/{action.value}", take_action, methods=["POST"],
                         response_model=TourOut, responses=REFUSALS,
                         summary=f"tour: {spec.label_en} ({spec.label_zh})", description=action_description(TOUR, spec))


for _spec in TOUR.actions:
    _action_route(_spec)


@router.post("/tours/{tour_id}/actions/{action}", include_in_schema=False)
def unknown_action(tour_id: str, action: str) -> None:
    known = ", ".join(TOUR.names)
    raise ApiError(404, "unknown_action", f"没有“{action}”这个操作，可用的有：{known}", f"no action '{action}'; the actions are {known}")
