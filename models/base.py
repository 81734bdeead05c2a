"""Base class and time helpers for the shared contracts."""

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST since 1991: a fixed offset is exact

# The days any date the system takes in may fall on (a body's dates, a query's `from` / `to`): outside them the
# arithmetic on instants (time zones, "24:00 of that day") would overflow Python's datetime into a 500.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)


class Frozen(BaseModel):
    """An immutable, strictly-shaped payload."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def end_of_day(day: date) -> datetime:
    """24:00 of `day` in Asia/Shanghai, as an absolute UTC instant."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=CHINA_TZ) + timedelta(days=1)
    return midnight.astimezone(UTC)


def day_in_range(value: date) -> date:
    """`value` when it lies within EARLIEST_DAY..LATEST_DAY; else the refusal `date_out_of_range`."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise PydanticCustomError(
            "date_out_of_range",
            "{day} is outside {earliest} to {latest}",
            {"day": day.isoformat(), "earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
        )
    return value


# What the OpenAPI document says of a day: the years EARLIEST_DAY..LATEST_DAY cover (1900 to 2199).
DAY_PATTERN: dict[str, Any] = {"pattern": r"^(19|20|21)\d\d-"}  # also of an instant's day
DAY_SCHEMA: dict[str, Any] = {"type": "string", "format": "date", **DAY_PATTERN}
def written_as_day(value: object) -> object:
    """A day as written, YYYY-MM-DD: never a number (pydantic would read Unix seconds); else `date_as_number`."""
    if isinstance(value, (int, float)) or (isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+(\.\d*)?([eE][-+]?\d+)?\s*", value)):
        raise PydanticCustomError("date_as_number", "write the date as YYYY-MM-DD")
    return value


Day = Annotated[  # a day written YYYY-MM-DD within EARLIEST_DAY..LATEST_DAY
    date, BeforeValidator(written_as_day), AfterValidator(day_in_range), WithJsonSchema(DAY_SCHEMA)
]

# What the OpenAPI document says of a text that must not be blank: something besides white space in it.
PRESENT: dict[str, Any] = {"type": "string", "pattern": r"\S"}


def not_blank(value: str) -> str:
    """A text with something besides white space in it; else the refusal `blank`."""
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank")
    return value


def when(field: str, value: str | bool, then: dict[str, Any], otherwise: dict[str, Any] | None = None) -> dict[str, Any]:
    """A body check that depends on another field, said in JSON Schema (`if` / `then` / `else`) so the OpenAPI
    document describes it: when `field` is `value`, the body also satisfies `then` (else `otherwise`)."""
    clause: dict[str, Any] = {"if": {"properties": {field: {"const": value}}, "required": [field]}, "then": then}
    if otherwise is not None:
        clause["else"] = otherwise
    return clause


def schema_rules(*clauses: dict[str, Any]) -> ConfigDict:
    """A body model's config with its cross-field checks in its JSON Schema (see `when`)."""
    return ConfigDict(frozen=True, extra="forbid", json_schema_extra={"allOf": list(clauses)})


def china_date(instant: datetime) -> date:
    """The calendar day in Asia/Shanghai that `instant` falls in."""
    return instant.astimezone(CHINA_TZ).date()


def body_error(code: str, field: str) -> PydanticCustomError:
    """A body model's own check that failed: its stable `code` (words in `registry.refusals`) and the field.

    The API and the UI answer it as `{code, field, message_zh, message_en}`, words looked up by the code."""
    return PydanticCustomError(code, "{field}: " + code.replace("_", " "), {"field": field})


RECORD_PATHS = {"hazard": "hazards", "interview": "interviews", "campaign": "campaigns", "tour": "tours",
                "circular": "circulars", "report": "reports"}


def record_path(kind: str, record_id: str) -> str:
    """Where a record of any kind is read, in the web UI (`/tours/TR-…`) and under `/api/v1`."""
    return f"/{RECORD_PATHS.get(kind, 'hazards')}/{record_id}"
