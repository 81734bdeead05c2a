"""Accounts: an admin creates, re-roles and disables users (audited); sign-in failures are slowed down
(tests/test_throttle.py has the waits themselves)."""

import json
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from models.tables import AdminAudit
from security.throttle import SignInThrottle
from tests.api_helpers import Api, running_api


class Clock:
    """A stopped clock for the sign-in throttle: time passes when a test says so."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def api(dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str) -> AsyncIterator[Api]:
    async with running_api(dev_env.client, tmp_path, task_queue) as client:
        client.clock = Clock()  # type: ignore[attr-defined]
        client.app.state.sign_in_throttle = SignInThrottle(secret=client.app.state.settings.secret_key, clock=client.clock)  # type: ignore[attr-defined]
        yield client


async def sign_in(api: Api, username: str, password: str) -> tuple[int, dict[str, object]]:
    reply = await api.http.post("/api/v1/auth/token", data={"username": username, "password": password})
    return reply.status_code, reply.json()


async def test_an_admin_creates_a_supervisor_who_then_acts_and_every_change_is_audited(api: Api) -> None:
    new = {"username": "zhang.san", "password": "a-long-password", "role": "supervisor", "jurisdiction_code": "371702",
           "display_name": "张三"}
    reply = await api.as_user("admin", "POST", "/admin/users", json=new)
    assert reply.status_code == 201 and reply.json()["role"] == "supervisor" and "password" not in reply.text
    assert (await api.as_user("admin", "POST", "/admin/users", json=new)).status_code == 409
    status, token = await sign_in(api, "zhang.san", "a-long-password")
    assert status == 200
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    code = (await api.report()).json()["code"]
    assess = {"level": "general", "rectification": "immediate"}
    # Re-roled to auditor: the same token now reads but no longer acts.
    assert (await api.as_user("admin", "PATCH", "/admin/users/zhang.san", json={"role": "auditor"})).status_code == 200
    refused = await api.http.post(f"/api/v1/hazards/{code}/actions/assess", json=assess, headers=headers)
    assert refused.status_code == 403 and refused.json()["detail"]["code"] == "role_not_allowed"
    # Disabled: the token stops working at once.
    assert (await api.as_user("admin", "PATCH", "/admin/users/zhang.san", json={"disabled": True})).status_code == 200
    assert (await api.http.get(f"/api/v1/hazards/{code}", headers=headers)).status_code == 401
    with Session(api.app.state.engine) as session:
        rows = list(session.exec(select(AdminAudit).where(AdminAudit.subject == "zhang.san").order_by(AdminAudit.id)))
    assert [r.action for r in rows] == ["user.create", "user.update", "user.update"]
    assert all("a-long-password" not in r.details_json for r in rows)
    assert json.loads(rows[-1].details_json)["after"]["disabled"] is True and rows[0].actor_name == "admin"


@pytest.mark.parametrize(
    "body,status,code",
    [
        ({"username": "x.y", "password": "short", "role": "supervisor", "jurisdiction_code": "371702"}, 422, "invalid_input"),
        ({"username": "x.y", "password": "a-long-password", "role": "supervisor"}, 422, "jurisdiction_required"),
        ({"username": "x.y", "password": "a-long-password", "role": "supervisor", "jurisdiction_code": "379999"}, 422, "unknown_region"),
        ({"username": "x.y", "password": "a-long-password", "role": "enterprise"}, 422, "unknown_enterprise"),
        ({"username": "x.y", "password": "a-long-password", "role": "system", "jurisdiction_code": "371702"}, 422, "bad_role"),
    ],
)
async def test_a_bad_account_is_refused_with_its_reason(api: Api, body: dict[str, str], status: int, code: str) -> None:
    reply = await api.as_user("admin", "POST", "/admin/users", json=body)
    assert reply.status_code == status and reply.json()["detail"]["code"] == code


async def test_only_admins_manage_accounts_and_not_their_own(api: Api) -> None:
    assert (await api.as_user("city.supervisor", "GET", "/admin/users")).status_code == 403
    assert (await api.as_user("auditor", "PATCH", "/admin/users/inspector", json={"disabled": True})).status_code == 403
    assert (await api.as_user("admin", "PATCH", "/admin/users/admin", json={"disabled": True})).status_code == 409
    listed = (await api.as_user("admin", "GET", "/admin/users")).json()
    assert {"admin", "enterprise.a", "auditor"} <= {u["username"] for u in listed}


async def test_repeated_failed_sign_ins_are_slowed_logged_and_then_locked(api: Api) -> None:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign,assignment]
    logging.getLogger("duban.auth").addHandler(handler)
    clock: Clock = api.clock  # type: ignore[attr-defined]
    try:
        throttle: SignInThrottle = api.app.state.sign_in_throttle
        delays = []
        for _ in range(10):
            with Session(api.app.state.engine) as session:
                delays.append(throttle.wait(session, "user:inspector", "client:127.0.0.1")[1])
            clock.now += delays[-1]
            assert (await sign_in(api, "inspector", "wrong-password"))[0] == 401
        status, body = await sign_in(api, "inspector", "duban-demo")  # even the right password, for now
    finally:
        logging.getLogger("duban.auth").removeHandler(handler)
    assert delays == sorted(delays) and delays[0] == 0 and delays[-1] > delays[1] > 0
    assert status == 429 and body["detail"]["code"] == "too_many_attempts"  # type: ignore[index]
    refused = [r for r in records if "sign-in refused" in str(r.msg)]
    assert len(refused) == 10 and all("wrong-password" not in str(r.msg) for r in records)
    clock.now += 8  # the address's wait after its tenth failure
    assert (await sign_in(api, "county.supervisor", "duban-demo"))[0] == 200  # others are not locked out


async def test_a_token_stops_working_after_logout_and_signing_in_again_right_after_works(api: Api) -> None:
    status, first = await sign_in(api, "county.supervisor", "duban-demo")
    assert status == 200
    old = {"Authorization": f"Bearer {first['access_token']}"}
    _, second = await sign_in(api, "county.supervisor", "duban-demo")  # another device, same account
    other = {"Authorization": f"Bearer {second['access_token']}"}
    assert (await api.http.get("/api/v1/auth/me", headers=old)).status_code == 200
    assert (await api.http.post("/api/v1/auth/logout", headers=old)).status_code == 204
    for headers in (old, other):  # every token issued before the sign-out, on every device
        refused = await api.http.get("/api/v1/auth/me", headers=headers)
        assert refused.status_code == 401 and refused.json()["detail"]["code"] == "token_revoked"
        assert set(refused.json()["detail"]) >= {"code", "field", "message_zh", "message_en"}
    assert (await api.http.post("/api/v1/auth/logout", headers=old)).status_code == 401
    assert (await api.http.post("/api/v1/auth/logout")).status_code == 401
    status, fresh = await sign_in(api, "county.supervisor", "duban-demo")  # within the same second: still works
    assert status == 200
    reply = await api.http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {fresh['access_token']}"})
    assert reply.status_code == 200 and reply.json()["username"] == "county.supervisor"


async def test_a_password_reset_revokes_the_old_tokens_and_the_new_password_signs_in(api: Api) -> None:
    status, before = await sign_in(api, "inspector", "duban-demo")
    assert status == 200
    old = {"Authorization": f"Bearer {before['access_token']}"}
    assert (await api.http.get("/api/v1/auth/me", headers=old)).status_code == 200
    renamed = await api.as_user("admin", "PATCH", "/admin/users/inspector", json={"display_name": "改名"})
    assert renamed.status_code == 200 and (await api.http.get("/api/v1/auth/me", headers=old)).status_code == 200
    reset = await api.as_user("admin", "PATCH", "/admin/users/inspector", json={"password": "a-brand-new-password"})
    assert reset.status_code == 200
    refused = await api.http.get("/api/v1/hazards", headers=old)
    assert refused.status_code == 401 and refused.json()["detail"]["code"] == "token_revoked"
    assert (await sign_in(api, "inspector", "duban-demo"))[0] == 401
    api.clock.now += 1  # type: ignore[attr-defined]  # the wait after a failure
    status, after = await sign_in(api, "inspector", "a-brand-new-password")
    assert status == 200
    reply = await api.http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {after['access_token']}"})
    assert reply.status_code == 200 and reply.json()["display_name"] == "改名"


def test_a_token_issued_at_or_before_the_cut_off_is_revoked_to_the_microsecond() -> None:
    from datetime import UTC, datetime, timedelta

    from security.tokens import claims_from_token, create_access_token, revoked

    cut = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=500_000)  # an `iat` may not lie ahead
    for issued, refused in ((cut - timedelta(microseconds=1), True), (cut, True), (cut + timedelta(microseconds=1), False)):
        token = create_access_token(user_id="u", secret="s" * 32, ttl=timedelta(days=3650), now=issued)
        claims = claims_from_token(token, "s" * 32)
        assert claims is not None and claims.issued_at is not None
        assert claims.issued_at == issued  # `iat` keeps the microseconds
        assert revoked(claims.issued_at, cut) is refused
    assert revoked(None, cut) and not revoked(None, None) and not revoked(cut, None)
