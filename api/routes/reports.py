"""The reporting cadence: periodic reports, the figures as JSON and the ranking (打分排队).

Thin over `services/reports.py`, which the web UI's report, ranking and dashboard pages call too. (The
Prometheus text at the root `/metrics` is another thing: the API's own operational metrics.)
"""


from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import CurrentUser, PoliciesDep, SessionDep, SettingsDep
from models.base import Day
from models.report import ReportKind, ReportRequest
from services import reports
from services.metrics_schemas import Grouping, MetricsOut, RankedOut
from services.report_schemas import PeriodicReportOut, PeriodicReportPage

router = APIRouter(tags=["reports"])
RegionQuery = Annotated[str | None, Query(max_length=12, description="a division code; default: the caller's jurisdiction")]
StartQuery = Annotated[Day | None, Query(description="first day of the period (YYYY-MM-DD, Asia/Shanghai)")]
EndQuery = Annotated[Day | None, Query(description="last day of the period, included")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/reports", response_model=PeriodicReportPage)
def list_reports(
    session: SessionDep, principal: CurrentUser, kind: ReportKind | None = None, region_code: RegionQuery = None,
    period_start: StartQuery = None, period_end: EndQuery = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1, page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> PeriodicReportPage:
    """Periodic reports of jurisdictions in the caller's subtree, newest period first: `{"items", "total"}`.
    `period_start` / `period_end` keep the reports whose period lies within them."""
    return PeriodicReportPage.model_validate(reports.list_reports(
        session, principal, kind=kind.value if kind else None, region_code=region_code, start=period_start,
        end=period_end, page=page, page_size=page_size))


@router.post("/reports", status_code=201, response_model=PeriodicReportOut)
def run_report(body: ReportRequest, session: SessionDep, principal: CurrentUser, policies: PoliciesDep,
               settings: SettingsDep, response: Response) -> PeriodicReportOut:
    """Run one report now: a supervisor of the region (or above it) or an admin. Idempotent per kind, region and
    period: 201 with the report, the one written now or the one already there (`X-Duban-Existing: true`)."""
    row, written = reports.run_report(session, principal, policies, settings, body)
    if not written:
        response.headers["X-Duban-Existing"] = "true"
    return PeriodicReportOut.model_validate(reports.full(row))


@router.get("/reports/{report_id}.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}})
def report_workbook(report_id: str, session: SessionDep, principal: CurrentUser) -> Response:
    """The report as an Excel workbook (cells written as text: nothing runs as a formula)."""
    row = reports.read_report(session, principal, report_id)
    return Response(reports.workbook(row), media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"{row.id}.xlsx\"; filename*=UTF-8''{quote(row.id)}.xlsx"})


@router.get("/reports/{report_id}", response_model=PeriodicReportOut)
def read_report(report_id: str, session: SessionDep, principal: CurrentUser) -> PeriodicReportOut:
    """One report: its figures in total and by sub-jurisdiction, industry, level and source, the overdue hazards,
    the campaigns' figures, the ranking and the hash of its document."""
    return PeriodicReportOut.model_validate(reports.full(reports.read_report(session, principal, report_id)))


@router.get("/metrics", response_model=MetricsOut)
def metrics_json(
    session: SessionDep, principal: CurrentUser, region_code: RegionQuery = None, period_start: StartQuery = None,
    period_end: EndQuery = None, group_by: Grouping = "region",
) -> MetricsOut:
    """The figures of docs/domain.md §10 for the hazards reported in the period (default: this year), in total
    and grouped: the same definition as the dashboard and the reports."""
    return MetricsOut.model_validate(
        reports.figures(session, principal, region_code=region_code, start=period_start, end=period_end, group_by=group_by))


@router.get("/rankings", response_model=list[RankedOut])
def rankings(
    session: SessionDep, principal: CurrentUser, policies: PoliciesDep, settings: SettingsDep,
    region_code: RegionQuery = None, period_start: StartQuery = None, period_end: EndQuery = None,
) -> list[RankedOut]:
    """打分排队: the region's sub-jurisdictions, each with `region_code`, `score` and the `terms` that make it
    (value × weight from the policy profile's `[ranking]`), highest first."""
    ranked = reports.rankings(session, principal, policies, settings, region_code=region_code, start=period_start, end=period_end)
    return [RankedOut.model_validate(entry) for entry in ranked]



