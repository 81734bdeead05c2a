"""The web UI without a browser: sign-in, the session cookie and CSRF, the language switch, the pages over a
read model filled with synthetic hazards, the Excel ledger, and the form helpers. Reads need no Temporal."""

import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlmodel import Session

from app import create_app
from core.settings import Settings
from domain.calendar import WorkCalendar
from models.actions import AssessBody, ReportProgressBody, SubmitCompletionBody, VerifyBody
from models.enums import HazardLevel, HazardStatus
from models.interview import RecordBody
from services.errors import ApiError
from tests.api_helpers import pass_sign_in_wait
from tests.factories import COUNTY, COUNTY2
from tests.synthetic import Spec, insert
from web import forms
from web.i18n import label, t
from web.urgency import urgency

S = HazardStatus
NOW = datetime.now(UTC)


class NoTemporal:
    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"a read touched Temporal ({name})")


@asynccontextmanager
async def app_without_temporal(tmp_path: Path) -> AsyncIterator[Any]:
    """The app in development on a data directory of its own, started; a read that touches Temporal fails."""
    settings = Settings(_env_file=None, env="development", data_dir=tmp_path, log_json=False, log_level="WARNING")  # type: ignore[call-arg]
    application = create_app(settings, temporal=NoTemporal())  # type: ignore[arg-type]
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[object]:
    async with app_without_temporal(tmp_path) as application:
        with Session(application.state.engine) as session:
            insert(session, [
                Spec(1, S.RECTIFYING, NOW - timedelta(days=40), COUNTY, HazardLevel.MAJOR, listed=True,
                     deadline=NOW - timedelta(days=2), overdue=True, rungs=1, title="储罐区报警器失效"),
                Spec(2, S.REPORTED, NOW - timedelta(days=1), COUNTY, title="消防通道堵塞"),
                Spec(3, S.CLOSED, NOW - timedelta(days=30), COUNTY2, HazardLevel.GENERAL, deadline=NOW - timedelta(days=10),
                     completed_at=NOW - timedelta(days=12), title="叉车未年检"),
            ])
        yield application


async def browser(app: object, username: str | None = None, lang: str | None = None) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://duban.test")  # type: ignore[arg-type]
    if lang:
        client.cookies.set("lang", lang)
    if username:
        reply = await sign_in(client, username)
        assert reply.status_code == 303, reply.text
    return client


async def sign_in(client: httpx.AsyncClient, username: str, password: str = "duban-demo", next_url: str = "/") -> httpx.Response:
    form = await client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    return await client.post("/login", data={"username": username, "password": password, "csrf": csrf, "next": next_url})


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


async def test_pages_need_a_signed_in_user_and_sign_in_sets_a_safe_cookie(app: object) -> None:
    client = await browser(app)
    reply = await client.get("/board")
    assert reply.status_code == 303 and reply.headers["location"] == "/login?next=/board"
    signed = await sign_in(client, "county.supervisor", next_url="/board")
    assert signed.status_code == 303 and signed.headers["location"] == "/board"
    cookie = signed.headers["set-cookie"]
    assert "duban_token=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = await client.get("/board")
    assert page.status_code == 200 and "牡丹区安委办 督办员" in page.text and "督办人员" in page.text
    # The same cookie opens the documents and attachments the pages link to, never the JSON API's actions.
    token = client.cookies.get("duban_token")
    assert (await client.get("/api/v1/tasks")).status_code == 401
    assert (await client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})).status_code == 200


async def test_sign_in_refuses_a_wrong_password_a_missing_csrf_token_and_a_foreign_next(app: object) -> None:
    client = await browser(app)
    wrong = await sign_in(client, "county.supervisor", password="nope")
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text and 'value="county.supervisor"' in wrong.text
    pass_sign_in_wait(app)  # the wait after a failure (an attempt sooner is answered 429: tests/test_throttle.py)
    await client.get("/login")
    forged = await client.post("/login", data={"username": "county.supervisor", "password": "duban-demo", "csrf": "x"})
    assert forged.status_code == 403 and "duban_token" not in forged.headers.get("set-cookie", "")
    away = await sign_in(client, "county.supervisor", next_url="//evil.example/")
    assert away.headers["location"] == "/"


