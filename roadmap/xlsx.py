"""Writing XLSX safely: text that looks like a formula stays text."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\x00")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def set_cell(cell: Cell, value) -> None:
    """Numbers and dates keep their type; a string is always stored as a string."""
    if isinstance(value, str):
        cell.value = value
        if value.startswith(FORMULA_PREFIXES):
            cell.data_type = "s"  # never a formula, whatever it starts with
    else:
        cell.value = value
    if isinstance(value, date):
        cell.number_format = "DD.MM.YYYY"


def table_workbook(
    title: str, headers: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int]
) -> bytes:
    """One sheet: a bold, frozen, repeated header row, borders, wrapped text."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column)
        set_cell(cell, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.border = BORDER
    for row_index, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=column)
            set_cell(cell, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = BORDER
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
