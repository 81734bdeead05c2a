"""Bench 6: a campaign's hazard list imported from an .xlsx (`POST /api/v1/campaigns/{id}/import`): a 5,000-row file
checked in a dry run, the real run that reports each row as a tagged hazard, and the same file again (nothing new).

The real run reports its rows one after another through the same path as `POST /hazards` (update-with-start, the
answer once projected); `DUBAN_BENCH_IMPORT_REAL` (default: all rows) limits how many rows of the file the real run
and the re-run take, for a short run on a shared machine."""

import io
import time
from datetime import datetime, timedelta

import httpx
from openpyxl import Workbook

from bench.stack import Stack, env_int, token
from core.spreadsheet import append_row
from models.base import china_date
from services.campaign_ledger import HEADERS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def hazard_list(n: int) -> bytes:
    """`n` rows in the ledger's columns, every one valid and distinct."""
    book = Workbook(write_only=False)
    sheet = book.active
    append_row(sheet, HEADERS)
    found = (china_date(datetime.now().astimezone()) - timedelta(days=1)).isoformat()
    index = {name: i for i, name in enumerate(HEADERS)}
    for i in range(n):
        row: list[object] = [None] * len(HEADERS)
        row[index["隐患名称"]] = f"专项整治压测隐患 {i:05d}"
        row[index["统一社会信用代码"]] = "91371702MA3C4G0R29"
        row[index["行政区划代码"]] = "371702"
        row[index["行业"]] = "危险化学品"
        row[index["发现日期"]] = found
        row[index["隐患描述"]] = "导入压测"
        append_row(sheet, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def bench_import(s: Stack, n: int) -> dict[str, float]:
    real = min(n, env_int("import_real", n))
    today = china_date(datetime.now().astimezone())
    async with httpx.AsyncClient(base_url=s.base_url, timeout=3600) as http:
        headers = await token(http, "county.supervisor")
        campaign = {"title": "压测专项整治", "region_code": "371702", "phases": [
            {"kind": "rectify", "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=60)).isoformat()}]}
        reply = await http.post("/api/v1/campaigns", json=campaign, headers=headers)
        assert reply.status_code == 201, reply.text
        path = f"/api/v1/campaigns/{reply.json()['id']}/import"
        whole, part = hazard_list(n), hazard_list(real)

        async def upload(data: bytes, dry_run: bool) -> tuple[float, dict[str, int]]:
            began = time.perf_counter()
            answer = await http.post(path, params={"dry_run": str(dry_run).lower()}, headers=headers,
                                     files={"file": ("list.xlsx", data, XLSX)})
            assert answer.status_code == 200, answer.text
            body = answer.json()
            return time.perf_counter() - began, {k: body[k] for k in ("valid", "created", "existing", "refused")}

        dry, dry_counts = await upload(whole, True)
        assert dry_counts["valid"] == n and dry_counts["refused"] == 0, dry_counts
        first, counts = await upload(part, False)
        assert counts["created"] == real, counts
        again, again_counts = await upload(part, False)
        assert again_counts["created"] == 0 and again_counts["existing"] == real, again_counts
    return {
        "dry run s": dry, "dry run rows/s": n / dry, "real run rows": float(real), "real run s": first,
        "real run rows/s": real / first, "same file again s": again, "same file again rows/s": real / again,
        "file KiB": len(whole) / 1024,
    }
