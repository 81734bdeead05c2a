"""The tamper-evident trail: a hash chain per hazard, checked on demand, and signed checkpoints of its heads."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from core.db import session_scope
from domain import escalation, transitions
from domain.audit_chain import GENESIS
from models.actions import AssessBody, ListBody
from models.enums import Action
from models.hazard import HazardState, ProjectionItem
from models.tables import AuditEntry
from security import signing
from store import audit, projection
from tests import factories as f
from tests.api_helpers import Api, in_days

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
        rows = list(session.exec(select(AuditEntry).where(AuditEntry.record_id == "HZ-A").order_by(AuditEntry.seq)))
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
        session.execute(text(f"UPDATE audit_entry SET {column} = {value} WHERE record_id = 'HZ-A' AND seq = 2"))
    with Session(engine) as session:
        whole = audit.verify(session=session)
        one = audit.verify(session=session, record_kind="hazard", record_id="HZ-A")
    assert not whole.ok and whole.first_broken is not None and whole.first_broken["seq"] == 2
    assert one.first_broken == whole.first_broken and "content" in whole.first_broken["reason"]


def test_removing_a_middle_row_breaks_the_chain_and_removing_the_last_breaks_the_checkpoint(engine: Engine, tmp_path: Path) -> None:
    from core.settings import Settings

    record(engine, life("HZ-A"))
    key = signing.signer(Settings(_env_file=None, data_dir=tmp_path))  # type: ignore[call-arg]
    with session_scope(engine) as session:
        checkpoint = audit.new_checkpoint(session=session, signed_by="auditor", sign=key.sign, public_key=key.public_key)
    with Session(engine) as session:
        assert audit.check_checkpoint(session=session, checkpoint=checkpoint, public_keys=[key.public_key])[0]
    with session_scope(engine) as session:
        session.execute(text("DELETE FROM audit_entry WHERE record_id = 'HZ-A' AND seq = 4"))
    with Session(engine) as session:
        assert audit.verify(session=session).ok  # the chain alone cannot see a cut-off tail...
        ok, reason = audit.check_checkpoint(session=session, checkpoint=checkpoint, public_keys=[key.public_key])
    assert not ok and "removed or rewritten" in reason  # ...the signed checkpoint can
    with session_scope(engine) as session:
        session.execute(text("DELETE FROM audit_entry WHERE record_id = 'HZ-A' AND seq = 2"))
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
        ok, reason = audit.check_checkpoint(session=session, checkpoint=forged, public_keys=[key.public_key])
    assert not ok and "signature" in reason


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
        session.execute(text(f"UPDATE audit_entry SET comment = 'x' WHERE record_id = '{code}' AND seq = 2"))
    reply = (await api.as_user("auditor", "GET", "/audit/verify", params={"hazard_code": code})).json()
    assert reply["ok"] is False and reply["first_broken"]["seq"] == 2 and reply["first_broken"]["hazard_code"] == code
    check = (await api.as_user("auditor", "GET", f"/audit/checkpoints/{checkpoint.json()['id']}/verify")).json()
    assert check["ok"] is False


def test_a_checkpoint_whose_key_and_signature_an_attacker_replaced_does_not_hold(engine: Engine, tmp_path: Path) -> None:
    from core.settings import Settings
    from models.tables import AuditCheckpoint

    record(engine, life("HZ-A"))
    config = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    key = signing.signer(config)
    with session_scope(engine) as session:
        genuine = audit.new_checkpoint(session=session, signed_by="auditor", sign=key.sign, public_key=key.public_key)
    with Session(engine) as session:
        assert audit.check_checkpoint(session=session, checkpoint=genuine, public_keys=signing.trusted_keys(config))[0]
    # The attacker rewrites a row, re-seals the chain, and re-signs the checkpoint with a key of their own,
    # storing their public key in the checkpoint row: it holds only if the row's key were trusted.
    with session_scope(engine) as session:
        session.execute(text("DELETE FROM audit_entry WHERE record_id = 'HZ-A' AND seq = 4"))
    mallory = signing.Signer(signing.Ed25519PrivateKey.generate())
    with session_scope(engine) as session:
        forged = audit.new_checkpoint(session=session, signed_by="auditor", sign=mallory.sign, public_key=mallory.public_key)
        row = session.get(AuditCheckpoint, genuine.id)
        assert row is not None
        row.heads_hash, row.rows, row.hazards = forged.heads_hash, forged.rows, forged.hazards
        row.public_key, row.at, row.max_entry_id = mallory.public_key, forged.at, forged.max_entry_id
        row.signature = forged.signature
    with Session(engine) as session:
        tampered = session.get(AuditCheckpoint, genuine.id)
        assert tampered is not None
        assert audit.check_checkpoint(session=session, checkpoint=tampered, public_keys=[tampered.public_key])[0]  # the old way
        ok, reason = audit.check_checkpoint(session=session, checkpoint=tampered, public_keys=signing.trusted_keys(config))
    assert not ok and "not by a trusted key" in reason
    # A key trusted through DUBAN_AUDIT_VERIFY_KEY (e.g. a retired signing key's) verifies; none configured: nothing does.
    trusting = Settings(_env_file=None, data_dir=tmp_path, audit_verify_key=f" {mallory.public_key} ")  # type: ignore[call-arg]
    assert mallory.public_key in signing.trusted_keys(trusting) and key.public_key in signing.trusted_keys(trusting)
    production = Settings(_env_file=None, env="production", secret_key="x" * 40, whistleblower_key="k", payload_keys="k1:" + "A" * 43 + "=")  # type: ignore[call-arg]
    assert signing.trusted_keys(production) == []
    with pytest.raises(ValueError, match="not an Ed25519 public key"):
        Settings(_env_file=None, audit_verify_key="not-a-key")  # type: ignore[call-arg]


async def test_the_api_verifies_a_checkpoint_against_the_configured_key_not_the_one_in_its_row(api: Api) -> None:
    from models.tables import AuditCheckpoint

    code = (await api.report()).json()["code"]
    await api.act("county.supervisor", code, "assess", {"level": "major", "basis": "GB 30871"})
    made = await api.as_user("admin", "POST", "/audit/checkpoints")
    assert made.status_code == 201 and made.json()["scope_path"] is None
    checkpoint_id = made.json()["id"]
    assert (await api.as_user("admin", "GET", f"/audit/checkpoints/{checkpoint_id}/verify")).json()["ok"] is True
    mallory = signing.Signer(signing.Ed25519PrivateKey.generate())
    with session_scope(api.app.state.engine) as session:
        row = session.get(AuditCheckpoint, checkpoint_id)
        assert row is not None
        row.public_key = mallory.public_key
        row.signature = mallory.sign(audit_canonical(audit.checkpoint_statement(row)))
    check = (await api.as_user("admin", "GET", f"/audit/checkpoints/{checkpoint_id}/verify")).json()
    assert check["ok"] is False and "trusted key" in check["reason"]


def audit_canonical(statement: dict[str, object]) -> bytes:
    from domain.audit_chain import canonical

    return canonical(statement)


async def test_auditors_verify_list_and_sign_only_the_hazards_of_their_jurisdiction(api: Api) -> None:
    mudan = (await api.report()).json()["code"]  # 371702 牡丹区
    cao = (await api.report("county2.supervisor", region_code="371721", enterprise_uscc="91371721MA3D8J7K5L")).json()["code"]
    for name, region in (("mudan.auditor", "371702"), ("cao.auditor", "371721")):
        body = {"username": name, "password": "a-long-password", "role": "auditor", "jurisdiction_code": region}
        assert (await api.as_user("admin", "POST", "/admin/users", json=body)).status_code == 201
        reply = await api.http.post("/api/v1/auth/token", data={"username": name, "password": "a-long-password"})
        api._tokens[name] = reply.json()["access_token"]
    # Break the 曹县 hazard's chain: only the whole trail and the 曹县 auditor see it.
    with session_scope(api.app.state.engine) as session:
        session.execute(text(f"UPDATE audit_entry SET comment = 'x' WHERE record_id = '{cao}' AND seq = 1"))
    mine = (await api.as_user("mudan.auditor", "GET", "/audit/verify")).json()
    theirs = (await api.as_user("cao.auditor", "GET", "/audit/verify")).json()
    everything = (await api.as_user("admin", "GET", "/audit/verify")).json()
    assert mine["ok"] is True and mine["checked"] >= 1
    assert theirs["ok"] is False and theirs["first_broken"]["hazard_code"] == cao
    assert everything["ok"] is False and everything["checked"] >= mine["checked"] + 1
    one = await api.as_user("mudan.auditor", "GET", "/audit/verify", params={"hazard_code": mudan})
    assert one.status_code == 200 and one.json()["ok"] is True
    refused = await api.as_user("mudan.auditor", "GET", "/audit/verify", params={"hazard_code": cao})
    assert refused.status_code == 403 and refused.json()["detail"]["code"] == "outside_jurisdiction"
    # Checkpoints record the subtree they cover and are listed and verified within it.
    ours = (await api.as_user("mudan.auditor", "POST", "/audit/checkpoints")).json()
    assert ours["scope_path"] == "370000/371700/371702/" and ours["hazards"] == 1
    whole = (await api.as_user("admin", "POST", "/audit/checkpoints")).json()
    assert whole["scope_path"] is None and whole["hazards"] >= 2
    assert [c["id"] for c in (await api.as_user("mudan.auditor", "GET", "/audit/checkpoints")).json()] == [ours["id"]]
    assert (await api.as_user("cao.auditor", "GET", "/audit/checkpoints")).json() == []
    assert {c["id"] for c in (await api.as_user("auditor", "GET", "/audit/checkpoints")).json()} == {ours["id"]}  # province
    assert {c["id"] for c in (await api.as_user("admin", "GET", "/audit/checkpoints")).json()} >= {ours["id"], whole["id"]}
    assert (await api.as_user("mudan.auditor", "GET", f"/audit/checkpoints/{ours['id']}/verify")).json()["ok"] is True
    for who, which in (("cao.auditor", ours["id"]), ("mudan.auditor", whole["id"])):
        outside = await api.as_user(who, "GET", f"/audit/checkpoints/{which}/verify")
        assert outside.status_code == 403 and outside.json()["detail"]["code"] == "outside_jurisdiction"
    # The scope is signed: widening a checkpoint's scope in the database breaks its signature.
    with session_scope(api.app.state.engine) as session:
        session.execute(text(f"UPDATE audit_checkpoint SET scope_path = '370000/' WHERE id = {ours['id']}"))
    check = (await api.as_user("auditor", "GET", f"/audit/checkpoints/{ours['id']}/verify")).json()
    assert check["ok"] is False and "signature" in check["reason"]
