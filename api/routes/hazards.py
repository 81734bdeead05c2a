"""Hazards: report, list, read, and the human actions (`POST /hazards/{code}/actions/{action}`)."""

import hashlib
import time
from typing import Annotated, Any

from anyio import from_thread
from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api import gateway, views
from api.deps import CurrentUser, PoliciesDep, Principal, SessionDep, SettingsDep, TemporalDep
from api.errors import ApiError, from_refusal
from api.schemas import ErrorOut, HazardCreate, HazardOut, HazardPage, RegionCode
from core.db import session_scope
from domain import permissions
from domain.refusals import Refusal
from models import actions as bodies
from models.actions import Command
from models.base import china_date
from models.enums import Action, HazardLevel, HazardStatus, Role
from models.hazard import HazardFacts, HazardStart
from models.policy import PolicyProfile
from models.tables import Enterprise, Jurisdiction
from store import hazards, reference

router = APIRouter(tags=["hazards"])
REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut} for status in (401, 403, 404, 409, 422)
}
REPORTER_ROLES = {Role.INSPECTOR, Role.SUPERVISOR, Role.ENTERPRISE}
PROJECTION_WAIT_SECONDS = 15.0
MAX_CODE_ATTEMPTS = 50


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
    facts = _hazard_start(session, principal, body, policies.latest(settings.policy))
    code, replay = _claim_code(session, principal, body, facts, idempotency_key)
    for _ in range(MAX_CODE_ATTEMPTS):
        start = facts.model_copy(update={"code": code})
        if from_thread.run(gateway.start_hazard, client, start, settings.temporal_task_queue):
            break
        # The code is held by a workflow the read model does not know (say, a restored database): skip it.
        code = _next_free_code(session, principal, facts, idempotency_key)
    else:
        raise ApiError(503, "no_free_code", "暂时无法分配隐患编号，请稍后重试", "no free hazard code could be found; retry later")
    row = _wait_for_row(session, code)
    if row is None:
        return JSONResponse(
            {"code": code, "detail": {"code": "accepted", "message_zh": "已受理，稍后可查看", "message_en": "accepted; it will show shortly"}},
            status_code=202,
        )
    if replay:
        response.status_code = 200
    return views.detail(session, row, principal)


