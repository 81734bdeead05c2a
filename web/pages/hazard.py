"""One hazard: its page (detail, documents, interviews, what the user may do) and its human actions.

Every action goes through `services.hazards.hazard_action` (and so through Temporal), as the JSON API's do; uploaded
evidence goes through the attachments service, as `POST /api/v1/attachments` does.
"""

from functools import partial

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile
from temporalio.client import Client

from api import attachments
from api.deps import TemporalDep
from models.enums import Action
from services import hazards as services
from services import interviews, presenters
from services.errors import ApiError
from web import forms
from web.i18n import label
from web.pages.context import Page, PageDep, csrf_refused, error_page, render, see_other, unknown_action
from web.urgency import next_due

router = APIRouter(include_in_schema=False)


def _hazard_page(page: Page, code: str, errors: forms.FormErrors | None = None) -> HTMLResponse:
    try:
        row = presenters.visible_row(page.session, code, page.principal)
    except ApiError as error:
        return error_page(page, error)
    hazard = presenters.detail(page.session, row, page.principal)
    documents = [f for f in hazard.escalation.fired if f.document_hash]
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
        interviews=interviews.visible_interviews(page.session, page.principal, hazard_code=code),
        urgency=page.urgency(due, row.overdue or lapsed),
        actions=[(a.value, services.HAZARD_ACTION_BODIES[a]) for a in hazard.allowed_actions],
        errors=errors or forms.FormErrors(),
        defaults=defaults,
        done=label("action", done, page.lang) if done else None,
        accepted=page.request.query_params.get("accepted") == "1",
    )


@router.get("/hazards/{code}", response_class=HTMLResponse)
def hazard_page(page: PageDep, code: str) -> HTMLResponse:
    return _hazard_page(page, code)


@router.post("/hazards/{code}/act/{action}", response_class=HTMLResponse)
async def hazard_action(request: Request, page: PageDep, client: TemporalDep, code: str, action: str) -> Response:
    form = await request.form(max_part_size=attachments.MAX_BYTES)
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    return await to_thread.run_sync(partial(_hazard_action, page, client, code, action, form))


def _hazard_action(page: Page, client: Client, code: str, action_name: str, form: FormData) -> Response:
    try:
        action = Action(action_name)
        model = services.HAZARD_ACTION_BODIES[action]
    except (ValueError, KeyError):
        return error_page(page, unknown_action(action_name))
    has_evidence = "evidence" in model.model_fields
    row, errors = forms.submit(
        model, form, page.lang, action.value,
        lambda body: services.hazard_action(
            session=page.session, principal=page.principal, client=client, code=code, action=action, body=body
        ),
        extra=lambda: {"evidence": _store_evidence(page, code, form)} if has_evidence else {},
    )
    if errors is not None:
        return _hazard_page(page, code, errors)
    return see_other(f"/hazards/{code}?accepted=1" if row is None else f"/hazards/{code}?done={action.value}")


def _store_evidence(page: Page, code: str, form: FormData) -> list[str]:
    """Keep the uploaded evidence files (the attachments service, as `POST /api/v1/attachments`); their ids."""
    ids = [str(v) for v in form.getlist("evidence") if isinstance(v, str) and attachments.ID.fullmatch(v)]
    for upload in form.getlist("evidence_file"):
        if isinstance(upload, UploadFile) and upload.filename:
            try:
                stored = attachments.store(
                    data_dir=page.settings.data_dir, content=attachments.read_upload(upload), filename=upload.filename,
                    principal=page.principal, hazard_code=code,
                )
            except ApiError as error:
                raise ApiError(error.status, error.detail["code"], f"evidence：{error.detail['message_zh']}", f"evidence: {error.detail['message_en']}") from None
            ids.append(stored.id)
    return ids
