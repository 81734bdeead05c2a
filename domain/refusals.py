"""A refused action, with the reason in Chinese and English."""

from models.enums import RefusalKind


class Refusal(Exception):
    def __init__(self, kind: RefusalKind, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.kind = kind
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en

    def as_detail(self) -> dict[str, str]:
        return {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en}


def conflict(code: str, zh: str, en: str) -> Refusal:
    return Refusal(RefusalKind.CONFLICT, code, zh, en)


def forbidden(code: str, zh: str, en: str) -> Refusal:
    return Refusal(RefusalKind.FORBIDDEN, code, zh, en)


def invalid(code: str, zh: str, en: str) -> Refusal:
    return Refusal(RefusalKind.INVALID, code, zh, en)
