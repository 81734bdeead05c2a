"""A leader signs a draft official document from the page that lists it: the same service as
`POST /api/v1/documents/{id}/actions/sign`, then back to that page."""

from functools import partial

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.datastructures import FormData
from fastapi.responses import Response
from temporalio.client import Client

from api.deps import TemporalDep
from services import documents
from services.errors import ApiError
from web.pages.context import Page, PageDep, csrf_refused, error_page, safe_next, see_other

router = APIRouter(include_in_schema=False)


@router.post("/documents/{document_id}/sign")
async def sign_document(request: Request, page: PageDep, client: TemporalDep, document_id: str) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    return await to_thread.run_sync(partial(_sign, page, client, document_id, form))


def _sign(page: Page, client: Client, document_id: str, form: FormData) -> Response:
    back = safe_next(str(form.get("next") or "/tasks"))
    try:
        documents.sign(session=page.session, principal=page.principal, client=client, document_id=document_id,
                       comment=str(form.get("comment") or "").strip() or None, task_queue=page.settings.temporal_task_queue)
    except ApiError as error:
        if error.status != 202:  # accepted, still being recorded: the page shows it once recorded
            return error_page(page, error)
    return see_other(back)
