"""The appendix as an Excel sheet that prints like the document: A4 landscape, header repeated."""

from __future__ import annotations

import io
import math

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.xlsx.writer import set_cell
from roadmap.documents.content import TABLE_HEADERS, build_document
from roadmap.documents.docx_export import property_text

SHEET_TITLE = "Приложение"
WIDTHS = (8, 60, 22, 28, 40)
LAST_COLUMN = get_column_letter(len(TABLE_HEADERS))
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
LINE_HEIGHT = 15  # points per line of the default 11 pt font


def export_xlsx(roadmap) -> bytes:
    doc = build_document(roadmap)
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width

    row = 1
    for line in doc.appendix_mark_lines:
        _merged(sheet, row, line, Alignment(horizontal="right"))
        row += 1
    row += bool(doc.appendix_mark_lines)
    _merged(
        sheet,
        row,
        doc.roadmap_title,
        Alignment(horizontal="center", vertical="center", wrap_text=True),
        font=Font(bold=True, size=12),
    )
    # Bold 12 pt takes about a fifth more room than the 11 pt the estimate is made for.
    title_width = sum(WIDTHS) * 0.8
    sheet.row_dimensions[row].height = _height([doc.roadmap_title], [title_width], 18)
    header_row = row + 2

    for column, text in enumerate(TABLE_HEADERS, start=1):
        cell = sheet.cell(row=header_row, column=column)
        set_cell(cell, text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    row = header_row
    for section in doc.sections:
        row += 1
        for column in range(1, len(TABLE_HEADERS) + 1):
            sheet.cell(row=row, column=column).border = BORDER
        cell = sheet.cell(row=row, column=1)
        set_cell(cell, section.heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
        sheet.merge_cells(f"A{row}:{LAST_COLUMN}{row}")
        sheet.row_dimensions[row].height = _height([section.heading], [sum(WIDTHS)])
        for measure in section.measures:
            row += 1
            values = (
                measure.number,
                measure.title,
                measure.deadline,
                measure.responsible,
                measure.result,
            )
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column)
                set_cell(cell, value)
                cell.border = BORDER
                cell.alignment = WRAP_TOP
            sheet.row_dimensions[row].height = _height(values, WIDTHS)

    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    margins = sheet.page_margins
    margins.left, margins.right, margins.top, margins.bottom = 0.8, 0.4, 0.8, 0.8
    margins.header = margins.footer = 0.3
    sheet.oddHeader.center.text = "&P"  # the page number at the top, as in the DOCX
    sheet.print_options.horizontalCentered = True

    book.properties.title = property_text(doc.roadmap_title)
    book.properties.language = "ru-RU"
    book.properties.creator = ""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _merged(sheet, row: int, text: str, alignment: Alignment, font: Font | None = None) -> None:
    cell = sheet.cell(row=row, column=1)
    set_cell(cell, text)
    cell.alignment = alignment
    if font is not None:
        cell.font = font
    sheet.merge_cells(f"A{row}:{LAST_COLUMN}{row}")


def _height(values, widths, line_height: float = LINE_HEIGHT) -> float:
    """Excel does not fit merged or wrapped rows on opening: estimate the lines, a little high."""
    lines = 1
    for value, width in zip(values, widths, strict=True):
        per_line = max(1, int(width * 1.05))
        count = sum(max(1, math.ceil(len(part) / per_line)) for part in str(value).split("\n"))
        lines = max(lines, count)
    return lines * line_height + 4
