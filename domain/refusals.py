"""A refused action: a stable code, the field it concerns (when one does), its words in Chinese and English.

Rules raise `refuse(code, field=..., **placeholders)`; the words come from `registry.refusals` by code.
"""

from enum import StrEnum
from typing import Any

from models.enums import RefusalKind
from registry.refusals import REFUSALS, words


class Refusal(Exception):
    def __init__(self, kind: RefusalKind, code: str, message_zh: str, message_en: str, field: str | None = None) -> None:
        super().__init__(message_en)
        self.kind = kind
        self.code = code
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en

    def as_detail(self) -> dict[str, Any]:
        return {"code": self.code, "field": self.field, "message_zh": self.message_zh, "message_en": self.message_en}


def refuse(code: str, field: str | None = None, **params: object) -> Refusal:
    """The refusal `code` (its kind and words from the registry), about `field` when it names one."""
    zh, en = words(code, **params)
    kind = REFUSALS[code].kind
    assert kind is not None, f"{code} is a door's refusal (services.errors.refused), not a rule's"
    return Refusal(kind, code, zh, en, field)


def wrong_state(
    subject: str, subject_zh: str, status: StrEnum, status_zh: str, action: str, action_zh: str, article: str = "a",
) -> Refusal:
    """409 `wrong_state`: `action` does not apply to `article` `subject` in `status`."""
    return refuse("wrong_state", subject=subject, subject_zh=subject_zh, article=article, status=status.value,
                  status_zh=status_zh, action=action, action_zh=action_zh)
