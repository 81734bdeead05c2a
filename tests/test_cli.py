"""The `duban` operations CLI: production set-up without demo data."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from cli.main import main
from core.db import make_engine
from core.settings import get_settings
from models.tables import Enterprise, Jurisdiction, User
from security.passwords import verify_password


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DUBAN_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_reference_data_and_a_first_supervisor_can_be_loaded_from_the_command_line(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = data_dir / "ref.json"
    reference.write_text(json.dumps({
        "jurisdictions": [
            {"code": "371702", "name": "牡丹区", "level": "county", "parent_code": "371700"},
            {"code": "370000", "name": "山东省", "level": "province", "parent_code": None},
            {"code": "371700", "name": "菏泽市", "level": "city", "parent_code": "370000"},
        ],
        "enterprises": [{"uscc": "91371702MA3C4G0R29", "name": "示范化工", "region_code": "371702", "principal": "王"}],
    }), encoding="utf-8")
    assert main(["load-reference", str(reference)]) == 0
    monkeypatch.setenv("DUBAN_NEW_PASSWORD", "a-long-password")
    assert main(["create-user", "li.si", "--role", "supervisor", "--jurisdiction", "371702"]) == 0
    assert main(["create-user", "li.si", "--role", "supervisor", "--jurisdiction", "371702"]) == 2
    assert main(["create-user", "ent", "--role", "enterprise"]) == 2
    engine = make_engine(get_settings().sqlalchemy_url)
    with Session(engine) as session:
        assert session.get(Jurisdiction, "371702").path == "370000/371700/371702/"  # type: ignore[union-attr]
        assert session.get(Enterprise, "91371702MA3C4G0R29") is not None
        user = session.exec(select(User).where(User.username == "li.si")).one()
        assert verify_password(user.password_hash, "a-long-password")
    engine.dispose()


def test_a_wrong_credit_code_in_reference_data_is_refused(data_dir: Path) -> None:
    reference = data_dir / "ref.json"
    reference.write_text(json.dumps({
        "jurisdictions": [{"code": "370000", "name": "山东省", "level": "province"}],
        "enterprises": [{"uscc": "91371702MA3C4G0R28", "name": "x", "region_code": "370000", "principal": "y"}],
    }), encoding="utf-8")
    assert main(["load-reference", str(reference)]) == 2


def test_the_audit_cli_signs_a_checkpoint_and_verify_fails_once_a_row_is_edited(data_dir: Path) -> None:
    from sqlalchemy import text

    from core.db import session_scope
    from tests.test_audit_chain import life, record

    assert main(["migrate"]) == 0
    engine = make_engine(get_settings().sqlalchemy_url)
    record(engine, life("HZ-A"))
    assert main(["audit", "checkpoint"]) == 0
    assert main(["audit", "verify"]) == 0
    with session_scope(engine) as session:
        session.execute(text("UPDATE audit_entry SET comment = 'x' WHERE seq = 3"))
    engine.dispose()
    assert main(["audit", "verify", "--hazard", "HZ-A"]) == 1
    assert main(["audit", "verify"]) == 1


def test_the_audit_cli_refuses_a_checkpoint_resigned_with_a_key_stored_in_its_row(data_dir: Path) -> None:
    from core.db import session_scope
    from domain.audit_chain import canonical
    from models.tables import AuditCheckpoint
    from security import signing
    from store import audit as audit_store
    from tests.test_audit_chain import life, record

    assert main(["migrate"]) == 0
    engine = make_engine(get_settings().sqlalchemy_url)
    record(engine, life("HZ-A"))
    assert main(["audit", "checkpoint"]) == 0 and main(["audit", "verify"]) == 0
    mallory = signing.Signer(signing.Ed25519PrivateKey.generate())
    with session_scope(engine) as session:
        row = session.exec(select(AuditCheckpoint)).one()
        row.public_key = mallory.public_key
        row.signature = mallory.sign(canonical(audit_store.checkpoint_statement(row)))
    engine.dispose()
    assert main(["audit", "verify"]) == 1


def test_simulate_refuses_a_size_below_one_before_starting_anything(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--hazards", "10", "--shards", "0"]) == 2
    assert main(["simulate", "--hazards", "10", "--processes", "0"]) == 2
    assert "need a whole number of 1 or more" in capsys.readouterr().err
