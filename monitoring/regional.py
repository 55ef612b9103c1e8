"""The regional view: municipalities compared, and the regional summary of a monitoring period
(page, XLSX, PDF).

Municipalities name their periods themselves; the region takes the periods of the same title
(«I полугодие 2020/21») as one. Each municipality's figures are built as its own summary is:
from accepted reports only, shares over the schools that gave their counts.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from core.files import safe_filename
from core.models import Municipality, School
from core.plural import plural
from core.xlsx.writer import set_cell
from monitoring import exports, indicators, summary
from monitoring.exports import INT, PCT, Cell, Head, Part, Row
from monitoring.indicators import Figure
from monitoring.models import IndicatorCode, Period
from roadmap.documents.content import keep_together
from roadmap.documents.pdf import html_to_pdf
from roadmap.documents.xlsx_export import FONT_NAME, document_workbook, fit_row, print_setup


@dataclass
class MunicipalityRow:
    municipality: Municipality
    schools: int
    accepted: int
    totals: dict[str, Figure]

    @property
    def missing(self) -> int:
        return self.schools - self.accepted


@dataclass
class Regional:
    title: str
    rows: list[MunicipalityRow]
    totals: dict[str, Figure]

    @property
    def schools(self) -> int:
        return sum(row.schools for row in self.rows)

    @property
    def accepted(self) -> int:
        return sum(row.accepted for row in self.rows)


def period_titles(municipalities) -> list[str]:
    """The titles of the periods, the latest first."""
    seen: dict[str, object] = {}
    for title, ends_on in (
        Period.objects.filter(municipality__in=municipalities)
        .order_by("-ends_on")
        .values_list("title", "ends_on")
    ):
        seen.setdefault(title, ends_on)
    return list(seen)


def accepted_by_title(municipalities) -> dict[str, int]:
    """How many accepted school reports each period title has across the municipalities (from
    the sums kept by period)."""
    return dict(
        Period.objects.filter(municipality__in=municipalities)
        .values("title")
        .annotate(n=Coalesce(Sum("totals__total", filter=Q(totals__code="")), 0))
        .values_list("title", "n")
    )


def period_choices(municipalities) -> tuple[list[tuple[str, int]], str]:
    """The period titles, latest first, each with its number of accepted reports, and the one
    the summary opens on: the latest with accepted reports (a period just begun has none yet
    and would show an empty table), else the latest."""
    titles = period_titles(municipalities)
    accepted = accepted_by_title(municipalities)
    opening = next((t for t in titles if accepted.get(t)), titles[0] if titles else "")
    return [(t, accepted.get(t, 0)) for t in titles], opening


def totals_by_title(municipalities, titles: list[str]) -> dict[str, dict[str, Figure]]:
    """The region's totals for each period title, from accepted reports: one query, over the
    sums kept by period."""
    periods = Period.objects.filter(title__in=titles, municipality__in=municipalities)
    summed = summary.kept_totals(periods, "title") if titles else {}
    return {
        title: summed[title][0] if title in summed else summary.empty_totals() for title in titles
    }


def build_regional(municipalities, title: str) -> Regional:
    """Each municipality's totals of the period from its accepted reports: two queries."""
    municipalities = list(municipalities)
    schools = dict(
        School.objects.filter(municipality__in=municipalities, is_active=True)
        .values("municipality_id")
        .annotate(n=Count("id"))
        .values_list("municipality_id", "n")
    )
    periods = Period.objects.filter(title=title, municipality__in=municipalities)
    summed = summary.kept_totals(periods, "municipality")
    rows = []
    totals = summary.empty_totals()
    for m in municipalities:
        own, accepted = summed.get(m.pk, (summary.empty_totals(), 0))
        rows.append(
            MunicipalityRow(
                municipality=m, schools=schools.get(m.pk, 0), accepted=accepted, totals=own
            )
        )
        totals = summary.add_totals(totals, own)
    return Regional(title=title, rows=rows, totals=totals)


SHEET_SIZE = 11  # the regional sheets' text, pt
NAME_WIDTH = 30  # the municipality's column, in characters
FIGURE_WIDTH = 15  # wide enough for the longest word of a bold header («Наставляемые»)


