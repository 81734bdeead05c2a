"""The screens of the oversight roles: whistleblower intake (inspectors, supervisors, the whistleblower officer)
and the audit view (auditors: the hash chain, signed checkpoints, a hazard's history timeline and its replay).

They call the same services as the JSON API (`services/whistleblower.py`, `services/audit.py`), so the rules are
the API's.
"""

from functools import partial
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import Engine
from starlette.datastructures import FormData
from temporalio.client import Client

from api.deps import PoliciesDep, TemporalDep, get_engine
from core.policies import PolicyRegistry
from models.enums import Role
from services import audit, whistleblower
from services.errors import ApiError, role_refused
from web.pages.context import (
    Page,
    PageDep,
    csrf_refused,
    enterprises,
    error_page,
    message,
    regions,
    render,
    see_other,
)

router = APIRouter(include_in_schema=False)
SCREENERS = {Role.INSPECTOR, Role.SUPERVISOR, Role.WHISTLEBLOWER_OFFICER}
AUDITORS = {Role.AUDITOR, Role.ADMIN}
EngineDep = Annotated[Engine, Depends(get_engine)]


# --- whistleblower intake ---------------------------------------------------------------------------------------


def _intake(page: Page, status: int = 200, **context: Any) -> HTMLResponse:
    try:
        reports = whistleblower.list_reports(page.session, page.principal)
    except ApiError as error:
        return error_page(page, error)
    return render(
        page, "whistleblower.html", status=status, reports=reports, regions=regions(page), enterprises=enterprises(page),
        screens=page.principal.actor.role in {Role.INSPECTOR, Role.SUPERVISOR},
        officer=page.principal.actor.role == Role.WHISTLEBLOWER_OFFICER, **context,
    )


@router.get("/whistleblower", response_class=HTMLResponse)
def intake_page(page: PageDep) -> HTMLResponse:
    return _intake(page, done=page.request.query_params.get("done"))


@router.post("/whistleblower/{report_id}/screen", response_class=HTMLResponse)
async def screen(
    request: Request, page: PageDep, client: TemporalDep, policies: PoliciesDep, report_id: str
) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    return await to_thread.run_sync(partial(_screen, page, client, policies, report_id, form))


def _screen(page: Page, client: Client, policies: PolicyRegistry, report_id: str, form: FormData) -> Response:
    values = {k: str(v).strip() for k, v in form.items() if k != "csrf" and str(v).strip()}
    try:
        body = whistleblower.ScreenBody.model_validate(values)
        screened = whistleblower.screen_report(
            page.session, page.principal, page.settings, client, policies, report_id, body
        )
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors())
        return _intake(page, status=422, failed=report_id, problem=problems)
    except ApiError as error:
        if error.status == 503:  # an outage: the app's friendly page
            raise
        return _intake(page, status=error.status, failed=report_id, problem=message(page.lang, error))
    return see_other(f"/whistleblower?done={screened.hazard_code or screened.status}")


@router.post("/whistleblower/{report_id}/contact", response_class=HTMLResponse)
async def contact(request: Request, page: PageDep, report_id: str) -> Response:
    """The reporter's contact, shown once to the whistleblower officer (a POST: never in a URL or history)."""
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    try:
        shown = await to_thread.run_sync(  # a database write and a decryption: off the event loop
            partial(whistleblower.reporter_contact, page.session, page.principal, page.settings, report_id))
    except ApiError as error:
        return error_page(page, error)
    return _intake(page, contact_of=report_id, contact=shown)


# --- the audit view ----------------------------------------------------------------------------------------------


@router.get("/audit", response_class=HTMLResponse)
async def audit_page(page: PageDep, client: TemporalDep, engine: EngineDep, hazard: str | None = None) -> Response:
    return await to_thread.run_sync(partial(_audit, page, client, engine, (hazard or "").strip() or None))


def _audit(page: Page, client: Client, engine: Engine, code: str | None, **context: Any) -> Response:
    if page.principal.actor.role not in AUDITORS:
        return error_page(page, role_refused(page.principal.actor.role, AUDITORS, "use the audit view", "使用审计视图"))
    chain = audit.verify_trail(page.session, page.principal)
    checkpoints = [
        (c, audit.verify_checkpoint(page.session, page.principal, page.settings, c.id))
        for c in audit.list_checkpoints(page.session, page.principal)[:10]
    ]
    timeline: list[dict[str, Any]] = []
    replayed: Any = None
    problem = None
    if code:
        try:
            history = audit.hazard_history(page.session, page.principal, client, code, "timeline")
            timeline = history.timeline or []
            body = audit.ReplayIn(hazard_codes=[code])
            replayed = audit.replay(page.session, page.principal, client, engine, body)
        except ApiError as error:
            problem = message(page.lang, error)
    return render(page, "audit.html", chain=chain, checkpoints=checkpoints, code=code, timeline=timeline,
                  replayed=replayed, problem=problem, **context)


@router.post("/audit/checkpoint", response_class=HTMLResponse)
async def sign_checkpoint(request: Request, page: PageDep) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    try:
        await to_thread.run_sync(  # hashing every chain head: off the event loop
            partial(audit.create_checkpoint, page.session, page.principal, page.settings))
    except ApiError as error:
        return error_page(page, error)
    return see_other("/audit")
