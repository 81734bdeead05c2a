"""A campaign's two-way spreadsheet: the rectification ledger (整改台账, `GET /campaigns/{id}/ledger.xlsx`), its
columns, and the shapes of an import's answer (the import itself: `services/campaign_import.py`).
"""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from core.spreadsheet import ledger_workbook
from domain.transitions import STATUS_ZH
from models import labels
from models.base import CHINA_TZ, china_date
from models.enums import HazardLevel, HazardStatus, Source
from models.labels import zh
from models.tables import HazardRow
from services import campaigns as campaign_service
from services.principal import Principal
from services.schemas import ErrorDetail
from store import hazards
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
SOURCE_ZH = zh(labels.SOURCE)
LEVEL_ZH = zh(labels.HAZARD_LEVEL)
MAX_ROWS = 10_000
MAX_BYTES = 20 * 1024 * 1024
EXPORT_LIMIT = 100_000
BATCH = 8  # workflows started at once by a real run
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RowResult(BaseModel):
    row: int  # the sheet's row number (the header is row 1)
    status: str  # valid (dry run) | created | existing | refused | accepted (recorded shortly)
    code: str | None = None
    detail: ErrorDetail | None = None  # why it was refused


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
    return ledger_workbook(HEADERS, (_ledger_row(row) for row in rows))


def _ledger_row(row: HazardRow) -> tuple[Any, ...]:
    facts = json.loads(row.state_json).get("facts") or {}
    return (
        row.code, row.title, row.enterprise_uscc, row.enterprise_name, row.region_code,
        ((facts.get("region_path") or [{}])[-1]).get("name", row.region_code), row.industry,
        SOURCE_ZH.get(Source(row.source), row.source), _day_of(facts.get("discovered_at")), facts.get("description", ""),
        facts.get("location", ""), LEVEL_ZH[HazardLevel(row.level)] if row.level else "", STATUS_ZH[HazardStatus(row.status)],
        china_date(row.deadline - timedelta(seconds=1)).isoformat() if row.deadline else "",
        "是" if row.overdue else "否", _local(row.reported_at),
    )


def _day_of(text: str | None) -> str:
    return china_date(datetime.fromisoformat(text)).isoformat() if text else ""


def _local(value: datetime | None) -> str:
    if value is None:
        return ""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return aware.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


