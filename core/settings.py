"""All configuration, read from `DUBAN_*` environment variables (see the README's Configuration table)."""

import base64
import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "duban-development-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DUBAN_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    data_dir: Path = Path("data")

    http_host: str = "127.0.0.1"
    http_port: int = 8000

    # Temporal: with `temporal_address` unset, `make run` starts an embedded dev server on these ports.
    temporal_address: str | None = None
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    temporal_namespace: str = "default"
    temporal_task_queue: str = "duban"
    temporal_tls: bool = False
    temporal_tls_cert: Path | None = None  # client certificate (mTLS), PEM
    temporal_tls_key: Path | None = None
    temporal_tls_ca: Path | None = None  # server root CA, PEM; system roots when unset
    temporal_api_key: str | None = None  # Temporal Cloud API key (implies TLS)

    database_url: str | None = None  # default: SQLite under data_dir

    secret_key: str = DEFAULT_SECRET
    oidc_issuer: str | None = None  # an OpenID Connect provider whose tokens are accepted as bearer tokens
    oidc_audience: str | None = None  # required with an issuer: the `aud` every accepted token must carry
    oidc_jwks: str | None = None  # the provider's JWKS document (JSON)...
    oidc_jwks_file: Path | None = None  # ...or a file holding it
    oidc_username_claim: str = "preferred_username"  # names the local account (role, jurisdiction)
    whistleblower_key: str | None = None  # Fernet key sealing whistleblowers' contacts; required in production
    # Where a tip that names no region is screened: the queue of this jurisdiction's staff (a province's), never
    # every screener's in the country.
    whistleblower_queue: str = Field(default="370000", pattern=r"^\d{6}$")
    public_reports_per_hour: int = Field(default=10, ge=1)  # per client address, POST /public/reports
    public_lookups_per_minute: int = Field(default=120, ge=1)  # per client address, POST /public/reports/lookup
    # Reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For is believed: the client address for
    # throttles and logs is taken from the header only when the socket peer is one of them. Empty: no header is.
    trusted_proxies: str = ""
    audit_signing_key: str | None = None  # Ed25519 private key (base64 of the 32-byte seed) for checkpoints
    # Ed25519 public keys (base64 of the raw 32 bytes, comma-separated) trusted for checkpoints besides the
    # signing key's own, e.g. a retired signing key's, or the only ones where this process does not sign.
    audit_verify_key: str | None = None
    # Temporal payload encryption (core/codec.py): comma-separated `id:base64key` AES keys, the first encrypting,
    # all decrypting; required in production, a public development key without it in development.
    payload_keys: str | None = None
    # Production: accept unencrypted workflow input (hazards started before the codec) for a migration window.
    payload_accept_plaintext: bool = False
    # Origins of the Temporal Web UI allowed to call the codec endpoint (/api/v1/codec) with credentials;
    # default in development: the embedded UI's (http://127.0.0.1:<temporal_ui_port>, http://localhost:...).
    codec_cors_origins: list[str] | None = None
    token_ttl_minutes: int = Field(default=480, ge=1)
    load_demo_data: bool = True  # development mode only
    cors_origins: list[str] = []
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    log_level: str = "INFO"
    log_json: bool = True
    # Where a worker serves the Temporal SDK's Prometheus metrics (`host:port`, path /metrics); unset: none.
    worker_metrics_address: str | None = None
    # A bearer token the API's /metrics asks for; unset (or empty): /metrics answers loopback clients only.
    metrics_token: str | None = None
    worker_max_cached_workflows: int = Field(default=1000, ge=0)
    # Workflow tasks a worker runs at once. Each may wait on the read model's single SQLite writer inside its
    # projection; more in flight than the writer can serve within the 10 s task timeout makes tasks time out
    # and run again (bench/RESULTS.md, timer precision).
    worker_max_concurrent_workflow_tasks: int = Field(default=20, ge=2)
    policy: str = "default"  # the profile new hazards pin (its newest version)
    policies_dir: Path | None = None  # policy profiles (*.toml); default: the repository's policies/ folder

    # Notifications that leave the building (README "Notifications that leave the building"). No SMTP host: no mail.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "duban@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    # TLS to the mail server: STARTTLS on the plain port by default, or implicit TLS (SMTPS, usually port 465).
    # Outside development a password is never sent over a connection without TLS.
    smtp_starttls: bool = True
    smtp_tls: bool = False
    smtp_timeout_seconds: float = Field(default=10, gt=0)
    webhook_timeout_seconds: float = Field(default=10, gt=0)
    # A webhook to a private, loopback or link-local address is refused at send time (a region's URL could point
    # at internal hosts); set this for a robot gateway on the internal network, or the tests' local servers.
    webhook_private_hosts: bool = False
    # The address people open links at (documents, hazards) in mails and robot messages; default http://host:port.
    public_url: str | None = None
    delivery_poll_seconds: float = Field(default=2, gt=0)  # how often the worker's outbox looks for new notifications
    delivery_retry_max_seconds: float = Field(default=300, gt=0)  # the longest wait between two attempts
    delivery_give_up_hours: float = Field(default=48, gt=0)  # a delivery still failing after this is marked failed

    @model_validator(mode="after")
    def _oidc_needs_an_audience(self) -> "Settings":
        if self.oidc_issuer and not self.oidc_audience:
            raise ValueError(
                "DUBAN_OIDC_AUDIENCE must be set when DUBAN_OIDC_ISSUER is: the client id (`aud`) the provider "
                "issues Duban's tokens for; without it a token the provider minted for any other application "
                "would be accepted"
            )
        return self

    @model_validator(mode="after")
    def _verify_keys_are_ed25519(self) -> "Settings":
        for key in self.audit_verify_keys:
            try:
                raw = base64.b64decode(key, validate=True)
            except ValueError:
                raw = b""
            if len(raw) != 32:
                raise ValueError(f"DUBAN_AUDIT_VERIFY_KEY: {key!r} is not an Ed25519 public key (base64 of 32 bytes)")
        return self

    @model_validator(mode="after")
    def _trusted_proxies_are_addresses(self) -> "Settings":
        self.trusted_proxy_networks  # noqa: B018 -- raises on a bad entry
        return self

    @property
    def trusted_proxy_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        networks = []
        for entry in (e.strip() for e in self.trusted_proxies.split(",")):
            if entry:
                try:
                    networks.append(ipaddress.ip_network(entry, strict=False))
                except ValueError:
                    raise ValueError(f"DUBAN_TRUSTED_PROXIES: {entry!r} is not an IP address or CIDR range") from None
        return networks

    @model_validator(mode="after")
    def _payload_keys_are_aes(self) -> "Settings":
        if self.payload_keys:
            from core.codec import KeyRing  # core.codec imports this module

            KeyRing.parse(self.payload_keys)  # a malformed ring stops the start, naming the entry
        return self

    @property
    def audit_verify_keys(self) -> list[str]:
        return [k.strip() for k in (self.audit_verify_key or "").split(",") if k.strip()]

    @model_validator(mode="after")
    def _safe_outside_development(self) -> "Settings":
        if self.env == "production":
            if self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32:
                raise ValueError(
                    "DUBAN_SECRET_KEY must be set to a random secret of at least 32 characters in production"
                )
            if "*" in self.cors_origins:
                raise ValueError("DUBAN_CORS_ORIGINS may not contain '*' in production")
            if not self.whistleblower_key:
                raise ValueError(
                    "DUBAN_WHISTLEBLOWER_KEY must be set in production (a Fernet key: "
                    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
                )
            if not self.payload_keys:
                raise ValueError(
                    "DUBAN_PAYLOAD_KEYS must be set in production (`id:base64key`, e.g. k1:$(python -c "
                    "'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'))"
                )
        return self

    @model_validator(mode="after")
    def _metrics_address_is_host_port(self) -> "Settings":
        if self.worker_metrics_address == "":
            self.worker_metrics_address = None
        if self.metrics_token == "":
            self.metrics_token = None
        if self.worker_metrics_address is not None:
            host, _, port = self.worker_metrics_address.rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(
                    f"DUBAN_WORKER_METRICS_ADDRESS: {self.worker_metrics_address!r} is not host:port (e.g. 127.0.0.1:9464)"
                )
        return self

    @property
    def codec_origins(self) -> list[str]:
        if self.codec_cors_origins is not None:
            return self.codec_cors_origins
        if self.development:
            return [f"http://{host}:{self.temporal_ui_port}" for host in ("127.0.0.1", "localhost")]
        return []

    @property
    def development(self) -> bool:
        return self.env == "development"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'duban.db').resolve()}"

    @property
    def link_base(self) -> str:
        return (self.public_url or f"http://{self.http_host}:{self.http_port}").rstrip("/")

    @property
    def temporal_target(self) -> str:
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"

    @property
    def embedded_temporal(self) -> bool:
        return self.temporal_address is None


def normalise_database_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use psycopg 3 for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
