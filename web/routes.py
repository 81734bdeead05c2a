"""The web UI: server-rendered pages over the same service layer as the JSON API.

Reads come from the read model through `store/` and `api/views.py`; every action goes through
`api/services.py` (and so through Temporal), exactly as the JSON routes do. Plain HTML forms work without
JavaScript. Signing in sets the API's own access token in an HttpOnly, SameSite=Lax cookie (`duban_token`);
every form carries a CSRF token derived from it (HMAC with the secret key), checked on POST.
"""

import hashlib
import hmac
import io
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property, partial
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from anyio import to_thread
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from api import attachments, services, views
from api.deps import SESSION_COOKIE, Principal, SessionDep, SettingsDep, principal_or_none
from api.errors import ApiError
from api.routes import interviews as interview_routes
from api.routes import notifications as notification_routes
from api.routes.attachments import read_upload
from api.routes.auth import authenticate, token_for
from api.routes.tasks import task_page
from api.schemas import HazardCreate
from core.db import as_utc
from core.settings import Settings
from domain.calendar import WorkCalendar
from models.base import CHINA_TZ, china_date
from models.enums import Action, HazardLevel, HazardStatus, Role, Source
from models.interview import InterviewAction, ScheduleBody, SubmitMaterialsBody
from models.interview import RecordBody as InterviewRecordBody
from models.interview import ReplyBody as InterviewReplyBody
from models.tables import Enterprise, Jurisdiction
from store import calendar as calendar_store
from store import hazards, metrics, notifications, reference
from store.hazards import OPEN_STATUSES
from web import charts, forms
from web.i18n import LANG_COOKIE, LANGS, Lang, label, lang_of, t
from web.urgency import WARNING_WORKING_DAYS, Urgency, last_day, next_due, urgency

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)

LOGIN_COOKIE = "duban_login"  # a random nonce before sign-in, so the sign-in form has a CSRF token too
PAGE_SIZE = 20
TASKS_SHOWN = 200  # the most urgent; the rest are on the hazard list
EXPORT_LIMIT = 50_000
INTERVIEW_BODIES: dict[InterviewAction, type[BaseModel]] = {
    InterviewAction.SCHEDULE: ScheduleBody,
    InterviewAction.SUBMIT_MATERIALS: SubmitMaterialsBody,
    InterviewAction.RECORD: InterviewRecordBody,
    InterviewAction.REPLY: InterviewReplyBody,
}
REPORTER_ROLES = services.REPORTER_ROLES


# --- the page context ---------------------------------------------------------------------------------------


