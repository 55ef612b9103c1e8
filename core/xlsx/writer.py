"""Writing XLSX: text that looks like a formula stays text, a simple table for printing, the
template of a sheet to fill in (hints, drop-downs, instructions) and a streamed export."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.plural import plural
from core.xlsx.spec import Column, SheetSpec, spaced_number

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


DATE_FORMAT = "DD.MM.YYYY"
TEXT_FORMAT = "@"
TEMPLATE_ROWS = 10_000  # rows covered by drop-downs and formats in the template
INLINE_LIST_MAX = 255  # Excel's limit for a list typed into a data validation
LISTS_SHEET = "Списки"
INSTRUCTION_SHEET = "Инструкция"

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E7EEF7")
EXAMPLE_FONT = Font(italic=True, color="666666")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")

# Characters that cannot be stored in XLSX (XML 1.0) at all.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What a sheet's title may not hold: Excel's reserved characters, and control characters
# (a line break or a tab in a tab's name) besides what XML cannot store.
SHEET_TITLE_FORBIDDEN = re.compile("[\\\\/?*\\[\\]:\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
SHEET_TITLE_MAX = 31


def clean_sheet_title(text: str) -> str:
    """The text with every character a sheet's title may not hold replaced by a space."""
    return SHEET_TITLE_FORBIDDEN.sub(" ", text)


def sheet_title(title: str) -> str:
    return clean_sheet_title(title).strip().strip("'")[:SHEET_TITLE_MAX].strip() or "Лист1"


def template_comment(text: str, *, width: int = 260, height: int = 110) -> Comment:
    """A header's hint, shown when the mouse is over it."""
    comment = Comment(text, "Шаблон")
    comment.width, comment.height = width, height
    return comment


