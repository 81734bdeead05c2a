"""A campaign's two-way spreadsheet: the rectification ledger (整改台账, `GET /campaigns/{id}/ledger.xlsx`) and the
import of a hazard list (问题隐患清单, `POST /campaigns/{id}/import`) in the same columns.

The import checks every row as `POST /hazards` would (the body model, the region, the enterprise, the caller's
jurisdiction, the campaign's scope); a dry run answers each row's problems and writes nothing; a real run reports
each valid row as a hazard tagged with the campaign. It is idempotent: a row whose hazard is already tagged with the
campaign (the same title, enterprise and region; or its 隐患编号) answers `existing`, so the same file twice
creates nothing new.
"""

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from pydantic import BaseModel, ValidationError
from sqlmodel import Session
from temporalio.client import Client

from api.deps import Principal
from api.errors import ApiError, validation_detail
from api.schemas import HazardCreate
from core.policies import PolicyRegistry
from core.settings import Settings
from core.spreadsheet import append_row
from domain.transitions import STATUS_ZH
from models.base import CHINA_TZ, china_date
from models.enums import HazardLevel, HazardStatus, Source
from services import campaigns as campaign_service
from services import hazards as hazard_service
from store import campaigns, hazards
from store.hazards import HazardFilter

# The ledger's columns; the import reads those marked with the field they fill (the others are the system's).
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("隐患编号", "code"),
    ("隐患名称", "title"),
    ("统一社会信用代码", "enterprise_uscc"),
    ("企业名称", None),
    ("行政区划代码", "region_code"),
    ("所在地区", None),
    ("行业", "industry"),
    ("隐患来源", "source"),
    ("发现日期", "discovered_at"),
    ("隐患描述", "description"),
    ("隐患位置", "location"),
    ("隐患等级", None),
    ("状态", None),
    ("整改期限", None),
    ("是否逾期", None),
    ("登记时间", None),
)
HEADERS = tuple(name for name, _ in COLUMNS)
SOURCE_ZH = {
    Source.SELF_INSPECTION: "企业自查", Source.INSPECTION: "部门检查", Source.INSPECTION_TOUR: "巡查",
    Source.WHISTLEBLOWER: "举报", Source.TRANSFER: "移送", Source.CAMPAIGN: "专项整治",
}
LEVEL_ZH = {HazardLevel.GENERAL: "一般隐患", HazardLevel.MAJOR: "重大隐患"}
MAX_ROWS = 10_000
MAX_BYTES = 20 * 1024 * 1024
EXPORT_LIMIT = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RowResult(BaseModel):
    row: int  # the sheet's row number (the header is row 1)
    status: str  # valid (dry run) | created | existing | refused | accepted (recorded shortly)
    code: str | None = None
    detail: dict[str, Any] | None = None


class ImportResult(BaseModel):
    dry_run: bool
    total: int
    valid: int
    created: int
    existing: int
    refused: int
    rows: list[RowResult]


# --- the ledger -------------------------------------------------------------------------------------------