def csrf_for(token: str, secret: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{token}".encode(), hashlib.sha256).hexdigest()


@dataclass
class Page:
    """Everything a page needs: the request, the signed-in user, the language, the CSRF token."""

    request: Request
    session: Session
    settings: Settings
    principal: Principal
    lang: Lang
    csrf: str
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @cached_property
    def calendar(self) -> WorkCalendar:
        return WorkCalendar(calendar_store.loaded_years(session=self.session))

    @cached_property
    def header(self) -> dict[str, str]:
        user = self.principal.user
        where = ""
        if user.jurisdiction_code:
            jurisdiction = self.session.get(Jurisdiction, user.jurisdiction_code)
            where = f"{jurisdiction.name if jurisdiction else ''} {user.jurisdiction_code}".strip()
        elif user.enterprise_uscc:
            enterprise = self.session.get(Enterprise, user.enterprise_uscc)
            where = enterprise.name if enterprise else user.enterprise_uscc
        elif self.principal.scope.everything:
            where = t("everything", self.lang)
        return {
            "name": user.display_name or user.username,
            "username": user.username,
            "role": label("role", user.role, self.lang),
            "where": where,
        }

    def urgency(self, due: datetime | None, overdue: bool) -> Urgency:
        return urgency(self.calendar, as_utc(due), overdue, self.now)

    @property
    def may_report(self) -> bool:
        return self.principal.actor.role in REPORTER_ROLES


def _lang(request: Request) -> Lang:
    return lang_of(request.cookies.get(LANG_COOKIE))


def _login_redirect(request: Request) -> HTTPException:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return HTTPException(status_code=303, headers={"Location": f"/login?next={quote(target)}"})


def current_page(request: Request, session: SessionDep, settings: SettingsDep) -> Page:
    """The page context of a signed-in user; anyone else is sent to the sign-in page."""
    token = request.cookies.get(SESSION_COOKIE)
    principal = principal_or_none(session, settings, token)
    if principal is None or token is None:
        raise _login_redirect(request)
    return Page(request, session, settings, principal, _lang(request), csrf_for(token, settings.secret_key))


PageDep = Annotated[Page, Depends(current_page)]


def render(page: Page, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(page.request, name, {"page": page, "lang": page.lang, **context}, status_code=status)


def error_page(page: Page, error: ApiError) -> HTMLResponse:
    message = error.detail["message_zh"] if page.lang == "zh" else error.detail["message_en"]
    return render(page, "error.html", status=error.status, message=message, status_code=error.status)


def csrf_refused(page: Page, form: FormData) -> HTMLResponse | None:
    """None when the form carries this session's CSRF token; else the page that says so (403)."""
    sent = form.get("csrf")
    if isinstance(sent, str) and hmac.compare_digest(sent, page.csrf):
        return None
    return error_page(page, ApiError(403, "csrf_failed", t("csrf_failed", "zh"), t("csrf_failed", "en")))


def safe_next(value: str | None) -> str:
    """Only a path on this site (no scheme, no host) is followed after sign-in or a language switch."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _cn(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    value = as_utc(value)
    return value.astimezone(CHINA_TZ).strftime(fmt) if value else ""


def _day(value: datetime | None) -> str:
    value = as_utc(value)
    return last_day(value).isoformat() if value else ""


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


templates.env.globals.update(t=t, label=label, fields_of=forms.fields_of, WARNING_WORKING_DAYS=WARNING_WORKING_DAYS)
templates.env.filters.update(cn_time=_cn, cn_day=_day, pct=_pct)


# --- signing in and out, language ---------------------------------------------------------------------------


def _login_nonce_csrf(nonce: str, settings: Settings) -> str:
    return csrf_for(f"login:{nonce}", settings.secret_key)


def _login_page(
    request: Request, settings: Settings, next_url: str, error: str | None = None, status: int = 200, username: str = ""
) -> HTMLResponse:
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {
            "lang": _lang(request),
            "page": None,
            "csrf": _login_nonce_csrf(nonce, settings),
            "next": next_url,
            "error": error,
            "username": username,
            "demo": settings.development and settings.load_demo_data,
        },
        status_code=status,
    )
    response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="lax", secure=request.url.scheme == "https", max_age=3600)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: SessionDep, settings: SettingsDep, next: str | None = None) -> Response:
    if principal_or_none(session, settings, request.cookies.get(SESSION_COOKIE)) is not None:
        return see_other(safe_next(next))
    return _login_page(request, settings, safe_next(next))


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    form = await request.form()
    next_url = safe_next(str(form.get("next") or "/"))
    lang = _lang(request)
    nonce = request.cookies.get(LOGIN_COOKIE) or ""
    sent = str(form.get("csrf") or "")
    if not nonce or not hmac.compare_digest(sent, _login_nonce_csrf(nonce, settings)):
        return _login_page(request, settings, next_url, t("csrf_failed", lang), status=403)
    client = request.client.host if request.client else "unknown"
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    try:
        user = await to_thread.run_sync(
            partial(authenticate, request.app.state.sign_in_throttle, session, username, password, client)
        )
    except ApiError as error:
        message = error.detail["message_zh"] if lang == "zh" else error.detail["message_en"]
        return _login_page(request, settings, next_url, message, status=error.status, username=username)
    token = token_for(user, settings)
    response = see_other(next_url)
    response.set_cookie(
        SESSION_COOKIE, token.access_token, max_age=token.expires_in, httponly=True, samesite="lax",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request, page: PageDep) -> Response:
    refused = csrf_refused(page, await request.form())
    if refused is not None:
        return refused
    response = see_other("/login")
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
    return response


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str | None = None) -> Response:
    chosen = lang_of(lang) if lang in LANGS else "zh"
    response = see_other(safe_next(next or request.headers.get("referer", "").partition(request.url.netloc)[2] or "/"))
    response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax")
    return response


# --- my tasks -----------------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def tasks_page(page: PageDep) -> HTMLResponse:
    tasks = task_page(page.session, page.principal, 1, TASKS_SHOWN)  # GET /api/v1/tasks, most urgent first
    rows = [{"task": task, "urgency": page.urgency(task.due_at, task.overdue)} for task in tasks.items]
    return render(page, "tasks.html", rows=rows, total=tasks.total)


# --- hazards ------------------------------------------------------------------------------------------------


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
    region_path = None
    if query.region:
        region = reference.get_jurisdiction(session=page.session, code=query.region)
        region_path = region.path if region else "-"
    return hazards.HazardFilter(
        status=query.status if query.status in {s.value for s in HazardStatus} else None,
        level=query.level if query.level in {lv.value for lv in HazardLevel} else None,
        source=query.source if query.source in {s.value for s in Source} else None,
        region_path=region_path,
        enterprise_uscc=query.enterprise,
        overdue={"yes": True, "no": False}.get(query.overdue or ""),
        q=query.q,
    )


def _regions(page: Page) -> list[Jurisdiction]:
    """The regions the user may filter by or report in: their subtree (an enterprise: its own region)."""
    scope = page.principal.scope
    if scope.enterprise_uscc is not None:
        enterprise = page.session.get(Enterprise, scope.enterprise_uscc)
        region = page.session.get(Jurisdiction, enterprise.region_code) if enterprise else None
        return [region] if region else []
    path = None if scope.everything else scope.path
    rows = reference.visible_jurisdictions(session=page.session, path=path)
    return [j for j in rows if path is None or j.path.startswith(path)]


def _enterprises(page: Page) -> list[Enterprise]:
    scope = page.principal.scope
    if scope.enterprise_uscc is not None:
        return reference.enterprises_under(session=page.session, path=None, only_uscc=scope.enterprise_uscc)
    return reference.enterprises_under(session=page.session, path=None if scope.everything else scope.path or "-")


@router.get("/hazards", response_class=HTMLResponse)
def hazards_page(page: PageDep, query: ListQueryDep) -> HTMLResponse:
    rows, total = hazards.list_rows(
        session=page.session, scope=page.principal.scope, flt=_filter(page, query), page=query.page, page_size=PAGE_SIZE
    )
    items = []
    for r in rows:
        due, lapsed = next_due(r.state_json)
        items.append({"row": r, "summary": views.summary(r), "urgency": page.urgency(due, r.overdue or lapsed)})
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        page, "hazards.html", items=items, total=total, pages=pages, query=query, regions=_regions(page),
        enterprises=_enterprises(page), statuses=[s.value for s in HazardStatus], levels=[lv.value for lv in HazardLevel],
        sources=[s.value for s in Source],
    )


LEDGER_HEADERS = ("隐患编号", "隐患名称", "企业名称", "所在地区", "隐患等级", "状态", "挂牌督办机关", "整改期限", "是否逾期", "已启动的升级措施", "登记时间")


@router.get("/hazards/export.xlsx")
def export_ledger(page: PageDep, query: ListQueryDep) -> Response:
    """The filtered list as the rectification ledger (整改台账), an Excel workbook with Chinese headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows, _ = hazards.list_rows(
        session=page.session, scope=page.principal.scope, flt=_filter(page, query), page=1, page_size=EXPORT_LIMIT
    )
    book = Workbook()
    sheet = book.active
    sheet.title = "整改台账"
    sheet.append(LEDGER_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        state = json.loads(row.state_json)
        facts = state.get("facts") or {}
        listing = state.get("listing") or {}
        fired = "、".join(label("rung", f.get("rung"), "zh") for f in state.get("fired") or ())
        sheet.append(
            (
                row.code,
                row.title,
                row.enterprise_name,
                ((facts.get("region_path") or [{}])[-1]).get("name", row.region_code),
                label("level", row.level, "zh"),
                label("status", row.status, "zh"),
                listing.get("authority_name", ""),
                _day(row.deadline),
                "是" if row.overdue else "否",
                fired,
                _cn(row.reported_at),
            )
        )
    for column, width in zip("ABCDEFGHIJK", (26, 30, 30, 10, 10, 10, 14, 12, 8, 24, 17), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    name = f"整改台账-{china_date(page.now).strftime('%Y%m%d')}.xlsx"
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''{quote(name)}"},
    )


def _report_page(page: Page, errors: forms.FormErrors | None = None) -> HTMLResponse:
    errors = errors or forms.FormErrors()
    values = errors.values or {"discovered_at": china_date(page.now).isoformat(), "source": "inspection"}
    if page.principal.actor.role == Role.ENTERPRISE and "source" not in errors.values:
        values["source"] = "self_inspection"
    return render(
        page, "report.html", status=errors.status, errors=errors, values=values, regions=_regions(page),
        enterprises=_enterprises(page), sources=[s.value for s in Source],
    )


@router.get("/hazards/new", response_class=HTMLResponse)
def report_form(page: PageDep) -> HTMLResponse:
    return _report_page(page)


REPORT_FIELDS = set(HazardCreate.model_fields)


@router.post("/hazards/new", response_class=HTMLResponse)
async def report(request: Request, page: PageDep) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    return await to_thread.run_sync(partial(_report, page, form))


def _report(page: Page, form: FormData) -> Response:
    values = forms.values_of(form)
    data = {k: v.strip() for k, v in values.items() if k in REPORT_FIELDS and v.strip()}
    try:
        body = HazardCreate.model_validate(data)
        reported = services.report_hazard(
            session=page.session, principal=page.principal, body=body, settings=page.settings,
            client=page.request.app.state.temporal, policies=page.request.app.state.policies,
        )
    except ValidationError as error:
        errors = forms.errors_from_validation(error, REPORT_FIELDS, page.lang)
        errors.values = values
        return _report_page(page, errors)
    except ApiError as error:
        errors = forms.errors_from_api(error, REPORT_FIELDS, page.lang)
        errors.values = values
        return _report_page(page, errors)
    if reported.row is None:
        return see_other("/hazards?accepted=1")
    return see_other(f"/hazards/{reported.code}?done=report")


def _hazard_page(page: Page, code: str, errors: forms.FormErrors | None = None) -> HTMLResponse:
    try:
        row = views.visible_row(page.session, code, page.principal)
    except ApiError as error:
        return error_page(page, error)
    hazard = views.detail(page.session, row, page.principal)
    documents = [f for f in hazard.escalation.fired if f.document_hash]
    interview_rows = [interview_routes.summary(r, interviews_state) for r, interviews_state in _interviews_of(page, code)]
    due, lapsed = next_due(row.state_json)
    defaults = {
        Action.LIST.value: {"authority_level": (page.principal.actor.jurisdiction_level or "")},
    }
    done = page.request.query_params.get("done")
    return render(
        page,
        "hazard.html",
        status=errors.status if errors else 200,
        hazard=hazard,
        documents=documents,
        interviews=interview_rows,
        urgency=page.urgency(due, row.overdue or lapsed),
        actions=[(a.value, services.HAZARD_ACTION_BODIES[a]) for a in hazard.allowed_actions],
        errors=errors or forms.FormErrors(),
        defaults=defaults,
        done=label("action", done, page.lang) if done else None,
        accepted=page.request.query_params.get("accepted") == "1",
    )


def _interviews_of(page: Page, code: str) -> list[tuple[Any, Any]]:
    from store import interviews as interview_store

    rows = interview_store.list_rows(session=page.session, scope=page.principal.scope, hazard_code=code)
    return [(r, interview_store.state_of(r)) for r in rows]


@router.get("/hazards/{code}", response_class=HTMLResponse)
def hazard_page(page: PageDep, code: str) -> HTMLResponse:
    return _hazard_page(page, code)


@router.post("/hazards/{code}/act/{action}", response_class=HTMLResponse)
async def hazard_action(request: Request, page: PageDep, code: str, action: str) -> Response:
    form = await request.form(max_part_size=attachments.MAX_BYTES)
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    return await to_thread.run_sync(partial(_hazard_action, page, code, action, form))


def _hazard_action(page: Page, code: str, action_name: str, form: FormData) -> Response:
    try:
        action = Action(action_name)
        model = services.HAZARD_ACTION_BODIES[action]
    except (ValueError, KeyError):
        return error_page(page, ApiError(404, "unknown_action", f"没有“{action_name}”这个操作", f"no action '{action_name}'"))
    names = {f.name for f in forms.fields_of(model)}
    try:
        extra = {}
        if "evidence" in names:
            extra["evidence"] = _store_evidence(page, code, form)
        body = forms.parse(model, form, extra)
        row = services.hazard_action(
            session=page.session, principal=page.principal, client=page.request.app.state.temporal, code=code,
            action=action, body=body,
        )
    except ValidationError as error:
        errors = forms.errors_from_validation(error, names, page.lang)
    except ApiError as error:
        errors = forms.errors_from_api(error, names, page.lang)
    else:
        if row is None:
            return see_other(f"/hazards/{code}?accepted=1")
        return see_other(f"/hazards/{code}?done={action.value}")
    errors.values = forms.values_of(form)
    errors.action = action.value
    return _hazard_page(page, code, errors)


def _store_evidence(page: Page, code: str, form: FormData) -> list[str]:
    """Keep the uploaded evidence files (the attachments service, as `POST /api/v1/attachments`); their ids."""
    ids = [str(v) for v in form.getlist("evidence") if isinstance(v, str) and attachments.ID.fullmatch(v)]
    for upload in form.getlist("evidence_file"):
        if isinstance(upload, UploadFile) and upload.filename:
            try:
                stored = attachments.store(
                    data_dir=page.settings.data_dir, content=read_upload(upload), filename=upload.filename,
                    principal=page.principal, hazard_code=code,
                )
            except ApiError as error:
                raise ApiError(error.status, error.detail["code"], f"evidence：{error.detail['message_zh']}", f"evidence: {error.detail['message_en']}") from None
            ids.append(stored.id)
    return ids


# --- board and dashboard ------------------------------------------------------------------------------------


@router.get("/board", response_class=HTMLResponse)
def board_page(page: PageDep) -> HTMLResponse:
    board = metrics.board(session=page.session, scope=page.principal.scope)
    columns = []
    for status in OPEN_STATUSES:
        cards = []
        for card in board.columns[status]:
            due, lapsed = next_due(card.state_json)
            cards.append({"card": card, "due": due, "urgency": page.urgency(due, card.overdue or lapsed)})
        columns.append({"status": status, "count": board.counts[status], "cards": cards})
    return render(page, "board.html", columns=columns, board=board, statuses=OPEN_STATUSES)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    page: PageDep,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> HTMLResponse:
    today = china_date(page.now)
    start = start or date(today.year, 1, 1)
    end = end or today
    if end < start:
        start, end = end, start
    begin = datetime(start.year, start.month, start.day, tzinfo=CHINA_TZ).astimezone(UTC)
    finish = (datetime(end.year, end.month, end.day, tzinfo=CHINA_TZ) + timedelta(days=1)).astimezone(UTC)
    figures = metrics.dashboard(session=page.session, scope=page.principal.scope, start=begin, end=finish)
    own = t("board.own_level", page.lang)
    region_rows = [(g.name or own, g) for g in figures.by_region]
    series = [t("dash.found", page.lang), t("dash.rectified", page.lang)]
    rates = [t("dash.rate", page.lang), t("dash.on_time_rate", page.lang), t("dash.closure_rate", page.lang)]

    def counts_chart(groups: list[tuple[str, metrics.Figures]], title: str) -> Any:
        return charts.bars([(name, [f.found, f.rectified]) for name, f in groups], series, title=title)

    def rates_chart(groups: list[tuple[str, metrics.Figures]], title: str) -> Any:
        return charts.bars(
            [(name, [f.rectification_rate, f.on_time_rate, f.closure_rate]) for name, f in groups],
            rates, title=title, percent=True,
        )

    industry_rows = [(g.name or "—", g.figures) for g in figures.by_industry]
    region_figures = [(name, g.figures) for name, g in region_rows]
    return render(
        page,
        "dashboard.html",
        start=start,
        end=end,
        figures=figures,
        region_rows=region_figures,
        industry_rows=industry_rows,
        charts={
            "region_counts": counts_chart(region_figures, t("dash.by_region", page.lang)),
            "region_rates": rates_chart(region_figures, t("dash.by_region", page.lang)),
            "industry_counts": counts_chart(industry_rows, t("dash.by_industry", page.lang)),
            "industry_rates": rates_chart(industry_rows, t("dash.by_industry", page.lang)),
        },
    )


# --- notifications ------------------------------------------------------------------------------------------


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(page: PageDep, unread: bool = False, p: Annotated[int, Query(ge=1)] = 1) -> HTMLResponse:
    enterprise, authorities = notification_routes._whose(page.principal)
    rows, total, unread_count = notifications.inbox(
        session=page.session, enterprise_uscc=enterprise, authority_codes=authorities, unread=True if unread else None,
        hazard_code=None, page=p, page_size=50,
    )
    return render(page, "notifications.html", rows=rows, total=total, unread_count=unread_count, unread=unread, p=p, pages=max(1, -(-total // 50)))


@router.post("/notifications/{notification_id}/read")
async def notification_read(request: Request, page: PageDep, notification_id: int) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused

    def mark() -> Response:
        try:
            notification_routes.mark_notification_read(notification_id, page.session, page.principal)
        except ApiError as error:
            return error_page(page, error)
        return see_other(safe_next(str(form.get("next") or "/notifications")))

    return await to_thread.run_sync(mark)


# --- interviews ---------------------------------------------------------------------------------------------


@router.get("/interviews", response_class=HTMLResponse)
def interviews_page(page: PageDep) -> HTMLResponse:
    items = interview_routes.list_interviews(page.session, page.principal)
    return render(page, "interviews.html", items=items)


def _interview_page(page: Page, interview_id: str, errors: forms.FormErrors | None = None) -> HTMLResponse:
    try:
        row = interview_routes.visible_row(page.session, interview_id, page.principal)
    except ApiError as error:
        return error_page(page, error)
    interview = interview_routes.detail(page.session, row, page.principal)
    done = page.request.query_params.get("done")
    return render(
        page,
        "interview.html",
        status=errors.status if errors else 200,
        interview=interview,
        actions=[(a.value, INTERVIEW_BODIES[a]) for a in interview.allowed_actions],
        errors=errors or forms.FormErrors(),
        defaults={},
        done=label("action", done, page.lang) if done else None,
        accepted=page.request.query_params.get("accepted") == "1",
    )


@router.get("/interviews/{interview_id}", response_class=HTMLResponse)
def interview_page(page: PageDep, interview_id: str) -> HTMLResponse:
    return _interview_page(page, interview_id)


@router.post("/interviews/{interview_id}/act/{action}", response_class=HTMLResponse)
async def interview_action(request: Request, page: PageDep, interview_id: str, action: str) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    return await to_thread.run_sync(partial(_interview_action, page, interview_id, action, form))


def _interview_action(page: Page, interview_id: str, action_name: str, form: FormData) -> Response:
    try:
        action = InterviewAction(action_name)
        model = INTERVIEW_BODIES[action]
    except (ValueError, KeyError):
        return error_page(page, ApiError(404, "unknown_action", f"没有“{action_name}”这个操作", f"no action '{action_name}'"))
    names = {f.name for f in forms.fields_of(model)}
    try:
        body = forms.parse(model, form)
        row = services.interview_action(
            session=page.session, principal=page.principal, client=page.request.app.state.temporal,
            interview_id=interview_id, action=action, body=body,
        )
    except ValidationError as error:
        errors = forms.errors_from_validation(error, names, page.lang)
    except ApiError as error:
        errors = forms.errors_from_api(error, names, page.lang)
    else:
        suffix = "accepted=1" if row is None else f"done={action.value}"
        return see_other(f"/interviews/{quote(interview_id)}?{suffix}")
    errors.values = forms.values_of(form)
    errors.action = action.value
    return _interview_page(page, interview_id, errors)
