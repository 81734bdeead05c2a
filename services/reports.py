"""The reporting cadence as both doors see it: periodic reports (list, read, run one now, the workbook), the
figures (`GET /api/v1/metrics`, the dashboard's one definition) and the ranking (打分排队).

Who: staff of the jurisdiction (its subtree) read; a supervisor of the jurisdiction (or one above it) or an admin
runs a report. Enterprise users see none of it (their own figures are on the dashboard page).
"""

import io
import json
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlmodel import Session

from core.policies import PolicyRegistry
from core.settings import Settings
from models.base import china_date
from models.enums import Role
from models.policy import PolicyProfile
from models.report import ReportRequest
from models.tables import CircularRow, Jurisdiction, PeriodicReportRow
from services.errors import ApiError, not_found, outside, refused, role_refused
from services.principal import Principal
from store import metrics, periodic_reports, report_content
from store.hazards import Scope
from store.periodic_reports import Issued

READERS = {Role.INSPECTOR, Role.SUPERVISOR, Role.LEADER, Role.AUDITOR, Role.ADMIN, Role.WHISTLEBLOWER_OFFICER}
GROUPINGS = ("region", "industry", "level", "source")


def refuse_role(principal: Principal, allowed: set[Role], action: str, action_zh: str) -> ApiError:
    return role_refused(principal.actor.role, allowed, action, action_zh)


def require_reader(principal: Principal) -> None:
    if principal.actor.role not in READERS:
        raise refuse_role(principal, READERS, "read reports, figures or rankings", "查阅统计报告、指标和排名")


def region_in_scope(session: Session, principal: Principal, region_code: str | None, field: str = "region_code") -> Jurisdiction:
    """The region asked for (default: the caller's jurisdiction): 422 when unknown or missing, 403 outside the
    caller's subtree."""
    code = region_code or principal.actor.jurisdiction_code
    if code is None:
        raise refused(422, "region_required", field)
    region = session.get(Jurisdiction, code)
    if region is None:
        raise refused(422, "unknown_region", field, region=code)
    if not principal.scope.holds(region.path, ""):
        raise outside("region", code, field)
    return region


def period_or_default(start: date | None, end: date | None, now: datetime) -> tuple[date, date]:
    """The period asked for; by default this year up to today (as the dashboard). 422 `period_order` when the end
    comes before the start."""
    today = china_date(now)
    start = start or date(today.year, 1, 1)
    end = end or max(today, start)
    if end < start:
        raise refused(422, "period_order", "period_end")
    return start, end


def current_profile(policies: PolicyRegistry, settings: Settings) -> PolicyProfile:
    return policies.latest(settings.policy)


# --- figures and ranking --------------------------------------------------------------------------------------------


def figures(session: Session, principal: Principal, *, region_code: str | None, start: date | None, end: date | None,
            group_by: str) -> dict[str, Any]:
    """`GET /api/v1/metrics`: the figures of docs/domain.md §10 for a region and period, grouped."""
    require_reader(principal)
    region = region_in_scope(session, principal, region_code)
    first, last = period_or_default(start, end, datetime.now(UTC))
    begin, finish = report_content.period_instants(first, last)
    dashboard = metrics.dashboard(session=session, scope=Scope(path=region.path), start=begin, end=finish)
    return {
        "region_code": region.code, "region_name": region.name, "period_start": first.isoformat(),
        "period_end": last.isoformat(), "group_by": group_by, "total": dashboard.total.as_json(),
        "groups": report_content.groups_json(dashboard.groups(group_by), group_by),
    }


def rankings(session: Session, principal: Principal, policies: PolicyRegistry, settings: Settings, *,
             region_code: str | None, start: date | None, end: date | None) -> list[dict[str, Any]]:
    """`GET /api/v1/rankings`: the sub-jurisdictions of the region, highest score first."""
    require_reader(principal)
    region = region_in_scope(session, principal, region_code)
    first, last = period_or_default(start, end, datetime.now(UTC))
    profile = current_profile(policies, settings)
    if profile.ranking is None:
        raise refused(409, "no_ranking_policy", policy=profile.key)
    ranked = report_content.ranking(session=session, region=region, start=first, end=last, profile=profile)
    return report_content.ranking_json(ranked)


# --- periodic reports -----------------------------------------------------------------------------------------------


def summary(row: PeriodicReportRow) -> dict[str, Any]:
    content = json.loads(row.content_json)
    return {
        "id": row.id, "kind": row.kind, "region_code": row.region_code, "region_name": content.get("region_name"),
        "period_start": row.period_start.isoformat(), "period_end": row.period_end.isoformat(),
        "generated_at": content.get("generated_at"), "trigger": row.trigger, "requested_by": row.requested_by,
        "document_hash": row.document_hash,
    }


