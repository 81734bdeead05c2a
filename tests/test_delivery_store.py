"""The delivery read model on SQLite and PostgreSQL: who a notification reaches, one record per (notification,
channel, recipient) however often it is planned, the digest's day, the attempt log and its filters, the
outbox's marks; and a retried send that never sends twice (the activity against a real SMTP server)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.testing import ActivityEnvironment

from activities.delivery import DeliveryActivities
from core.settings import Settings
from models.delivery import Channel, DeliveryStatus, DeliveryTarget, WebhookIn, WebhookKind
from models.tables import Delivery, Notification
from store import delivery as store
from store import webhooks
from store.demo import load_demo_data
from store.reference import user_by_name
from tests.delivery_servers import smtp_server

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def prepared(engine: Engine) -> tuple[int, int]:
    """The demo people (enterprise.a and county.supervisor with addresses, the county with a robot) and two
    notifications of one rung: (the enterprise's, the county's)."""
    with Session(engine) as session:
        load_demo_data(session=session)
        for username, email in (("enterprise.a", "a@example.com"), ("county.supervisor", "c@example.com"),
                                ("inspector", None)):
            user = user_by_name(session=session, username=username)
            assert user is not None
            user.email = email
            session.add(user)
        webhooks.put_webhook(session=session, region_code="371702", by="admin", now=NOW,
                             body=WebhookIn(kind=WebhookKind.DINGTALK, url="https://oapi.example/robot/send?access_token=t", secret="s" * 20))
        rows = [Notification(record_id="HZ-371702-2026-000001", seq=5, at=NOW, target_kind=kind, target_code=code,
                             kind="rung", title="督办函", body="逾期", document_hash=None)
                for kind, code in (("enterprise", "91371702MA3C4G0R29"), ("authority", "371702"))]
        session.add_all(rows)
        session.commit()
        return rows[0].id or 0, rows[1].id or 0


def test_a_notification_reaches_its_readers_with_an_address_and_the_offices_robot_once(engine: Engine) -> None:
    enterprise, county = prepared(engine)
    with Session(engine) as session:
        assert store.plan(session=session, notification_id=enterprise, mail_enabled=True, now=NOW) == [
            DeliveryTarget(key=f"{enterprise}:email:enterprise.a", channel=Channel.EMAIL, recipient="enterprise.a")]
        first = store.plan(session=session, notification_id=county, mail_enabled=True, now=NOW)
        assert {(t.channel, t.recipient) for t in first} == {(Channel.EMAIL, "county.supervisor"), (Channel.WEBHOOK, "371702")}
        again = store.plan(session=session, notification_id=county, mail_enabled=True, now=NOW + timedelta(minutes=1))
        assert again == first  # planned again (a retried activity): the same records, none new
        session.commit()
        rows, total = store.page(session=session, status=None, channel=None, hazard_code=None, notification_id=None,
                                 page=1, page_size=50)
        assert total == 3 and {r.status for r, _ in rows} == {DeliveryStatus.PENDING.value}
        assert store.plan(session=session, notification_id=county, mail_enabled=False, now=NOW) == [
            DeliveryTarget(key=f"{county}:webhook:371702", channel=Channel.WEBHOOK, recipient="371702")]


def test_a_digest_reader_is_held_for_the_day_and_due_once_it_has_ended(engine: Engine) -> None:
    enterprise, _ = prepared(engine)
    with Session(engine) as session:
        user = user_by_name(session=session, username="enterprise.a")
        assert user is not None
        user.daily_digest = True
        session.add(user)
        assert store.plan(session=session, notification_id=enterprise, mail_enabled=True, now=NOW) == []
        session.commit()
        held = store.by_key(session=session, key=f"{enterprise}:email:enterprise.a")
        assert held is not None and held.status == "digest" and held.digest_day == "2026-12-02"
        assert store.digests_due(session=session, today="2026-12-02") == []
        assert store.digests_due(session=session, today="2026-12-03") == [("enterprise.a", "2026-12-02")]
        assert [r.key for r in store.digest_rows(session=session, username="enterprise.a", day="2026-12-02")] == [held.key]


def test_attempts_are_logged_and_the_log_filters(engine: Engine) -> None:
    _, county = prepared(engine)
    with Session(engine) as session:
        store.plan(session=session, notification_id=county, mail_enabled=True, now=NOW)
        mail = store.by_key(session=session, key=f"{county}:email:county.supervisor")
        hook = store.by_key(session=session, key=f"{county}:webhook:371702")
        assert mail is not None and hook is not None
        store.record_attempt(session=session, delivery=mail, attempt=1, now=NOW, error="SMTP 451 busy")
        store.record_attempt(session=session, delivery=mail, attempt=2, now=NOW, error=None)
        store.record_attempt(session=session, delivery=hook, attempt=1, now=NOW, error="404", final=True)
        session.commit()
        sent, total = store.page(session=session, status="sent", channel=None, hazard_code=None, notification_id=None,
                                 page=1, page_size=10)
        assert total == 1 and sent[0][0].attempts == 2 and [a.ok for a in sent[0][1]] == [False, True]
        failed, _ = store.page(session=session, status=None, channel="webhook", hazard_code="HZ-371702-2026-000001",
                               notification_id=county, page=1, page_size=10)
        assert [(r.status, r.last_error) for r, _ in failed] == [("failed", "404")]
        store.give_up(session=session, key=mail.key, error="late")
        assert mail.status == "sent"  # a sent delivery is never marked failed


def test_the_outbox_marks_each_notification_once(engine: Engine) -> None:
    enterprise, county = prepared(engine)
    with Session(engine) as session:
        assert store.undispatched(session=session) == [enterprise, county]
        store.mark_dispatched(session=session, notification_id=enterprise, workflow_id=f"delivery-{enterprise}", now=NOW)
        store.mark_dispatched(session=session, notification_id=enterprise, workflow_id=f"delivery-{enterprise}", now=NOW)
        session.commit()
        assert store.undispatched(session=session) == [county]
        store.mark_dispatched(session=session, notification_id=county + 50, workflow_id=None, now=NOW)
        assert store.undispatched(session=session) == [county]  # committed after a higher id: still picked up
        store.mark_dispatched(session=session, notification_id=county + store.LOOKBACK + 1, workflow_id=None, now=NOW)
        assert store.undispatched(session=session) == []  # beyond the look-back: no longer scanned


async def test_a_retried_send_never_sends_twice(sqlite_engine: Engine) -> None:
    enterprise, _ = prepared(sqlite_engine)
    with smtp_server() as (drop, port):
        settings = Settings(_env_file=None, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)  # type: ignore[call-arg]
        activities = DeliveryActivities(sqlite_engine, settings)
        with Session(sqlite_engine) as session:
            [target] = store.plan(session=session, notification_id=enterprise, mail_enabled=True, now=NOW)
            session.commit()
        environment = ActivityEnvironment()
        assert environment.run(activities.deliver, target) is True
        assert environment.run(activities.deliver, target) is False  # the record says sent: nothing goes out
        assert len(drop.mails) == 1 and drop.mails[0]["To"] == "a@example.com"
        with Session(sqlite_engine) as session:
            row = store.by_key(session=session, key=target.key)
            assert isinstance(row, Delivery) and row.status == "sent" and row.attempts == 1


def test_an_account_created_from_the_command_line_may_carry_an_email(sqlite_engine: Engine) -> None:
    from models.enums import Role
    from store import users

    with Session(sqlite_engine) as session:
        load_demo_data(session=session)
        made = users.create_user(session=session, username="wang.wu", password="a-long-password", role=Role.SUPERVISOR,
                                 jurisdiction_code="371702", by="cli", email="wang.wu@example.com")
        assert made.email == "wang.wu@example.com"
        try:
            users.create_user(session=session, username="zhao.liu", password="a-long-password", role=Role.SUPERVISOR,
                              jurisdiction_code="371702", by="cli", email="no-at-sign")
        except users.AccountProblem as problem:
            assert problem.code == "bad_email"
        else:
            raise AssertionError("a bad address was accepted")