def ledger_xlsx(session: Session, principal: Principal, campaign_id: str) -> bytes:
    """The campaign's rectification ledger: every tagged hazard the caller may see, one row each."""
    campaign_service.visible_row(session, campaign_id, principal)
    rows, _ = hazards.list_rows(session=session, scope=principal.scope, flt=HazardFilter(campaign_id=campaign_id),
                                page=1, page_size=EXPORT_LIMIT)
    book = Workbook()
    sheet = book.active
    sheet.title = "整改台账"
    append_row(sheet, HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        state = json.loads(row.state_json)
        facts = state.get("facts") or {}
        append_row(sheet, (
            row.code, row.title, row.enterprise_uscc, row.enterprise_name, row.region_code,
            ((facts.get("region_path") or [{}])[-1]).get("name", row.region_code), row.industry,
            SOURCE_ZH.get(Source(row.source), row.source), _day_of(facts.get("discovered_at")), facts.get("description", ""),
            facts.get("location", ""), LEVEL_ZH[HazardLevel(row.level)] if row.level else "", STATUS_ZH[HazardStatus(row.status)],
            china_date(row.deadline - timedelta(seconds=1)).isoformat() if row.deadline else "",
            "是" if row.overdue else "否", _local(row.reported_at),
        ))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _day_of(text: str | None) -> str:
    return china_date(datetime.fromisoformat(text)).isoformat() if text else ""


def _local(value: datetime | None) -> str:
    if value is None:
        return ""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return aware.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


# --- the import -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    row: int
    body: HazardCreate | None
    result: RowResult | None  # decided already: refused or existing


def import_hazards(*, session: Session, principal: Principal, campaign_id: str, data: bytes, dry_run: bool,
                   settings: Settings, client: Client, policies: PolicyRegistry) -> ImportResult:
    campaign_service.visible_row(session, campaign_id, principal)
    checked = check_rows(session, principal, campaign_id, read_rows(data), policies, settings)
    results = []
    seen: dict[tuple[str, str, str], str] = {}
    for item in checked:
        if item.result is not None or item.body is None:
            results.append(item.result or RowResult(row=item.row, status="refused"))
            continue
        key = (item.body.title, item.body.enterprise_uscc, item.body.region_code)
        if key in seen:  # the same hazard twice in one file
            results.append(RowResult(row=item.row, status="existing", code=seen[key] or None))
            continue
        if dry_run:
            seen[key] = ""
            results.append(RowResult(row=item.row, status="valid"))
            continue
        results.append(_report(session, principal, campaign_id, item, settings, client, policies))
        seen[key] = results[-1].code or ""
    count = {s: sum(1 for r in results if r.status == s) for s in ("valid", "created", "existing", "refused", "accepted")}
    return ImportResult(dry_run=dry_run, total=len(results), valid=count["valid"] + count["created"] + count["accepted"],
                        created=count["created"] + count["accepted"], existing=count["existing"], refused=count["refused"],
                        rows=results)


def _report(session: Session, principal: Principal, campaign_id: str, item: Checked, settings: Settings, client: Client,
            policies: PolicyRegistry) -> RowResult:
    assert item.body is not None
    body = item.body
    key = "campaign-import:" + hashlib.sha256(f"{campaign_id}|{body.title}|{body.enterprise_uscc}|{body.region_code}".encode()).hexdigest()
    try:
        reported = hazard_service.report_hazard(session=session, principal=principal, body=body, settings=settings,
                                                client=client, policies=policies, idempotency_key=key)
    except ApiError as error:
        return RowResult(row=item.row, status="refused", detail=error.detail)
    status = "accepted" if reported.row is None else ("existing" if reported.replay else "created")
    return RowResult(row=item.row, status=status, code=reported.code)


def read_rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The sheet's rows as {field: value}, by the header's column names (in any order)."""
    if len(data) > MAX_BYTES:
        raise ApiError(422, "file_too_large", "文件过大", f"the file may be at most {MAX_BYTES // 2**20} MB", "file")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - whatever openpyxl raises, it is no workbook
        raise ApiError(422, "not_a_workbook", "文件不是有效的 Excel（.xlsx）工作簿", "the file is not an .xlsx workbook", "file") from None
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [str(v).strip() if v is not None else "" for v in next(lines, ())]
    named = {name: field for name, field in COLUMNS if field is not None}
    fields = {i: named[name] for i, name in enumerate(header) if name in named}
    missing = [name for name, f in COLUMNS if f in ("title", "enterprise_uscc", "region_code", "industry", "discovered_at")
               and name not in header]
    if missing:
        raise ApiError(422, "missing_columns", f"缺少列：{'、'.join(missing)}", f"missing columns: {', '.join(missing)}", "file")
    rows = []
    for number, values in enumerate(lines, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((number, {f: values[i] for i, f in fields.items() if i < len(values)}))
        if len(rows) > MAX_ROWS:
            raise ApiError(422, "too_many_rows", f"每次最多导入 {MAX_ROWS} 行", f"at most {MAX_ROWS} rows per import", "file")
    book.close()
    return rows


def check_rows(session: Session, principal: Principal, campaign_id: str, rows: list[tuple[int, dict[str, Any]]],
               policies: PolicyRegistry, settings: Settings) -> list[Checked]:
    policy = policies.latest(settings.policy)
    checked = []
    for number, values in rows:
        code = _text(values.pop("code", None))
        fields = {k: _cell(k, v) for k, v in values.items() if v is not None and _text(v) != ""}
        fields.setdefault("source", Source.CAMPAIGN.value)
        fields["campaign_id"] = campaign_id
        try:
            body = HazardCreate.model_validate(fields)
        except ValidationError as error:
            checked.append(Checked(number, None, RowResult(row=number, status="refused", detail=validation_detail([dict(e) for e in error.errors()]))))
            continue
        existing = campaigns.find_tagged(session=session, campaign_id=campaign_id, title=body.title,
                                         enterprise_uscc=body.enterprise_uscc, region_code=body.region_code)
        if existing is None and code:
            row = hazards.get_row(session=session, code=code)
            existing = code if row is not None and row.campaign_id == campaign_id else None
        if existing is not None:
            checked.append(Checked(number, body, RowResult(row=number, status="existing", code=existing)))
            continue
        try:
            hazard_service.hazard_start(session, principal, body, policy)
        except ApiError as error:
            checked.append(Checked(number, None, RowResult(row=number, status="refused", detail=error.detail)))
            continue
        checked.append(Checked(number, body, None))
    return checked


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _cell(field: str, value: Any) -> Any:
    """A cell as the body model takes it: dates as dates, the source by its Chinese or English name, text trimmed."""
    if field == "discovered_at":
        if isinstance(value, datetime):
            return value.date()
        return value if isinstance(value, date) else _text(value)
    if field == "source":
        text = _text(value)
        return next((s.value for s in Source if text in (s.value, SOURCE_ZH[s])), text)
    return _text(value)
