"""Roadmap files built the way schools and municipalities build them, for import tests.

Word: an «УТВЕРЖДАЮ» block, the title, a table split at a page break into a second table (with
the header repeated, or without it), section rows merged across, cells merged down (one
deadline or party for several measures, or one measure over two rows), the «1 2 3 4 5» row.
Excel: lines above the header, sections merged across, cells merged down, a second sheet.

A row is a ``str`` (a section row merged across the table) or a sequence of cell texts; a cell
text with line breaks becomes one paragraph per line in Word and a wrapped cell in Excel.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook
from openpyxl.styles import Alignment

HEADER = (
    "№ п/п",
    "Наименование мероприятий",
    "Срок реализации",
    "Ответственный исполнитель",
    "Результат",
)
APPROVAL = (
    "УТВЕРЖДАЮ",
    "Директор МБОУ «СОШ № 1 г. Аргун»",
    "____________ А.А. Ахмадова",
    "«30» августа 2021 г.",
)
TITLE_2021 = (
    "План мероприятий (дорожная карта)",
    "по внедрению целевой модели наставничества в МБОУ «СОШ № 1 г. Аргун»",
    "на 2021–2022 учебный год",
)

Row = str | Sequence[str]


@dataclass
class Table:
    """One table of a Word document (or one sheet of a workbook)."""

    rows: list[Row]
    header: Sequence[str] | None = HEADER  # None: a continuation that repeats no header
    column_numbers: bool = False  # the «1 2 3 4 5» row under the header
    # (column, first row, last row) over ``rows`` indices: cells merged down; the text is the
    # first row's, the others are left empty as Word and Excel keep them
    merge_down: list[tuple[int, int, int]] = field(default_factory=list)
    sheet_title: str = ""


def docx_document(
    *tables: Table,
    approval: Sequence[str] = (),
    title: Sequence[str] = TITLE_2021,
    between: Sequence[str] = (),
    after: Sequence[str] = (),
) -> bytes:
    """The appendix as a Word document: approval block, title, tables one after another."""
    document = Document()
    for line in approval:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if approval:
        document.add_paragraph("")
    for line in title:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for index, table in enumerate(tables):
        if index:
            for line in between:
                document.add_paragraph(line)
        _docx_table(document, table)
    for line in after:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document, spec: Table) -> None:
    width = len(spec.header or HEADER)
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    lead = []
    if spec.header is not None:
        lead.append(list(spec.header))
        if spec.column_numbers:
            lead.append([str(i) for i in range(1, width + 1)])
    for cells in [*lead, *spec.rows]:
        row = table.add_row()
        if isinstance(cells, str):
            _fill(row.cells[0].merge(row.cells[-1]), cells)
            continue
        for cell, text in zip(row.cells, cells, strict=False):
            _fill(cell, text)
    first = len(lead)
    for column, top, bottom in spec.merge_down:
        for index in range(top + 1, bottom + 1):
            table.rows[first + index].cells[column].text = ""
        table.cell(first + top, column).merge(table.cell(first + bottom, column))


def _fill(cell, text: str) -> None:
    first, *rest = text.split("\n")
    cell.text = first
    for line in rest:
        cell.add_paragraph(line)


def xlsx_workbook(*sheets: Table, above: Sequence[str] = TITLE_2021) -> bytes:
    """The appendix as a workbook: lines above the header on the first sheet, sections
    merged across, cells merged down; every further table on a sheet of its own."""
    book = Workbook()
    for index, spec in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = spec.sheet_title or f"Лист{index + 1}"
        width = len(spec.header or HEADER)
        lead: list[list] = []
        if index == 0:
            lead += [[line] for line in above] + [[]]
        if spec.header is not None:
            lead.append(list(spec.header))
            if spec.column_numbers:
                lead.append(list(range(1, width + 1)))
        for row, cells in enumerate(lead, start=1):
            for column, value in enumerate(cells, start=1):
                sheet.cell(row, column, value)
        first = len(lead) + 1
        for offset, cells in enumerate(spec.rows):
            row = first + offset
            if isinstance(cells, str):
                sheet.cell(row, 1, cells)
                sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
                continue
            for column, text in enumerate(cells, start=1):
                cell = sheet.cell(row, column, text or None)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for column, top, bottom in spec.merge_down:
            for index_ in range(top + 1, bottom + 1):
                sheet.cell(first + index_, column + 1).value = None
            sheet.merge_cells(
                start_row=first + top,
                start_column=column + 1,
                end_row=first + bottom,
                end_column=column + 1,
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- a school's roadmap for 2021-2022: 3 sections, 21 measures --------------------------------

SECTIONS = [
    (
        "I",
        "Нормативно-правовое обеспечение внедрения целевой модели наставничества",
        [
            ("Издание приказа о внедрении целевой модели наставничества", "Сентябрь 2021 г."),
            ("Назначение куратора внедрения целевой модели наставничества", "сентябрь 2021 г."),
            ("Разработка и утверждение положения о наставничестве", "Сентябрь-октябрь 2021 г."),
            ("Утверждение дорожной карты внедрения ЦМН", "октябрь 2021 г."),
            ("Разработка программы наставничества", "октябрь 2021 г."),
            ("Согласование программы с организациями-партнёрами", "ноябрь 2021 г."),
            ("Размещение документов на официальном сайте ОО", "в течение года"),
        ],
    ),
    (
        "II",
        "Формирование баз наставников и наставляемых",
        [
            ("Анкетирование обучающихся и педагогов", "октябрь 2021 г."),
            ("Формирование базы наставляемых", "ноябрь 2021 г."),
            ("Формирование базы наставников", "ноябрь 2021 г."),
            ("Формирование наставнических пар и групп", "декабрь 2021 г."),
            ("Обучение наставников", "январь - февраль 2022 г."),
            ("Мониторинг работы наставнических пар", "ежемесячно"),
            ("Отчёт о ходе реализации программы", "ежеквартально"),
        ],
    ),
    (
        "III",
        "Мониторинг и оценка результатов",
        [
            ("Проведение промежуточной диагностики", "декабрь 2021 г."),
            ("Анализ результатов наставничества за полугодие", "январь 2022 г."),
            ("Итоговое анкетирование участников", "апрель 2022 г."),
            ("Подготовка отчёта о реализации ЦМН", "май 2022 г."),
            ("Проведение итогового мероприятия «Лучший наставник»", "май 2022 г."),
            ("Размещение отчёта на сайте ОО", "май 2022 г."),
            ("Внесение изменений в программу наставничества", "май 2022 г."),
        ],
    ),
]
RESPONSIBLE = ("Директор школы", "Куратор ЦМН", "Заместитель директора по УВР")
RESULT = ("Приказ", "Протокол", "Отчёт")


def school_rows(*, numbering: str = "dotted", roman: bool = True) -> list[Row]:
    """The 21-measure roadmap as rows: ``numbering`` "dotted" (1.1.) or "restart" (1, 2, 3…)."""
    rows: list[Row] = []
    for section_index, (roman_number, title, measures) in enumerate(SECTIONS, start=1):
        rows.append(f"{roman_number if roman else section_index}. {title}")
        for index, (text, deadline) in enumerate(measures, start=1):
            number = f"{section_index}.{index}." if numbering == "dotted" else str(index)
            rows.append((number, text, deadline, RESPONSIBLE[index % 3], RESULT[index % 3]))
    return rows


def school_measures() -> list[tuple[str, str, str]]:
    """(number, title, deadline) of every measure, as the draft must have them."""
    return [
        (f"{s}.{m}", text, deadline)
        for s, (_, _, measures) in enumerate(SECTIONS, start=1)
        for m, (text, deadline) in enumerate(measures, start=1)
    ]


def split(rows: list[Row], *at: int) -> list[list[Row]]:
    """The rows cut where page breaks fell."""
    bounds = [0, *at, len(rows)]
    return [rows[a:b] for a, b in pairwise(bounds)]
