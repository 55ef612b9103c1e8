"""The municipal monitoring summary as files to send on: an XLSX workbook and a PDF.

Both are built from the same parts (`parts()`), so they always show the same figures: the
XLSX keeps numbers as numbers (shares as percentages with a number format) and text as text,
never as a formula; the PDF shows them the Russian way («4,0 %», «5,75», «31.01.2021»).
Only accepted reports are counted, as in `monitoring.summary`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.files import safe_filename
from core.xlsx.writer import set_cell
from monitoring import charts, indicators
from monitoring.models import IndicatorCode as C
from monitoring.summary import QuestionnaireBlock, Summary
from roadmap.documents.content import keep_together
from roadmap.documents.pdf import html_to_pdf
from roadmap.documents.xlsx_export import (
    FONT_NAME,
    document_workbook,
    fit_row,
    fitted_widths,
    paginate,
    print_setup,
)

TITLE = "Сводный отчёт о мониторинге реализации целевой модели наставничества"
NO_DATA = "Нет данных"
NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "—"
# The chart's own width in the PDF: drawn for 672 units over the 267 mm of text width, its
# smallest text (9 units) prints at 10 pt.
CHART_WIDTH = 672

# Kinds of cells: how a value is stored in the XLSX and shown in the PDF.
TEXT, INT, YEAR, PCT, NUM, SCORE, CHANGE = "text", "int", "year", "pct", "num", "score", "change"
NUMBER_FORMATS = {
    INT: "#,##0",
    YEAR: "0",
    PCT: "0.0%",
    SCORE: "0.00",
    CHANGE: "+0.00;-0.00;0.00",
}

SHORT_LABELS = {
    C.MENTORS: "Наставники",
    C.MENTEES: "Наставляемые",
    C.PAIRS: "Пары и группы",
    C.PUPILS_10_PLUS: "Обучающиеся 10 лет и старше",
    C.YOUNG_TEACHERS: "Педагоги до 35 лет, стаж до 3 лет",
    C.APPROVED_PROGRAMME: "ОО с одобренной программой",
    C.MEASURES_ON_TIME: "Мероприятия дорожной карты в срок",
}


# --- the parts, shared by both formats --------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: object = None
    kind: str = TEXT

    @property
    def shown(self) -> str:
        return shown(self.value, self.kind)

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass(frozen=True)
class Head:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Row:
    cells: list[Cell]
    kind: str = ""  # "" a data row, "total" a bold total, "group" a title over all columns


@dataclass
class Part:
    key: str
    sheet: str  # the XLSX sheet title: up to 31 characters, none of []:*?/\
    title: str
    head: list[list[Head]]
    widths: tuple[float, ...]  # XLSX column widths in characters; the PDF uses their shares
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    frozen_columns: int = 0
    wide: bool = False  # many columns: a smaller font in the PDF

    def __post_init__(self):
        # Printed text: «№», «г.» and initials never end a line (school names, notes).
        self.title = keep_together(self.title)
        self.notes = [keep_together(note) for note in self.notes]

    @property
    def columns(self) -> int:
        return len(self.widths)

    @property
    def pdf_widths(self) -> list[str]:
        total = sum(self.widths)
        return [f"{w * 100 / total:.2f}" for w in self.widths]


def shown(value, kind: str = TEXT) -> str:
    """A value as the PDF shows it: «12 345», «4,0 %», «5,75», «+0,63»; none is «—»."""
    if value is None or value == "":
        return "" if kind == TEXT else DASH
    if kind == TEXT:
        return keep_together(str(value))
    if kind == INT:
        return _decimal(value, 0)
    if kind == YEAR:
        return str(value)
    if kind == PCT:
        return f"{_decimal(value, 1)}{NBSP}%"
    if kind == SCORE:
        return _decimal(value, 2)
    if kind == CHANGE:
        text = _decimal(value, 2)
        return text if text.startswith(MINUS) or not Decimal(value) else f"+{text}"
    value = Decimal(value)
    return _decimal(value, 0 if value == value.to_integral_value() else 1)


def _decimal(value, digits: int) -> str:
    number = Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    sign = MINUS if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", NBSP)
    return sign + grouped + ("," + fraction if fraction else "")


def _date(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def _share_cells(figure) -> list[Cell]:
    if figure is None:
        return [Cell(None, INT), Cell(None, INT), Cell(None, PCT)]
    return [
        Cell(figure.numerator, INT),
        Cell(figure.denominator, INT),
        Cell(figure.value, PCT),
    ]


def _indicators(summary: Summary) -> Part:
    head = [
        [
            Head("№"),
            Head("Показатель"),
            Head("Числитель"),
            Head("Знаменатель"),
            Head("Что в знаменателе"),
            Head("Значение"),
            Head("Целевое значение"),
            Head("Год цели"),
            Head("Оценка"),
            Head("Не хватает до цели"),
            Head("Ед. изм."),
        ]
    ]
    rows = []
    for number, assessment in enumerate(summary.assessments, start=1):
        figure = assessment.figure
        code = figure.code
        kind = PCT if figure.is_share else INT
        rows.append(
            Row(
                [
                    Cell(number, INT),
                    Cell(str(figure.label)),
                    Cell(figure.numerator, INT),
                    Cell(figure.denominator if figure.is_share else None, INT),
                    Cell(str(indicators.DENOMINATOR_LABELS.get(code, ""))),
                    Cell(figure.value, kind),
                    Cell(assessment.target, PCT if figure.is_share else NUM),
                    Cell(assessment.target_year, YEAR),
                    Cell(str(assessment.status_label)),
                    Cell(assessment.gap, INT),
                    Cell(str(indicators.UNITS.get(code, ""))),
                ]
            )
        )
    notes = [
        "Количественные показатели — суммы по принятым отчётам ОО (наставник, работающий "
        "в нескольких ОО, учтён в каждой из них); доли — сумма числителей к сумме знаменателей "
        "ОО, указавших численность за учебный год."
    ]
    if summary.without_counts:
        names = "; ".join(school.short_name for school in summary.without_counts)
        notes.append(f"Не указана численность за учебный год (не учтены в долях): {names}.")
    return Part(
        key="indicators",
        sheet="Показатели",
        title="Показатели реализации целевой модели наставничества",
        head=head,
        widths=(5, 40, 12, 13, 22, 11, 12, 8, 16, 12, 12),
        rows=rows,
        notes=notes,
    )


def _schools(summary: Summary) -> Part:
    head = [
        [Head("№", rowspan=2), Head("ОО", rowspan=2)]
        + [Head(SHORT_LABELS[code], rowspan=2) for code in indicators.COUNTS]
        + [Head(SHORT_LABELS[code], colspan=3) for code in indicators.SHARES],
        [Head(text) for _ in indicators.SHARES for text in ("числ.", "знам.", "%")],
    ]

    def cells(figures) -> list[Cell]:
        result = []
        for code in indicators.COUNTS:
            figure = figures.get(code)
            result.append(Cell(figure.numerator if figure else None, INT))
        for code in indicators.SHARES:
            result.extend(_share_cells(figures.get(code)))
        return result

    rows = [
        Row([Cell(number, INT), Cell(row.school.short_name), *cells(row.figures)])
        for number, row in enumerate(summary.accepted, start=1)
    ]
    if rows:
        rows.append(Row([Cell(None), Cell("Итого"), *cells(summary.totals)], kind="total"))
    widths = (5, 30) + (11,) * len(indicators.COUNTS) + (8, 8, 9) * len(indicators.SHARES)
    return Part(
        key="schools",
        sheet="По ОО",
        title="Показатели по общеобразовательным организациям (принятые отчёты)",
        head=head,
        widths=widths,
        rows=rows,
        frozen_columns=2,
        wide=True,
    )


def _forms(summary: Summary) -> Part:
    head = [[Head("Форма наставничества"), Head("Наставники"), Head("Наставляемые")]]
    head[0].append(Head("Пары и группы"))
    rows = [
        Row([Cell(f.name), Cell(f.mentors, INT), Cell(f.mentees, INT), Cell(f.pairs, INT)])
        for f in summary.by_form
    ]
    notes = []
    if rows:
        totals = [summary.totals[code].numerator for code in indicators.COUNTS]
        rows.append(Row([Cell("Всего"), *(Cell(n, INT) for n in totals)], kind="total"))
        by_forms = [
            sum(f.mentors for f in summary.by_form),
            sum(f.mentees for f in summary.by_form),
            sum(f.pairs for f in summary.by_form),
        ]
        if by_forms != totals:
            notes.append(
                "Участник, занятый в нескольких формах наставничества, учтён в каждой из них; "
                "в строке «Всего» — один раз в своей ОО."
            )
    return Part(
        key="forms",
        sheet="Формы наставничества",
        title="Участники по формам наставничества",
        head=head,
        widths=(40, 16, 16, 16),
        rows=rows,
        notes=notes,
    )


def _answered(blocks: list[QuestionnaireBlock]) -> tuple[list[QuestionnaireBlock], list[str]]:
    """The questionnaires with answers, and the forms any of them was answered for."""
    answered = [block for block in blocks if block.forms]
    forms = sorted({form for block in answered for form in block.forms})
    return answered, forms


def _total(counts: list[int | None]) -> int | None:
    """The sum of the forms' counts; none («—») when no form has one, as in each form's cell."""
    known = [count for count in counts if count is not None]
    return sum(known) if known else None


def _block_title(block: QuestionnaireBlock) -> str:
    return f"{block.questionnaire.title} (шкала от 1 до {block.questionnaire.scale_max})"


def _stage1(summary: Summary) -> Part:
    blocks, forms = _answered(summary.stage1)
    head = [
        [Head("№", rowspan=2), Head("Вопрос", rowspan=2)]
        + ([Head("Средний балл по формам наставничества", colspan=len(forms))] if forms else [])
        + [Head("Всего", rowspan=2)],
        [Head(form) for form in forms],
    ]
    rows = []
    for block in blocks:
        rows.append(Row([Cell(_block_title(block))], kind="group"))
        for question in block.rows:
            rows.append(
                Row(
                    [Cell(question.number, INT), Cell(question.text)]
                    + [Cell(question.by_form.get(form), SCORE) for form in forms]
                    + [Cell(question.overall, SCORE)]
                )
            )
        counts = [block.respondents.get(form) if form in block.forms else None for form in forms]
        rows.append(
            Row(
                [Cell(None), Cell("Число ответивших")]
                + [Cell(n, INT) for n in counts]
                + [Cell(_total(counts), INT)],
                kind="total",
            )
        )
    return Part(
        key="stage1",
        sheet="Анкеты I этап",
        title="Анкетирование, I этап: качество реализации программ наставничества",
        head=head,
        widths=(5, 60, *(14,) * len(forms), 12),
        rows=rows,
        notes=["Средние баллы взвешены по числу ответивших в каждой ОО."] if rows else [],
    )


SWOT_WITHHELD = (
    "Тексты SWOT-анализа пишут ОО, в них могут быть имена людей: они входят в сводку "
    "департамента и не показываются региональному координатору."
)


def _swot(summary: Summary) -> Part:
    head = [
        [
            Head("№"),
            Head("ОО"),
            Head("Программа"),
            Head("Сильные стороны (S)"),
            Head("Слабые стороны (W)"),
            Head("Возможности (O)"),
            Head("Угрозы (T)"),
        ]
    ]
    rows = [
        Row(
            [
                Cell(number, INT),
                Cell(swot.report.school.short_name),
                Cell(swot.programme.title),
                Cell(swot.strengths),
                Cell(swot.weaknesses),
                Cell(swot.opportunities),
                Cell(swot.threats),
            ]
        )
        for number, swot in enumerate(summary.swots, start=1)
    ]
    return Part(
        key="swot",
        sheet="SWOT",
        title="SWOT-анализ программ наставничества",
        head=head,
        widths=(5, 24, 24, 34, 34, 34, 34),
        rows=rows,
        notes=[SWOT_WITHHELD] if summary.swots_withheld else [],
    )


def _stage2(summary: Summary) -> Part:
    blocks, forms = _answered(summary.stage2)
    moments = ("начало", "конец", "изменение")
    head = [
        [Head("№", rowspan=2), Head("Вопрос", rowspan=2)]
        + [Head(form, colspan=3) for form in forms]
        + [Head("Всего", colspan=3)],
        [Head(text) for _ in range(len(forms) + 1) for text in moments],
    ]
    rows = []
    for block in blocks:
        rows.append(Row([Cell(_block_title(block))], kind="group"))
        for question in block.rows:
            cells = [Cell(question.number, INT), Cell(question.text)]
            for form in forms:
                cells += [
                    Cell(question.start.get(form), SCORE),
                    Cell(question.end.get(form), SCORE),
                    Cell(question.change_for(form), CHANGE),
                ]
            cells += [
                Cell(question.overall_start, SCORE),
                Cell(question.overall_end, SCORE),
                Cell(question.change, CHANGE),
            ]
            rows.append(Row(cells))
        cells = [Cell(None), Cell("Число ответивших (в конце)")]
        counts = [block.respondents.get(form) if form in block.forms else None for form in forms]
        for count in counts:
            cells += [Cell(None), Cell(count, INT), Cell(None)]
        cells += [Cell(None), Cell(_total(counts), INT), Cell(None)]
        rows.append(Row(cells, kind="total"))
    return Part(
        key="stage2",
        sheet="Анкеты II этап",
        title="Анкетирование, II этап: мотивация и личностный рост участников",
        head=head,
        widths=(5, 34, *(9, 9, 11) * (len(forms) + 1)),
        rows=rows,
        notes=(
            [
                "Средние баллы в начале и в конце программы, взвешенные по числу ответивших; "
                "изменение — разность конца и начала."
            ]
            if rows
            else []
        ),
        wide=len(forms) > 2,
    )


def _missing(summary: Summary) -> Part:
    rows = [
        Row([Cell(number, INT), Cell(row.school.short_name), Cell(row.status_label)])
        for number, row in enumerate(summary.missing, start=1)
    ]
    return Part(
        key="missing",
        sheet="Не отчитались",
        title="ОО без принятого отчёта за период",
        head=[[Head("№"), Head("ОО"), Head("Состояние отчёта")]],
        widths=(5, 60, 30),
        rows=rows,
    )


def parts(summary: Summary) -> list[Part]:
    return [
        _indicators(summary),
        _schools(summary),
        _forms(summary),
        _stage1(summary),
        _swot(summary),
        _stage2(summary),
        _missing(summary),
    ]


def header_lines(summary: Summary, built_on: dt.date) -> list[str]:
    period = summary.period
    lines = [
        f"Муниципалитет: {period.municipality.name}",
        f"Период мониторинга: {period.title} "
        f"(с {_date(period.starts_on)} по {_date(period.ends_on)})",
        f"Дата формирования: {_date(built_on)}",
        "Учтены только принятые отчёты ОО: "
        f"принято {len(summary.accepted)} из {len(summary.rows)} ОО.",
    ]
    return [keep_together(line) for line in lines]


def summary_filename(summary: Summary, ext: str) -> str:
    """«Мониторинг_ЦМН_I_полугодие_2020-21.xlsx»: no spaces or slashes, fit for a download."""
    title = re.sub(r"[/\\]+", "-", summary.period.title)
    title = re.sub(r"\s+", "_", title.strip())
    ext = ext.lstrip(".")
    return safe_filename(f"Мониторинг_ЦМН_{title}.{ext}", ext)


# --- XLSX --------------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
SIZE = 11  # the sheets' text, pt: printed at 9 pt or more (`print_setup`)
BODY = Font(name=FONT_NAME, size=SIZE)
BOLD = Font(name=FONT_NAME, size=SIZE, bold=True)
NOTE = Font(name=FONT_NAME, size=SIZE, italic=True)
TITLE_FONT = Font(name=FONT_NAME, size=13, bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
NUMBER_ALIGN = Alignment(horizontal="right", vertical="top")
HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)


def summary_xlsx(summary: Summary) -> bytes:
    """One sheet per part, ready to print on A4 landscape; the first starts with a header.

    Printed as the other documents (`roadmap.documents.xlsx_export`): Times New Roman named
    on every cell, margins 20/10/20/20 mm, page numbers from page 2, rows fitted to their text,
    the columns narrowed to the page's width, so that the text prints at its 11 pt."""
    built_on = timezone.localdate()
    book = document_workbook(BODY)
    book.remove(book.active)
    for index, part in enumerate(parts(summary)):
        preamble = header_lines(summary, built_on) if index == 0 else []
        _write_part(book.create_sheet(part.sheet), part, TITLE if index == 0 else "", preamble)
    book.properties.title = f"{TITLE}: {_clean(summary.period.title)}"[:255]
    book.properties.language = "ru-RU"
    book.properties.creator = ""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _clean(text: str) -> str:
    """Drop the control characters a worksheet cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _xlsx_value(cell: Cell):
    value = cell.value
    if value is None or value == "":
        return None
    if cell.kind == TEXT:
        return keep_together(_clean(str(value)))
    if cell.kind in (INT, YEAR):
        return int(value)
    if cell.kind == PCT:
        return float(Decimal(value) / 100)
    if cell.kind == NUM:
        value = Decimal(value)
        return int(value) if value == value.to_integral_value() else float(value)
    return float(value)


def _number_format(cell: Cell, value) -> str | None:
    if cell.kind == NUM:
        return "0" if isinstance(value, int) else "0.0"
    return NUMBER_FORMATS.get(cell.kind)


def _line(sheet, row: int, text: str, columns: int, widths, font: Font = BODY) -> None:
    """A line of text over the whole width of the table."""
    cell = sheet.cell(row=row, column=1)
    set_cell(cell, _clean(text))
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    cell.font = font
    if columns > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    _fit(sheet, row, [(text, sum(widths))], font)


def _fit(sheet, row: int, cells, font: Font = BODY) -> None:
    fit_row(sheet, row, cells, size=font.size, bold=bool(font.b), default=SIZE)


def _write_part(sheet, part: Part, title: str, preamble: list[str]) -> None:
    columns, widths = part.columns, fitted_widths(part.widths, size=SIZE)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    row = 1
    if title:
        _line(sheet, row, title, columns, widths, TITLE_FONT)
        row += 1
        for line in preamble:
            _line(sheet, row, line, columns, widths)
            row += 1
        row += 1
    _line(sheet, row, part.title, columns, widths, BOLD)
    row += 1
    for note in part.notes:
        _line(sheet, row, note, columns, widths, NOTE)
        row += 1
    row += 1
    if not part.rows:
        _line(sheet, row, NO_DATA, columns, widths)
        print_setup(sheet, widths=widths, size=SIZE)
        return

    header_top = row
    taken: set[tuple[int, int]] = set()  # cells covered by a merge from an upper header row
    for heads in part.head:
        column, cells = 1, []
        for head in heads:
            while (row, column) in taken:
                column += 1
            for r in range(row, row + head.rowspan):
                for c in range(column, column + head.colspan):
                    taken.add((r, c))
                    _head_style(sheet.cell(row=r, column=c))
            set_cell(sheet.cell(row=row, column=column), _clean(head.text))
            if head.colspan > 1 or head.rowspan > 1:
                sheet.merge_cells(
                    start_row=row,
                    start_column=column,
                    end_row=row + head.rowspan - 1,
                    end_column=column + head.colspan - 1,
                )
            if head.rowspan == 1:
                cells.append((head.text, sum(widths[column - 1 : column - 1 + head.colspan])))
            column += head.colspan
        _fit(sheet, row, cells or [("", widths[0])], BOLD)
        row += 1
    header_bottom = row - 1
    keep = set()  # rows kept on the page of the next one: group titles, rows before a total

    for data in part.rows:
        if data.kind == "group":
            cell = sheet.cell(row=row, column=1)
            set_cell(cell, _clean(str(data.cells[0].value)))
            for c in range(1, columns + 1):
                sheet.cell(row=row, column=c).border = BORDER
                sheet.cell(row=row, column=c).fill = GROUP_FILL
            cell.font = BOLD
            cell.alignment = WRAP_TOP
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
            _fit(sheet, row, [(str(cell.value), sum(widths))], BOLD)
            keep.add(row)
            row += 1
            continue
        texts = []
        for column, item in enumerate(data.cells, start=1):
            cell = sheet.cell(row=row, column=column)
            value = _xlsx_value(item)
            set_cell(cell, value)
            cell.border = BORDER
            cell.font = BOLD if data.kind == "total" else BODY
            if item.numeric:
                cell.alignment = NUMBER_ALIGN
                number_format = _number_format(item, value)
                if number_format and value is not None:
                    cell.number_format = number_format
                texts.append("")
            else:
                cell.alignment = WRAP_TOP
                texts.append(value or "")
        font = BOLD if data.kind == "total" else BODY
        _fit(sheet, row, list(zip(texts, widths, strict=False)), font)
        if data.kind == "total":
            keep.add(row - 1)
        row += 1

    sheet.freeze_panes = f"{get_column_letter(part.frozen_columns + 1)}{header_bottom + 1}"
    frozen = part.frozen_columns
    print_setup(
        sheet,
        header_rows=f"{header_top}:{header_bottom}",
        widths=widths,
        size=SIZE,
        title_columns=f"A:{get_column_letter(frozen)}" if frozen else None,
    )
    paginate(sheet, header_bottom, header_top=header_top, keep_with_next=keep)


def _head_style(cell) -> None:
    cell.font = BOLD
    cell.fill = HEADER_FILL
    cell.border = BORDER
    cell.alignment = HEAD_ALIGN


# --- PDF ---------------------------------------------------------------------------------------


def summary_html(summary: Summary, built_on: dt.date | None = None) -> str:
    built_on = built_on or timezone.localdate()
    all_parts = parts(summary)
    shares = [
        assessment
        for assessment in summary.assessments
        if assessment.figure.code in indicators.SHARES
    ]
    chart = charts.bar_chart(
        [
            charts.Bar(
                SHORT_LABELS[a.figure.code],
                None if a.figure.value is None else float(a.figure.value),
                None if a.target is None else float(a.target),
            )
            for a in shares
        ],
        title="Доли: значение и целевое значение",
        unit="%",
        width=CHART_WIDTH,
    )
    if all(a.figure.value is None for a in shares):
        chart = ""  # nothing to draw: the table says «—» already
    return render_to_string(
        "monitoring/summary_pdf.html",
        {
            "title": TITLE,
            "period": summary.period,
            "lines": header_lines(summary, built_on),
            "parts": all_parts,
            "no_data": NO_DATA,
            # Built by monitoring.charts, which escapes every text it draws.
            "chart": mark_safe(chart),
        },
    )


def summary_pdf(summary: Summary) -> bytes:
    """The same parts as sections of an A4 landscape document, with page numbers."""
    return html_to_pdf(summary_html(summary))
