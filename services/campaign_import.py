"""Importing a campaign's hazard list (问题隐患清单, `POST /campaigns/{id}/import`) from an .xlsx in the ledger's
columns (`services/campaign_ledger.py`).

Every row is checked as `POST /hazards` would check it (the body model, the region, the enterprise, the caller's
jurisdiction, the campaign's scope). A dry run answers each row (`valid` or `refused` with the refusal) and writes
nothing; a real run reports each valid row as a hazard tagged with the campaign. It is idempotent: a row whose
hazard is already tagged with the campaign (the same title, enterprise and region; or its 隐患编号) answers
`existing`, so the same file twice creates nothing new.
"""

import asyncio
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from anyio import from_thread
from openpyxl import load_workbook
from pydantic import ValidationError
from sqlmodel import Session
from temporalio.client import Client

from core.policies import PolicyRegistry
from core.settings import Settings
from models.enums import Source
from models.hazard import HazardStart
from services import campaigns as campaign_service
from services import gateway
from services import hazards as hazard_service
from services.campaign_ledger import (
    BATCH,
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    SOURCE_ZH,
    ImportResult,
    RowResult,
)
from services.errors import ApiError, refused, role_refused, validation_detail
from services.hazards import REPORTER_ROLES
from services.principal import Principal
from services.schemas import HazardCreate
from store import campaigns, hazards

# --- the import -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    row: int
    body: HazardCreate | None
    result: RowResult | None  # decided already: refused or existing


def import_hazards(*, session: Session, principal: Principal, campaign_id: str, data: bytes, dry_run: bool,
                   settings: Settings, client: Client, policies: PolicyRegistry) -> ImportResult:
    campaign_service.visible_row(session, campaign_id, principal)
    if principal.actor.role not in REPORTER_ROLES:  # who may not report a hazard parses no workbook either
        raise role_refused(principal.actor.role, REPORTER_ROLES, "report a hazard", "登记隐患")
    checked = check_rows(session, principal, campaign_id, read_rows(data), policies, settings)
    results: list[RowResult | None] = []
    first_of: dict[tuple[str, str, str], int] = {}  # a hazard's first row in the file (its later rows: `existing`)
    repeats: dict[int, int] = {}  # a repeated row's place → its first row's place
    to_report: list[tuple[int, Checked]] = []
    for item in checked:
        if item.result is not None or item.body is None:
            results.append(item.result or RowResult(row=item.row, status="refused"))
            continue
        key = (item.body.title, item.body.enterprise_uscc, item.body.region_code)
        if key in first_of:
            repeats[len(results)] = first_of[key]
            results.append(RowResult(row=item.row, status="existing"))
            continue
        first_of[key] = len(results)
        if dry_run:
            results.append(RowResult(row=item.row, status="valid"))
            continue
        results.append(None)
        to_report.append((len(results) - 1, item))
    reported = report_rows(session, principal, campaign_id, [item for _, item in to_report], settings, client, policies)
    for (index, _), result in zip(to_report, reported, strict=True):
        results[index] = result
    final = [r for r in results if r is not None]
    for index, first in repeats.items():  # a repeated row names its first row's hazard
        final[index].code = final[first].code
    count = {s: sum(1 for r in final if r.status == s) for s in ("valid", "created", "existing", "refused", "accepted")}
    return ImportResult(dry_run=dry_run, total=len(final), valid=count["valid"] + count["created"] + count["accepted"],
                        created=count["created"] + count["accepted"], existing=count["existing"], refused=count["refused"],
                        rows=final)


def report_rows(session: Session, principal: Principal, campaign_id: str, items: list[Checked], settings: Settings,
                client: Client, policies: PolicyRegistry) -> list[RowResult]:
    """The real run: each row's code claimed in the database (its idempotency key: the campaign and the row's
    hazard), then the workflows started `BATCH` at a time, each answering once its report is projected; a row
    whose code another workflow holds, or whose start failed, goes through `report_hazard` alone."""
    policy = policies.latest(settings.policy)
    claimed: list[tuple[Checked, HazardStart | None, bool, RowResult | None]] = []
    for item in items:
        assert item.body is not None
        try:
            begun = hazard_service.hazard_start(session, principal, item.body, policy)
            code, replay = hazard_service.claim_code(session, principal, item.body, begun, row_key(campaign_id, item.body))
        except ApiError as error:
            claimed.append((item, None, False, RowResult(row=item.row, status="refused", detail=error.detail)))
            continue
        claimed.append((item, begun.model_copy(update={"code": code}), replay, None))
    starts = [start for _, start, _, _ in claimed if start is not None]
    answers = iter(from_thread.run(start_all, client, starts, settings.temporal_task_queue))
    results = []
    for item, start, replay, earlier in claimed:
        if start is None:
            results.append(earlier or RowResult(row=item.row, status="refused"))
            continue
        answer = next(answers)
        if isinstance(answer, tuple) and answer[0]:
            status = "existing" if replay else ("created" if answer[1] else "accepted")
            results.append(RowResult(row=item.row, status=status, code=start.code))
        else:
            results.append(_report(session, principal, campaign_id, item, settings, client, policies))
    session.expire_all()
    return results


