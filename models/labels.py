"""The words of the records' statuses, levels, roles, sources and phases, once (`labels.toml`): `{value: (zh, en)}`.

The UI reads them (`web/vocabulary.py`) and so do the rules and the documents that print a status in Chinese
(`zh(TABLE)`, e.g. a refusal's “当前状态为…”, a ledger's 状态 column); a word changed here changes both.
"""

import tomllib
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from models.campaign import CampaignStatus, PhaseKind
from models.enums import HazardLevel, HazardStatus, Role, Source
from models.interview import InterviewStatus
from models.tour_bodies import TargetStatus, TourStatus

K = TypeVar("K")
E = TypeVar("E", bound=StrEnum)


_WORDS = tomllib.loads((Path(__file__).parent / "labels.toml").read_text(encoding="utf-8"))


def _table(kind: type[E]) -> dict[E, tuple[str, str]]:
    """`kind`'s table in `labels.toml` (a row a member by its value: `value = [zh, en]`), every member once."""
    table = {kind(value): (zh_word, en_word) for value, (zh_word, en_word) in _WORDS[kind.__name__].items()}
    if missing := set(kind) - set(table):
        raise ValueError(f"{kind.__name__}: no words for {sorted(missing)}")
    return table


HAZARD_STATUS = _table(HazardStatus)
INTERVIEW_STATUS = _table(InterviewStatus)
TOUR_STATUS = _table(TourStatus)
TARGET_STATUS = _table(TargetStatus)
CAMPAIGN_STATUS = _table(CampaignStatus)
PHASE = _table(PhaseKind)
HAZARD_LEVEL = _table(HazardLevel)
ROLE = _table(Role)
SOURCE = _table(Source)


def zh(table: Mapping[K, tuple[str, str]]) -> dict[K, str]:
    """A table's Chinese words alone, by the same keys."""
    return {key: pair[0] for key, pair in table.items()}


def by_value(table: Mapping[K, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """A table keyed by the plain string values (as the UI's `label(table, value)` looks them up)."""
    return {str(key): pair for key, pair in table.items()}
