"""The page context every page module shares: the signed-in `Page`, rendering, error pages, CSRF, formatting.

Signing in sets the API's own access token in an HttpOnly, SameSite=Lax cookie (`duban_token`); every form
carries a CSRF token derived from it (HMAC with the secret key), checked on POST.
"""

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session
from starlette.datastructures import FormData

from api.deps import SESSION_COOKIE, SessionDep, SettingsDep, get_policies
from api.handlers import unavailable_response
from core.db import as_utc
from core.settings import Settings
from domain.calendar import WorkCalendar
from models.base import CHINA_TZ
from models.tables import Enterprise, Jurisdiction
from services.errors import ApiError, refused
from services.hazards import REPORTER_ROLES
from services.principal import Principal, principal_or_none
from store import calendar as calendar_store
from store import reference
from web import forms
from web.i18n import LANG_COOKIE, Lang, label, lang_of, t
from web.urgency import Urgency, last_day, urgency

WEB_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = WEB_DIR / "static"
templates = Jinja2Templates(directory=WEB_DIR / "templates")


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

    @cached_property
    def warning_working_days(self) -> int:
        """The warning window of the policy profile new hazards use (`[display]`)."""
        display = get_policies(self.request).latest(self.settings.policy).display
        return display.warning_working_days if display else 0

    def urgency(self, due: datetime | None, overdue: bool) -> Urgency:
        return urgency(self.calendar, as_utc(due), overdue, self.now, warning_working_days=self.warning_working_days)

    @property
    def may_report(self) -> bool:
        return self.principal.actor.role in REPORTER_ROLES


def lang_of_request(request: Request) -> Lang:
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
    return Page(request, session, settings, principal, lang_of_request(request), csrf_for(token, settings.secret_key))


PageDep = Annotated[Page, Depends(current_page)]


def render(page: Page, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(page.request, name, {"page": page, "lang": page.lang, **context}, status_code=status)


def message(lang: Lang, error: ApiError) -> str:
    """A refusal's message in the page's language."""
    return str(error.detail["message_zh"] if lang == "zh" else error.detail["message_en"])


def error_page(page: Page, error: ApiError) -> HTMLResponse:
    if error.status == 503:  # an outage: the friendly page with Retry-After, no read of the database
        return unavailable_response(page.request, error)  # type: ignore[return-value]
    return render(page, "error.html", status=error.status, message=message(page.lang, error), status_code=error.status)


def unknown_action(action_name: str, known: Iterable[str]) -> ApiError:
    return refused(404, "unknown_action", action=action_name, known=", ".join(known))


def csrf_refused(page: Page, form: FormData) -> HTMLResponse | None:
    """None when the form carries this session's CSRF token; else the page that says so (403)."""
    sent = form.get("csrf")
    if isinstance(sent, str) and hmac.compare_digest(sent, page.csrf):
        return None
    return error_page(page, refused(403, "csrf_failed"))


def safe_next(value: str | None) -> str:
    """Only a path on this site (no scheme, no host) is followed after sign-in or a language switch."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --- what the user may pick from ------------------------------------------------------------------------------


def regions(page: Page) -> list[Jurisdiction]:
    """The regions the user may filter by or report in: their subtree (an enterprise: its own region)."""
    scope = page.principal.scope
    if scope.enterprise_uscc is not None:
        enterprise = page.session.get(Enterprise, scope.enterprise_uscc)
        region = page.session.get(Jurisdiction, enterprise.region_code) if enterprise else None
        return [region] if region else []
    path = None if scope.everything else scope.path
    rows = reference.visible_jurisdictions(session=page.session, path=path)
    return [j for j in rows if path is None or j.path.startswith(path)]


def enterprises(page: Page) -> list[Enterprise]:
    scope = page.principal.scope
    if scope.enterprise_uscc is not None:
        return reference.enterprises_under(session=page.session, path=None, only_uscc=scope.enterprise_uscc)
    return reference.enterprises_under(session=page.session, path=None if scope.everything else scope.path or "-")


# --- formatting -------------------------------------------------------------------------------------------------


def cn_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    value = as_utc(value)
    return value.astimezone(CHINA_TZ).strftime(fmt) if value else ""


def cn_day(value: datetime | None) -> str:
    value = as_utc(value)
    return last_day(value).isoformat() if value else ""


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


templates.env.globals.update(t=t, label=label, fields_of=forms.fields_of)
templates.env.filters.update(cn_time=cn_time, cn_day=cn_day, pct=pct)