async def test_a_post_without_the_sessions_csrf_token_is_refused_and_sign_out_clears_the_cookie(app: object) -> None:
    client = await browser(app, "county.supervisor")
    code = "HZ-371702-" + str((NOW - timedelta(days=1)).year) + "-000002"
    refused = await client.post(f"/hazards/{code}/act/assess", data={"level": "general", "rectification": "immediate"})
    assert refused.status_code == 403 and "页面已过期" in refused.text
    other = await browser(app, "inspector")
    stolen = csrf_of((await other.get("/")).text)  # another session's token does not do
    refused = await client.post(f"/hazards/{code}/act/assess", data={"csrf": stolen, "level": "general"})
    assert refused.status_code == 403
    out = await client.post("/logout", data={"csrf": csrf_of((await client.get("/")).text)})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert 'duban_token=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]


async def test_the_language_switch_sets_a_cookie_and_the_pages_follow_it(app: object) -> None:
    client = await browser(app, "city.supervisor")
    assert "挂图作战" in (await client.get("/board")).text
    switched = await client.get("/lang/en", params={"next": "/board"})
    assert switched.status_code == 303 and switched.headers["location"] == "/board" and "lang=en" in switched.headers["set-cookie"]
    english = await client.get("/board")
    assert "Board" in english.text and "Sub-jurisdictions" in english.text and '<html lang="en">' in english.text
    assert (await client.get("/lang/en", params={"next": "https://evil.example/"})).headers["location"] == "/"


async def test_every_screen_renders_from_the_read_model(app: object) -> None:
    city = await browser(app, "city.supervisor")
    year = (NOW - timedelta(days=40)).year
    tasks = await city.get("/")
    assert tasks.status_code == 200
    hazards = await city.get("/hazards")
    assert hazards.status_code == 200 and "储罐区报警器失效" in hazards.text and "叉车未年检" in hazards.text
    filtered = await city.get("/hazards", params={"overdue": "yes", "region": "371702"})
    assert "储罐区报警器失效" in filtered.text and "叉车未年检" not in filtered.text and "消防通道堵塞" not in filtered.text
    searched = await city.get("/hazards", params={"q": "叉车"})
    assert "叉车未年检" in searched.text and "储罐区" not in searched.text
    detail = await city.get(f"/hazards/HZ-371702-{year}-000001")
    assert detail.status_code == 200
    assert "督办函" in detail.text and "整改期限" in detail.text and 'class="mark red"' in detail.text
    board = await city.get("/board")
    assert board.status_code == 200 and 'data-status="rectifying"' in board.text and "u-red" in board.text
    assert re.search(r'data-region="371702">.*?</tr>', board.text, re.S)
    dashboard = await city.get("/dashboard", params={"from": f"{year - 1}-01-01", "to": NOW.date().isoformat()})
    assert dashboard.status_code == 200 and "<svg" in dashboard.text and "整改率" in dashboard.text
    for path in ("/notifications", "/interviews", "/hazards/new"):
        assert (await city.get(path)).status_code == 200, path
    assert (await city.get("/hazards/HZ-NOPE")).status_code == 404


async def test_the_list_refuses_an_unknown_region_as_the_api_does(app: object) -> None:
    city = await browser(app, "city.supervisor")
    page = await city.get("/hazards", params={"region": "379999"})
    assert page.status_code == 422 and "行政区划代码 379999 不存在" in page.text and 'class="alert error"' in page.text
    assert (await city.get("/hazards/export.xlsx", params={"region": "379999"})).status_code == 422
    token = (await city.post("/api/v1/auth/token", data={"username": "city.supervisor", "password": "duban-demo"})).json()
    api = await city.get("/api/v1/hazards", params={"region_code": "379999"},
                         headers={"Authorization": f"Bearer {token['access_token']}"})
    assert api.status_code == 422 and api.json()["detail"]["code"] == "unknown_region"
    assert (await city.get("/hazards", params={"status": "nonsense"})).status_code == 422


async def test_an_enterprise_sees_only_its_own_hazards_and_no_one_elses(app: object) -> None:
    year = (NOW - timedelta(days=40)).year
    company = await browser(app, "enterprise.b")
    listing = await company.get("/hazards")
    assert "叉车未年检" in listing.text and "储罐区报警器失效" not in listing.text
    refused = await company.get(f"/hazards/HZ-371702-{year}-000001")
    assert refused.status_code == 403 and "不在您的辖区或企业范围内" in refused.text
    assert (await company.get("/board")).status_code == 200


