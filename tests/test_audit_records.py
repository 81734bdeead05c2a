"""Every process's records on the one audit trail: a campaign's and a tour's steps are hash-chained like a
hazard's, verified by record and over the caller's scope, and their histories read and replay like a hazard's."""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from audit.archive import export_audit, replay_export_async
from core.db import MIGRATIONS_DIR, make_engine
from domain.audit_chain import GENESIS, row_hash
from store import audit
from tests.api_helpers import Api, in_days
from tests.tour_helpers import TEAM


async def launch_campaign(api: Api) -> str:
    body = {
        "title": "危险化学品安全生产专项整治", "document_number": "菏安办〔2026〕3号", "region_code": "371702",
        "industries": [], "description": "按照部署开展专项整治",
        "phases": [{"kind": "investigate", "starts_on": in_days(0), "ends_on": in_days(20)},
                   {"kind": "rectify", "starts_on": in_days(21), "ends_on": in_days(60)}],
    }
    reply = await api.as_user("county.supervisor", "POST", "/campaigns", json=body)
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


async def plan_tour(api: Api) -> str:
    body = {"title": "2026年第四季度安全生产巡查", "kind": "comprehensive", "targets": [{"region_code": "371702"}],
            "starts_on": in_days(3), "ends_on": in_days(12), "team": TEAM}
    reply = await api.as_user("city.supervisor", "POST", "/tours", json=body)
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


def tamper(api: Api, kind: str, record_id: str) -> None:
    with Session(api.app.state.engine) as session:
        session.execute(text("UPDATE audit_entry SET comment = 'rewritten' WHERE record_kind = :kind "
                             "AND record_id = :id AND seq = 1"), {"kind": kind, "id": record_id})
        session.commit()


async def verify(api: Api, **params: str) -> dict[str, Any]:
    reply = await api.as_user("auditor", "GET", "/audit/verify", params=params)
    assert reply.status_code == 200, reply.text
    return reply.json()  # type: ignore[no-any-return]