def full(row: PeriodicReportRow) -> dict[str, Any]:
    return {**json.loads(row.content_json), **summary(row)}


def list_reports(session: Session, principal: Principal, *, kind: str | None, region_code: str | None,
                 start: date | None, end: date | None, page: int, page_size: int) -> dict[str, Any]:
    require_reader(principal)
    if region_code is not None:
        region_in_scope(session, principal, region_code)
    if start is not None and end is not None and end < start:
        raise refused(422, "period_order", "period_end")
    path = None if principal.scope.everything else (principal.scope.path or "-")
    rows, total = periodic_reports.list_reports(session=session, path=path, kind=kind, region_code=region_code,
                                                start=start, end=end, limit=page_size, offset=(page - 1) * page_size)
    return {"items": [summary(r) for r in rows], "total": total, "page": page, "page_size": page_size}


RowT = TypeVar("RowT", PeriodicReportRow, CircularRow)


def read_in_scope(session: Session, principal: Principal, table: type[RowT], key: str, record: str) -> RowT:
    """A report's or a circular's row, to the staff who read reports in its jurisdiction (404 otherwise)."""
    require_reader(principal)
    row = session.get(table, key)
    if row is None or not principal.scope.holds(row.region_path, ""):
        raise not_found(record, key)
    return row


def read_report(session: Session, principal: Principal, report_id: str) -> PeriodicReportRow:
    return read_in_scope(session, principal, PeriodicReportRow, report_id, "report")


def run_report(session: Session, principal: Principal, policies: PolicyRegistry, settings: Settings,
               body: ReportRequest) -> tuple[PeriodicReportRow, bool]:
    """`POST /reports`: the period's report now (the stored one when it exists). A supervisor of the region (or
    of a jurisdiction above it) or an admin."""
    runners = {Role.SUPERVISOR, Role.ADMIN}
    if principal.actor.role not in runners:
        raise refuse_role(principal, runners, "run a report", "生成统计报告")
    region = region_in_scope(session, principal, body.region_code)
    issued = Issued(actor_id=principal.actor.user_id, actor_name=principal.actor.display_name or principal.actor.username,
                    actor_role=principal.actor.role.value)
    row, written = report_content.generate_report(
        session=session, kind=body.kind.value, region=region, start=body.period_start, end=body.period_end,
        trigger="manual", issued=issued, profile=current_profile(policies, settings), now=datetime.now(UTC),
    )
    session.commit()
    return row, written


REPORT_SHEETS = (("分地区", "by_region"), ("分行业", "by_industry"), ("分等级", "by_level"), ("分来源", "by_source"))
FIGURE_HEADERS = (
    ("found", "排查发现"), ("rectified", "已整改"), ("rectification_rate", "整改率"), ("on_time", "按期整改"),
    ("on_time_rate", "按期整改率"), ("listed", "挂牌督办"), ("closed_listed", "挂牌已销号"), ("closure_rate", "销号率"),
    ("overdue_now", "当前逾期"), ("closed", "已销号"), ("average_working_days_to_close", "平均销号用时（工作日）"),
    ("rungs_fired", "升级措施"), ("government_deadlines_missed", "机关超期"),
)


def workbook(row: PeriodicReportRow) -> bytes:
    """The report as an .xlsx (every cell through core/spreadsheet.py: text never runs as a formula)."""
    from openpyxl import Workbook

    from core.spreadsheet import append_row

    content = full(row)
    book = Workbook()
    sheet = book.active
    sheet.title = "概况"
    for label, key in (("编号", "id"), ("类型", "kind"), ("地区", "region_name"), ("开始", "period_start"),
                       ("结束", "period_end"), ("生成时间", "generated_at"), ("文件哈希", "document_hash")):
        append_row(sheet, (label, content.get(key)))
    append_row(sheet, ("合计", *[content["totals"].get(k) for k, _ in FIGURE_HEADERS]))
    for title, key in REPORT_SHEETS:
        part = book.create_sheet(title)
        append_row(part, ("名称", *[zh for _, zh in FIGURE_HEADERS]))
        for group in content[key]:
            append_row(part, (group["name"], *[group.get(k) for k, _ in FIGURE_HEADERS]))
    overdue = book.create_sheet("逾期隐患")
    append_row(overdue, ("隐患编号", "隐患名称", "企业名称", "所在地区", "等级", "状态", "整改期限"))
    for hazard in content["overdue_hazards"]:
        append_row(overdue, (hazard["code"], hazard["title"], hazard["enterprise_name"], hazard["region_code"],
                             hazard["level"], hazard["status"], hazard["deadline"]))
    ranked = book.create_sheet("打分排队")
    append_row(ranked, ("名次", "地区", "行政区划代码", "得分"))
    for entry in content["ranking"]:
        append_row(ranked, (entry["rank"], entry["name"], entry["region_code"], entry["score"]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
