"""The hazard list, its Excel export (整改台账) and the report form (登记).

The list's filter is `services.hazards_query.hazard_filter`, the API's own: a value that names nothing is
refused with its message, as `GET /api/v1/hazards` refuses it with a 422.
"""

import json
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from anyio import to_thread
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData
from temporalio.client import Client

from api.deps import PoliciesDep, TemporalDep
from core.policies import PolicyRegistry
from models.base import china_date
from models.enums import HazardLevel, HazardStatus, Role, Source
from models.tables import HazardRow
from services import hazards as services
from services import presenters
from services.errors import ApiError
from services.hazards_query import hazard_filter
from services.schemas import HazardCreate
from store import hazards
from web import forms
from web.i18n import label
from web.pages.context import (
    Page,
    PageDep,
    cn_day,
    cn_time,
    csrf_refused,
    enterprises,
    error_page,
    message,
    regions,
    render,
    see_other,
)
from web.urgency import next_due

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
EXPORT_LIMIT = 50_000
REPORT_FIELDS = set(HazardCreate.model_fields)


@dataclass
class ListQuery:
    status: str | None
    level: str | None
    source: str | None
    region: str | None
    enterprise: str | None
    overdue: str | None
    q: str | None
    page: int

    def params(self, **changes: Any) -> str:
        """The query string of this list, with `changes` (the page is left out when it is the first)."""
        values = {**self.__dict__, **changes}
        return urlencode({k: v for k, v in values.items() if v not in (None, "") and not (k == "page" and v == 1)})


def _list_query(
    status: Annotated[str | None, Query(max_length=30)] = None,
    level: Annotated[str | None, Query(max_length=10)] = None,
    source: Annotated[str | None, Query(max_length=20)] = None,
    region: Annotated[str | None, Query(max_length=12)] = None,
    enterprise: Annotated[str | None, Query(max_length=18)] = None,
    overdue: Annotated[str | None, Query(max_length=5)] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> ListQuery:
    return ListQuery(status or None, level or None, source or None, region or None, enterprise or None, overdue or None, (q or "").strip() or None, page)


ListQueryDep = Annotated[ListQuery, Depends(_list_query)]


def _filter(page: Page, query: ListQuery) -> hazards.HazardFilter:
    """The API's filter for this list (an `ApiError` when a value names nothing)."""
    return hazard_filter(
        page.session, status=query.status, level=query.level, source=query.source, region_code=query.region,
        enterprise_uscc=query.enterprise, overdue={"yes": True, "no": False}.get(query.overdue or ""), q=query.q,
    )


@router.get("/hazards", response_class=HTMLResponse)
def hazards_page(page: PageDep, query: ListQueryDep) -> HTMLResponse:
    items = []
    total, status, problem = 0, 200, None
    try:
        rows, total = hazards.list_rows(
            session=page.session, scope=page.principal.scope, flt=_filter(page, query), page=query.page, page_size=PAGE_SIZE
        )
    except ApiError as error:
        rows, status, problem = [], error.status, message(page.lang, error)
    for r in rows:
        due, lapsed = next_due(r.state_json)
        items.append({"row": r, "summary": presenters.summary(r), "urgency": page.urgency(due, r.overdue or lapsed)})
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        page, "hazards.html", status=status, items=items, total=total, pages=pages, query=query, problem=problem,
        regions=regions(page), enterprises=enterprises(page), statuses=[s.value for s in HazardStatus],
        levels=[lv.value for lv in HazardLevel], sources=[s.value for s in Source],
    )


LEDGER_HEADERS = ("隐患编号", "隐患名称", "企业名称", "所在地区", "隐患等级", "状态", "挂牌督办机关", "整改期限", "是否逾期", "已启动的升级措施", "登记时间")


@router.get("/hazards/export.xlsx")
def export_ledger(page: PageDep, query: ListQueryDep) -> Response:
    """The filtered list as the rectification ledger (整改台账), an Excel workbook with Chinese headers."""
    from core.spreadsheet import ledger_workbook

    try:
        flt = _filter(page, query)
    except ApiError as error:
        return error_page(page, error)
    rows, _ = hazards.list_rows(session=page.session, scope=page.principal.scope, flt=flt, page=1, page_size=EXPORT_LIMIT)

    def ledger_row(row: HazardRow) -> tuple[Any, ...]:
        state = json.loads(row.state_json)
        facts = state.get("facts") or {}
        listing = state.get("listing") or {}
        fired = "、".join(label("rung", f.get("rung"), "zh") for f in state.get("fired") or ())
        return (
            row.code,
            row.title,
            row.enterprise_name,
            ((facts.get("region_path") or [{}])[-1]).get("name", row.region_code),
            label("level", row.level, "zh"),
            label("status", row.status, "zh"),
            listing.get("authority_name", ""),
            cn_day(row.deadline),
            "是" if row.overdue else "否",
            fired,
            cn_time(row.reported_at),
        )

    content = ledger_workbook(LEDGER_HEADERS, map(ledger_row, rows), widths=(26, 30, 30, 10, 10, 10, 14, 12, 8, 24, 17))
    name = f"整改台账-{china_date(page.now).strftime('%Y%m%d')}.xlsx"
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''{quote(name)}"},
    )


# --- reporting a hazard -----------------------------------------------------------------------------------------


def _report_page(page: Page, errors: forms.FormErrors | None = None) -> HTMLResponse:
    errors = errors or forms.FormErrors()
    values = errors.values or {"discovered_at": china_date(page.now).isoformat(), "source": "inspection"}
    if page.principal.actor.role == Role.ENTERPRISE and "source" not in errors.values:
        values["source"] = "self_inspection"
    return render(
        page, "report.html", status=errors.status, errors=errors, values=values, regions=regions(page),
        enterprises=enterprises(page), sources=[s.value for s in Source],
    )


@router.get("/hazards/new", response_class=HTMLResponse)
def report_form(page: PageDep) -> HTMLResponse:
    return _report_page(page)


@router.post("/hazards/new", response_class=HTMLResponse)
async def report(request: Request, page: PageDep, client: TemporalDep, policies: PoliciesDep) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    return await to_thread.run_sync(partial(_report, page, client, policies, form))


def _report(page: Page, client: Client, policies: PolicyRegistry, form: FormData) -> Response:
    values = forms.values_of(form)
    data = {k: v.strip() for k, v in values.items() if k in REPORT_FIELDS and v.strip()}
    try:
        body = HazardCreate.model_validate(data)
        reported = services.report_hazard(
            session=page.session, principal=page.principal, body=body, settings=page.settings, client=client,
            policies=policies,
        )
    except ValidationError as error:
        errors = forms.errors_from_validation(error, REPORT_FIELDS, page.lang)
        errors.values = values
        return _report_page(page, errors)
    except ApiError as error:
        if error.status == 503:  # an outage: the app's friendly page, not a form error
            raise
        errors = forms.errors_from_api(error, REPORT_FIELDS, page.lang)
        errors.values = values
        return _report_page(page, errors)
    if reported.row is None:
        return see_other("/hazards?accepted=1")
    return see_other(f"/hazards/{reported.code}?done=report")
