"""Errors as the API shows them: `{"detail": {"code", "field", "message_zh", "message_en"}}`, never a bare 500
text. The errors themselves are `services/errors.py`; here they meet HTTP: the exception handlers, the 503 (with
`Retry-After`, or the web UI's page), and the request body's size limit."""

import re

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from temporalio.service import RPCError

from core.logging import get_logger
from domain.refusals import Refusal
from services.errors import (
    ENGINE_DOWN,
    ApiError,
    database_unavailable,
    engine_unavailable,
    from_refusal,
    is_database_outage,
    validation_detail,
)

HTTP_WORDS = {
    401: ("请先登录", "sign in first"),
    403: ("无权访问", "not allowed"),
    404: ("没有这个地址", "no such address"),
    405: ("此地址不接受这种请求方法", "this address does not take this method"),
}
log = get_logger("duban.api")
RETRY_AFTER_SECONDS = 5  # what a 503 asks the caller to wait before trying again


def unavailable_headers() -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, error: ApiError) -> Response:
        if error.status == 503:
            return unavailable_response(request, error)
        return JSONResponse({"detail": error.detail}, status_code=error.status, headers=error.headers)

    async def _database_down(request: Request, error: Exception) -> Response:
        if not is_database_outage(error):
            raise error  # any other database error stays a 500
        log.warning("database unavailable", path=request.url.path, error=str(error).splitlines()[0][:200])
        return unavailable_response(request, database_unavailable())

    app.add_exception_handler(sa_exc.DBAPIError, _database_down)
    app.add_exception_handler(sa_exc.TimeoutError, _database_down)
    try:
        import psycopg

        app.add_exception_handler(psycopg.OperationalError, _database_down)
    except ImportError:  # pragma: no cover
        pass

    @app.exception_handler(RPCError)
    async def _engine_down(request: Request, error: RPCError) -> Response:
        if error.status not in ENGINE_DOWN:
            raise error
        log.warning("temporal unavailable", path=request.url.path, error=str(error)[:200])
        return unavailable_response(request, engine_unavailable())

    @app.exception_handler(Refusal)
    async def _refusal(_: Request, refusal: Refusal) -> JSONResponse:
        error = from_refusal(refusal)
        return JSONResponse({"detail": error.detail}, status_code=error.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        if not request.url.path.startswith("/api/"):
            return await http_exception_handler(request, error)
        zh, en = HTTP_WORDS.get(error.status_code, ("请求未能完成", "the request could not be completed"))
        detail = {"code": f"http_{error.status_code}", "field": None, "message_zh": zh, "message_en": en}
        headers = getattr(error, "headers", None)
        if error.status_code == 405:
            headers = {**(headers or {}), "Allow": allowed_methods(request)}
        return JSONResponse({"detail": detail}, status_code=error.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_detail(list(error.errors()))}, status_code=422)


def allowed_methods(request: Request) -> str:
    """Every method some route takes at this path: Starlette's 405 names only the first route that matched the
    path, while a path's GET and POST are often two routes."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods and route.path_regex.match(request.url.path):
            methods |= route.methods
    return ", ".join(sorted(methods))



def unavailable_response(request: Request, error: ApiError) -> Response:
    """A 503 with `Retry-After`: the refusal body under `/api/`, the web UI's page in both languages elsewhere
    (`app.state.unavailable_page`, set by the app that mounts the UI)."""
    page = getattr(request.app.state, "unavailable_page", None)
    if page is None or request.url.path.startswith(("/api/", "/healthz", "/static/")):
        return JSONResponse({"detail": error.detail}, status_code=503, headers=unavailable_headers())
    response: Response = page(request, error, unavailable_headers())
    return response


class BodySizeLimit:
    """Refuse a request body over `limit` bytes with a 422 that says so, before any handler reads it.

    Paths matching `upload_paths` (file uploads) may send up to `upload_limit` bytes instead."""

    def __init__(
        self, app: ASGIApp, limit: int, upload_limit: int | None = None, upload_paths: re.Pattern[str] | None = None
    ) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit
        if self.upload_limit is not None and self.upload_paths is not None and self.upload_paths.match(scope.get("path", "")):
            limit = max(limit, self.upload_limit)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(send, limit)

    async def _refuse(self, send: Send, limit: int) -> None:
        response = JSONResponse(
            {
                "detail": {
                    "code": "body_too_large",
                    "field": None,
                    "message_zh": f"提交的内容超过 {limit} 字节的上限",
                    "message_en": f"the request body is larger than the limit of {limit} bytes",
                }
            },
            status_code=422,
        )
        await response({"type": "http"}, _no_receive, send)


class _TooLarge(Exception):
    pass


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
