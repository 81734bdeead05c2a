"""The reporting cadence's pages: periodic reports (list, one report with its downloads, run one now), the ranking
(打分排队) and circulars (通报: list, one, issue one). Over `services/reports.py` and `services/circulars.py`, the
same functions as the JSON routes."""

from datetime import date
from functools import partial
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from api.deps import PoliciesDep, TemporalDep
from core.policies import PolicyRegistry
from models.base import china_date
from models.enums import Role
from models.report import CircularRequest, ReportKind, ReportRequest
from services import circulars, reports
from services.errors import ApiError
from services.errors import validation_detail as refusal_of
from web.pages.board import period_day
from web.pages.context import Page, PageDep, csrf_refused, error_page, message, regions, render, see_other

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _values(form: FormData) -> dict[str, str]:
    return {k: str(v).strip() for k, v in form.items() if k != "csrf" and str(v).strip()}


def _problem(page: Page, error: ValidationError | ApiError) -> tuple[int, str, str | None]:
    """A refusal as the page shows it: status, words in the page's language, the field it names."""
    if isinstance(error, ApiError):
        return error.status, message(page.lang, error), error.detail.get("field")
    detail = refusal_of(error.errors(include_url=False))  # type: ignore[arg-type]
    first = detail["errors"][0]
    return 422, str(first["message_zh"] if page.lang == "zh" else first["message_en"]), first["field"]


# --- periodic reports --------------------------------------------------------------------------------------------------


def _reports_page(page: Page, status: int = 200, **context: Any) -> HTMLResponse:
    query = page.request.query_params
    kind = query.get("kind") or None
    try:
        listed = reports.list_reports(page.session, page.principal, kind=kind if kind in set(ReportKind) else None,
                                      region_code=query.get("region_code") or None, start=None, end=None, page=1, page_size=200)
    except ApiError as error:
        return error_page(page, error)
    return render(page, "periodic_reports.html", status=status, items=listed["items"], total=listed["total"],
                  kinds=[k.value for k in ReportKind], regions=regions(page), kind=kind,
                  may_run=page.principal.actor.role in {Role.SUPERVISOR, Role.ADMIN}, values=context.pop("values", {}), **context)


@router.get("/reports", response_class=HTMLResponse)
def reports_page(page: PageDep) -> HTMLResponse:
    return _reports_page(page)


@router.post("/reports", response_class=HTMLResponse)
async def run_report(request: Request, page: PageDep, policies: PoliciesDep) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    values = _values(form)
    try:
        request_ = ReportRequest.model_validate(values)
        row, _ = await to_thread.run_sync(  # the figures and the PDF: seconds of work, off the event loop
            partial(reports.run_report, page.session, page.principal, policies, page.settings, request_))
    except (ValidationError, ApiError) as error:
        if isinstance(error, ApiError) and error.status == 503:
            raise
        status, problem, field = _problem(page, error)
        return _reports_page(page, status=status, problem=problem, problem_field=field, values=values)
    return see_other(f"/reports/{row.id}")


@router.get("/reports/{report_id}.xlsx")
def report_workbook(page: PageDep, report_id: str) -> Response:
    try:
        row = reports.read_report(page.session, page.principal, report_id)
    except ApiError as error:
        return error_page(page, error)
    return Response(reports.workbook(row), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{row.id}.xlsx"'})


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(page: PageDep, report_id: str) -> HTMLResponse:
    try:
        report = reports.full(reports.read_report(page.session, page.principal, report_id))
    except ApiError as error:
        return error_page(page, error)
    return render(page, "periodic_report.html", report=report)


# --- the ranking -------------------------------------------------------------------------------------------------------


@router.get("/rankings", response_class=HTMLResponse)
def rankings_page(page: PageDep, policies: PoliciesDep) -> HTMLResponse:
    query = page.request.query_params
    try:
        start, end = period_day(query.get("from"), "from"), period_day(query.get("to"), "to")
        first, last = reports.period_or_default(start, end, page.now)
        ranked = reports.rankings(page.session, page.principal, policies, page.settings,
                                  region_code=query.get("region_code") or None, start=first, end=last)
    except ApiError as error:
        return error_page(page, error)
    return render(page, "rankings.html", ranked=ranked, start=first, end=last, regions=regions(page),
                  region_code=query.get("region_code") or "", weights=_weights(policies, page))


def _weights(policies: PolicyRegistry, page: Page) -> dict[str, float]:
    ranking = reports.current_profile(policies, page.settings).ranking
    return dict(ranking.weights) if ranking else {}


# --- circulars ---------------------------------------------------------------------------------------------------------


def _circulars_page(page: Page, status: int = 200, **context: Any) -> HTMLResponse:
    try:
        listed = circulars.list_circulars(page.session, page.principal, region_code=None)
    except ApiError as error:
        return error_page(page, error)
    today = china_date(page.now)
    defaults = {"period_start": date(today.year, today.month, 1).isoformat(), "period_end": today.isoformat(),
                "region_code": page.principal.actor.jurisdiction_code or ""}
    return render(page, "circulars.html", status=status, items=listed["items"], regions=regions(page),
                  may_issue=page.principal.actor.role == Role.SUPERVISOR, values=context.pop("values", defaults), **context)


@router.get("/circulars", response_class=HTMLResponse)
def circulars_page(page: PageDep) -> HTMLResponse:
    return _circulars_page(page)


@router.post("/circulars", response_class=HTMLResponse)
async def issue_circular(request: Request, page: PageDep, policies: PoliciesDep, client: TemporalDep) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    values = _values(form)
    try:
        row, _ = await to_thread.run_sync(partial(circulars.issue, page.session, page.principal, policies, page.settings,
                                                  CircularRequest.model_validate(values), client))
    except (ValidationError, ApiError) as error:
        if isinstance(error, ApiError) and error.status == 503:
            raise
        status, problem, field = _problem(page, error)
        return _circulars_page(page, status=status, problem=problem, problem_field=field, values=values)
    return see_other(f"/circulars/{row.id}")


@router.get("/circulars/{circular_id}", response_class=HTMLResponse)
def circular_page(page: PageDep, circular_id: str) -> HTMLResponse:
    try:
        circular = circulars.full(circulars.read_circular(page.session, page.principal, circular_id))
    except ApiError as error:
        return error_page(page, error)
    return render(page, "circular.html", circular=circular)