async def test_the_hazard_page_offers_exactly_the_users_allowed_actions(app: object) -> None:
    year = (NOW - timedelta(days=1)).year
    county = await browser(app, "county.supervisor")
    page = (await county.get(f"/hazards/HZ-371702-{year}-000002")).text
    assert re.findall(r'<form method="post" action="/hazards/[^"]+/act/([a-z-]+)"', page) == ["assess", "void", "interview"]
    enterprise = await browser(app, "enterprise.a")
    page = (await enterprise.get(f"/hazards/HZ-371702-{(NOW - timedelta(days=40)).year}-000001")).text
    actions = re.findall(r'<form method="post" action="/hazards/[^"]+/act/([a-z-]+)"', page)
    assert actions == ["report-progress", "submit-completion", "request-extension"]
    assert 'enctype="multipart/form-data"' in page and 'name="evidence_file"' in page


async def test_the_ledger_export_is_an_excel_workbook_with_chinese_headers(app: object) -> None:
    from openpyxl import load_workbook

    city = await browser(app, "city.supervisor")
    reply = await city.get("/hazards/export.xlsx", params={"region": "371702"})
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''" in reply.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(reply.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("隐患编号", "隐患名称", "企业名称", "所在地区", "隐患等级", "状态", "挂牌督办机关", "整改期限", "是否逾期", "已启动的升级措施", "登记时间")
    by_title = {r[1]: r for r in rows[1:]}
    assert set(by_title) == {"储罐区报警器失效", "消防通道堵塞"}
    major = by_title["储罐区报警器失效"]
    assert major[3] == "牡丹区" and major[4] == "重大隐患" and major[5] == "限期整改" and major[6] == "菏泽市"
    assert major[8] == "是" and major[9] == "督办函"


def test_forms_follow_the_action_bodies() -> None:
    kinds = {f.name: f.kind for f in forms.fields_of(VerifyBody)}
    assert kinds == {"decision": "select", "comment": "textarea", "fake_rectification": "checkbox", "new_deadline": "date"}
    assert {f.name: f.kind for f in forms.fields_of(SubmitCompletionBody)} == {"summary": "textarea", "evidence": "file"}
    record = {f.name: f for f in forms.fields_of(RecordBody)}
    assert record["attended"].kind == "select" and record["commitments"].kind == "commitments"
    body = forms.parse(RecordBody, {"attended": "true", "minutes": "已约谈", "attendees": "王建国\n李四\n", "commitments": "加装 | 2030-01-31"})
    assert body.attendees == ("王建国", "李四") and body.commitments[0].due == date(2030, 1, 31)
    body = forms.parse(AssessBody, {"level": "general", "rectification": "deadline", "deadline": "2030-01-01", "basis": ""})
    assert body.basis is None and body.deadline == date(2030, 1, 1)


def test_a_refusal_is_shown_next_to_its_field_or_at_the_top_in_the_chosen_language() -> None:
    names = {f.name for f in forms.fields_of(VerifyBody)}
    with pytest.raises(ValidationError) as failed:
        forms.parse(VerifyBody, {"decision": "fail", "new_deadline": "2030-01-01"})
    zh = forms.errors_from_validation(failed.value, names, "zh")
    assert zh.status == 422 and zh.fields == {"comment": ["核查不通过须说明理由"]} and zh.top == "提交的内容有误，请按标出的字段修改"
    en = forms.errors_from_validation(failed.value, names, "en")
    assert en.fields == {"comment": ["say why the verification failed"]}
    rule = ApiError(422, "date_in_past", "日期 2020-01-01 已过", "2020-01-01 is in the past", field="new_deadline")
    assert forms.errors_from_api(rule, names, "zh").fields == {"new_deadline": ["日期 2020-01-01 已过"]}
    # the field comes from the refusal's `field`, never from its words
    unplaced = ApiError(422, "date_in_past", "new_deadline：日期 2020-01-01 已过", "new_deadline: 2020-01-01 is in the past")
    assert forms.errors_from_api(unplaced, names, "zh").fields == {}
    wrong_state = ApiError(409, "wrong_state", "隐患当前状态为“登记”", "cannot verify a hazard that is reported")
    assert forms.errors_from_api(wrong_state, names, "en").top == "cannot verify a hazard that is reported"
    assert forms.errors_from_api(wrong_state, names, "zh").fields == {}
    with pytest.raises(ValidationError) as negative:
        forms.parse(ReportProgressBody, {"percent": "-1"})
    assert forms.errors_from_validation(negative.value, {"percent", "note"}, "zh").fields == {"percent": ["应不小于 0"]}
    assert label("status", "rectifying", "zh") == "限期整改" and label("status", "rectifying", "en") == "Rectifying"
    assert t("working_days_left", "en", n=2) == "2 working days left"


