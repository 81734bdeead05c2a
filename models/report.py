"""The reporting cadence (docs/domain.md §8 and §10; seed 004: 日报送、周调度、月分析、季讲评; 通报; 打分排队).

Payloads shared by the API, the services and the `PeriodicReportWorkflow` that Temporal Schedules start.
A period is a run of whole days in Asia/Shanghai: `period_start` 00:00 to the end (24:00) of `period_end`.
"""

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field, model_validator

from models.base import Day, Frozen, body_error


class ReportKind(StrEnum):
    DAILY = "daily"  # 日报送 (only where the policy profile turns it on)
    WEEKLY = "weekly"  # 周调度
    MONTHLY = "monthly"  # 月分析
    QUARTERLY = "quarterly"  # 季讲评, with 16号令's quarterly statistics
    ANNUAL = "annual"  # 16号令's annual statistics, by 31 January


class ReportTrigger(StrEnum):
    SCHEDULE = "schedule"
    MANUAL = "manual"


class Period(Frozen):
    """Whole days, both ends included."""

    period_start: Day
    period_end: Day

    @model_validator(mode="after")
    def _in_order(self) -> "Period":
        if self.period_end < self.period_start:
            raise body_error("period_order", "period_end")
        return self


class ReportRequest(Period):
    """`POST /reports`: run one report now (idempotent per kind, region and period)."""

    kind: ReportKind
    region_code: str = Field(min_length=1, max_length=12)


class CircularRequest(Period):
    """`POST /circulars`: issue a circular (通报) of a jurisdiction for a period."""

    region_code: str = Field(min_length=1, max_length=12)


class CadenceRun(Frozen):
    """What a schedule's workflow asks for: the reports of `kind` for the period that ended before `due`."""

    kind: ReportKind
    due: datetime | None = None  # the scheduled instant; None: the workflow's start


class CadenceOutcome(Frozen):
    kind: ReportKind
    period_start: date
    period_end: date
    written: tuple[str, ...]  # report ids written by this run
    existing: tuple[str, ...]  # report ids that were already there (a repeated or caught-up run)
