"""Notifications that leave the building, through the real API, worker and outbox on the time-skipping server,
with a real SMTP server and a real HTTP receiver: a rung mails its document and calls the county's DingTalk
robot (signed); an SMTP server refusing delays nothing and the mail arrives once it recovers; admins see every
attempt; each user's channels and digest; the admin routes' refusals."""

import hashlib
import io
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from models.base import china_date
from store import delivery as delivery_store
from tests.api_helpers import Api, running_api
from tests.delivery_servers import MailDrop, RobotReceiver, robot_receiver, smtp_server
from tests.eventually import assert_eventually_async

SECRET = "SECa1b2c3d4e5f6-robot-secret"
MAIL = "enterprise.a@example.com"


@pytest.fixture
def smtp() -> Iterator[tuple[MailDrop, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def robot() -> Iterator[RobotReceiver]:
    with robot_receiver(SECRET) as receiver:
        yield receiver


@pytest.fixture
async def api(skipping: WorkflowEnvironment, smtp: tuple[MailDrop, int], tmp_path: Path, task_queue: str) -> AsyncIterator[Api]:
    async with running_api(
        skipping.client, tmp_path, task_queue, outbox=True, smtp_host="127.0.0.1", smtp_port=smtp[1], smtp_starttls=False,
        smtp_from="duban@example.com", public_url="https://duban.example", delivery_poll_seconds=0.1,
        delivery_retry_max_seconds=0.5, webhook_private_hosts=True,  # the robots are local servers here
    ) as client:
        yield client


async def wired(api: Api, robot: RobotReceiver) -> None:
    """enterprise.a has an address; the county (371702) has a signed DingTalk robot."""
    assert (await api.as_user("admin", "PATCH", "/admin/users/enterprise.a", json={"email": MAIL})).status_code == 200
    hook = {"kind": "dingtalk", "url": f"{robot.url}/robot/send?access_token=t0k", "secret": SECRET}
    put = await api.as_user("admin", "PUT", "/admin/webhooks/371702", json=hook)
    assert put.status_code == 200, put.text


async def overdue(api: Api, env: WorkflowEnvironment, refuse: MailDrop | None = None) -> tuple[str, str]:
    """A listed hazard left alone until just past its deadline, when the urging letter fires: (code, due_at).

    With `refuse`, the SMTP server refuses from a minute before the deadline on (once the reminders' mail has
    gone): the time-skipping server would otherwise skip from one retry's timer to the next for days."""
    now = await env.get_current_time()
    code = (await api.report(discovered_at=(now - timedelta(days=1)).isoformat())).json()["code"]
    assert (await api.act("county.supervisor", code, "assess", {"level": "major", "basis": "GB 30871-2022"})).status_code == 200
    deadline = (china_date(now) + timedelta(days=10)).isoformat()
    listed = await api.act("county.supervisor", code, "list", {"authority_level": "county", "deadline": deadline})
    due_at = listed.json()["escalation"]["next"]["due_at"]
    if refuse is not None:
        await env.sleep(datetime.fromisoformat(due_at) - await env.get_current_time() - timedelta(minutes=1))
        await assert_eventually_async(lambda: settled(api), timeout=20, what="the reminders delivered")
        refuse.refusing = True
    await env.sleep(datetime.fromisoformat(due_at) - await env.get_current_time() + timedelta(seconds=1))
    return code, due_at


async def settled(api: Api) -> None:
    with Session(api.app.state.engine) as session:
        assert delivery_store.undispatched(session=session) == []
    for status in ("pending", "retrying"):
        log = (await api.as_user("admin", "GET", "/admin/deliveries", params={"status": status})).json()
        assert log["total"] == 0, log


def on_time(fired_at: str, due_at: str) -> bool:
    """Fired at its instant (the timer's own precision: under a second late)."""
    late = datetime.fromisoformat(fired_at) - datetime.fromisoformat(due_at)
    return timedelta(0) <= late < timedelta(seconds=1)


def letter(code: str) -> str:
    return f"督办函：{code}"


async def test_a_rung_mails_its_document_and_calls_the_signed_dingtalk_robot(
    api: Api, skipping: WorkflowEnvironment, smtp: tuple[MailDrop, int], robot: RobotReceiver
) -> None:
    drop = smtp[0]
    await wired(api, robot)
    code, due_at = await overdue(api, skipping)

    async def mailed_and_called() -> None:
        assert len(drop.about(letter(code))) == 1 and len(robot.about(letter(code))) == 1

    await assert_eventually_async(mailed_and_called, timeout=20)
    mail = drop.about(letter(code))[0]
    assert mail["To"] == MAIL and mail["From"] == "duban@example.com"
    inbox = (await api.as_user("enterprise.a", "GET", "/notifications", params={"hazard_code": code})).json()
    sha = next(n for n in inbox["items"] if n["kind"] == "rung")["document_hash"]
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"https://duban.example/api/v1/documents/{sha}" in text and code in text
    attachments = list(mail.iter_attachments())
    assert len(attachments) == 1 and attachments[0].get_content_type() == "application/pdf"
    pdf = attachments[0].get_content()
    assert isinstance(pdf, bytes) and hashlib.sha256(pdf).hexdigest() == sha  # the letter's PDF, as stored
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "督办函" in text and code in text.replace("\n", "")
    stored = await api.as_user("enterprise.a", "GET", f"/documents/{sha}")
    assert stored.headers["content-type"] == "application/pdf" and stored.content == pdf

    call = robot.about(letter(code))[0]
    assert call.path == "/robot/send" and call.query["access_token"] == ["t0k"]
    assert call.signature_ok is True
    assert abs(int(call.query["timestamp"][0]) / 1000 - datetime.now(UTC).timestamp()) < 3600
    assert call.body["msgtype"] == "markdown" and letter(code) in call.body["markdown"]["title"]
    assert f"https://duban.example/api/v1/documents/{sha}" in call.body["markdown"]["text"]

    log = (await api.as_user("admin", "GET", "/admin/deliveries", params={"hazard_code": code})).json()
    rung_rows = [d for d in log["items"] if d["status"] == "sent" and d["attempts"] == 1]
    assert {d["channel"] for d in rung_rows} == {"email", "webhook"}
    hazard = (await api.as_user("county.supervisor", "GET", f"/hazards/{code}")).json()
    assert on_time(hazard["escalation"]["fired"][0]["at"], due_at)


async def test_an_smtp_server_refusing_delays_nothing_and_the_mail_arrives_once_it_recovers(
    api: Api, skipping: WorkflowEnvironment, smtp: tuple[MailDrop, int], robot: RobotReceiver
) -> None:
    drop = smtp[0]
    await wired(api, robot)
    code, due_at = await overdue(api, skipping, refuse=drop)
    hazard = (await api.as_user("county.supervisor", "GET", f"/hazards/{code}")).json()
    assert hazard["escalation"]["fired"][0]["rung"] == "urging_letter"
    assert on_time(hazard["escalation"]["fired"][0]["at"], due_at)  # whatever the mail server does

    inbox = (await api.as_user("enterprise.a", "GET", "/notifications", params={"hazard_code": code})).json()
    rung_id = next(n["id"] for n in inbox["items"] if n["kind"] == "rung")

    async def rung_mail() -> dict[str, object]:
        log = (await api.as_user("admin", "GET", "/admin/deliveries",
                                 params={"channel": "email", "notification_id": rung_id})).json()
        assert log["total"] == 1
        return log["items"][0]  # type: ignore[no-any-return]

    async def failing_and_logged() -> None:
        mail = await rung_mail()
        assert mail["status"] == "retrying" and len(mail["attempt_log"]) >= 2  # type: ignore[arg-type]

    await assert_eventually_async(failing_and_logged, timeout=20)
    failed = (await rung_mail())["attempt_log"]
    assert all(not a["ok"] and "451" in a["error"] for a in failed)  # type: ignore[attr-defined]
    await assert_eventually_async(lambda: robot.about(letter(code)), timeout=20)  # the robot is not held up
    later = await api.act("county.supervisor", code, "interview", {"reason": "逾期未整改"})  # while mail still fails
    assert later.status_code == 200 and later.json()["interviews"], later.text
    assert drop.about(letter(code)) == []

    drop.refusing = False

    async def delivered() -> None:
        mail = await rung_mail()
        assert mail["status"] == "sent" and mail["attempt_log"][-1]["ok"] is True  # type: ignore[index]
        assert mail["attempts"] > len(failed) and len(drop.about(letter(code))) == 1  # type: ignore[operator]

    await assert_eventually_async(delivered, timeout=20)
    ids = [m["Message-ID"] for m in drop.mails]
    assert len(ids) == len(set(ids))  # no notification mailed twice
    failed_view = (await api.as_user("admin", "GET", "/admin/deliveries", params={"page_size": 200})).json()
    assert any(not a["ok"] and "451" in (a["error"] or "") for d in failed_view["items"] for a in d["attempt_log"])


async def test_a_daily_digest_replaces_single_mails_with_one_mail_after_the_day(
    api: Api, skipping: WorkflowEnvironment, smtp: tuple[MailDrop, int], robot: RobotReceiver
) -> None:
    drop = smtp[0]
    await wired(api, robot)
    chosen = await api.as_user("enterprise.a", "PUT", "/me/settings", json={"channels": ["inbox", "email"], "daily_digest": True})
    assert chosen.status_code == 200 and chosen.json()["daily_digest"] is True and chosen.json()["email"] == MAIL
    code, _ = await overdue(api, skipping)

    async def held() -> None:
        log = (await api.as_user("admin", "GET", "/admin/deliveries", params={"status": "digest", "hazard_code": code})).json()
        assert any(d["recipient"] == "enterprise.a" and d["channel"] == "email" for d in log["items"])
        assert robot.about(letter(code))

    await assert_eventually_async(held, timeout=20)
    assert drop.about(letter(code)) == []
    assert await api.app.state.outbox.digests() == 0  # the day has not ended
    assert await api.app.state.outbox.digests(now=datetime.now(UTC) + timedelta(days=1)) == 1
    await assert_eventually_async(lambda: drop.about("Daily digest"), timeout=20)
    digest = drop.about("Daily digest")
    assert len(digest) == 1 and letter(code) in digest[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]

    async def gone_in_the_digest() -> None:
        log = (await api.as_user("admin", "GET", "/admin/deliveries", params={"status": "in_digest", "hazard_code": code})).json()
        assert log["total"] >= 1

    await assert_eventually_async(gone_in_the_digest, timeout=20)
    assert await api.app.state.outbox.digests(now=datetime.now(UTC) + timedelta(days=1)) == 0
    assert len(drop.about("Daily digest")) == 1
    assert drop.about(letter(code)) == []


async def test_each_user_chooses_their_channels(api: Api, robot: RobotReceiver) -> None:
    mine = (await api.as_user("county.supervisor", "GET", "/me/settings")).json()
    assert mine["channels"] == ["inbox", "email"] and mine["daily_digest"] is False and mine["webhook"] is None
    assert mine["available_channels"] == ["inbox", "email"]
    await wired(api, robot)
    mine = (await api.as_user("county.supervisor", "GET", "/me/settings")).json()
    assert "webhook" in mine["available_channels"] and mine["webhook"] == {"region_code": "371702", "kind": "dingtalk"}
    off = await api.as_user("county.supervisor", "PUT", "/me/settings", json={"channels": ["inbox", "webhook"]})
    assert off.status_code == 200 and "email" not in off.json()["channels"]
    no_inbox = await api.as_user("county.supervisor", "PUT", "/me/settings", json={"channels": ["email"]})
    assert no_inbox.status_code == 422 and no_inbox.json()["detail"]["field"] == "channels"
    city = await api.as_user("city.supervisor", "PUT", "/me/settings", json={"channels": ["inbox", "webhook"]})
    assert city.status_code == 422 and city.json()["detail"]["code"] == "channel_unavailable"
    bad = await api.as_user("city.supervisor", "PUT", "/me/settings", json={"channels": ["inbox", "fax"]})
    assert bad.status_code == 422 and bad.json()["detail"]["field"].startswith("channels")


async def test_the_admin_routes_refuse_others_and_bad_bodies(api: Api) -> None:
    hook = {"kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "secret": "wecom-secret-xyz-123"}
    for method, path, body in (("PUT", "/admin/webhooks/371702", hook), ("GET", "/admin/webhooks", None),
                               ("GET", "/admin/webhooks/371702", None), ("DELETE", "/admin/webhooks/371702", None),
                               ("GET", "/admin/deliveries", None)):
        for user in ("county.supervisor", "auditor", "enterprise.a"):
            refused = await api.as_user(user, method, path, json=body)
            assert refused.status_code == 403, (user, method, path)
            assert refused.json()["detail"]["code"] == "role_not_allowed"
    for bad, field in (({**hook, "kind": "slack"}, "kind"), ({**hook, "url": "qyapi.weixin.qq.com/hook"}, "url"),
                       ({"kind": "generic"}, "url")):
        reply = await api.as_user("admin", "PUT", "/admin/webhooks/371702", json=bad)
        assert reply.status_code == 422 and reply.json()["detail"]["field"] == field, reply.text
    assert (await api.as_user("admin", "PUT", "/admin/webhooks/999999", json=hook)).status_code == 404
    created = await api.as_user("admin", "PUT", "/admin/webhooks/371702", json=hook)
    assert created.status_code == 200 and created.json()["secret"] != hook["secret"] and created.json()["secret_set"]
    assert hook["secret"] not in json.dumps((await api.as_user("admin", "GET", "/admin/webhooks")).json())
    assert created.json()["url"].endswith("?key=********")  # the robot's token is never echoed
    kept = await api.as_user("admin", "PUT", "/admin/webhooks/371702", json={"kind": "wecom", "url": hook["url"]})
    assert kept.status_code == 200 and kept.json()["secret_set"]  # a PUT without the secret keeps it
    replaced = await api.as_user("admin", "PUT", "/admin/webhooks/371702", json={**hook, "kind": "generic", "secret": None})
    assert replaced.status_code == 200 and replaced.json()["kind"] == "generic" and replaced.json()["secret"] is None
    assert (await api.as_user("admin", "DELETE", "/admin/webhooks/371702")).status_code == 204
    assert (await api.as_user("admin", "GET", "/admin/webhooks/371702")).status_code == 404
    bad_mail = await api.as_user("admin", "PATCH", "/admin/users/enterprise.a", json={"email": "not-an-address"})
    assert bad_mail.status_code == 422 and bad_mail.json()["detail"]["field"] == "email"
    users = (await api.as_user("admin", "GET", "/admin/users")).json()
    assert all("email" in u for u in users)
    assert (await api.as_user("admin", "GET", "/admin/deliveries", params={"status": "lost"})).status_code == 422
