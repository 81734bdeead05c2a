"""The production deployment shape: docker-compose.yml, the Dockerfile and the settings they feed.

Docker itself is not needed: the compose file is parsed as YAML and checked against `core.settings.Settings`.
"""

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from core.settings import DEFAULT_SECRET, Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
PREFIX = "DUBAN_"
REQUIRED_VAR = re.compile(r"^\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*):\?[^}]*\}$")
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?])?(?P<arg>[^}]*)\}")
DUMMY_SECRET = "s" * 40
DUMMY_ENV = {
    "DUBAN_SECRET_KEY": DUMMY_SECRET,
    "POSTGRES_PASSWORD": "compose-test-password",
    "DUBAN_WHISTLEBLOWER_KEY": "ZmVybmV0LWtleS1mb3ItdGhlLWNvbXBvc2UtdGVzdCE=",
    "DUBAN_AUDIT_SIGNING_KEY": "c2lnbmluZy1rZXktZm9yLXRoZS1jb21wb3NlLXRlc3Q=",
    "DUBAN_PAYLOAD_KEYS": "k1:cGF5bG9hZC1rZXktZm9yLXRoZS1jb21wb3NlLXRlc3Q=",
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    with COMPOSE_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def worker_names(services: dict[str, dict[str, Any]]) -> list[str]:
    return sorted(name for name in services if name.startswith("worker"))


def duban_services(services: dict[str, dict[str, Any]]) -> list[str]:
    return ["api", *worker_names(services)]


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as a mapping, whether written as a mapping or as a `KEY=value` list."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def depends_on(service: dict[str, Any]) -> set[str]:
    return set(service.get("depends_on") or ())


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}` substitution against `env`."""

    def substitute(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if env.get(name):
            return env[name]
        if op in (":-", "-"):
            return arg
        raise AssertionError(f"${{{name}}} is unset: {arg or 'no default'}")

    return INTERPOLATION.sub(substitute, value)


def all_strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [*map(str, node), *(s for value in node.values() for s in all_strings(value))]
    if isinstance(node, list):
        return [s for item in node for s in all_strings(item)]
    return [str(node)] if node is not None else []


def host_port(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host, int(port)


def test_compose_runs_api_and_two_workers_against_temporal_on_postgresql(
    services: dict[str, dict[str, Any]],
) -> None:
    assert {"postgresql", "temporal", "temporal-ui", "api"} <= services.keys()
    assert len(worker_names(services)) >= 2
    assert services["postgresql"]["image"].startswith("postgres:16")
    assert services["temporal"]["image"].startswith("temporalio/auto-setup:1.2")
    assert services["temporal-ui"]["image"].startswith("temporalio/ui:2.")
    assert [interpolate(p, {}) for p in services["api"]["ports"]] == ["127.0.0.1:8000:8000"]
    assert "7233" in services["temporal"].get("expose", [])
    assert "127.0.0.1:8233:8080" in services["temporal-ui"]["ports"]


def test_only_the_api_is_published(services: dict[str, dict[str, Any]]) -> None:
    """Temporal's frontend takes commands from whoever reaches it: it stays on the compose network, and its
    Web UI on the host's loopback; the API (which checks every caller) is the only door."""
    assert not services["temporal"].get("ports"), "Temporal's frontend (7233) must not be published"
    for name, service in services.items():
        for port in service.get("ports") or []:
            published = interpolate(str(port), {})
            assert published.startswith("127.0.0.1:"), f"{name} publishes {port} beyond the host's loopback"


def test_the_temporal_web_ui_only_reads(services: dict[str, dict[str, Any]]) -> None:
    """A terminate or reset from the UI would change a workflow behind the read model and the audit chain."""
    assert environment(services["temporal-ui"])["TEMPORAL_DISABLE_WRITE_ACTIONS"] == "true"


def test_the_web_ui_decodes_through_the_apis_codec_endpoint(services: dict[str, dict[str, Any]]) -> None:
    ui = environment(services["temporal-ui"])
    endpoint = interpolate(ui["TEMPORAL_CODEC_ENDPOINT"], {})
    assert endpoint == "http://127.0.0.1:8000/api/v1/codec"
    assert ui["TEMPORAL_CODEC_INCLUDE_CREDENTIALS"] == "true"
    origins = interpolate(environment(services["api"])["DUBAN_CODEC_CORS_ORIGINS"], {})
    assert "http://127.0.0.1:8233" in origins
    for name in duban_services(services):
        keys = environment(services[name])["DUBAN_PAYLOAD_KEYS"]
        match = REQUIRED_VAR.match(keys)
        assert match and match["name"] == "DUBAN_PAYLOAD_KEYS", name


def test_api_and_workers_use_postgresql_read_model_and_temporal_service_in_production(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in duban_services(services):
        env = environment(services[name])
        assert env.get("DUBAN_ENV") == "production", name
        database_url = interpolate(env["DUBAN_DATABASE_URL"], DUMMY_ENV)
        assert re.fullmatch(r"postgresql://duban:[^@]+@postgresql:5432/duban", database_url), name
        host, port = host_port(env["DUBAN_TEMPORAL_ADDRESS"])
        assert host in services and host == "temporal", name
        assert port == 7233, name
        assert env.get("DUBAN_TEMPORAL_NAMESPACE") == "default", name
        assert env.get("DUBAN_TEMPORAL_TASK_QUEUE") == "duban", name
        assert {"postgresql", "temporal"} <= depends_on(services[name]), name


def test_all_duban_services_share_one_task_queue_and_database(services: dict[str, dict[str, Any]]) -> None:
    keys = (
        "DUBAN_DATABASE_URL",
        "DUBAN_TEMPORAL_ADDRESS",
        "DUBAN_TEMPORAL_NAMESPACE",
        "DUBAN_TEMPORAL_TASK_QUEUE",
    )
    shapes = {tuple(environment(services[name])[key] for key in keys) for name in duban_services(services)}
    assert len(shapes) == 1


def test_secret_key_is_required_with_no_default(services: dict[str, dict[str, Any]]) -> None:
    for name in duban_services(services):
        secret = environment(services[name])["DUBAN_SECRET_KEY"]
        match = REQUIRED_VAR.match(secret)
        assert match and match["name"] == "DUBAN_SECRET_KEY", (
            f"{name}: {secret!r} must be ${{DUBAN_SECRET_KEY:?…}}"
        )
        with pytest.raises(AssertionError, match="DUBAN_SECRET_KEY"):
            interpolate(secret, {})


def test_every_duban_variable_in_compose_is_a_settings_field(compose: dict[str, Any]) -> None:
    known = {PREFIX + field.upper() for field in Settings.model_fields}
    used = {m for s in all_strings(compose) for m in re.findall(r"\bDUBAN_[A-Z0-9_]+\b", s)}
    assert used, "the compose file configures Duban through DUBAN_* variables"
    assert used <= known, f"not Settings fields: {sorted(used - known)}"


def test_temporal_uses_postgresql_and_ui_points_at_temporal(services: dict[str, dict[str, Any]]) -> None:
    temporal = services["temporal"]
    assert "postgresql" in depends_on(temporal)
    assert temporal["depends_on"]["postgresql"]["condition"] == "service_healthy"
    env = environment(temporal)
    assert env["DB"] == "postgres12"
    assert env["POSTGRES_SEEDS"] == "postgresql"
    assert env["DB_PORT"] == "5432"
    assert env["POSTGRES_USER"] == environment(services["postgresql"])["POSTGRES_USER"]
    assert env["POSTGRES_PWD"] == environment(services["postgresql"])["POSTGRES_PASSWORD"]
    ui = services["temporal-ui"]
    assert host_port(environment(ui)["TEMPORAL_ADDRESS"]) == ("temporal", 7233)
    assert "temporal" in depends_on(ui)


def test_postgresql_is_persistent_healthchecked_and_creates_the_read_model_database(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    postgresql = services["postgresql"]
    assert "pg_isready" in " ".join(postgresql["healthcheck"]["test"])
    assert {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"} <= environment(postgresql).keys()
    assert REQUIRED_VAR.match(environment(postgresql)["POSTGRES_PASSWORD"])
    volumes = postgresql["volumes"]
    data = [v for v in volumes if v.endswith(":/var/lib/postgresql/data")]
    assert data and data[0].split(":")[0] in (compose.get("volumes") or {})
    init = [v for v in volumes if ":/docker-entrypoint-initdb.d/" in v]
    assert len(init) == 1
    script = ROOT / init[0].split(":")[0]
    assert script.is_file()
    assert re.search(r"CREATE DATABASE duban\b", script.read_text(encoding="utf-8"))


def test_api_and_workers_are_built_from_the_repository_dockerfile(
    services: dict[str, dict[str, Any]],
) -> None:
    dockerfile = ROOT / "Dockerfile"
    assert dockerfile.is_file()
    for name in duban_services(services):
        build = services[name]["build"]
        context, file = (
            (build, "Dockerfile")
            if isinstance(build, str)
            else (build["context"], build.get("dockerfile", "Dockerfile"))
        )
        assert (ROOT / context / file).resolve() == dockerfile, name
    text = dockerfile.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.MULTILINE)
    assert re.search(r"pip install .*\.\s*\\?$", text, re.MULTILINE)
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert (
        'CMD ["uvicorn", "app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", "--no-proxy-headers"]'
        in text
    )
    assert (ROOT / ".dockerignore").is_file()
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", "data", ".git", "__pycache__"} <= set(ignored)


def test_workers_run_worker_py(services: dict[str, dict[str, Any]]) -> None:
    for name in worker_names(services):
        command = services[name]["command"]
        words = command.split() if isinstance(command, str) else command
        assert words == ["python", "worker.py"], name
    assert (ROOT / "worker.py").is_file()


def test_api_environment_from_compose_builds_valid_production_settings(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in duban_services(services):
        for key in list(os.environ):
            if key.startswith(PREFIX):
                monkeypatch.delenv(key)
        for key, value in environment(services[name]).items():
            if key.startswith(PREFIX):
                monkeypatch.setenv(key, interpolate(value, DUMMY_ENV))
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
        assert settings.env == "production"
        assert not settings.development
        assert settings.secret_key == DUMMY_SECRET
        assert settings.temporal_target == "temporal:7233"
        assert not settings.embedded_temporal
        assert settings.sqlalchemy_url.startswith("postgresql+psycopg://duban:")
        assert settings.sqlalchemy_url.endswith("@postgresql:5432/duban")
        assert settings.payload_keys and settings.payload_keys.startswith("k1:")
        if name == "api":
            assert settings.codec_origins == ["http://127.0.0.1:8233"]


def test_production_settings_refuse_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="DUBAN_SECRET_KEY"):
        Settings(_env_file=None, env="production", secret_key=DEFAULT_SECRET)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="DUBAN_SECRET_KEY"):
        Settings(_env_file=None, env="production", secret_key="too-short")  # type: ignore[call-arg]


def dockerfile_env() -> dict[str, str]:
    """The `ENV` the image sets (`ENV KEY=value \\` continued over lines)."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            for pair in line[4:].split():
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def test_the_image_defaults_to_production(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run without DUBAN_ENV, the image is production: it refuses the default secret and, with real secrets,
    creates no demo accounts. (The settings' own default stays development, for `make run` on a laptop.)"""
    from sqlmodel import Session, select

    from api.main import prepare_database
    from core.db import make_engine
    from models.tables import User

    image_env = dockerfile_env()
    assert image_env.get("DUBAN_ENV") == "production"
    for key in list(os.environ):
        if key.startswith(PREFIX):
            monkeypatch.delenv(key)
    assert Settings(_env_file=None).env == "development"  # type: ignore[call-arg]
    for key, value in image_env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError, match="DUBAN_SECRET_KEY"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("DUBAN_SECRET_KEY", DUMMY_SECRET)
    monkeypatch.setenv("DUBAN_WHISTLEBLOWER_KEY", DUMMY_ENV["DUBAN_WHISTLEBLOWER_KEY"])
    monkeypatch.setenv("DUBAN_PAYLOAD_KEYS", DUMMY_ENV["DUBAN_PAYLOAD_KEYS"])
    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert not settings.development
    prepare_database(settings)
    engine = make_engine(settings.sqlalchemy_url)
    with Session(engine) as session:
        assert session.exec(select(User)).all() == []
    engine.dispose()


def test_only_duban_trusts_forwarded_headers_and_only_from_configured_proxies(services: dict[str, dict[str, Any]]) -> None:
    """uvicorn is told not to rewrite the client address itself (`--no-proxy-headers`): DUBAN_TRUSTED_PROXIES,
    empty unless the operator sets it, decides whose X-Forwarded-For counts."""
    assert "--no-proxy-headers" in services["api"]["command"]
    for name in duban_services(services):
        assert interpolate(environment(services[name])["DUBAN_TRUSTED_PROXIES"], DUMMY_ENV) == "", name
    assert "--no-proxy-headers" in (ROOT / "run.py").read_text(encoding="utf-8")


def test_workers_serve_sdk_metrics_on_the_compose_network_and_the_api_metrics_token_is_optional(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in worker_names(services):
        address = environment(services[name])["DUBAN_WORKER_METRICS_ADDRESS"]
        settings = Settings(_env_file=None, worker_metrics_address=address)  # type: ignore[call-arg]
        assert settings.worker_metrics_address == address
        assert str(host_port(address)[1]) in [str(port) for port in services[name].get("expose", [])], name
        assert "ports" not in services[name], f"{name}: metrics stay on the compose network"
    token = environment(services["api"])["DUBAN_METRICS_TOKEN"]
    assert interpolate(token, {}) == ""  # unset: loopback only
    assert Settings(_env_file=None, metrics_token=interpolate(token, {})).metrics_token is None  # type: ignore[call-arg]
