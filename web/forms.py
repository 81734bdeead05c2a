"""Plain HTML forms from the action bodies of `models/actions.py` and `models/interview.py`, and back.

A form's fields follow the body model (one input per field, its kind from the field's type); the posted
values are turned into the same body model the JSON API validates, so the checks are the API's own. A
refusal (`ApiError`) becomes messages next to the fields it names, or one message at the top.
"""

import types
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from services.errors import ApiError, validation_detail
from web.i18n import Lang, label, t

LONG_TEXT = 2_000  # a text field allowing this many characters or more is a textarea
FILE_FIELDS = frozenset({"evidence"})  # attachment ids: the form uploads files instead


@dataclass(frozen=True)
class FormField:
    name: str
    kind: str  # text, textarea, number, date, datetime, select, checkbox, file, lines, commitments
    required: bool
    options: tuple[str, ...] = ()
    step: str | None = None
    default: str = ""


@dataclass
class FormErrors:
    """What to show after a refusal: a message at the top and messages by field."""

    status: int = 200
    top: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    action: str | None = None  # the form (action) the errors belong to

    def __bool__(self) -> bool:
        return bool(self.top or self.fields)


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The bare type of a field (Optional and Annotated removed) and the Annotated metadata found."""
    metadata: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            metadata.extend(extra)
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation, metadata
        else:
            return annotation, metadata


def _max_length(info: FieldInfo, metadata: list[Any]) -> int | None:
    items = [*info.metadata, *metadata]
    while items:
        item = items.pop()
        if isinstance(item, FieldInfo):
            items.extend(item.metadata)
            continue
        value = getattr(item, "max_length", None)
        if value is not None:
            return int(value)
    return None


def fields_of(model: type[BaseModel]) -> list[FormField]:
    """The form fields of a body model, in the model's order."""
    out: list[FormField] = []
    for name, info in model.model_fields.items():
        kind_type, metadata = _unwrap(info.annotation)
        required = info.is_required()
        default = "" if required or info.default is None or isinstance(info.default, tuple | bool) else str(info.default)
        origin = get_origin(kind_type)
        if name in FILE_FIELDS:
            out.append(FormField(name, "file", False))
        elif isinstance(kind_type, type) and issubclass(kind_type, Enum):
            out.append(FormField(name, "select", required, tuple(str(m.value) for m in kind_type), default=default))
        elif kind_type is bool:
            if required:
                out.append(FormField(name, "select", True, ("true", "false")))
            else:
                out.append(FormField(name, "checkbox", False, default="true" if info.default else ""))
        elif kind_type is int:
            out.append(FormField(name, "number", required, step="1", default=default))
        elif kind_type is float:
            out.append(FormField(name, "number", required, step="any", default=default))
        elif kind_type is date:
            out.append(FormField(name, "date", required))
        elif kind_type is datetime:
            out.append(FormField(name, "datetime", required))
        elif origin is tuple:
            item = _unwrap(get_args(kind_type)[0])[0]
            kind = "commitments" if isinstance(item, type) and issubclass(item, BaseModel) else "lines"
            out.append(FormField(name, kind, False))
        else:
            limit = _max_length(info, metadata)
            out.append(FormField(name, "textarea" if limit and limit >= LONG_TEXT else "text", required, default=default))
    return out


def _commitments(text: str) -> list[dict[str, str]]:
    items = []
    for line in text.splitlines():
        if not line.strip():
            continue
        text_part, _, due = line.rpartition("|") if "|" in line else (line, "", "")
        items.append({"text": text_part.strip(), "due": due.strip()})
    return items


def parse(model: type[BaseModel], form: Any, extra: dict[str, Any] | None = None) -> Any:
    """The body model from posted form values (raises pydantic's ValidationError as the API would)."""
    data: dict[str, Any] = {}
    for spec in fields_of(model):
        if spec.kind == "file":
            continue
        raw = form.get(spec.name)
        value = raw.strip() if isinstance(raw, str) else ""
        if spec.kind == "checkbox":
            data[spec.name] = value in ("true", "on", "1")
        elif spec.kind == "lines":
            if value:
                data[spec.name] = [line.strip() for line in value.splitlines() if line.strip()]
        elif spec.kind == "commitments":
            if value:
                data[spec.name] = _commitments(value)
        elif spec.kind == "select" and set(spec.options) == {"true", "false"}:
            if value:
                data[spec.name] = value == "true"
        elif value or (spec.required and spec.kind in ("text", "textarea")):
            data[spec.name] = value
    data.update(extra or {})
    return model.model_validate(data)


def values_of(form: Any) -> dict[str, Any]:
    """The posted values to put back into the form after a refusal (files and the CSRF token left out)."""
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}


def errors_from_validation(error: ValidationError, names: set[str], lang: Lang) -> FormErrors:
    """A form's pydantic errors, shown as the API reports them (`errors[].field`), placed by field."""
    return errors_from_api(ApiError(422, **validation_detail([dict(e) for e in error.errors()])), names, lang)


def errors_from_api(error: ApiError, names: set[str], lang: Lang) -> FormErrors:
    """Where to show an API refusal: next to the field it names (`field`, and each of `errors[]`), else at the
    top, in the chosen language. The words come with the refusal, by its code."""
    detail = error.detail
    key = "message_zh" if lang == "zh" else "message_en"
    out = FormErrors(status=error.status)
    items = detail.get("errors") or [detail]
    for item in items:
        name = (item.get("field") or "").split(".")[0]
        if name in names:
            out.fields.setdefault(name, []).append(item[key])
        elif len(items) == 1:
            out.top = detail[key]
        else:
            out.top = f"{item.get('field') or ''}：{item[key]}" if lang == "zh" else f"{item.get('field') or ''}: {item[key]}"
    if out.fields and out.top is None:
        out.top = t("form_errors", lang)
    return out


def submit(
    model: type[BaseModel], form: Any, lang: Lang, action: str, take: Callable[[Any], Any],
    extra: Callable[[], dict[str, Any]] | None = None,
) -> tuple[Any, FormErrors | None]:
    """Turn a posted form into `model` and `take` it (the service call): its result, or the errors to show on
    the form of `action` (the values posted kept), placed by field."""
    names = {f.name for f in fields_of(model)}
    try:
        return take(parse(model, form, extra() if extra else None)), None
    except ValidationError as error:
        errors = errors_from_validation(error, names, lang)
    except ApiError as error:
        if error.status == 503:  # an outage, not the form's fault: the app's friendly page
            raise
        errors = errors_from_api(error, names, lang)
    errors.values = values_of(form)
    errors.action = action
    return None, errors


def option_label(field_name: str, value: str, lang: Lang) -> str:
    return label("choice", value, lang)
