"""Interviews (约谈): the visible list, one interview, and its human steps."""

from functools import partial
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import TemporalDep
from registry.interview import INTERVIEW
from services import interviews
from services.errors import ApiError
from web import forms
from web.pages.actions import posted_action, record_forms
from web.pages.context import Page, PageDep, error_page, render

router = APIRouter(include_in_schema=False)


@router.get("/interviews", response_class=HTMLResponse)
def interviews_page(page: PageDep) -> HTMLResponse:
    items = interviews.visible_interviews(page.session, page.principal)
    return render(page, "interviews.html", items=items)


def _interview_page(page: Page, interview_id: str, errors: forms.FormErrors | None = None) -> HTMLResponse:
    try:
        interview = interviews.read_interview(page.session, interview_id, page.principal)
    except ApiError as error:
        return error_page(page, error)
    return render(
        page,
        "interview.html",
        status=errors.status if errors else 200,
        interview=interview,
        defaults={},
        **record_forms(page, INTERVIEW, interview.allowed_actions, errors),
    )


@router.get("/interviews/{interview_id}", response_class=HTMLResponse)
def interview_page(page: PageDep, interview_id: str) -> HTMLResponse:
    return _interview_page(page, interview_id)


@router.post("/interviews/{interview_id}/act/{action}", response_class=HTMLResponse)
async def interview_action(request: Request, page: PageDep, client: TemporalDep, interview_id: str, action: str) -> Response:
    return await posted_action(
        request, page, client, INTERVIEW, action, act=partial(interviews.interview_action, interview_id=interview_id),
        redisplay=partial(_interview_page, page, interview_id), record_url=f"/interviews/{quote(interview_id)}",
    )
