"""The regional view: municipalities compared, and the regional summary of a monitoring period.

Municipalities name their periods themselves; the region takes the periods of the same title
(«I полугодие 2020/21») as one. Each municipality's figures are built as its own summary is:
from accepted reports only, shares over the schools that gave their counts.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from core.models import Municipality, School
from core.plural import plural
from core.xlsx.writer import set_cell
from monitoring import indicators, summary
from monitoring.indicators import Figure
from monitoring.models import IndicatorCode, Period, SchoolReport
from roadmap.documents.content import keep_together
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


def totals_by_title(municipalities, titles: list[str]) -> dict[str, dict[str, Figure]]:
    """The region's totals for each period title, from accepted reports: one query."""
    collected: dict[str, list[dict[str, Figure]]] = defaultdict(list)
    for title, figures in SchoolReport.objects.filter(
        period__title__in=titles,
        period__municipality__in=municipalities,
        status=SchoolReport.Status.ACCEPTED,
    ).values_list("period__title", "figures"):
        collected[title].append(summary.figures_of_json(figures))
    return {title: summary.totals_of(collected[title])[0] for title in titles}


def build_regional(municipalities, title: str) -> Regional:
    """Each municipality's totals of the period from its accepted reports: three queries."""
    municipalities = list(municipalities)
    schools = dict(
        School.objects.filter(municipality__in=municipalities, is_active=True)
        .values("municipality_id")
        .annotate(n=Count("id"))
        .values_list("municipality_id", "n")
    )
    by_municipality: dict[int, list[dict[str, Figure]]] = defaultdict(list)
    reports = SchoolReport.objects.filter(
        Q(period__title=title) & Q(period__municipality__in=municipalities),
        status=SchoolReport.Status.ACCEPTED,
    ).values_list("period__municipality_id", "figures")
    for municipality_id, figures in reports:
        by_municipality[municipality_id].append(summary.figures_of_json(figures))
    rows = [
        MunicipalityRow(
            municipality=m,
            schools=schools.get(m.pk, 0),
            accepted=len(by_municipality.get(m.pk, [])),
            totals=summary.totals_of(by_municipality.get(m.pk, []))[0],
        )
        for m in municipalities
    ]
    everything = [f for sets in by_municipality.values() for f in sets]
    return Regional(title=title, rows=rows, totals=summary.totals_of(everything)[0])


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
