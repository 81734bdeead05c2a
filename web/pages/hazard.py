"""One hazard: its page (detail, documents, interviews, what the user may do) and its human actions.

Every action goes through `services.hazards.hazard_action` (and so through Temporal), as the JSON API's do; uploaded
evidence goes through the attachments service, as `POST /api/v1/attachments` does.
"""

from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from api import attachments
from api.deps import TemporalDep
from models.enums import Action
from registry.base import ActionSpec
from registry.hazard import HAZARD
from services import hazards as services
from services import interviews, presenters
from services.errors import ApiError, naming
from web import forms
from web.pages.actions import posted_action, record_forms
from web.pages.context import Page, PageDep, error_page, render
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
    return render(
        page,
        "hazard.html",
        status=errors.status if errors else 200,
        hazard=hazard,
        documents=documents,
        interviews=interviews.visible_interviews(page.session, page.principal, hazard_code=code),
        urgency=page.urgency(due, row.overdue or lapsed),
        defaults=defaults,
        **record_forms(page, HAZARD, hazard.allowed_actions, errors),
    )


@router.get("/hazards/{code}", response_class=HTMLResponse)
def hazard_page(page: PageDep, code: str) -> HTMLResponse:
    return _hazard_page(page, code)


@router.post("/hazards/{code}/act/{action}", response_class=HTMLResponse)
async def hazard_action(request: Request, page: PageDep, client: TemporalDep, code: str, action: str) -> Response:
    return await posted_action(
        request, page, client, HAZARD, action, act=partial(services.hazard_action, code=code),
        redisplay=partial(_hazard_page, page, code), record_url=f"/hazards/{code}", extra=partial(_evidence, page, code),
        max_part_size=attachments.MAX_BYTES,
    )


def _evidence(page: Page, code: str, spec: ActionSpec, form: FormData) -> dict[str, Any]:
    """The evidence an action's body takes: the ids posted and the files uploaded with the form, kept."""
    return {"evidence": _store_evidence(page, code, form)} if "evidence" in spec.body.model_fields else {}


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
                raise naming("evidence", error) from None
            ids.append(stored.id)
    return ids
