"""A workbook is checked before it is believed: a crafted sheet claiming a million rows and 16,384 columns, or a
zip that inflates a thousandfold, is refused in moments, not after minutes of parsing."""

import io
import re
import time
import zipfile

import pytest
from openpyxl import Workbook

from services.campaign_import import read_rows
from services.campaign_ledger import HEADERS
from services.errors import ApiError


def workbook(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewritten(data: bytes, change: dict[str, str]) -> bytes:
    """The workbook with its first sheet's XML rewritten (pattern → replacement)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = part.decode()
                for pattern, replacement in change.items():
                    text = re.sub(pattern, replacement, text)
                part = text.encode()
            target.writestr(item, part)
    return out.getvalue()


def refused_quickly(data: bytes) -> str:
    started = time.perf_counter()
    with pytest.raises(ApiError) as refused:
        read_rows(data)
    assert time.perf_counter() - started < 2, "checked before it is believed"
    return str(refused.value.detail["code"])


def test_a_sheet_claiming_a_million_rows_and_every_column_is_refused_in_moments() -> None:
    plain = workbook([list(HEADERS), ["配电室未设置挡鼠板"] + [""] * (len(HEADERS) - 1)])
    last = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    crafted = rewritten(plain, {r'<dimension ref="[^"]*"/>': '<dimension ref="A1:XFD1048576"/>', "</sheetData>": last})
    assert len(crafted) < 10_000
    assert refused_quickly(crafted) == "too_many_rows"


def test_a_zip_that_inflates_a_thousandfold_is_refused_before_parsing() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * 50_000_000 + b">")
    assert refused_quickly(out.getvalue()) == "file_too_large"


def test_an_ordinary_ledger_still_reads() -> None:
    rows = read_rows(workbook([list(HEADERS), ["", "配电室未设置挡鼠板", "91371702MA3C4G0R29"]]))
    assert [(n, r["title"]) for n, r in rows] == [(2, "配电室未设置挡鼠板")]


def test_a_public_photo_larger_than_sixteen_megapixels_is_refused_from_its_header() -> None:
    from PIL import Image

    from security.image_metadata import PUBLIC_MAX_PIXELS, UnreadableImage, strip_metadata

    out = io.BytesIO()
    Image.new("1", (5000, 4000)).save(out, "PNG")  # 20 megapixels, a few kilobytes on the wire
    started = time.perf_counter()
    with pytest.raises(UnreadableImage):
        strip_metadata(out.getvalue(), PUBLIC_MAX_PIXELS)
    assert time.perf_counter() - started < 1
    assert strip_metadata(out.getvalue())  # a staff attachment of that size is still taken
