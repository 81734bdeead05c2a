"""Each jurisdiction's group robot, set by an admin; every change written to the admin audit (never the secret)."""

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from models.delivery import WebhookIn
from models.tables import AdminAudit, JurisdictionWebhook


def list_webhooks(*, session: Session) -> list[JurisdictionWebhook]:
    return list(session.exec(select(JurisdictionWebhook).order_by(col(JurisdictionWebhook.region_code))))


def get_webhook(*, session: Session, region_code: str) -> JurisdictionWebhook | None:
    return session.get(JurisdictionWebhook, region_code)


def put_webhook(*, session: Session, region_code: str, body: WebhookIn, by: str, now: datetime) -> tuple[JurisdictionWebhook, bool]:
    """Set (or replace) the jurisdiction's robot; answers the row and whether it is new."""
    row = session.get(JurisdictionWebhook, region_code)
    created = row is None
    if row is None:
        row = JurisdictionWebhook(region_code=region_code, kind=body.kind.value, url=body.url, updated_at=now, updated_by=by)
    keep = "secret" not in body.model_fields_set and not created  # a PUT that leaves the secret out keeps it
    row.kind, row.url, row.secret = body.kind.value, body.url, row.secret if keep else (body.secret or None)
    row.updated_at, row.updated_by = now, by
    session.add(row)
    _audit(session, by, now, "webhook.put", region_code, {"kind": row.kind, "url_host": _host(row.url),
                                                          "secret_set": bool(row.secret), "created": created})
    return row, created


def delete_webhook(*, session: Session, row: JurisdictionWebhook, by: str, now: datetime) -> None:
    session.delete(row)
    _audit(session, by, now, "webhook.delete", row.region_code, {"kind": row.kind})


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""


def _audit(session: Session, by: str, now: datetime, action: str, subject: str, details: dict[str, Any]) -> None:
    session.add(
        AdminAudit(at=now, actor_id=by, actor_name=by, action=action, subject=subject,
                   details_json=json.dumps(details, ensure_ascii=False, sort_keys=True))
    )
    session.flush()