async def test_a_campaign_and_a_tour_read_their_history_replay_export_and_verify_until_a_row_is_changed(
    api: Api, dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    campaign, tour = await launch_campaign(api), await plan_tour(api)
    for kind, path, first in (("campaign", f"/campaigns/{campaign}", "launch"), ("tour", f"/tours/{tour}", "plan")):
        reply = await api.as_user("auditor", "GET", f"{path}/history")
        assert reply.status_code == 200, reply.text
        history = reply.json()
        assert (history["record_kind"], history["record_id"]) == (kind, path.rsplit("/", 1)[1])
        assert "runs" not in history  # decoded decisions, never raw payloads
        assert history["timeline"][0]["kind"] == "run_started"
        assert [e["action"] for e in history["trail"]][:1] == [first]
        refused = await api.as_user("enterprise.a", "GET", f"{path}/history")
        assert refused.status_code == 403 and refused.json()["detail"]["code"] == "role_not_allowed"
    outside = await api.as_user("county2.supervisor", "GET", f"/campaigns/{campaign}/history")
    assert outside.status_code in (403, 404), outside.text

    records = [{"kind": "campaign", "id": campaign}, {"kind": "tour", "id": tour}]
    reply = await api.as_user("auditor", "POST", "/audit/replay", json={"records": records})
    assert reply.status_code == 200, reply.text
    assert (reply.json()["replayed"], reply.json()["failures"]) == (2, [])
    exported = await export_audit(dev_env.client, api.app.state.engine, date.today() - timedelta(days=1), tmp_path / "a.zip")
    assert exported.records >= 2
    report = await replay_export_async(tmp_path / "a.zip")
    assert {("campaign", campaign), ("tour", tour)} <= {(r.record_kind, r.record_id) for r in report.results}
    assert report.failures == []

    assert (await verify(api, record_kind="campaign", record_id=campaign))["ok"] is True
    assert (await verify(api))["ok"] is True
    tamper(api, "campaign", campaign)
    broken = await verify(api, record_kind="campaign", record_id=campaign)
    assert broken["ok"] is False
    assert (broken["first_broken"]["record_kind"], broken["first_broken"]["record_id"]) == ("campaign", campaign)
    assert (await verify(api))["ok"] is False
    assert (await verify(api, record_kind="tour", record_id=tour))["ok"] is True
    tamper(api, "tour", tour)
    assert (await verify(api, record_kind="tour", record_id=tour))["ok"] is False


async def test_verify_names_both_kind_and_id_of_a_record(api: Api) -> None:
    reply = await api.as_user("auditor", "GET", "/audit/verify", params={"record_kind": "tour"})
    assert reply.status_code == 422 and reply.json()["detail"]["field"] == "record_id"
    reply = await api.as_user("auditor", "GET", "/audit/verify", params={"record_kind": "tour", "record_id": "TR-none"})
    assert reply.status_code == 404


# --- the migration that brought every process onto the trail ---------------------------------------------------------

AT = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
ACTOR = {"actor_id": "u1", "actor_name": "张三", "actor_role": "supervisor"}


def _config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    return config


def _legacy_row(code: str, seq: int, prev: str) -> dict[str, Any]:
    """A hazard's row as it was sealed before the trail had kinds (its id hashed as `hazard_code`)."""
    row = {"hazard_code": code, "seq": seq, "at": AT, **ACTOR, "action": "report", "from_status": None,
           "to_status": "reported", "comment": f"step {seq}", "transition_json": "{}", "document_hash": None,
           "policy": "default@1", "reason": None, "prev_hash": prev}
    row["row_hash"] = row_hash({**row, "chain_version": 1})
    return row


def test_the_migration_moves_every_process_s_steps_into_chains_that_verify(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(_config(url), "0017")
    engine = create_engine(url)
    first = _legacy_row("HZ-1", 1, GENESIS)
    second = _legacy_row("HZ-1", 2, first["row_hash"])
    step = {"seq": 1, "at": AT, **ACTOR, "action": "plan", "from_status": None, "to_status": "planned", "comment": None}
    with engine.begin() as conn:
        for row in (first, second):
            conn.execute(text(f"INSERT INTO audit_entry ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"), row)
        for table, key, extra in (("tour_event", "tour_id", {"reason": None, "document_hashes": "a" * 64 + " " + "b" * 64}),
                                  ("campaign_event", "campaign_id", {"document_hash": None}),
                                  ("interview_event", "interview_id", {})):
            for seq in (1, 2):
                row = {key: f"{table}-1", **step, "seq": seq, **extra}
                conn.execute(text(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"), row)
    engine.dispose()

    command.upgrade(_config(url), "head")
    engine = make_engine(url)
    with Session(engine) as session:
        assert audit.verify(session=session).ok
        assert audit.verify(session=session).checked == 8
        kinds = session.execute(text("SELECT record_kind, record_id, chain_version, document_hash, transition_json "
                                     "FROM audit_entry ORDER BY id")).all()
        expected = [("hazard", 1)] * 2 + [(kind, 2) for kind in ("interview", "campaign", "tour") for _ in (1, 2)]
        assert sorted((kind, version) for kind, _, version, *_ in kinds) == sorted(expected)
        tour_rows = [r for r in kinds if r[0] == "tour"]
        assert tour_rows[0][3] == "a" * 64 and json.loads(tour_rows[0][4])["document_hashes"] == ["a" * 64, "b" * 64]
        stored = session.execute(text("SELECT row_hash FROM audit_entry WHERE record_id = 'HZ-1' ORDER BY seq")).all()
        assert [h for (h,) in stored] == [first["row_hash"], second["row_hash"]]  # sealed rows keep their hashes
        session.execute(text("UPDATE audit_entry SET comment = 'x' WHERE record_kind = 'tour' AND seq = 2"))
        result = audit.verify(session=session)
        assert not result.ok and result.first_broken is not None and result.first_broken["record_kind"] == "tour"
    engine.dispose()
    command.downgrade(_config(url), "0017")
    engine = create_engine(url)
    with engine.connect() as conn:
        back = conn.execute(text("SELECT tour_id, seq, document_hashes FROM tour_event ORDER BY seq")).all()
        assert [(t, s) for t, s, _ in back] == [("tour_event-1", 1), ("tour_event-1", 2)] and back[0][2] == f"{'a' * 64} {'b' * 64}"
        assert conn.execute(text("SELECT count(*) FROM audit_entry")).scalar() == 2
    engine.dispose()
