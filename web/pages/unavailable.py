"""The page shown when the workflow engine or the database is out of reach (503), in the visitor's language.

It reads nothing from the database. `app.py` hands it to the error handlers (`app.state.unavailable_page`)."""

from fastapi import Request
from fastapi.responses import HTMLResponse

from services.errors import ApiError
from web.i18n import LANG_COOKIE, lang_of
from web.pages.context import templates


def unavailable_page(request: Request, error: ApiError, headers: dict[str, str]) -> HTMLResponse:
    lang = lang_of(request.cookies.get(LANG_COOKIE))
    response: HTMLResponse = templates.TemplateResponse(
        request, "unavailable.html", {"page": None, "lang": lang, "detail": error.detail}, status_code=503,
        headers=headers,
    )
    return response
