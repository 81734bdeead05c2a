"""Writing spreadsheet cells safely: the one helper every .xlsx the system writes goes through.

Text from users (a hazard's title, an enterprise's name) could start with `=`, `+`, `-`, `@`, a tab or a
carriage return, which Excel and WPS read as a formula (`=HYPERLINK("http://evil")`, DDE payloads). Every
text cell is stored as a string (`data_type = "s"`, never `"f"`), and one that starts with such a character is
also marked quote-prefixed, the way Excel marks text typed after a `'`: it shows exactly as written, and
stays text when someone edits the cell. Characters XML cannot carry are dropped rather than failing the file.
"""

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def clean(value: Any) -> Any:
    """Text without the characters XML cannot carry; anything else as it is."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def as_text(cell: Cell) -> None:
    """Keep a cell holding text as text: never a formula (quote-prefixed when it looks like one)."""
    if isinstance(cell.value, str):
        cell.data_type = "s"  # assigning a text that starts with "=" made it a formula: undo that
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def write_cell(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Put `value` into the cell at (`row`, `column`); text never becomes a formula."""
    cell = sheet.cell(row=row, column=column)
    cell.value = clean(value)
    as_text(cell)
    return cell


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """`sheet.append(values)`, each text kept as text."""
    sheet.append([clean(v) for v in values])
    for cell in sheet[sheet.max_row]:
        as_text(cell)


def ledger_workbook(headers: Sequence[str], rows: Iterable[Iterable[Any]], widths: Sequence[int] = ()) -> bytes:
    """A rectification ledger (整改台账) as an .xlsx: one sheet, its `headers` bold and frozen, then `rows`;
    `widths` sets the first columns' widths."""
    book = Workbook()
    sheet = book.active
    sheet.title = "整改台账"
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        append_row(sheet, values)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
