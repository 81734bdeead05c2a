"""Every 2xx answer of the API is a named model in the OpenAPI document: a client generator gets a type for
each, never an untyped object. A JSON answer is a `$ref` to a component (or an array of them); any other answer
(a PDF, a workbook, an image, a page) declares its media type; only a 204 (or a redirect) has no body."""

from typing import Any

import pytest

from app import create_app
from core.settings import Settings

JSON = "application/json"
BODYLESS = {"204", "301", "302", "303", "304", "307", "308"}


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("openapi"), log_json=False)  # type: ignore[call-arg]
    return create_app(settings, temporal=object()).openapi()  # type: ignore[arg-type]


def is_named(schema: dict[str, Any] | None) -> bool:
    """A `$ref` to a component, or an array whose items are one."""
    if not schema:
        return False
    if set(schema) == {"$ref"} or "$ref" in schema:
        return True
    return schema.get("type") == "array" and "$ref" in (schema.get("items") or {})


def untyped_answers(openapi: dict[str, Any]) -> list[str]:
    offending = []
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                if not status.startswith("2"):
                    continue
                where = f"{method.upper()} {path} {status}"
                content = response.get("content") or {}
                if status in BODYLESS:
                    if content:
                        offending.append(f"{where}: a {status} has no body, yet declares {sorted(content)}")
                    continue
                if not content:
                    offending.append(f"{where}: no media type declared")
                for media_type, body in content.items():
                    schema = body.get("schema")
                    if media_type == JSON and not is_named(schema):
                        offending.append(f"{where}: untyped JSON {schema}")
    return offending


def test_every_success_answer_is_a_named_model_or_a_declared_media_type(openapi: dict[str, Any]) -> None:
    offending = untyped_answers(openapi)
    print("\n".join(offending))
    assert not offending, "answers without a named model:\n" + "\n".join(offending)


def free_form(schema: dict[str, Any]) -> bool:
    """An object that says nothing of its content: `{}`, `{"type": "object"}` or `additionalProperties: true`."""
    if not schema or set(schema) <= {"title", "description", "default"}:
        return True
    if schema.get("type") == "object" and "properties" not in schema:
        return schema.get("additionalProperties", True) in (True, {})
    return False


def loose_fields(openapi: dict[str, Any]) -> list[str]:
    """Properties of the named components that 2xx answers reach which hold an untyped object."""
    components = openapi["components"]["schemas"]
    reached: set[str] = set()
    todo = []
    for operations in openapi["paths"].values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                if status.startswith("2"):
                    todo.extend(_refs((response.get("content") or {}).get(JSON, {}).get("schema") or {}))
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(_refs(components[name]))
    loose = []
    for name in sorted(reached):
        for field, schema in (components[name].get("properties") or {}).items():
            for variant in [schema, *schema.get("anyOf", ()), schema.get("items") or {"type": "array"}]:
                if variant.get("type") != "null" and free_form(variant):
                    loose.append(f"{name}.{field}: {schema}")
                    break
    return loose


def _refs(schema: Any) -> list[str]:
    if isinstance(schema, dict):
        found = [schema["$ref"].rsplit("/", 1)[-1]] if isinstance(schema.get("$ref"), str) else []
        return found + [r for value in schema.values() for r in _refs(value)]
    if isinstance(schema, list):
        return [r for value in schema for r in _refs(value)]
    return []


REPORT_COMPONENTS = ("ReportPage", "ReportOut", "FiguresOut", "RankedOut", "CircularPage", "CircularOut")


def test_the_reports_figures_and_circulars_hold_no_untyped_object(openapi: dict[str, Any]) -> None:
    """The cadence's answers say what each of their parts holds, down to a ranking's terms and a group's figures."""
    loose = [line for line in loose_fields(openapi) if line.startswith(REPORT_COMPONENTS) or "Group" in line.split(".")[0]]
    print("\n".join(loose_fields(openapi)))
    assert not loose, "\n".join(loose)


def test_the_check_finds_an_untyped_answer() -> None:
    document = {"paths": {
        "/x": {"get": {"responses": {"200": {"content": {JSON: {"schema": {"type": "object", "additionalProperties": True}}}}}}},
        "/y": {"get": {"responses": {"200": {"description": "no content"}}}},
        "/z": {"delete": {"responses": {"204": {"description": "gone"}}}},
        "/p": {"get": {"responses": {"200": {"content": {"application/pdf": {}}}}}},
        "/r": {"get": {"responses": {"200": {"content": {JSON: {"schema": {"type": "array", "items": {"$ref": "#/c/A"}}}}}}}},
    }}
    assert [line.split(":")[0] for line in untyped_answers(document)] == ["GET /x 200", "GET /y 200"]
