"""The JSON API as a FastAPI application: its routes under `/api/v1`, error handlers, middleware, `/metrics` and
`/healthz`, and the read model's preparation at start-up. The process serves `app.create_app`, which adds the
web UI to it (the API never imports the UI)."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from temporalio.client import Client

from api import health
from api.attachments import UPLOAD_BODY_BYTES, UPLOAD_PATHS
from api.client_address import client_address
from api.handlers import BodySizeLimit, install_error_handlers
from api.headers import SecurityHeaders
from api.metrics import METRICS_PATH, ApiMetrics, MetricsMiddleware, metrics_endpoint
from api.openapi import install_openapi
from api.routes import codec
from core.db import make_engine, migrate, session_scope
from core.logging import configure_logging, get_logger
from core.policies import PolicyRegistry
from core.settings import Settings, get_settings
from core.temporal import API_RETRY, connect_with_retry
from security.throttle import RateLimiter, SignInThrottle
from store.demo import load_demo_data, remove_demo_accounts

log = get_logger("duban.api")


def create_api(
    settings: Settings | None = None, temporal: Client | None = None, routes: Sequence[APIRouter] = ()
) -> FastAPI:
    """The API, serving `routes` under /api/v1 (every process's, listed in `processes.py`); `app.create_app`
    passes them and mounts the web UI on it."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)
    registry = PolicyRegistry(settings.policies_dir)  # a bad profile refuses to start here, with its line

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(prepare_database, settings)
        app.state.engine = make_engine(settings.sqlalchemy_url)
        app.state.temporal = temporal or await connect_with_retry(settings, retry_config=API_RETRY)
        log.info("api ready", temporal=settings.temporal_target, env=settings.env)
        yield
        app.state.engine.dispose()

    app = FastAPI(
        title="Duban 督办",
        version="0.1.0",
        description="Work-safety hazard supervision and escalation: every hazard is a durable Temporal workflow.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    # Throttles count in the read model's `throttle_event` table: every API replica sees the same counts.
    app.state.sign_in_throttle = SignInThrottle(secret=settings.secret_key)
    app.state.public_report_limiter = RateLimiter(
        limit=settings.public_reports_per_hour, window=3600, scope="public_report", secret=settings.secret_key
    )
    app.state.public_status_limiter = RateLimiter(
        limit=settings.public_lookups_per_minute, window=60, scope="public_lookup", secret=settings.secret_key
    )
    app.state.policies = registry
    app.state.metrics = ApiMetrics()
    api = APIRouter(prefix="/api/v1")
    for router in routes:
        api.include_router(router)
    app.include_router(api)
    install_error_handlers(app)
    install_openapi(app)
    app.middleware("http")(access_log)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"], allow_headers=["*"])
    app.middleware("http")(codec.codec_cors(settings))  # the Temporal Web UI's origin, on /api/v1/codec/ only
    app.add_middleware(
        BodySizeLimit, limit=settings.max_body_bytes, upload_limit=UPLOAD_BODY_BYTES, upload_paths=UPLOAD_PATHS
    )
    app.add_middleware(SecurityHeaders, production=not settings.development)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)  # outermost: counts every answer
    app.add_api_route(METRICS_PATH, metrics_endpoint, methods=["GET"], include_in_schema=False)
    app.include_router(health.router)  # GET /healthz

    return app


def prepare_database(settings: Settings) -> None:
    """Migrate the schema; in development load the demo set once, elsewhere make sure it is absent."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(engine) as session:
            if settings.development and settings.load_demo_data:
                if load_demo_data(session=session):
                    log.info("demo data loaded")
            elif not settings.development:
                removed = remove_demo_accounts(session=session)
                if removed:
                    log.warning("demo accounts removed outside development", count=removed)
    finally:
        engine.dispose()


PUBLIC_RECEIPTS = "/api/v1/public/reports/"
PUBLIC_PATHS = frozenset({PUBLIC_RECEIPTS + "lookup"})
PUBLIC_PREFIX = "/api/v1/public/"


def loggable_path(path: str) -> str:
    """A whistleblower's receipt is a secret: it never reaches a log line. It travels only in a POST body
    (`/public/reports/lookup`); any other path under `/public/reports/` (an old client still putting the
    receipt in the URL, answered 404 or 405) is logged as `/public/reports/{receipt}`."""
    if path.startswith(PUBLIC_RECEIPTS) and path not in PUBLIC_PATHS:
        return PUBLIC_RECEIPTS + "{receipt}"
    return path


async def access_log(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=uuid.uuid4().hex[:12], path=loggable_path(request.url.path))
    if not request.url.path.startswith(PUBLIC_PREFIX):  # a whistleblower's address is never logged
        structlog.contextvars.bind_contextvars(client=client_address(request))
    started = time.perf_counter()
    response = await call_next(request)
    log.info(
        "request",
        method=request.method,
        status=response.status_code,
        ms=round((time.perf_counter() - started) * 1000, 1),
        hazard_code=request.path_params.get("code"),
    )
    return response
