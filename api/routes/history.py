"""Histories and replay for auditors: `GET /hazards/{code}/history` and `POST /audit/replay`.

Thin wrappers over `services/audit.py`, which the web UI's audit view calls too.
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy import Engine

from api.deps import CurrentUser, SessionDep, TemporalDep, get_engine
from services import audit
from services.audit import HistoryOut, ReplayIn, ReplayOut
from services.schemas import ErrorOut

router = APIRouter(tags=["audit"])
REFUSALS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorOut} for status in (401, 403, 404, 422)}


@router.get("/hazards/{code}/history", response_model=HistoryOut, response_model_exclude_none=True, responses=REFUSALS)
def hazard_history(
    code: str,
    session: SessionDep,
    principal: CurrentUser,
    client: TemporalDep,
    view: Annotated[
        Literal["json", "timeline"], Query(alias="format", description="`timeline`: a readable list of decisions")
    ] = "json",
) -> HistoryOut:
    """The Temporal event history of every run of the hazard's workflow (continue-as-new included)."""
    return audit.hazard_history(session, principal, client, code, view)


@router.post("/audit/replay", response_model=ReplayOut, responses=REFUSALS)
def replay(
    body: ReplayIn,
    session: SessionDep,
    principal: CurrentUser,
    client: TemporalDep,
    engine: Annotated[Engine, Depends(get_engine)],
) -> ReplayOut:
    """Replay hazards' histories against today's workflow code: each must replay cleanly and reach the state
    the read model recorded."""
    return audit.replay(session, principal, client, engine, body)
