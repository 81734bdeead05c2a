"""Errors as the API shows them: `{"detail": {"code", "message_zh", "message_en"}}`, never a bare 500 text."""

import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.refusals import Refusal
from models.enums import RefusalKind

STATUS_FOR = {RefusalKind.CONFLICT: 409, RefusalKind.FORBIDDEN: 403, RefusalKind.INVALID: 422}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message_zh: str, message_en: str, **extra: Any) -> None:
        super().__init__(message_en)
        self.status = status
        self.detail = {"code": code, "message_zh": message_zh, "message_en": message_en, **extra}


def from_refusal(refusal: Refusal) -> ApiError:
    return ApiError(STATUS_FOR[refusal.kind], refusal.code, refusal.message_zh, refusal.message_en)


def not_found(what_zh: str, what_en: str, key: str) -> ApiError:
    return ApiError(404, "not_found", f"未找到{what_zh} {key}", f"no {what_en} {key}")


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def validation_detail(errors: list[dict[str, Any]]) -> dict[str, Any]:
    fields = [{"field": _field(tuple(e.get("loc", ()))), "message": str(e.get("msg", ""))} for e in errors]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return {
        "code": "invalid_input",
        "message_zh": f"提交的内容有误：{summary}",
        "message_en": f"the request is not valid: {summary}",
        "errors": fields,
    }


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, error: ApiError) -> JSONResponse:
        return JSONResponse({"detail": error.detail}, status_code=error.status)

    @app.exception_handler(Refusal)
    async def _refusal(_: Request, refusal: Refusal) -> JSONResponse:
        error = from_refusal(refusal)
        return JSONResponse({"detail": error.detail}, status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_detail(list(error.errors()))}, status_code=422)


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
