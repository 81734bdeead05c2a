"""Signing in and out, and the language switch."""

import hmac
import secrets
from functools import partial

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.client_address import client_address, secure_request
from api.deps import SESSION_COOKIE, SessionDep, SettingsDep
from core.settings import Settings
from services.auth import authenticate, sign_out, token_for
from services.errors import ApiError
from services.principal import principal_or_none
from web.i18n import LANG_COOKIE, LANGS, lang_of, t
from web.pages.context import (
    PageDep,
    csrf_for,
    csrf_refused,
    lang_of_request,
    message,
    safe_next,
    see_other,
    templates,
)

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "duban_login"  # a random nonce before sign-in, so the sign-in form has a CSRF token too


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
            "lang": lang_of_request(request),
            "page": None,
            "csrf": _login_nonce_csrf(nonce, settings),
            "next": next_url,
            "error": error,
            "username": username,
            "demo": settings.development and settings.load_demo_data,
        },
        status_code=status,
    )
    response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="lax", secure=secure_request(request), max_age=3600)
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
    lang = lang_of_request(request)
    nonce = request.cookies.get(LOGIN_COOKIE) or ""
    sent = str(form.get("csrf") or "")
    if not nonce or not hmac.compare_digest(sent, _login_nonce_csrf(nonce, settings)):
        return _login_page(request, settings, next_url, t("csrf_failed", lang), status=403)
    client = client_address(request)
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    try:
        user = await to_thread.run_sync(
            partial(authenticate, request.app.state.sign_in_throttle, session, username, password, client)
        )
    except ApiError as error:
        page = _login_page(request, settings, next_url, message(lang, error), status=error.status, username=username)
        page.headers.update(error.headers or {})  # a 429 says when to try again
        return page
    token = token_for(user, settings)
    response = see_other(next_url)
    response.set_cookie(
        SESSION_COOKIE, token.access_token, max_age=token.expires_in, httponly=True, samesite="lax",
        secure=secure_request(request),
    )
    response.delete_cookie(LOGIN_COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request, page: PageDep) -> Response:
    refused = csrf_refused(page, await request.form())
    if refused is not None:
        return refused
    await to_thread.run_sync(sign_out, page.session, page.principal.user)  # the cookie's token stops working too
    response = see_other("/login")
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
    return response


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str | None = None) -> Response:
    chosen = lang_of(lang) if lang in LANGS else "zh"
    response = see_other(safe_next(next or request.headers.get("referer", "").partition(request.url.netloc)[2] or "/"))
    response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax")
    return response
