"""The appendix as an Excel sheet that prints like the document.

A4 landscape at 100 %: the columns are sized to the page's text width (297 − 20 − 10 mm), so
the table prints at its own 12 pt, never shrunk to fit; the header row repeats on every page,
the page number is at the top centre from page 2 (ГОСТ Р 7.0.97-2025), margins 20/10/20/20 mm.
Every cell names its font (Times New Roman, as the DOCX), the workbook's default font too, so
that Excel and LibreOffice measure the columns alike.

Rows of wrapped text are never fixed by hand. Excel fits a row without a stored height when it
opens the file; LibreOffice does not (it keeps the default 15 pt, and the lines run over the
next rows), nor does Excel fit a merged row. So each row carries a first height, counted with
the font's own metrics (Liberation Serif, metric-compatible with Times New Roman) and a line
to spare, and is marked automatic (no customHeight): both applications print it whole and refit
it when its text is edited.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.dimensions import RowDimension

from core.xlsx.writer import set_cell
from roadmap.documents.content import TABLE_HEADERS, build_document, keep_together
from roadmap.documents.docx_export import property_text

SHEET_TITLE = "Приложение"
FONT_NAME = "Times New Roman"  # as the DOCX; LibreOffice sets it in Liberation Serif
TABLE_SIZE = 12
TITLE_SIZE = 14
BODY = Font(name=FONT_NAME, size=TABLE_SIZE)
BOLD = Font(name=FONT_NAME, size=TABLE_SIZE, bold=True)
TITLE = Font(name=FONT_NAME, size=TITLE_SIZE, bold=True)
# Column widths in characters of the default font (Times New Roman 12 pt: a digit is 8 px at
# 96 dpi): 126 characters are the 267 mm between the margins of A4 landscape, shared as the
# PDF's columns (7/38/15/17/23 %).
WIDTHS = (9, 48, 19, 21, 29)
LAST_COLUMN = get_column_letter(len(TABLE_HEADERS))
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
MM_PER_INCH = 25.4
FONT_FILES = {False: "LiberationSerif-Regular.ttf", True: "LiberationSerif-Bold.ttf"}
CELL_PADDING_PX = 5  # Excel's cell margins and grid line inside a column's width
LINE_PT = 15.75  # Excel's line of Times New Roman 12 pt (LibreOffice's is lower)
MARGINS_MM = {"left": 20, "right": 10, "top": 20, "bottom": 20, "header": 10, "footer": 10}


def document_workbook(font: Font = BODY) -> Workbook:
    """A workbook whose default font (the «Обычный» style) is ``font``, not Calibri 11.

    Column widths are counted in the default font's digits, and unstyled cells use it: with a
    serif default the sheet measures and prints alike in Excel and in LibreOffice. openpyxl
    keeps the default as the first of the workbook's fonts; nothing is styled yet here.
    """
    book = Workbook()
    book._fonts = IndexedList([font])
    return book


class FittedRow(RowDimension):
    """A row with a height worked out here but not set by hand: no customHeight, so Excel and
    LibreOffice keep sizing it to its text (as a row they fitted themselves)."""

    @property
    def customHeight(self):
        return False


@lru_cache(maxsize=4)
def _font(bold: bool, size: float):
    from PIL import ImageFont  # Pillow, which WeasyPrint uses too

    path = Path(settings.BASE_DIR) / "static" / "fonts" / "liberation-serif" / FONT_FILES[bold]
    return ImageFont.truetype(str(path), size=size)


def digit_px(size: float) -> int:
    """A digit's width in pixels at 96 dpi for Times New Roman of ``size`` pt (half an em):
    the unit of the column widths when that is the workbook's default font."""
    return round(size * 96 / 72 / 2)


