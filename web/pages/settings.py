"""The signed-in user's notification settings: the channels they are reached by and the daily digest."""

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.errors import ApiError
from models.delivery import Channel, NotificationSettingsIn
from services import delivery
from web.pages.context import PageDep, csrf_refused, error_page, render, see_other

router = APIRouter(include_in_schema=False)


@router.get("/settings", response_class=HTMLResponse)
def settings_page(page: PageDep, saved: bool = False) -> HTMLResponse:
    return render(page, "settings.html", mine=delivery.my_settings(page.session, page.principal), saved=saved)


@router.post("/settings")
async def save_settings(request: Request, page: PageDep) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    channels = [Channel.INBOX] + [Channel(c) for c in form.getlist("channel") if c in (Channel.EMAIL, Channel.WEBHOOK)]
    body = NotificationSettingsIn(channels=channels, daily_digest=form.get("daily_digest") == "on")

    def save() -> Response:
        try:
            delivery.update_my_settings(page.session, page.principal, body)
        except ApiError as error:
            return error_page(page, error)
        return see_other("/settings?saved=true")

    return await to_thread.run_sync(save)