def test_urgency_counts_working_days_on_the_calendar() -> None:
    calendar = WorkCalendar()
    monday_noon = datetime(2026, 9, 28, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai, after the Mid-Autumn days off

    def end_of(month: int, day: int) -> datetime:  # 24:00 Asia/Shanghai of that day
        return datetime(2026, month, day, 16, 0, tzinfo=UTC)

    today = urgency(calendar, end_of(9, 28), False, monday_noon, warning_working_days=3)
    assert (today.mark, today.days_left) == ("yellow", 1)  # today counts
    soon = urgency(calendar, end_of(9, 30), False, monday_noon, warning_working_days=3)
    assert (soon.mark, soon.days_left) == ("yellow", 3)  # 28, 29, 30 September
    after_holiday = urgency(calendar, end_of(10, 8), False, monday_noon, warning_working_days=3)
    assert (after_holiday.mark, after_holiday.days_left) == ("green", 4)  # National Day skipped
    far = urgency(calendar, end_of(10, 15), False, monday_noon, warning_working_days=3)
    assert far.days_left == 10  # the make-up Saturday 10 October counts
    late = urgency(calendar, end_of(9, 24), False, monday_noon, warning_working_days=3)
    assert (late.mark, late.days_left) == ("red", -1)  # only the 28th was a working day since
    assert urgency(calendar, end_of(10, 15), True, monday_noon, warning_working_days=3).mark == "red"  # flagged overdue (a lapsed clock)
    assert urgency(calendar, None, False, monday_noon, warning_working_days=3).mark == "green"


async def test_a_refused_field_shows_its_words_next_to_that_field(app: object) -> None:
    with Session(app.state.engine) as session:  # type: ignore[attr-defined]
        insert(session, [Spec(7, S.PLAN_SUBMITTED, NOW - timedelta(days=5), COUNTY, HazardLevel.MAJOR, listed=True,
                              deadline=NOW + timedelta(days=30), title="方案待审的隐患")])
    code = f"HZ-{COUNTY.code}-{(NOW - timedelta(days=5)).year}-000007"
    for lang, words in (("zh", "退回方案须说明理由"), ("en", "say why the plan is returned")):
        city = await browser(app, "city.supervisor", lang=lang)
        csrf = csrf_of((await city.get(f"/hazards/{code}")).text)
        reply = await city.post(f"/hazards/{code}/act/review-plan", data={"csrf": csrf, "decision": "return", "comment": ""})
        assert reply.status_code == 422
        field = re.search(r'<div class="field has-error" data-field="([a-z_]+)">(.*?)</div>', reply.text, re.S)
        assert field is not None and field.group(1) == "comment", reply.text
        assert f'<p class="field-error" role="alert">{words}</p>' in field.group(2)


async def test_signing_out_of_the_web_ui_revokes_the_session_token_even_if_the_cookie_is_kept(app: object) -> None:
    client = await browser(app, "county.supervisor")
    token = client.cookies.get("duban_token")
    assert token and (await client.get("/")).status_code == 200
    out = await client.post("/logout", data={"csrf": csrf_of((await client.get("/")).text)})
    assert out.status_code == 303
    replayed = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://duban.test",  # type: ignore[arg-type]
                                 cookies={"duban_token": token})
    async with replayed:
        assert (await replayed.get("/")).status_code == 303  # back to the sign-in page
        api = await replayed.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 401 and api.json()["detail"]["code"] == "token_revoked"
    again = await browser(app, "county.supervisor")  # signing in again right away works
    assert (await again.get("/")).status_code == 200


async def test_the_chinese_dashboard_reads_in_chinese_headers_and_industries_included(app: object) -> None:
    city = await browser(app, "city.supervisor")
    year = (NOW - timedelta(days=40)).year
    dashboard = await city.get("/dashboard", params={"from": f"{year - 1}-01-01", "to": NOW.date().isoformat()})
    assert dashboard.status_code == 200
    assert "<th>整改率</th>" in dashboard.text and "Rectification rate" not in dashboard.text


def test_an_industry_reads_the_same_as_a_code_or_in_the_office_s_words() -> None:
    from web.i18n import label

    assert label("industry", "hazardous_chemicals", "zh") == label("industry", "危险化学品", "zh") == "危险化学品"
    assert label("industry", "危险化学品", "en") == "Hazardous chemicals"
    assert label("industry", "某新行业", "zh") == "某新行业"  # an industry not in the list reads as written