async def start_all(client: Client, starts: list[HazardStart], task_queue: str) -> list[tuple[bool, bool] | BaseException]:
    gate = asyncio.Semaphore(BATCH)

    async def one(start: HazardStart) -> tuple[bool, bool] | BaseException:
        async with gate:
            try:
                return await gateway.report_hazard(client, start, task_queue, hazard_service.PROJECTION_WAIT_SECONDS)
            except Exception as error:  # noqa: BLE001 - this row goes through report_hazard alone
                return error

    return list(await asyncio.gather(*(one(s) for s in starts)))


def row_key(campaign_id: str, body: HazardCreate) -> str:
    """The idempotency key of an imported row: its campaign and its hazard (title, enterprise, region)."""
    digest = hashlib.sha256(f"{campaign_id}|{body.title}|{body.enterprise_uscc}|{body.region_code}".encode()).hexdigest()
    return f"campaign-import:{digest}"


def _report(session: Session, principal: Principal, campaign_id: str, item: Checked, settings: Settings, client: Client,
            policies: PolicyRegistry) -> RowResult:
    assert item.body is not None
    try:
        reported = hazard_service.report_hazard(session=session, principal=principal, body=item.body, settings=settings,
                                                client=client, policies=policies, idempotency_key=row_key(campaign_id, item.body))
    except ApiError as error:
        return RowResult(row=item.row, status="refused", detail=error.detail)
    status = "accepted" if reported.row is None else ("existing" if reported.replay else "created")
    return RowResult(row=item.row, status=status, code=reported.code)


MAX_UNPACKED = 100 * 1024 * 1024  # what the workbook's parts may inflate to, all together
MAX_RATIO = 100  # and how much more than their compressed size (a zip bomb inflates thousands of times)
MAX_COLUMNS = 64  # the ledger has 13; a header wider than this is no ledger


def check_container(data: bytes) -> None:
    """Refuse before parsing what would cost more to open than a ledger can: an .xlsx is a zip, and a crafted
    one inflates to gigabytes from a few kilobytes."""
    if len(data) > MAX_BYTES:
        raise refused(422, "file_too_large", "file", mb=MAX_BYTES // 2**20)
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        raise refused(422, "not_a_workbook", "file") from None
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
        raise refused(422, "file_too_large", "file", mb=MAX_BYTES // 2**20)


def read_rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The sheet's rows as {field: value}, by the header's column names (in any order). The sheet's own claims
    (its `<dimension>`) are not trusted: columns are read as far as the header goes, and every row counts
    towards the limit, empty or not."""
    check_container(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - whatever openpyxl raises, it is no workbook
        raise refused(422, "not_a_workbook", "file") from None
    sheet = book.worksheets[0]
    sheet.reset_dimensions()  # a crafted `<dimension ref="A1:XFD1048576">` would pad every row to 16,384 cells
    first = next(sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True), ())
    header = [str(v).strip() if v is not None else "" for v in first]
    while header and header[-1] == "":
        header.pop()
    lines = sheet.iter_rows(min_row=2, max_col=max(1, len(header)), values_only=True)
    named = {name: field for name, field in COLUMNS if field is not None}
    fields = {i: named[name] for i, name in enumerate(header) if name in named}
    missing = [name for name, f in COLUMNS if f in ("title", "enterprise_uscc", "region_code", "industry", "discovered_at")
               and name not in header]
    if missing:
        raise refused(422, "missing_columns", "file", columns_zh="、".join(missing), columns=", ".join(missing))
    rows = []
    for number, values in enumerate(lines, start=2):
        if number > MAX_ROWS * 2:  # empty rows count too: a million of them is no ledger
            raise refused(422, "too_many_rows", "file", limit=MAX_ROWS)
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((number, {f: values[i] for i, f in fields.items() if i < len(values)}))
        if len(rows) > MAX_ROWS:
            raise refused(422, "too_many_rows", "file", limit=MAX_ROWS)
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
