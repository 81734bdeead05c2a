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


def test_the_settings_default_is_development_and_the_image_sets_production(monkeypatch: pytest.MonkeyPatch) -> None:
    """`make run` (and the tests) run in development by default; the Docker image sets DUBAN_ENV=production, so
    a container started without it is production (tests/test_compose.py runs the image's environment)."""
    monkeypatch.delenv("DUBAN_ENV", raising=False)
    assert Settings(_env_file=None).development  # type: ignore[call-arg]
    dockerfile = (Path(__file__).resolve().parent.parent / "Dockerfile").read_text(encoding="utf-8")
    assert "DUBAN_ENV=production" in dockerfile
    monkeypatch.setenv("DUBAN_ENV", "production")
    with pytest.raises(ValidationError, match="DUBAN_SECRET_KEY"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_trusted_proxies_and_lookup_limit_settings() -> None:
    settings = Settings(_env_file=None, trusted_proxies="10.0.0.0/8,192.0.2.10", public_lookups_per_minute=30)  # type: ignore[call-arg]
    assert [str(n) for n in settings.trusted_proxy_networks] == ["10.0.0.0/8", "192.0.2.10/32"]
    assert settings.public_lookups_per_minute == 30
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert defaults.trusted_proxy_networks == [] and defaults.public_lookups_per_minute == 120
    with pytest.raises(ValidationError, match="DUBAN_TRUSTED_PROXIES"):
        Settings(_env_file=None, trusted_proxies="10.0.0.0/33")  # type: ignore[call-arg]


def test_worker_metrics_address_is_host_and_port_and_empty_values_mean_unset() -> None:
    assert Settings(_env_file=None).worker_metrics_address is None  # type: ignore[call-arg]
    assert Settings(_env_file=None, worker_metrics_address="").worker_metrics_address is None  # type: ignore[call-arg]
    assert Settings(_env_file=None, worker_metrics_address="0.0.0.0:9464").worker_metrics_address == "0.0.0.0:9464"  # type: ignore[call-arg]
    for bad in ("9464", "127.0.0.1", "127.0.0.1:port"):
        with pytest.raises(ValidationError, match="DUBAN_WORKER_METRICS_ADDRESS"):
            Settings(_env_file=None, worker_metrics_address=bad)  # type: ignore[call-arg]
    assert Settings(_env_file=None, metrics_token="").metrics_token is None  # type: ignore[call-arg]