def text_lines(
    text: str, width: float, *, size: float = TABLE_SIZE, bold=False, default: float = TABLE_SIZE
) -> int:
    """How many lines ``text`` takes in a column ``width`` characters (of the ``default`` font
    size's digits) wide, wrapped at spaces (not at the non-breaking ones) as a spreadsheet
    wraps it; a word too long for the column is cut."""
    font = _font(bold, size)
    room = max(1.0, (width * digit_px(default) - CELL_PADDING_PX) * 0.75)  # points
    lines = 0
    for paragraph in str(text or "").split("\n"):
        line = ""
        count = 1
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if font.getlength(candidate) <= room or not line:
                line = candidate
            else:
                count += 1
                line = word
            while font.getlength(line) > room and len(line) > 1:  # cut a word too long
                count += math.ceil(font.getlength(line) / room) - 1
                line = ""
        lines += count
    return max(1, lines)


def fit_row(
    sheet, row: int, cells, *, size: float = TABLE_SIZE, bold=False, default=TABLE_SIZE
) -> None:
    """Give ``row`` the height of its tallest cell; ``cells`` are (text, width) pairs."""
    lines = max(
        text_lines(text, width, size=size, bold=bold, default=default) for text, width in cells
    )
    height = round(lines * LINE_PT * size / TABLE_SIZE + 3, 2)
    sheet.row_dimensions[row] = FittedRow(sheet, index=row, ht=height)


def paginate(
    sheet,
    header_row: int,
    *,
    header_top: int | None = None,
    keep_with_next=(),
    landscape: bool = True,
) -> None:
    """Page breaks of our own, as the PDF's: a row in ``keep_with_next`` (a section heading)
    stays with the row after it, the last row never stands alone, and every page is filled
    to 94 % at most of its height. The header rows (``header_top`` to ``header_row``) repeat
    on every page.

    The margin of the pages keeps both applications from breaking anywhere else; LibreOffice
    needs it (left to break a table with a repeated header row itself, it may drop the last
    page), Excel honours the breaks as they are.
    """
    from openpyxl.worksheet.pagebreak import Break, RowBreak

    page_mm = (210 if landscape else 297) - MARGINS_MM["top"] - MARGINS_MM["bottom"]
    room = page_mm / MM_PER_INCH * 72 * 0.94  # points

    def height(row: int) -> float:
        return sheet.row_dimensions[row].height or LINE_PT

    header = sum(height(r) for r in range(header_top or header_row, header_row + 1))
    last = sheet.max_row
    # Blocks of rows printed on one page: a heading with the row after it, the last two rows.
    blocks, row = [], header_row + 1
    while row <= last:
        block = [row]
        while (block[-1] in keep_with_next or block[-1] == last - 1) and block[-1] < last:
            block.append(block[-1] + 1)
        blocks.append(block)
        row = block[-1] + 1
    breaks = RowBreak()
    used = sum(height(r) for r in range(1, header_row + 1))
    for block in blocks:
        needed = sum(height(r) for r in block)
        if used + needed > room and used > header:
            breaks.append(Break(id=block[0] - 1))  # a break after the row before the block
            used = header
        used += needed
    sheet.row_breaks = breaks


def page_room(size: float = TABLE_SIZE, *, landscape: bool = True) -> float:
    """The text width of an A4 page between the margins, in characters of ``size`` pt.

    Excel rounds a digit to whole pixels (7 px at 11 pt), LibreOffice does not (7.33 px): the
    wider one is taken, so that the columns fit the page in both."""
    page = (297 if landscape else 210) - MARGINS_MM["left"] - MARGINS_MM["right"]
    return page / MM_PER_INCH * 96 / max(digit_px(size), size * 96 / 72 / 2)


def fitted_widths(widths, *, size: float = TABLE_SIZE, least: float = 7) -> list[float]:
    """Column widths narrowed in proportion so that the sheet prints on the page's width at
    100 %: its text wraps more and keeps its size. No column gets narrower than ``least``
    characters or than half its own width; a sheet that cannot be that narrow prints over
    several pages (`print_setup`)."""
    room = page_room(size)
    if sum(widths) <= room:
        return list(widths)
    floors = [min(width, max(least, width / 2)) for width in widths]
    fixed: dict[int, float] = {}  # columns already at their floor
    scale = 0.0
    while True:
        free = [i for i in range(len(widths)) if i not in fixed]
        left = room - sum(fixed.values())
        scale = left / sum(widths[i] for i in free) if free and left > 0 else 0.0
        narrow = [i for i in free if widths[i] * scale < floors[i]]
        if not narrow:
            break
        fixed.update({i: floors[i] for i in narrow})
    return [fixed.get(i, round(w * scale - 0.05, 1)) for i, w in enumerate(widths)]


