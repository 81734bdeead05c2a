"""Histories and replay for auditors: `GET /hazards/{code}/history` and `POST /audit/replay`.

Thin wrappers over `services/audit.py`, which the web UI's audit view calls too.
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy import Engine

from api.deps import CurrentUser, SessionDep, TemporalDep, get_engine
from services import audit
from services.audit import HistoryOut, ReplayIn, ReplayOut
from services.records import WorkflowKind
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


def _history_route(kind: WorkflowKind, path: str, what: str) -> None:
    def record_history(record_id: str, session: SessionDep, principal: CurrentUser, client: TemporalDep) -> HistoryOut:
        return audit.record_history(session, principal, client, kind, record_id)

    record_history.__doc__ = (f"The {what}'s workflow history, decoded into the decisions it holds (no raw payloads), "
                              f"and its audit trail: to auditors, admins, supervisors and inspectors who may see it.")
    router.add_api_route(f"/{path}/{{record_id}}/history", record_history, methods=["GET"], response_model=HistoryOut,
                         response_model_exclude_none=True, responses=REFUSALS, name=f"{kind}_history",
                         operation_id=f"{kind}_history")


for _kind, _path, _what in (("interview", "interviews", "interview"), ("campaign", "campaigns", "campaign"),
                            ("tour", "tours", "tour"), ("circular", "circulars", "circular's sign-off")):
    _history_route(_kind, _path, _what)  # type: ignore[arg-type]


@router.post("/audit/replay", response_model=ReplayOut, responses=REFUSALS)
def replay(
    body: ReplayIn,
    session: SessionDep,
    principal: CurrentUser,
    client: TemporalDep,
    engine: Annotated[Engine, Depends(get_engine)],
) -> ReplayOut:
    """Replay records' histories against today's workflow code (`hazard_codes`, `records` of any kind, or `all`
    in the caller's scope): each must replay cleanly and reach the state the read model recorded."""
    return audit.replay(session, principal, client, engine, body)
