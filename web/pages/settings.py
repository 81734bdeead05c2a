"""The signed-in user's notification settings (the channels they are reached by, the daily digest) and, for
admins, the delivery log and the jurisdictions' group robots (the same services as the JSON API)."""

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from models.delivery import Channel, DeliveryStatus, NotificationSettingsIn
from services import delivery
from services.errors import ApiError
from web.pages.context import PageDep, csrf_refused, error_page, render, see_other

router = APIRouter(include_in_schema=False)
DELIVERIES_PER_PAGE = 50


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


@router.get("/deliveries", response_class=HTMLResponse)
def deliveries_page(page: PageDep, status: DeliveryStatus | None = None, p: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    """Admins: every mail, robot call and digest, newest first, with each attempt; and the robots set."""
    try:
        log = delivery.delivery_log(page.session, page.principal, status=status, channel=None, hazard_code=None,
                                    notification_id=None, page=p, page_size=DELIVERIES_PER_PAGE)
        robots = delivery.list_webhooks(page.session, page.principal)
    except ApiError as error:
        return error_page(page, error)
    return render(page, "deliveries.html", log=log, robots=robots, chosen=status, statuses=list(DeliveryStatus), p=p,
                  pages=max(1, -(-log.total // DELIVERIES_PER_PAGE)))
