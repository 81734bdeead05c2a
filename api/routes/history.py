"""Histories and replay for auditors: `GET /hazards/{code}/history` and `POST /audit/replay`."""

from typing import Annotated, Any, Literal

from anyio import from_thread
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import Engine
from temporalio.service import RPCError, RPCStatusCode

from api import views
from api.deps import CurrentUser, Principal, SessionDep, TemporalDep, get_engine
from api.errors import ApiError
from api.schemas import ErrorOut
from audit.histories import hazard_histories, histories_json, timeline
from audit.replay import jobs_from_server, replay_jobs
from models.enums import Role
from store.archive import hazard_codes

router = APIRouter(tags=["audit"])
REFUSALS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorOut} for status in (401, 403, 404, 422)}
AUDIT_ROLES = frozenset({Role.AUDITOR, Role.ADMIN})
HISTORY_ROLES = AUDIT_ROLES | {Role.SUPERVISOR, Role.INSPECTOR}
MAX_CODES = 500
POOL_FROM = 16  # hazards; fewer replay faster here than in freshly spawned processes


def _role(principal: Principal, allowed: frozenset[Role], what_zh: str, what_en: str) -> None:
    if principal.actor.role not in allowed:
        raise ApiError(403, "role_not_allowed", f"您的角色不能{what_zh}", f"your role may not {what_en}")


class HistoryOut(BaseModel):
    hazard_code: str
    runs: list[dict[str, Any]] | None = Field(None, description="each run's event history, Temporal's JSON")
    timeline: list[dict[str, Any]] | None = Field(None, description="the decisions, in order")


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
    _role(principal, HISTORY_ROLES, "查看流程历史", "read workflow histories")
    row = views.visible_row(session, code, principal)
    try:
        histories = from_thread.run(hazard_histories, client, row.code)
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
        raise ApiError(
            404, "history_not_found", f"Temporal 中已无隐患 {row.code} 的流程历史（超过保留期？请查阅审计导出）",
            f"Temporal no longer holds the history of {row.code} (past retention? see the audit export)",
        ) from None
    if view == "timeline":
        return HistoryOut(hazard_code=row.code, timeline=timeline(histories))
    return HistoryOut(hazard_code=row.code, runs=histories_json(histories))


class ReplayIn(BaseModel):
    hazard_codes: list[Annotated[str, Field(max_length=40)]] | None = Field(None, max_length=MAX_CODES, min_length=1)
    all: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> "ReplayIn":
        if (self.hazard_codes is not None) == self.all:
            raise ValueError('give either "hazard_codes" or "all": true')
        return self


class ReplayFailure(BaseModel):
    hazard_code: str
    error: str


class ReplayOut(BaseModel):
    replayed: int
    histories: int
    failures: list[ReplayFailure]
    seconds: float
    per_second: float


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
    _role(principal, AUDIT_ROLES, "重放流程历史", "replay workflow histories")
    if body.all:
        codes = hazard_codes(session=session, scope=principal.scope)
    else:
        codes = [views.visible_row(session, code, principal).code for code in dict.fromkeys(body.hazard_codes or [])]
    jobs = from_thread.run(jobs_from_server, client, codes, engine)
    report = replay_jobs(jobs, workers=None if len(jobs) >= POOL_FROM else 1)
    result = report.as_dict()
    return ReplayOut(**{k: result[k] for k in ("replayed", "histories", "failures", "seconds", "per_second")})
