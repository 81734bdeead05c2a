"""The web UI's languages: Chinese (the default) and English. The language comes from the `lang` cookie, set by
the switch link in the page header (`/lang/zh`, `/lang/en`). The words themselves are in `web/words.py` (the
UI's own) and `web/vocabulary.py` (the domain's values).

Refusals come in both languages with the refusal itself (`message_zh`, `message_en`, looked up by their code
in `registry/refusals.py`); nothing here translates a message.
"""

from typing import Literal

from web.vocabulary import TABLES
from web.words import WORDS

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"
LANG_COOKIE = "lang"


def pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "zh" else pair[1]


def t(key: str, lang: Lang, **values: object) -> str:
    """The UI string `key` in `lang`, with `{name}` placeholders filled in."""
    pair = WORDS.get(key)
    text = pick(pair, lang) if pair else key
    return text.format(**values) if values else text


def label(table: str, value: object, lang: Lang) -> str:
    """A vocabulary value (a status, an action, a rung, ...) in `lang`; the value itself when unknown."""
    if value is None:
        return ""
    key = getattr(value, "value", value)
    pair = TABLES[table].get(str(key))
    return pick(pair, lang) if pair else str(key)


def lang_of(value: str | None) -> Lang:
    return "en" if value == "en" else DEFAULT_LANG
