"""The errors every use case raises, in the shape both doors show: `{"code", "field", "message_zh", "message_en"}`
(the API as `{"detail": ...}`, the web UI on its page). `field` names the input concerned (dotted for nested
ones), or is null. The HTTP side (exception handlers, the 503 page, the body limit) is `api/handlers.py`."""

from typing import Any

from sqlalchemy import exc as sa_exc
from temporalio.service import RPCStatusCode

from domain.refusals import Refusal
from models.enums import RefusalKind, Role
from models.labels import ROLE
from registry.refusals import RECORD_NAMES, REFUSALS, input_words, words

STATUS_FOR = {RefusalKind.CONFLICT: 409, RefusalKind.FORBIDDEN: 403, RefusalKind.INVALID: 422}
ENGINE_DOWN = frozenset({RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED})  # Temporal not reached


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message_zh: str, message_en: str, field: str | None = None,
        *, headers: dict[str, str] | None = None, **extra: Any,
    ) -> None:
        super().__init__(message_en)
        self.status = status
        self.headers = headers  # e.g. `Retry-After` on a 429
        self.detail = {"code": code, "field": field, "message_zh": message_zh, "message_en": message_en, **extra}


def refused(
    status: int, code: str, field: str | None = None, *, headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None, **values: object,
) -> ApiError:
    """The refusal `code` with HTTP `status`, its words from `registry.refusals` by code with `values` filled in
    (an unknown code is a KeyError: every code has its words), about `field` when it names one. `extra` adds
    keys to the body (e.g. `retry_after`)."""
    zh, en = words(code, **values)
    return ApiError(status, code, zh, en, field, headers=headers, **(extra or {}))


def role_refused(role: Role, allowed: object, action: str, action_zh: str, field: str | None = None) -> ApiError:
    """403 `role_not_allowed`: a `role` cannot `action`; only the roles `allowed` (an iterable of roles) may."""
    roles = sorted(allowed)  # type: ignore[call-overload]
    return refused(
        403, "role_not_allowed", field, role=role.value, role_zh=ROLE[role][0], action=action, action_zh=action_zh,
        roles=", ".join(roles), roles_zh="、".join(ROLE[r][0] for r in roles),
    )


def naming(field: str, error: ApiError) -> ApiError:
    """`error` with its words prefixed by the input they concern (e.g. one of several uploads)."""
    detail = error.detail
    return ApiError(error.status, detail["code"], f"{field}：{detail['message_zh']}", f"{field}: {detail['message_en']}")


def engine_unavailable() -> ApiError:
    """Temporal cannot be reached (or did not answer in time): nothing was done; try again shortly."""
    return refused(503, "engine_unavailable")


def database_unavailable() -> ApiError:
    """The read model's database cannot be reached: nothing was done; try again shortly."""
    return refused(503, "database_unavailable")


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


def from_refusal(refusal: Refusal) -> ApiError:
    return ApiError(STATUS_FOR[refusal.kind], refusal.code, refusal.message_zh, refusal.message_en, refusal.field)


def not_found(record: str, key: str) -> ApiError:
    """404 `not_found`: no `record` (a name of `registry.refusals.RECORD_NAMES`) `key`."""
    zh, en = RECORD_NAMES[record]
    return refused(404, "not_found", what_zh=f"{zh} {key}", what=f"{en} {key}")


def outside(record: str, key: str, field: str | None = None) -> ApiError:
    """403 `outside_jurisdiction`: the `record` `key` is not within the caller's jurisdiction (or enterprise)."""
    zh, en = RECORD_NAMES[record]
    return refused(403, "outside_jurisdiction", field, subject_zh=f"{zh} {key} ", subject=f"{en} {key}")


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
