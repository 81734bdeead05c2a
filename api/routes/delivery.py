"""Notifications that leave the building: the jurisdictions' group robots and the delivery log (admins), and
the caller's own channels and daily digest (`/me/settings`)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api.deps import CurrentUser, SessionDep
from models.delivery import Channel, DeliveryStatus, NotificationSettingsIn, WebhookIn
from services import delivery
from services.delivery import DeliveryPage, SettingsOut, WebhookOut

router = APIRouter(tags=["notifications"])
RegionCode = Annotated[str, Path(pattern=r"^\d{6}(\d{3}){0,2}$")]


@router.get("/admin/webhooks", response_model=list[WebhookOut])
def list_webhooks(session: SessionDep, principal: CurrentUser) -> list[WebhookOut]:
    """Admins: every jurisdiction's group robot (the secret masked)."""
    return delivery.list_webhooks(session, principal)


@router.get("/admin/webhooks/{region_code}", response_model=WebhookOut)
def get_webhook(region_code: RegionCode, session: SessionDep, principal: CurrentUser) -> WebhookOut:
    return delivery.get_webhook(session, principal, region_code)


@router.put("/admin/webhooks/{region_code}", response_model=WebhookOut)
def put_webhook(region_code: RegionCode, body: WebhookIn, session: SessionDep, principal: CurrentUser) -> WebhookOut:
    """Admins: set or replace the jurisdiction's group robot (`dingtalk` signs each call with the secret's
    `timestamp` and `sign`; `wecom`; `generic`: a JSON POST, signed `X-Duban-Signature` when a secret is set).
    200 with the stored robot, new or replaced (as `PUT /admin/calendar/{year}`); audited without the secret."""
    out, _created = delivery.put_webhook(session, principal, region_code, body)
    return out


@router.delete("/admin/webhooks/{region_code}", status_code=204)
def delete_webhook(region_code: RegionCode, session: SessionDep, principal: CurrentUser) -> Response:
    delivery.delete_webhook(session, principal, region_code)
    return Response(status_code=204)


@router.get("/admin/deliveries", response_model=DeliveryPage)
def list_deliveries(
    session: SessionDep,
    principal: CurrentUser,
    status: DeliveryStatus | None = None,
    channel: Channel | None = None,
    hazard_code: Annotated[str | None, Query(max_length=40)] = None,
    notification_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DeliveryPage:
    """Admins: every delivery beyond the inbox (mail, group robots, digests), newest first, with each attempt."""
    return delivery.delivery_log(session, principal, status=status, channel=channel, hazard_code=hazard_code,
                                 notification_id=notification_id, page=page, page_size=page_size)


@router.get("/me/settings", response_model=SettingsOut)
def my_settings(session: SessionDep, principal: CurrentUser) -> SettingsOut:
    """The caller's channels (the inbox always; mail to the address an admin set; the jurisdiction's group
    robot when it has one) and whether mail comes as one daily digest."""
    return delivery.my_settings(session, principal)


@router.put("/me/settings", response_model=SettingsOut)
def update_my_settings(body: NotificationSettingsIn, session: SessionDep, principal: CurrentUser) -> SettingsOut:
    return delivery.update_my_settings(session, principal, body)
