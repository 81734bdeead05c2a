"""Interviews (约谈): the visible list, one interview, and its human steps."""

from functools import partial
from urllib.parse import quote

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData
from temporalio.client import Client

from api.deps import TemporalDep
from models.interview import InterviewAction
from services import interviews
from services.errors import ApiError
from web import forms
from web.i18n import label
from web.pages.context import Page, PageDep, csrf_refused, error_page, render, see_other, unknown_action

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
    done = page.request.query_params.get("done")
    return render(
        page,
        "interview.html",
        status=errors.status if errors else 200,
        interview=interview,
        actions=[(a.value, interviews.ACTION_BODIES[a]) for a in interview.allowed_actions],
        errors=errors or forms.FormErrors(),
        defaults={},
        done=label("action", done, page.lang) if done else None,
        accepted=page.request.query_params.get("accepted") == "1",
    )


@router.get("/interviews/{interview_id}", response_class=HTMLResponse)
def interview_page(page: PageDep, interview_id: str) -> HTMLResponse:
    return _interview_page(page, interview_id)


@router.post("/interviews/{interview_id}/act/{action}", response_class=HTMLResponse)
async def interview_action(request: Request, page: PageDep, client: TemporalDep, interview_id: str, action: str) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    return await to_thread.run_sync(partial(_interview_action, page, client, interview_id, action, form))


def _interview_action(page: Page, client: Client, interview_id: str, action_name: str, form: FormData) -> Response:
    try:
        action = InterviewAction(action_name)
        model = interviews.ACTION_BODIES[action]
    except (ValueError, KeyError):
        return error_page(page, unknown_action(action_name))
    row, errors = forms.submit(
        model, form, page.lang, action.value,
        lambda body: interviews.interview_action(
            session=page.session, principal=page.principal, client=client, interview_id=interview_id,
            action=action, body=body,
        ),
    )
    if errors is not None:
        return _interview_page(page, interview_id, errors)
    suffix = "accepted=1" if row is None else f"done={action.value}"
    return see_other(f"/interviews/{quote(interview_id)}?{suffix}")
