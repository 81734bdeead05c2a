"""Inspection tours (巡查): the list (and the form to organize one), the coverage table, one tour with
its plan, team (回避), findings by target, deadlines with urgency marks, documents, timeline and forms."""

from functools import partial
from typing import Any
from urllib.parse import quote

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData
from temporalio.client import Client

from api.deps import PoliciesDep, TemporalDep
from core.policies import PolicyRegistry
from models.enums import Role
from models.tour import TourAction, TourCreate
from registry.base import ActionSpec
from registry.tour import TOUR
from services import tours
from services.errors import ApiError
from web import forms
from web.pages.actions import posted_action, record_forms
from web.pages.context import Page, PageDep, csrf_refused, error_page, render, see_other

router = APIRouter(include_in_schema=False)
BODIES: dict[TourAction, Any] = {TourAction(spec.name): spec.body for spec in TOUR.actions}
HAZARD_FIELDS = ("title", "enterprise_uscc", "region_code", "industry", "location")


def team_lines(text: str) -> list[dict[str, str]]:
    """`username | role` per line (role default `member`)."""
    team = []
    for line in text.splitlines():
        if line.strip():
            name, _, role = line.partition("|")
            team.append({"username": name.strip(), "role": role.strip() or "member"})
    return team


def target_lines(text: str) -> list[dict[str, str]]:
    """A division code per line, or `department | code`."""
    targets = []
    for line in text.splitlines():
        if line.strip():
            first, _, code = line.partition("|")
            targets.append({"department": first.strip(), "region_code": code.strip()} if code else {"region_code": first.strip()})
    return targets


@router.get("/tours", response_class=HTMLResponse)
def tours_page(page: PageDep, errors: forms.FormErrors | None = None) -> HTMLResponse:
    items = tours.visible_tours(page.session, page.principal)
    may_create = page.principal.actor.role in (Role.SUPERVISOR, Role.LEADER)
    return render(page, "tours.html", status=errors.status if errors else 200, items=items, may_create=may_create,
                  errors=errors or forms.FormErrors())


@router.post("/tours/new", response_class=HTMLResponse)
async def create_tour(request: Request, page: PageDep, client: TemporalDep, policies: PoliciesDep) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    return await to_thread.run_sync(partial(_create, page, client, policies, form))


def _create(page: Page, client: Client, policies: PolicyRegistry, form: FormData) -> Response:
    def extra() -> dict[str, Any]:
        return {"targets": target_lines(str(form.get("targets") or "")), "team": team_lines(str(form.get("team") or ""))}

    tour, errors = forms.submit(
        TourCreate, form, page.lang, "create",
        lambda body: tours.create_tour(session=page.session, principal=page.principal, body=body, settings=page.settings,
                                       client=client, policies=policies),
        extra,
    )
    if errors is not None:
        return tours_page(page, errors)
    tour_id = tour if isinstance(tour, str) else tour.id
    return see_other(f"/tours/{quote(tour_id)}?done=plan")


@router.get("/tours/coverage", response_class=HTMLResponse)
def coverage_page(page: PageDep, policies: PoliciesDep, region_code: str | None = None) -> HTMLResponse:
    code = region_code or page.principal.actor.jurisdiction_code or "370000"
    try:
        rows = tours.coverage(page.session, page.principal, code, page.settings, policies)
    except ApiError as error:
        return error_page(page, error)
    return render(page, "tour_coverage.html", rows=rows, region_code=code)


def _tour_page(page: Page, tour_id: str, errors: forms.FormErrors | None = None) -> HTMLResponse:
    try:
        tour = tours.read_tour(page.session, tour_id, page.principal)
    except ApiError as error:
        return error_page(page, error)
    deadlines = [{"d": d, "urgency": page.urgency(d.due_at, d.lapsed)} for d in tour.deadlines.items]
    by_target = {t.key: [f for f in tour.findings if f.target == t.key] for t in tour.targets}
    custom = {TourAction.CHANGE_TEAM, TourAction.RECORD_FINDING}
    return render(
        page, "tour.html", status=errors.status if errors else 200, tour=tour, deadlines=deadlines, by_target=by_target,
        custom=[a.value for a in tour.allowed_actions if a in custom], defaults={},
        **record_forms(page, TOUR, [a for a in tour.allowed_actions if a not in custom], errors),
        team_text="\n".join(f"{m.username} | {m.role}" for m in tour.team),
    )


@router.get("/tours/{tour_id}", response_class=HTMLResponse)
def tour_page(page: PageDep, tour_id: str) -> HTMLResponse:
    return _tour_page(page, tour_id)


@router.post("/tours/{tour_id}/act/{action}", response_class=HTMLResponse)
async def tour_action(request: Request, page: PageDep, client: TemporalDep, tour_id: str, action: str) -> Response:
    return await posted_action(
        request, page, client, TOUR, action, act=partial(tours.tour_action, tour_id=tour_id),
        redisplay=partial(_tour_page, page, tour_id), record_url=f"/tours/{quote(tour_id)}", extra=_extra,
    )


def _extra(spec: ActionSpec, form: FormData) -> dict[str, Any]:
    """What the team's and a hazard finding's forms carry besides their body's fields."""
    action = spec.action
    if action == TourAction.CHANGE_TEAM:
        return {"team": team_lines(str(form.get("team") or ""))}
    if action == TourAction.RECORD_FINDING and form.get("kind") == "hazard":
        fields = {name: str(form.get(f"hazard_{name}") or "").strip() for name in HAZARD_FIELDS}
        return {"hazard": {k: v for k, v in fields.items() if v or k in ("title", "enterprise_uscc", "region_code", "industry")}}
    return {}


