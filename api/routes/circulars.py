"""Circulars (通报): issue one generated from the facts, list and read them. Thin over `services/circulars.py`."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import CurrentUser, PoliciesDep, SessionDep, SettingsDep, TemporalDep
from models.report import CircularRequest
from services import circulars
from services.report_schemas import CircularOut, CircularPage

router = APIRouter(tags=["reports"])


@router.post("/circulars", status_code=201, response_model=CircularOut)
def issue_circular(body: CircularRequest, session: SessionDep, principal: CurrentUser, policies: PoliciesDep,
                   settings: SettingsDep, client: TemporalDep, response: Response) -> CircularOut:
    """Issue the circular of a jurisdiction for a period (a supervisor of an authority holding it): the enterprises
    whose hazards reached the circular rung in the period or are overdue now, the fake rectifications found, and
    the jurisdictions at the bottom of the ranking; each one named is notified. One per region and period: 201
    with the circular, issued now or already (`X-Duban-Existing: true`, nobody notified again). When the policy
    lists `circular` in `[documents] require_signature` (the default) it is a draft (`status`, `documents`)
    until a leader of the region signs it (`POST /documents/{id}/actions/sign`); only then is anyone notified."""
    row, written = circulars.issue(session, principal, policies, settings, body, client)
    if not written:
        response.headers["X-Duban-Existing"] = "true"
    return CircularOut.model_validate(circulars.full(row))


@router.get("/circulars", response_model=CircularPage)
def list_circulars(
    session: SessionDep, principal: CurrentUser, region_code: Annotated[str | None, Query(max_length=12)] = None
) -> CircularPage:
    """The circulars of jurisdictions in the caller's subtree, newest first: `{"items", "total"}`."""
    return CircularPage.model_validate(circulars.list_circulars(session, principal, region_code=region_code))


@router.get("/circulars/{circular_id}", response_model=CircularOut)
def read_circular(circular_id: str, session: SessionDep, principal: CurrentUser) -> CircularOut:
    """One circular: whom it names and why, and its sign-off."""
    return CircularOut.model_validate(circulars.full(circulars.read_circular(session, principal, circular_id)))