def regional_xlsx(regional: Regional) -> bytes:
    """The regional summary: a sheet of indicators by municipality, a sheet of who is missing.

    Printed as the other documents are (`roadmap.documents.xlsx_export`): Times New Roman named
    on every cell, A4 landscape with margins 20/10/20/20 mm, page numbers from page 2, the
    header row repeated; the municipalities' column is repeated on the pages to the right when
    the figures do not fit one page wide at a readable size.
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    body = Font(name=FONT_NAME, size=SHEET_SIZE)
    bold = Font(name=FONT_NAME, size=SHEET_SIZE, bold=True)
    book = document_workbook(body)
    sheet = book.active
    sheet.title = "Муниципалитеты"
    sheet.append([keep_together(f"Сводка по региону: {regional.title}")])
    sheet["A1"].font = Font(name=FONT_NAME, size=13, bold=True)
    sheet.append(
        [
            f"Учтены только принятые отчёты ОО: {regional.accepted} из {regional.schools} ОО "
            f"в {len(regional.rows)} "
            f"{plural(len(regional.rows), 'муниципалитете', 'муниципалитетах', 'муниципалитетах')}."
        ]
    )
    header = ["Муниципалитет", "ОО", "Принято отчётов"]
    for code in indicators.ORDER:
        label = str(IndicatorCode(code).label)
        header += [label] if code in indicators.COUNTS else [label, "числитель", "знаменатель"]
    widths = [NAME_WIDTH] + [FIGURE_WIDTH] * (len(header) - 1)
    sheet.append([])
    sheet.append(header)
    for cell in sheet[4]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    fit_row(
        sheet,
        4,
        list(zip(header, widths, strict=True)),
        size=SHEET_SIZE,
        bold=True,
        default=SHEET_SIZE,
    )
    for row in [*regional.rows, None]:
        values = (
            [keep_together(row.municipality.name), row.schools, row.accepted]
            if row
            else ["Итого по региону", regional.schools, regional.accepted]
        )
        totals = row.totals if row else regional.totals
        for code in indicators.ORDER:
            figure = totals[code]
            if code in indicators.COUNTS:
                values.append(figure.numerator)
            else:
                value = figure.value
                values += [
                    float(value) / 100 if value is not None else None,
                    figure.numerator,
                    figure.denominator,
                ]
        line = sheet.max_row + 1
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=column)
            set_cell(cell, value)
            cell.font = bold if row is None else body
            if isinstance(value, float):
                cell.number_format = "0.0%"
            elif isinstance(value, int):
                cell.number_format = "#,##0"  # «1 620» in a Russian Excel
            if column == 1:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        fit_row(sheet, line, [(values[0], NAME_WIDTH)], size=SHEET_SIZE, default=SHEET_SIZE)
    sheet.freeze_panes = "B5"
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    print_setup(sheet, header_rows="4:4", widths=widths, size=SHEET_SIZE, title_columns="A:A")

    missing = book.create_sheet("Не отчитались")
    missing.append(["Муниципалитет", "ОО всего", "Принято отчётов", "Не принято"])
    for cell in missing[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in regional.rows:
        if row.missing:
            missing.append(
                [keep_together(row.municipality.name), row.schools, row.accepted, row.missing]
            )
    missing_widths = [NAME_WIDTH, 12, 12, 12]
    for column, width in enumerate(missing_widths, start=1):
        missing.column_dimensions[get_column_letter(column)].width = width
    for cells in missing.iter_rows(min_row=2):
        for cell in cells:
            cell.font = body
    print_setup(missing, header_rows="1:1", widths=missing_widths, size=SHEET_SIZE)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def regional_filename(title: str, ext: str) -> str:
    """«Сводка_по_региону_I_полугодие_2020-21.pdf»: no spaces or slashes, fit for a download."""
    title = re.sub(r"\s+", "_", re.sub(r"[/\\]+", "-", title).strip())
    return safe_filename(f"Сводка_по_региону_{title}.{ext}", ext)


# --- PDF: the municipal summary's layout (monitoring.exports, summary_pdf.html) ----------------

PDF_TITLE = "Сводка по региону о мониторинге реализации целевой модели наставничества"
SHARES_NOTE = (
    "Числитель и знаменатель — суммы по принятым отчётам ОО, указавших численность за учебный "
    "год: обучающиеся 10 лет и старше и педагоги до 35 лет со стажем до 3 лет, вовлечённые "
    "в наставничество, из всех таких; ОО с одобренной программой наставничества из всех ОО; "
    "мероприятия дорожной карты, выполненные в срок, из мероприятий со сроком по эту дату. "
    "«—» — знаменателя нет."
)


def _counts(regional: Regional) -> Part:
    """Reports and counts by municipality: the rows whole, the total in bold."""
    head = [
        [
            Head("Муниципалитет"),
            Head("ОО"),
            Head("Принято отчётов"),
            Head("Не принято"),
            *(Head(exports.SHORT_LABELS[code]) for code in indicators.COUNTS),
        ]
    ]

    def cells(name: str, schools: int, accepted: int, totals) -> list[Cell]:
        return [
            Cell(name),
            Cell(schools, INT),
            Cell(accepted, INT),
            Cell(schools - accepted, INT),
            *(Cell(totals[code].numerator, INT) for code in indicators.COUNTS),
        ]

    rows = [
        Row(cells(row.municipality.name, row.schools, row.accepted, row.totals))
        for row in regional.rows
    ]
    rows.append(
        Row(
            cells("Итого по региону", regional.schools, regional.accepted, regional.totals),
            kind="total",
        )
    )
    return Part(
        key="counts",
        sheet="Муниципалитеты",
        title="Отчёты и участники наставничества по муниципалитетам",
        head=head,
        widths=(70, 16, 34, 30, 38, 38, 38),
        rows=rows,
        notes=[
            "Участники действующих пар и групп — суммы по принятым отчётам ОО (наставник, "
            "работающий в нескольких ОО, учтён в каждой из них); «Не принято» — ОО без "
            "принятого отчёта за период."
        ],
    )


def _shares(regional: Regional) -> Part:
    """The shares by municipality: numerator, denominator and the share of each."""
    head = [
        [Head("Муниципалитет", rowspan=2)]
        + [Head(exports.SHORT_LABELS[code], colspan=3) for code in indicators.SHARES],
        [Head(text) for _ in indicators.SHARES for text in ("числ.", "знам.", "%")],
    ]

    def cells(name: str, totals) -> list[Cell]:
        return [Cell(name), *(c for code in indicators.SHARES for c in _share(totals[code]))]

    rows = [Row(cells(row.municipality.name, row.totals)) for row in regional.rows]
    rows.append(Row(cells("Итого по региону", regional.totals), kind="total"))
    return Part(
        key="shares",
        sheet="Доли",
        title="Доли по муниципалитетам",
        head=head,
        widths=(36, *(10, 10, 10) * len(indicators.SHARES)),
        rows=rows,
        notes=[SHARES_NOTE],
    )


def _share(figure) -> list[Cell]:
    return [
        Cell(figure.numerator if figure.denominator is not None else None, INT),
        Cell(figure.denominator, INT),
        Cell(figure.value, PCT),
    ]


def pdf_lines(regional: Regional, built_on: dt.date) -> list[str]:
    lines = [
        f"Период мониторинга: {regional.title}",
        f"Муниципалитетов: {len(regional.rows)}",
        f"Дата формирования: {built_on:%d.%m.%Y}",
        f"Учтены только принятые отчёты ОО: принято {regional.accepted} из {regional.schools} ОО.",
    ]
    return [keep_together(line) for line in lines]


def regional_html(regional: Regional, built_on: dt.date | None = None) -> str:
    """The regional summary as HTML for WeasyPrint, in the municipal summary's template."""
    built_on = built_on or timezone.localdate()
    return render_to_string(
        "monitoring/summary_pdf.html",
        {
            "title": PDF_TITLE,
            "period": regional,  # the template names the period by its title
            "lines": pdf_lines(regional, built_on),
            "parts": [_counts(regional), _shares(regional)],
            "no_data": exports.NO_DATA,
            "chart": "",
        },
    )


def regional_pdf(regional: Regional) -> bytes:
    """A4 landscape, margins 20/10/20/20 mm, page numbers from page 2 (ГОСТ Р 7.0.97-2025)."""
    return html_to_pdf(regional_html(regional))
