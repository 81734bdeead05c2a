"""The reporting cadence: periodic reports, the figures as JSON and the ranking (打分排队).

Thin over `services/reports.py`, which the web UI's report, ranking and dashboard pages call too. (The
Prometheus text at the root `/metrics` is another thing: the API's own operational metrics.)
"""


from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from api.deps import CurrentUser, PoliciesDep, SessionDep, SettingsDep
from models.base import Day
from models.report import ReportKind, ReportRequest
from services import reports

router = APIRouter(tags=["reports"])
RegionQuery = Annotated[str | None, Query(max_length=12, description="a division code; default: the caller's jurisdiction")]
StartQuery = Annotated[Day | None, Query(description="first day of the period (YYYY-MM-DD, Asia/Shanghai)")]
EndQuery = Annotated[Day | None, Query(description="last day of the period, included")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/reports")
def list_reports(
    session: SessionDep, principal: CurrentUser, kind: ReportKind | None = None, region_code: RegionQuery = None,
    period_start: StartQuery = None, period_end: EndQuery = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1, page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Periodic reports of jurisdictions in the caller's subtree, newest period first: `{"items", "total"}`.
    `period_start` / `period_end` keep the reports whose period lies within them."""
    return reports.list_reports(session, principal, kind=kind.value if kind else None, region_code=region_code,
                                start=period_start, end=period_end, page=page, page_size=page_size)


@router.post("/reports", status_code=201)
def run_report(body: ReportRequest, session: SessionDep, principal: CurrentUser, policies: PoliciesDep,
               settings: SettingsDep) -> Any:
    """Run one report now: a supervisor of the region (or above it) or an admin. Idempotent per kind, region and
    period: 201 with the report, the one written now or the one already there (`X-Duban-Existing: true`)."""
    row, written = reports.run_report(session, principal, policies, settings, body)
    return JSONResponse(reports.full(row), status_code=201, headers={} if written else {"X-Duban-Existing": "true"})


@router.get("/reports/{report_id}.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}})
def report_workbook(report_id: str, session: SessionDep, principal: CurrentUser) -> Response:
    """The report as an Excel workbook (cells written as text: nothing runs as a formula)."""
    row = reports.read_report(session, principal, report_id)
    return Response(reports.workbook(row), media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"{row.id}.xlsx\"; filename*=UTF-8''{quote(row.id)}.xlsx"})


@router.get("/reports/{report_id}")
def read_report(report_id: str, session: SessionDep, principal: CurrentUser) -> dict[str, Any]:
    """One report: its figures in total and by sub-jurisdiction, industry, level and source, the overdue hazards,
    the campaigns' figures, the ranking and the hash of its document."""
    return reports.full(reports.read_report(session, principal, report_id))


@router.get("/metrics")
def metrics_json(
    session: SessionDep, principal: CurrentUser, region_code: RegionQuery = None, period_start: StartQuery = None,
    period_end: EndQuery = None, group_by: Literal["region", "industry", "level", "source"] = "region",
) -> dict[str, Any]:
    """The figures of docs/domain.md §10 for the hazards reported in the period (default: this year), in total
    and grouped: the same definition as the dashboard and the reports."""
    return reports.figures(session, principal, region_code=region_code, start=period_start, end=period_end, group_by=group_by)


@router.get("/rankings")
def rankings(
    session: SessionDep, principal: CurrentUser, policies: PoliciesDep, settings: SettingsDep,
    region_code: RegionQuery = None, period_start: StartQuery = None, period_end: EndQuery = None,
) -> list[dict[str, Any]]:
    """打分排队: the region's sub-jurisdictions, each with `region_code`, `score` and the `terms` that make it
    (value × weight from the policy profile's `[ranking]`), highest first."""
    return reports.rankings(session, principal, policies, settings, region_code=region_code, start=period_start, end=period_end)



