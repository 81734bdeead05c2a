"""Prometheus metrics of the API, served at `/metrics` (text format).

- `duban_http_requests_total{method, route, status}`: requests answered, by the route's template
  (`/api/v1/hazards/{code}`, never the concrete path, so hazard codes and receipts stay out of the labels);
  a path no route matches counts as `route="unmatched"`.
- `duban_http_request_duration_seconds{method, route}`: latency histogram.
- `duban_api_refusals_total{code}`: refusals answered, by the `detail.code` of the JSON error body
  (`invalid_input`, `http_404`, `body_too_large`, a domain refusal such as `return_needs_comment`...).

Who may read it: with `DUBAN_METRICS_TOKEN` set, a request carrying `Authorization: Bearer <token>`; without
it, loopback clients only (uvicorn trusts `X-Forwarded-For` from a proxy on 127.0.0.1 by default, so a
request through a local reverse proxy is judged by its real client address).
"""

import hmac
import json
import time

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

METRICS_PATH = "/metrics"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
MAX_ERROR_BODY = 64 * 1024  # error bodies are read for their code up to this size
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class ApiMetrics:
    """The API's metrics, in a registry of the app's own (several apps in one test process never mix)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "duban_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "duban_http_request_duration_seconds", "HTTP request latency", ["method", "route"],
            buckets=BUCKETS, registry=self.registry,
        )  # fmt: skip
        self.refusals = Counter(
            "duban_api_refusals", "Refusals answered, by their code", ["code"], registry=self.registry
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def route_template(scope: Scope) -> str:
    """The matched route's template with the prefixes of the routers it was included under.

    The route in the scope knows only its own template (`/hazards/{code}`); the prefixes are the leading
    segments of the path that its template does not cover. A mount (static files) counts as `/static/{path}`.
    """
    route = scope.get("route")
    template = getattr(route, "path", None)
    if not isinstance(template, str) or not template:
        return "unmatched"
    if isinstance(route, Mount):
        return template.rstrip("/") + "/{path}"
    segments = str(scope.get("path", "")).split("/")
    own = template.split("/")
    if ":path}" in template or len(own) > len(segments):
        return template
    prefix = segments[: len(segments) - len(own) + 1]
    full = "/".join(prefix) + template
    literal_ok = all(
        want == got or want.startswith("{") for want, got in zip(full.split("/"), segments, strict=False)
    )
    return full if literal_ok else template


def refusal_code(body: bytes) -> str | None:
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError):
        return None
    code = detail.get("code") if isinstance(detail, dict) else None
    return code if isinstance(code, str) and code else None


class MetricsMiddleware:
    """Counts every HTTP request (but scrapes of /metrics itself) and the code of every JSON refusal."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") == METRICS_PATH:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        error_body: bytearray | None = None

        async def observed(message: Message) -> None:
            nonlocal status, error_body
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = dict(message.get("headers") or [])
                if status >= 400 and headers.get(b"content-type", b"").startswith(b"application/json"):
                    error_body = bytearray()
            elif message["type"] == "http.response.body" and error_body is not None:
                if len(error_body) < MAX_ERROR_BODY:
                    error_body += message.get("body", b"")
                if not message.get("more_body", False):
                    code = refusal_code(bytes(error_body))
                    if code is not None:
                        self.metrics.refusals.labels(code).inc()
                    error_body = None
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            method = scope.get("method", "GET")
            method = method if method in METHODS else "other"
            route = route_template(scope)
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)


def allowed(request: Request, token: str | None) -> bool:
    if token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
    return request.client is not None and request.client.host in LOOPBACK


async def metrics_endpoint(request: Request) -> Response:
    settings = request.app.state.settings
    if not allowed(request, settings.metrics_token):
        if settings.metrics_token:
            return PlainTextResponse("bearer token required\n", status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return PlainTextResponse("metrics are served to loopback clients only (or set DUBAN_METRICS_TOKEN)\n", status_code=403)
    metrics: ApiMetrics = request.app.state.metrics
    return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
