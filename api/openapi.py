"""An OpenAPI document that tells the truth: every operation documents the refusals it can answer.

FastAPI documents what a route declares, and a default 422 (`HTTPValidationError`) the API never sends. Every
refusal of this API has one body, `ErrorOut` (`{"detail": {"code", "field", "message_zh", "message_en"}}`),
and any operation may answer some of: 400 (a malformed request), 401 (not signed in, or a revoked token), 403,
404, 405, 409, 413, 422 (the body or a parameter), 429 (a throttle) and 503 (the engine or the database out of
reach). Each is added to every operation with that schema, and the accepted-not-yet-recorded 202 of the
actions is documented where the routes can answer it.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from services.schemas import AcceptedOut, ErrorOut

REFUSALS: dict[int, str] = {
    400: "malformed request",
    401: "not signed in, or the token is no longer valid",
    403: "not allowed for this user or jurisdiction",
    404: "no such record or address",
    405: "method not allowed",
    409: "not allowed in the record's state",
    413: "request too large",
    422: "the request's body or parameters are not valid (the field concerned in `field`)",
    429: "too many attempts; see Retry-After",
    503: "the workflow engine or the database is out of reach; see Retry-After",
}
ACCEPTED_PATHS = ("/api/v1/hazards", "/api/v1/interviews", "/api/v1/campaigns/{campaign_id}/actions/", "/api/v1/tours")


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def truthful_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with the refusals (and 202s) it really answers."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, AcceptedOut):
        model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in model_schema.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault(model.__name__, model_schema)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, description in REFUSALS.items():
                responses[str(status)] = {
                    "description": responses.get(str(status), {}).get("description", description),
                    "content": {"application/json": {"schema": _ref("ErrorOut")}},
                }
            if method == "post" and path.startswith(ACCEPTED_PATHS):
                responses.setdefault("202", {
                    "description": "accepted by the workflow, not yet in the read model",
                    "content": {"application/json": {"schema": _ref("AcceptedOut")}},
                })
    _link_hazards(schema)
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    app.openapi_schema = schema
    return schema


def _link_hazards(schema: dict[str, Any]) -> None:
    """OpenAPI links from a reported hazard (201, its `code`) to reading it and to each of its actions, so a
    client (and schemathesis's stateful phase) can follow a hazard's life from its report."""
    paths = schema.get("paths", {})
    report = paths.get("/api/v1/hazards", {}).get("post")
    if report is None or "201" not in report.get("responses", {}):
        return
    targets = {"/api/v1/hazards/{code}": "get"}
    targets.update({path: "post" for path in paths if path.startswith("/api/v1/hazards/{code}/actions/")})
    links = {}
    for path, method in targets.items():
        operation = paths.get(path, {}).get(method)
        if operation is not None and "operationId" in operation:
            name = operation["operationId"]
            links[name] = {"operationId": name, "parameters": {"code": "$response.body#/code"}}
    report["responses"]["201"]["links"] = links


def install_openapi(app: FastAPI) -> None:
    app.openapi = lambda: truthful_openapi(app)  # type: ignore[method-assign]
