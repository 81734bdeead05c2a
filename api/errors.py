"""Errors as the API shows them: `{"detail": {"code", "field", "message_zh", "message_en"}}`, never a bare 500
text. `field` names the input concerned (dotted for nested ones), or is null."""

import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from temporalio.service import RPCError, RPCStatusCode

from core.logging import get_logger
from domain.refusals import Refusal
from models.enums import RefusalKind
from registry.refusals import REFUSALS, input_words, words

HTTP_WORDS = {
    401: ("请先登录", "sign in first"),
    403: ("无权访问", "not allowed"),
    404: ("没有这个地址", "no such address"),
    405: ("此地址不接受这种请求方法", "this address does not take this method"),
}
log = get_logger("duban.api")
STATUS_FOR = {RefusalKind.CONFLICT: 409, RefusalKind.FORBIDDEN: 403, RefusalKind.INVALID: 422}
RETRY_AFTER_SECONDS = 5  # what a 503 asks the caller to wait before trying again


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message_zh: str, message_en: str, field: str | None = None,
        *, headers: dict[str, str] | None = None, **extra: Any,
    ) -> None:
        super().__init__(message_en)
        self.status = status
        self.headers = headers  # e.g. `Retry-After` on a 429
        self.detail = {"code": code, "field": field, "message_zh": message_zh, "message_en": message_en, **extra}


def engine_unavailable() -> ApiError:
    """Temporal cannot be reached (or did not answer in time): nothing was done; try again shortly."""
    return ApiError(
        503, "engine_unavailable", "流程引擎暂时无法连接，本次操作未执行，请稍后重试",
        "the workflow engine cannot be reached right now; nothing was done, retry shortly",
    )


def database_unavailable() -> ApiError:
    """The read model's database cannot be reached: nothing was done; try again shortly."""
    return ApiError(
        503, "database_unavailable", "数据库暂时无法连接，本次操作未执行，请稍后重试",
        "the database cannot be reached right now; nothing was done, retry shortly",
    )


def is_database_outage(error: BaseException) -> bool:
    """A database error that means the server is unreachable (or the connection died), not a bad statement:
    SQLAlchemy's `OperationalError`, a `DBAPIError` whose connection was invalidated, a pool that timed out,
    or psycopg's own `OperationalError`."""
    if isinstance(error, (sa_exc.OperationalError, sa_exc.TimeoutError)):
        return True
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(error, psycopg.OperationalError)


def unavailable_headers() -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}


def from_refusal(refusal: Refusal) -> ApiError:
    return ApiError(STATUS_FOR[refusal.kind], refusal.code, refusal.message_zh, refusal.message_en, refusal.field)


def not_found(what_zh: str, what_en: str, key: str) -> ApiError:
    return ApiError(404, "not_found", f"未找到{what_zh} {key}", f"no {what_en} {key}")


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _one_error(error: dict[str, Any]) -> dict[str, Any]:
    """One pydantic error as `{code, field, message_zh, message_en, message}`: a body model's own check by its
    code (`models.base.body_error`), pydantic's checks by their type."""
    context = dict(error.get("ctx") or {})
    field = _field(tuple(error.get("loc", ())))
    kind = str(error.get("type", ""))
    if kind in REFUSALS:
        inner = context.get("field")  # a model's own check names its field; nested, after the model's place
        if isinstance(inner, str) and field == "body":
            field = inner
        elif isinstance(inner, str) and not field.endswith(inner):
            field = f"{field}.{inner}"
        zh, en = words(kind, **context)
        code = kind
    else:
        if "expected" in context:
            context["expected"] = str(context["expected"])
        zh, en = input_words(kind, context, str(error.get("msg", "")))
        code = "invalid_input"
    return {"code": code, "field": field, "message_zh": zh, "message_en": en, "message": en}


def validation_detail(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The refusal body of a request that failed its models: code `invalid_input`, the first error's field, and
    every error in `errors` with its own code (a body model's check, e.g. `return_needs_comment`) and words."""
    items = [_one_error(e) for e in errors] or [
        {"code": "invalid_input", "field": None, "message_zh": "提交的内容有误", "message_en": "the request is not valid", "message": ""}
    ]
    zh = words("invalid_input", summary="；".join(f"{i['field']}：{i['message_zh']}" for i in items))[0]
    en = words("invalid_input", summary="; ".join(f"{i['field']}: {i['message_en']}" for i in items))[1]
    return {"code": "invalid_input", "field": items[0]["field"], "message_zh": zh, "message_en": en, "errors": items}


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


ENGINE_DOWN = frozenset({RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED})


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
