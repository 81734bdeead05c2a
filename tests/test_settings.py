"""Development and production modes: demo accounts and secrets."""

from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from api.main import prepare_database
from core.db import make_engine
from core.settings import DEFAULT_SECRET, Settings
from models.tables import User

SECRET = "x" * 40
FERNET = "ZmVybmV0LWtleS1mb3ItdGhlLWNvbXBvc2UtdGVzdCE="
PAYLOAD_KEYS = "k1:cGF5bG9hZC1rZXktZm9yLXRoZS1jb21wb3NlLXRlc3Q="


def usernames(settings: Settings) -> set[str]:
    engine = make_engine(settings.sqlalchemy_url)
    with Session(engine) as session:
        names = {u.username for u in session.exec(select(User))}
    engine.dispose()
    return names


def test_demo_accounts_exist_in_development_and_not_in_production(tmp_path: Path) -> None:
    development = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    prepare_database(development)
    assert {"admin", "city.supervisor", "enterprise.a", "auditor"} <= usernames(development)
    production = Settings(_env_file=None, env="production", secret_key=SECRET, whistleblower_key=FERNET, payload_keys=PAYLOAD_KEYS, data_dir=tmp_path)  # type: ignore[call-arg]
    prepare_database(production)
    assert usernames(production) == set()
    fresh = Settings(_env_file=None, env="production", secret_key=SECRET, whistleblower_key=FERNET, payload_keys=PAYLOAD_KEYS, data_dir=tmp_path / "fresh")  # type: ignore[call-arg]
    prepare_database(fresh)
    assert usernames(fresh) == set()


@pytest.mark.parametrize("secret", [DEFAULT_SECRET, "short"])
def test_production_refuses_to_start_with_a_default_or_weak_secret(secret: str) -> None:
    with pytest.raises(ValidationError, match="DUBAN_SECRET_KEY"):
        Settings(_env_file=None, env="production", secret_key=secret)  # type: ignore[call-arg]


def test_production_refuses_a_wildcard_cors_origin() -> None:
    with pytest.raises(ValidationError, match="CORS"):
        Settings(_env_file=None, env="production", secret_key=SECRET, whistleblower_key=FERNET, cors_origins=["*"])


def test_production_refuses_to_start_without_the_whistleblower_encryption_key() -> None:
    with pytest.raises(ValidationError, match="DUBAN_WHISTLEBLOWER_KEY"):
        Settings(_env_file=None, env="production", secret_key=SECRET)  # type: ignore[call-arg]


def test_temporal_cloud_settings_turn_on_tls_with_the_client_certificate(tmp_path: Path) -> None:
    from core.temporal import tls_config

    (tmp_path / "client.pem").write_bytes(b"CERT")
    (tmp_path / "client.key").write_bytes(b"KEY")
    cloud = Settings(  # type: ignore[call-arg]
        _env_file=None,
        temporal_address="duban.a1b2c.tmprl.cloud:7233",
        temporal_namespace="duban.a1b2c",
        temporal_tls_cert=tmp_path / "client.pem",
        temporal_tls_key=tmp_path / "client.key",
    )
    tls = tls_config(cloud)
    assert not isinstance(tls, bool)
    assert (tls.client_cert, tls.client_private_key, tls.server_root_ca_cert) == (b"CERT", b"KEY", None)
    assert not cloud.embedded_temporal and cloud.temporal_target == "duban.a1b2c.tmprl.cloud:7233"
    assert tls_config(Settings(_env_file=None)) is False  # type: ignore[call-arg]