@router.get("/hazards", response_model=HazardPage, responses=REFUSALS)
def list_hazards(
    session: SessionDep,
    principal: CurrentUser,
    status: HazardStatus | None = None,
    level: HazardLevel | None = None,
    region_code: Annotated[RegionCode | None, Query()] = None,
    enterprise_uscc: Annotated[str | None, Query(max_length=18)] = None,
    overdue: bool | None = None,
    q: Annotated[str | None, Query(max_length=100, description="title search")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> HazardPage:
    region_path = None
    if region_code is not None:
        region = reference.get_jurisdiction(session=session, code=region_code)
        if region is None:
            raise ApiError(422, "unknown_region", f"行政区划代码 {region_code} 不存在", f"no region {region_code}")
        region_path = region.path
    flt = hazards.HazardFilter(
        status=status.value if status else None,
        level=level.value if level else None,
        region_path=region_path,
        enterprise_uscc=enterprise_uscc,
        overdue=overdue,
        q=q,
    )
    rows, total = hazards.list_rows(session=session, scope=principal.scope, flt=flt, page=page, page_size=page_size)
    return HazardPage(items=[views.summary(r) for r in rows], total=total, page=page, page_size=page_size)


@router.get("/hazards/{code}", response_model=HazardOut, responses=REFUSALS)
def get_hazard(code: str, session: SessionDep, principal: CurrentUser) -> HazardOut:
    return views.detail(session, views.visible_row(session, code, principal), principal)


def _action_route(action: Action, body_model: type[bodies.Frozen]) -> None:
    def take_action(
        code: str, body: body_model, session: SessionDep, principal: CurrentUser, client: TemporalDep  # type: ignore[valid-type]
    ) -> Any:
        row = views.visible_row(session, code, principal)
        try:
            permissions.check_role(action, principal.actor)
        except Refusal as refusal:
            raise from_refusal(refusal) from None
        command = Command[body_model](actor=principal.actor, body=body)  # type: ignore[valid-type]
        state = from_thread.run(gateway.run_update, client, code, action, command, PROJECTION_WAIT_SECONDS)
        if state is None:
            return JSONResponse(
                {"code": code, "detail": {"code": "accepted", "message_zh": "操作已受理，正在处理", "message_en": "accepted; still being recorded"}},
                status_code=202,
            )
        session.expire_all()
        return views.detail(session, views.visible_row(session, row.code, principal), principal)

    take_action.__name__ = f"action_{action.value.replace('-', '_')}"
    router.add_api_route(
        f"/hazards/{{code}}/actions/{action.value}",
        take_action,
        methods=["POST"],
        response_model=HazardOut,
        responses=REFUSALS,
        summary=f"{action.value}",
    )


ACTION_BODIES: dict[Action, type[bodies.Frozen]] = {
    Action.ASSESS: bodies.AssessBody,
    Action.LIST: bodies.ListBody,
    Action.SUBMIT_PLAN: bodies.SubmitPlanBody,
    Action.REVIEW_PLAN: bodies.ReviewPlanBody,
    Action.REPORT_PROGRESS: bodies.ReportProgressBody,
    Action.SUBMIT_COMPLETION: bodies.SubmitCompletionBody,
    Action.VERIFY: bodies.VerifyBody,
    Action.CLOSE: bodies.CloseBody,
    Action.VOID: bodies.VoidBody,
    Action.REQUEST_EXTENSION: bodies.RequestExtensionBody,
    Action.REVIEW_EXTENSION: bodies.ReviewExtensionBody,
    Action.PAUSE: bodies.PauseBody,
    Action.RESUME: bodies.ResumeBody,
    Action.INTERVIEW: bodies.StartInterviewBody,
}
for _action, _model in ACTION_BODIES.items():
    _action_route(_action, _model)


@router.post("/hazards/{code}/actions/{action}", include_in_schema=False)
def unknown_action(code: str, action: str) -> None:
    known = ", ".join(a.value for a in ACTION_BODIES)
    raise ApiError(404, "unknown_action", f"没有“{action}”这个操作，可用的有：{known}", f"no action '{action}'; the actions are {known}")


# --- reporting, step by step -------------------------------------------------------------------------


def _hazard_start(session: Session, principal: Principal, body: HazardCreate, policy: PolicyProfile) -> HazardStart:
    """Check the report against the reference data and the caller; resolve the region chain."""
    actor = principal.actor
    if actor.role not in REPORTER_ROLES:
        raise ApiError(403, "role_not_allowed", "只有检查人员、督办人员和企业用户可以登记隐患", "only inspectors, supervisors and enterprise users report hazards")
    region = reference.get_jurisdiction(session=session, code=body.region_code)
    if region is None:
        raise ApiError(422, "unknown_region", f"region_code：行政区划代码 {body.region_code} 不存在", f"region_code: no region {body.region_code}")
    enterprise = session.get(Enterprise, body.enterprise_uscc)
    if enterprise is None:
        raise ApiError(422, "unknown_enterprise", f"enterprise_uscc：未登记统一社会信用代码为 {body.enterprise_uscc} 的企业", f"enterprise_uscc: no enterprise {body.enterprise_uscc} is registered")
    if actor.role == Role.ENTERPRISE:
        if actor.enterprise_uscc != enterprise.uscc:
            raise ApiError(403, "not_your_enterprise", "企业用户只能登记本企业的隐患", "an enterprise user reports only its own enterprise's hazards")
    elif principal.scope.path is None or not region.path.startswith(principal.scope.path):
        raise ApiError(403, "outside_jurisdiction", f"地区 {region.code} 不在您的辖区内", f"region {region.code} is outside your jurisdiction")
    home = session.get(Jurisdiction, enterprise.region_code)
    if home is None or not (home.path.startswith(region.path) or region.path.startswith(home.path)):
        raise ApiError(422, "enterprise_elsewhere", f"region_code：企业登记在 {enterprise.region_code}，不在 {region.code}", f"region_code: the enterprise is registered in {enterprise.region_code}, not in {region.code}")
    facts = HazardFacts(
        title=body.title,
        description=body.description,
        enterprise_uscc=enterprise.uscc,
        enterprise_name=enterprise.name,
        enterprise_principal=enterprise.principal,
        region_code=region.code,
        region_path=reference.chain(session=session, jurisdiction=region),
        industry=body.industry,
        location=body.location,
        source=body.source,
        discovered_at=body.discovered_at,  # type: ignore[arg-type]
    )
    return HazardStart(code="", facts=facts, reporter=actor, policy=policy)


def _claim_code(
    session: Session, principal: Principal, body: HazardCreate, start: HazardStart, key: str | None
) -> tuple[str, bool]:
    """A new code for the hazard, or the code an earlier request with the same key was given."""
    request_hash = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    if key is not None:
        earlier = hazards.find_idempotency_key(session=session, user_id=principal.user.id, key=key)
        if earlier is not None:
            if earlier.request_hash != request_hash:
                raise ApiError(422, "idempotency_key_reused", "Idempotency-Key 已用于另一份不同的登记", "this Idempotency-Key was used for a different report")
            return earlier.hazard_code, True
    try:
        code = _unused_code(session, start)
        if key is not None:
            hazards.remember_idempotency_key(
                session=session, user_id=principal.user.id, key=key, request_hash=request_hash, hazard_code=code
            )
        session.commit()
    except IntegrityError:  # the same key, sent twice at once: the other request won
        session.rollback()
        earlier = hazards.find_idempotency_key(session=session, user_id=principal.user.id, key=key or "")
        if earlier is None:
            raise
        return earlier.hazard_code, True
    return code, False


def _unused_code(session: Session, start: HazardStart) -> str:
    """The next code from the counter that no hazard in the read model has."""
    year = china_date(start.facts.discovered_at).year
    while True:
        code = hazards.next_code(session=session, region_code=start.facts.region_code, year=year)
        if hazards.get_row(session=session, code=code) is None:
            return code


def _next_free_code(session: Session, principal: Principal, start: HazardStart, key: str | None) -> str:
    code = _unused_code(session, start)
    if key is not None:
        hazards.move_idempotency_key(session=session, user_id=principal.user.id, key=key, hazard_code=code)
    session.commit()
    return code


def _wait_for_row(session: Session, code: str):  # type: ignore[no-untyped-def]
    """Wait until the workflow's first transition is in the read model (it is projected within milliseconds)."""
    engine = session.get_bind()
    deadline = time.monotonic() + PROJECTION_WAIT_SECONDS
    while time.monotonic() < deadline:
        with session_scope(engine) as fresh:  # type: ignore[arg-type]
            row = hazards.get_row(session=fresh, code=code)
        if row is not None:
            session.expire_all()
            return hazards.get_row(session=session, code=code)
        time.sleep(0.02)
    return None
