"""The tamper-evident trail: a hash chain per hazard, checked on demand, and signed checkpoints of its heads."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from audit import signing
from core.db import session_scope
from domain import escalation, transitions
from domain.audit_chain import GENESIS
from models.actions import AssessBody, ListBody
from models.enums import Action
from models.hazard import HazardState, ProjectionItem
from models.tables import AuditEntry
from store import audit, projection
from tests import factories as f
from tests.api_helpers import Api, in_days, running_api

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def life(code: str) -> list[ProjectionItem]:
    """Report, assess, list and the first rung of one hazard, as the workflow would record them."""
    state = HazardState(code=code, facts=f.facts(), reported_at=NOW, reported_by=f.INSPECTOR, policy=f.DEFAULT_POLICY, status_since=NOW)
    items = [transitions.reported(state, f.INSPECTOR)]
    items += transitions.apply(Action.ASSESS, items[-1].state, f.COUNTY_SUPERVISOR, AssessBody(level="major", basis="GB 30871"), NOW)
    listing = ListBody(authority_level="county", deadline=NOW.date())
    items += transitions.apply(Action.LIST, items[-1].state, f.COUNTY_SUPERVISOR, listing, NOW)
    rung = escalation.fire_next_rung(items[-1].state.model_copy(update={"overdue": True}), "deadline", NOW)
    assert rung is not None
    return [*items, rung]


def record(engine: Engine, items: list[ProjectionItem]) -> None:
    for item in items:
        with session_scope(engine) as session:
            projection.project_transition(session=session, item=item)


def test_rows_chain_per_hazard_and_the_chain_verifies(engine: Engine) -> None:
    record(engine, life("HZ-A"))
    record(engine, life("HZ-B"))
    with Session(engine) as session:
        rows = list(session.exec(select(AuditEntry).where(AuditEntry.hazard_code == "HZ-A").order_by(AuditEntry.seq)))
        result = audit.verify(session=session)
    assert rows[0].prev_hash == GENESIS and all(b.prev_hash == a.row_hash for a, b in zip(rows, rows[1:], strict=False))
    assert (result.ok, result.checked, result.first_broken) == (True, 8, None)
    rung = rows[-1]  # every row names who, what, the states, why, the policy and the document
    assert (rung.actor_id, rung.actor_role, rung.action, rung.reason) == ("system", "system", "rung", "rung:urging_letter")
    assert rung.policy == "default@1" and rung.document_hash and len(rung.document_hash) == 64
    assert (rung.from_status, rung.to_status) == ("listed", "listed")


@pytest.mark.parametrize("column,value", [("comment", "'改过的意见'"), ("actor_id", "'someone-else'"), ("to_status", "'closed'")])
def test_editing_a_row_in_the_database_is_reported_at_that_row(engine: Engine, column: str, value: str) -> None:
    record(engine, life("HZ-A"))
    with session_scope(engine) as session:
        session.execute(text(f"UPDATE audit_entry SET {column} = {value} WHERE hazard_code = 'HZ-A' AND seq = 2"))
    with Session(engine) as session:
        whole = audit.verify(session=session)
        one = audit.verify(session=session, hazard_code="HZ-A")
    assert not whole.ok and whole.first_broken is not None and whole.first_broken["seq"] == 2
    assert one.first_broken == whole.first_broken and "content" in whole.first_broken["reason"]


def test_removing_a_middle_row_breaks_the_chain_and_removing_the_last_breaks_the_checkpoint(engine: Engine, tmp_path: Path) -> None:
    from core.settings import Settings

    record(engine, life("HZ-A"))
    key = signing.signer(Settings(_env_file=None, data_dir=tmp_path))  # type: ignore[call-arg]
    with session_scope(engine) as session:
        checkpoint = audit.new_checkpoint(session=session, signed_by="auditor", sign=key.sign, public_key=key.public_key)
    with Session(engine) as session:
        assert audit.check_checkpoint(session=session, checkpoint=checkpoint, verify_signature=signing.verify)[0]
    with session_scope(engine) as session:
        session.execute(text("DELETE FROM audit_entry WHERE hazard_code = 'HZ-A' AND seq = 4"))
    with Session(engine) as session:
        assert audit.verify(session=session).ok  # the chain alone cannot see a cut-off tail...
        ok, reason = audit.check_checkpoint(session=session, checkpoint=checkpoint, verify_signature=signing.verify)
    assert not ok and "removed or rewritten" in reason  # ...the signed checkpoint can
    with session_scope(engine) as session:
        session.execute(text("DELETE FROM audit_entry WHERE hazard_code = 'HZ-A' AND seq = 2"))
    with Session(engine) as session:
        broken = audit.verify(session=session)
    assert not broken.ok and broken.first_broken["seq"] == 3 and "missing" in broken.first_broken["reason"]  # type: ignore[index]


def test_a_forged_checkpoint_signature_is_refused(engine: Engine, tmp_path: Path) -> None:
    from core.settings import Settings

    record(engine, life("HZ-A"))
    key = signing.signer(Settings(_env_file=None, data_dir=tmp_path))  # type: ignore[call-arg]
    other = signing.Signer(signing.Ed25519PrivateKey.generate())
    with session_scope(engine) as session:
        forged = audit.new_checkpoint(session=session, signed_by="mallory", sign=other.sign, public_key=key.public_key)
        ok, reason = audit.check_checkpoint(session=session, checkpoint=forged, verify_signature=signing.verify)
    assert not ok and "signature" in reason


@pytest.fixture
async def api(dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str) -> AsyncIterator[Api]:
    async with running_api(dev_env.client, tmp_path, task_queue) as client:
        yield client


async def test_an_auditor_verifies_the_trail_and_sees_a_tampered_row(api: Api) -> None:
    code = (await api.report()).json()["code"]
    await api.act("county.supervisor", code, "assess", {"level": "major", "basis": "GB 30871"})
    await api.act("county.supervisor", code, "list", {"authority_level": "county", "deadline": in_days(30)})
    reply = await api.as_user("auditor", "GET", "/audit/verify")
    assert reply.status_code == 200 and reply.json()["ok"] is True and reply.json()["checked"] >= 3
    assert (await api.as_user("enterprise.a", "GET", "/audit/verify")).status_code == 403
    checkpoint = await api.as_user("auditor", "POST", "/audit/checkpoints")
    assert checkpoint.status_code == 201 and len(checkpoint.json()["heads_hash"]) == 64
    with session_scope(api.app.state.engine) as session:
        session.execute(text(f"UPDATE audit_entry SET comment = 'x' WHERE hazard_code = '{code}' AND seq = 2"))
    reply = (await api.as_user("auditor", "GET", "/audit/verify", params={"hazard_code": code})).json()
    assert reply["ok"] is False and reply["first_broken"]["seq"] == 2 and reply["first_broken"]["hazard_code"] == code
    check = (await api.as_user("auditor", "GET", f"/audit/checkpoints/{checkpoint.json()['id']}/verify")).json()
    assert check["ok"] is False
