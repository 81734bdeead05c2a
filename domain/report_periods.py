"""Which period a periodic report covers: the one that ended just before the day it runs (pure)."""

from datetime import date, timedelta

from models.report import ReportKind

ONE_DAY = timedelta(days=1)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_ended_before(kind: ReportKind, day: date) -> tuple[date, date]:
    """The whole period of `kind` that ended before `day` (the China day the report runs): yesterday, last
    Monday-to-Sunday week, last month, last quarter, last year. Both ends included."""
    if kind == ReportKind.DAILY:
        return day - ONE_DAY, day - ONE_DAY
    if kind == ReportKind.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return monday - timedelta(days=7), monday - ONE_DAY
    if kind == ReportKind.MONTHLY:
        end = _month_start(day) - ONE_DAY
        return _month_start(end), end
    if kind == ReportKind.QUARTERLY:
        end = _quarter_start(day) - ONE_DAY
        return _quarter_start(end), end
    return date(day.year - 1, 1, 1), date(day.year - 1, 12, 31)
