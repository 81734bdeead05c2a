"""The settings page: a user sees their channels and turns mail and the daily digest on and off (with CSRF)."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from models.delivery import WebhookIn, WebhookKind
from store import webhooks
from store.reference import user_by_name
from tests.test_web import app_without_temporal, browser, csrf_of


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[object]:
    async with app_without_temporal(tmp_path) as application:
        with Session(application.state.engine) as session:
            user = user_by_name(session=session, username="county.supervisor")
            assert user is not None
            user.email = "county@example.com"
            session.add(user)
            webhooks.put_webhook(session=session, region_code="371702", by="admin", now=datetime.now(UTC),
                                 body=WebhookIn(kind=WebhookKind.WECOM, url="https://qyapi.example/send?key=k"))
            session.commit()
        yield application


def stored(app: object, username: str) -> tuple[bool, bool]:
    with Session(app.state.engine) as session:  # type: ignore[attr-defined]
        user = user_by_name(session=session, username=username)
        assert user is not None
        return user.notify_email, user.daily_digest


async def test_the_settings_page_shows_the_channels_and_saves_the_choice(app: object) -> None:
    client = await browser(app, "county.supervisor")
    page = await client.get("/settings")
    assert page.status_code == 200
    assert "county@example.com" in page.text and "wecom" in page.text and 'href="/settings"' in page.text
    saved = await client.post("/settings", data={"csrf": csrf_of(page.text), "daily_digest": "on"})
    assert saved.status_code == 303 and saved.headers["location"] == "/settings?saved=true"
    assert stored(app, "county.supervisor") == (False, True)  # mail unticked, digest ticked
    page = await client.get("/settings?saved=true")
    again = await client.post("/settings", data={"csrf": csrf_of(page.text), "channel": "email"})
    assert again.status_code == 303 and stored(app, "county.supervisor") == (True, False)


async def test_the_settings_form_needs_its_csrf_token(app: object) -> None:
    client = await browser(app, "enterprise.a")
    page = await client.get("/settings")
    assert page.status_code == 200 and "尚未登记邮箱" in page.text and "wecom" not in page.text  # no address, no robot
    refused = await client.post("/settings", data={"csrf": "forged", "daily_digest": "on"})
    assert refused.status_code in (400, 403) and stored(app, "enterprise.a") == (True, False)


async def test_admins_read_the_delivery_log_with_its_failed_attempts_and_others_cannot(app: object) -> None:
    from models.tables import Notification
    from store import delivery as store

    with Session(app.state.engine) as session:  # type: ignore[attr-defined]
        notice = Notification(record_id="HZ-371702-2026-000009", seq=3, at=datetime.now(UTC), target_kind="authority",
                              target_code="371702", kind="rung", title="督办函", body="逾期")
        session.add(notice)
        session.flush()
        [mail, robot] = store.plan(session=session, notification_id=notice.id or 0, mail_enabled=True, now=datetime.now(UTC))
        row = store.by_key(session=session, key=mail.key)
        assert row is not None
        store.record_attempt(session=session, delivery=row, attempt=1, now=datetime.now(UTC), error="SMTP 451 busy")
        session.commit()
    admin = await browser(app, "admin")
    page = await admin.get("/deliveries")
    assert page.status_code == 200 and "SMTP 451 busy" in page.text and "county@example.com" in page.text
    assert "HZ-371702-2026-000009" in page.text and "wecom" in page.text and 'href="/deliveries"' in page.text
    retrying = await admin.get("/deliveries?status=retrying")
    assert "county@example.com" in retrying.text and "qyapi.example" not in retrying.text.split("</section>")[1]
    county = await browser(app, "county.supervisor")
    refused = await county.get("/deliveries")
    assert refused.status_code == 403 and 'href="/deliveries"' not in (await county.get("/settings")).text
