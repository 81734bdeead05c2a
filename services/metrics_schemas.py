"""The figures (docs/domain.md §10) and the ranking (打分排队) as the API answers them: `GET /metrics`,
`GET /rankings`, and the parts of a periodic report and a circular that hold them.

Pure response models, the shape `store.figures.Figures.as_json`, `store.report_content.groups_json` and
`store.report_content.ranking_json` write (the same field names, in the same order).
"""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from models.policy import RungType


class FiguresOut(BaseModel):
    """The figures of one group of hazards. A rate is a fraction (0 to 1, four places), null when there is
    nothing to divide."""

    found: int = Field(description="排查发现: hazards reported in the period")
    major: int = Field(description="of them major hazards")
    rectified: int = Field(description="已整改: verified or closed")
    rectification_rate: float | None = Field(description="整改率: rectified ÷ found")
    on_time: int = Field(description="按期整改: rectified by their deadline")
    on_time_rate: float | None = Field(description="按期整改率: on time ÷ rectified")
    listed: int = Field(description="挂牌督办")
    closed_listed: int = Field(description="挂牌已销号")
    closure_rate: float | None = Field(description="销号率: closed listed ÷ listed")
    overdue_now: int = Field(description="当前逾期")
    closed: int = Field(description="已销号, listed or not")
    average_working_days_to_close: float | None = Field(description="平均销号用时, in working days")
    rungs_fired: int = Field(description="升级措施: escalation rungs fired")
    rungs_by_type: dict[RungType, int] = Field(description="the rungs fired, by rung")
    government_deadlines_missed: int = Field(description="机关超期: steps an authority owed done late")


class _RegionKey(BaseModel):
    key: str = Field(description="the group's key: here its jurisdiction's code")
    region_code: str
    name: str


class _IndustryKey(BaseModel):
    key: str = Field(description="the group's key: here its industry")
    industry: str
    name: str


class _LevelKey(BaseModel):
    key: str = Field(description="the group's key: here the hazards' level")
    level: str
    name: str


class _SourceKey(BaseModel):
    key: str = Field(description="the group's key: here the hazards' source")
    source: str
    name: str


# The key first, then the figures: a group's fields in the order `groups_json` writes them.
class RegionFigures(FiguresOut, _RegionKey):
    """The figures of one sub-jurisdiction."""


class IndustryFigures(FiguresOut, _IndustryKey):
    """The figures of one industry."""


class LevelFigures(FiguresOut, _LevelKey):
    """The figures of one hazard level."""


class SourceFigures(FiguresOut, _SourceKey):
    """The figures of one source (self-inspection, inspection, tour, whistleblower ...)."""


Grouping = Literal["region", "industry", "level", "source"]


class MetricsOut(BaseModel):
    """`GET /metrics`: the figures of the hazards reported in the period, in total and grouped by `group_by`."""

    region_code: str
    region_name: str
    period_start: date
    period_end: date
    group_by: Grouping
    total: FiguresOut
    groups: list[RegionFigures] | list[IndustryFigures] | list[LevelFigures] | list[SourceFigures] = Field(
        description="one entry per group, keyed by `key` and by the grouping's own field (`region_code`, `industry`, "
                    "`level` or `source`)")


class RankingTermOut(BaseModel):
    """One term of a score: a figure (`value`) times its weight from the policy's `[ranking]`."""

    term: str
    value: float
    weight: float
    points: float


class RankedOut(BaseModel):
    """One jurisdiction of 打分排队: its place (`rank`, shared by equal scores), score and the terms that make it."""

    region_code: str
    name: str
    rank: int
    score: float
    terms: list[RankingTermOut]
