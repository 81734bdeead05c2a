"""Base class and time helpers for the shared contracts."""

from datetime import UTC, date, datetime, timedelta, timezone

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST since 1991: a fixed offset is exact


class Frozen(BaseModel):
    """An immutable, strictly-shaped payload."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def end_of_day(day: date) -> datetime:
    """24:00 of `day` in Asia/Shanghai, as an absolute UTC instant."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=CHINA_TZ) + timedelta(days=1)
    return midnight.astimezone(UTC)


def china_date(instant: datetime) -> date:
    """The calendar day in Asia/Shanghai that `instant` falls in."""
    return instant.astimezone(CHINA_TZ).date()


def body_error(code: str, field: str) -> PydanticCustomError:
    """A body model's own check that failed: its stable `code` (words in `registry.refusals`) and the field.

    The API and the UI answer it as `{code, field, message_zh, message_en}`, words looked up by the code."""
    return PydanticCustomError(code, "{field}: " + code.replace("_", " "), {"field": field})