def print_setup(
    sheet,
    *,
    header_rows: str | None = None,
    orientation: str = "landscape",
    widths=None,
    size: float = TABLE_SIZE,
    title_columns: str | None = None,
):
    """A4 at 100 % (never shrunk to fit: a 12 pt table fitted to the width printed at 7.5 pt),
    margins 20/10/20/20 mm, the page number at the top centre from page 2. A sheet wider than
    the page (``widths`` in characters) prints over several pages, ``title_columns`` repeated
    on each."""
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = orientation
    setup.scale = 100
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    too_wide = widths is not None and sum(widths) > page_room(size)
    if too_wide and title_columns:
        sheet.print_title_cols = title_columns
    margins = sheet.page_margins
    for side, millimetres in MARGINS_MM.items():
        setattr(margins, side, round(millimetres / MM_PER_INCH, 3))
    sheet.HeaderFooter.differentFirst = True
    sheet.oddHeader.center.text = "&P"
    sheet.oddHeader.center.font = f"{FONT_NAME},Regular"
    sheet.oddHeader.center.size = max(size, 12)
    if header_rows:
        sheet.print_title_rows = header_rows


def export_xlsx(roadmap, wording=None) -> bytes:
    """``wording``: as `build_document` takes it (the current one by default)."""
    doc = build_document(roadmap, wording)
    book = document_workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width

    # The appendix mark, top right: in the last column, wrapped there (narrower than 8 cm).
    row = 1
    for line in doc.appendix_mark_lines:
        cell = sheet.cell(row=row, column=len(WIDTHS))
        set_cell(cell, line)
        cell.font = BODY
        cell.alignment = WRAP_TOP
        fit_row(sheet, row, [(line, WIDTHS[-1])])
        row += 1
    row += bool(doc.appendix_mark_lines)
    cell = _merged(sheet, row, doc.roadmap_title, TITLE)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    fit_row(sheet, row, [(doc.roadmap_title, sum(WIDTHS))], size=TITLE_SIZE, bold=True)
    header_row = row + 2

    for column, text in enumerate(TABLE_HEADERS, start=1):
        cell = sheet.cell(row=header_row, column=column)
        set_cell(cell, keep_together(text))
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    headers = [keep_together(text) for text in TABLE_HEADERS]
    fit_row(sheet, header_row, list(zip(headers, WIDTHS, strict=True)), bold=True)

    row = header_row
    headings = set()
    for section in doc.sections:
        row += 1
        headings.add(row)
        for column in range(1, len(TABLE_HEADERS) + 1):
            sheet.cell(row=row, column=column).border = BORDER
        cell = _merged(sheet, row, section.heading, BOLD)
        cell.alignment = WRAP_TOP
        fit_row(sheet, row, [(section.heading, sum(WIDTHS))], bold=True)
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
                cell.font = BODY
                cell.border = BORDER
                cell.alignment = WRAP_TOP
            fit_row(sheet, row, list(zip(values, WIDTHS, strict=True)))

    sheet.freeze_panes = f"A{header_row + 1}"
    print_setup(sheet, header_rows=f"{header_row}:{header_row}", widths=WIDTHS)
    paginate(sheet, header_row, keep_with_next=headings)

    book.properties.title = property_text(doc.roadmap_title)
    book.properties.language = "ru-RU"
    book.properties.creator = ""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _merged(sheet, row: int, text: str, font: Font):
    cell = sheet.cell(row=row, column=1)
    set_cell(cell, text)
    cell.font = font
    sheet.merge_cells(f"A{row}:{LAST_COLUMN}{row}")
    return cell