def export_value(column: Column, value):
    """A python value as a cell can store it; odd objects become text, bools «да»/«нет»."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, datetime) and column.kind == "date":
        return value.date()
    if isinstance(value, str):
        return UNSTORABLE.sub("", value)
    if isinstance(value, (int, float, Decimal, date, time, timedelta)):
        return value
    return UNSTORABLE.sub("", str(value))


def hint(column: Column) -> str:
    parts = [column.help.strip()] if column.help.strip() else []
    if column.kind == "date":
        parts.append("Дата в формате ДД.ММ.ГГГГ, например 01.09.2010.")
    elif column.kind == "int":
        low, high = column.min_value, column.max_value
        if low is not None and high is not None:
            parts.append(f"Целое число от {low} до {high}.")
        elif low is not None:
            parts.append(f"Целое число не меньше {low}.")
        elif high is not None:
            parts.append(f"Целое число не больше {high}.")
        else:
            parts.append("Целое число.")
    elif column.kind == "choice":
        listed = "; ".join(column.choices)
        shown = f": {listed}" if len(listed) <= 200 else ""
        parts.append(f"Выберите значение из выпадающего списка{shown}.")
    elif column.kind == "bool":
        parts.append("«да» или «нет».")
    else:
        n = column.max_length
        parts.append(f"Текст, не более {n} {plural(n, 'символа', 'символов', 'символов')}.")
    if column.required:
        parts.append("Обязательное поле.")
    return " ".join(parts)


def style_header(cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = WRAP_TOP
    cell.border = BORDER


def list_formula(book: Workbook, options: tuple[str, ...], state: dict) -> str:
    """A drop-down's source: typed inline when short, else a column of the hidden «Списки»
    sheet (one column per list, shared by every sheet of the book; ``state`` keeps them)."""
    inline = ",".join(options)
    if len(inline) <= INLINE_LIST_MAX and not any("," in o or '"' in o for o in options):
        return f'"{inline}"'
    written = state.setdefault("written", {})
    if options not in written:
        lists = state.get("sheet")
        if lists is None:
            lists = state["sheet"] = book.create_sheet(LISTS_SHEET)
            lists.sheet_state = "hidden"
        column = len(written) + 1
        for row, option in enumerate(options, start=1):
            set_cell(lists.cell(row=row, column=column), option)
        letter = get_column_letter(column)
        written[options] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(options)}"
    return written[options]


def _add_list(book, sheet, letter: str, options: tuple[str, ...], state: dict) -> None:
    """A drop-down for the column."""
    validation = DataValidation(
        type="list",
        formula1=list_formula(book, options, state),
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Нет такого значения",
        error="Выберите значение из выпадающего списка.",
    )
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(validation)


def _instruction(sheet, spec: SheetSpec) -> None:
    lines = [
        f"Лист «{sheet_title(spec.title)}»: одна строка — одна запись. "
        "Первую строку с заголовками не меняйте; столбцы можно переставлять, "
        "лишние столбцы при загрузке не учитываются.",
        "Столбцы, отмеченные звёздочкой (*), обязательны: строка с пустой обязательной "
        "ячейкой не загрузится.",
        "Даты вводите в формате ДД.ММ.ГГГГ, например 01.09.2010.",
        "Где в ячейке есть выпадающий список, выберите значение из него.",
        "Формулы не принимаются: вводите сами значения.",
        "Строка 2 — образец заполнения. Замените её своими данными или удалите: "
        "если её оставить, она загрузится как обычная запись.",
        f"За один раз можно загрузить не более {spaced_number(TEMPLATE_ROWS)} строк; "
        "больший список разделите на несколько файлов.",
        "Сохраните файл в формате «Книга Excel (*.xlsx)».",
        "Если в файле найдутся ошибки, вы увидите их список с номерами строк и названиями "
        "столбцов; исправьте их и загрузите файл снова.",
    ]
    title = sheet.cell(row=1, column=1)
    set_cell(title, f"Как заполнить шаблон «{spec.title}»")
    title.font = Font(bold=True, size=14)
    for offset, line in enumerate(lines, start=1):
        set_cell(sheet.cell(row=offset + 2, column=1), f"{offset}.")
        cell = sheet.cell(row=offset + 2, column=2)
        set_cell(cell, line)
        cell.alignment = WRAP_TOP
    row = len(lines) + 4
    for index, text in enumerate(("Столбец", "Обязательный", "Что вводить"), start=1):
        cell = sheet.cell(row=row, column=index + 1)
        set_cell(cell, text)
        style_header(cell)
    for column in spec.columns:
        row += 1
        for index, text in enumerate(
            (column.header, "да" if column.required else "нет", hint(column)), start=2
        ):
            cell = sheet.cell(row=row, column=index)
            set_cell(cell, text)
            cell.alignment = WRAP_TOP
            cell.border = BORDER
    sheet.column_dimensions["A"].width = 4
    sheet.column_dimensions["B"].width = 90
    sheet.column_dimensions["C"].width = 14
    sheet.column_dimensions["D"].width = 60


def template_xlsx(spec: SheetSpec) -> bytes:
    """An empty form to fill in: headers with hints, an example row, drop-downs, instructions."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(spec.title)
    _instruction(book.create_sheet(INSTRUCTION_SHEET), spec)
    lists_state: dict = {}
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        set_cell(header, f"{column.header} *" if column.required else column.header)
        style_header(header)
        header.comment = template_comment(hint(column))
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.kind == "date":
            dimension.number_format = DATE_FORMAT
        elif column.kind in ("text", "choice", "bool"):
            dimension.number_format = TEXT_FORMAT  # Excel must not turn «9.1» into a date
        example = sheet.cell(row=2, column=index)
        set_cell(example, export_value(column, column.example if column.example != "" else None))
        example.font = EXAMPLE_FONT
        if column.kind != "int":
            example.number_format = DATE_FORMAT if column.kind == "date" else TEXT_FORMAT
        if column.kind == "choice":
            _add_list(book, sheet, letter, column.choices, lists_state)
        elif column.kind == "bool":
            _add_list(book, sheet, letter, ("да", "нет"), lists_state)
    sheet.freeze_panes = "A2"
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rows_xlsx(
    spec: SheetSpec, rows: Iterable[Mapping[str, object]], *, title: str | None = None
) -> bytes:
    """Export rows with the spec's headers, ready to print; streams, so large lists fit."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(title or spec.title))
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    headers = []
    for column in spec.columns:
        cell = WriteOnlyCell(sheet)
        set_cell(cell, column.header)
        style_header(cell)
        headers.append(cell)
    sheet.append(headers)
    for row in rows:
        cells = []
        for column in spec.columns:
            cell = WriteOnlyCell(sheet)
            set_cell(cell, export_value(column, row.get(column.key)))
            cell.alignment = WRAP_TOP
            cell.border = BORDER
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
