"""The monitoring dashboard: indicators against targets on a day, by form, the trend over
periods (from accepted reports) and the comparison of schools, with their charts.

A curator sees the same page for their own school; the department sees the municipality or,
filtered, one school. Built in a fixed number of queries whatever the size of the registry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.http import urlencode

from monitoring import charts, indicators, summary
from monitoring.indicators import Assessment, Figure, Figures
from monitoring.models import IndicatorCode, Period
from registry.models import School

TREND_PERIODS = 8
SHORT_LABELS = {
    IndicatorCode.MENTORS: "Наставники",
    IndicatorCode.MENTEES: "Наставляемые",
    IndicatorCode.PAIRS: "Пары и группы",
    IndicatorCode.PUPILS_10_PLUS: "Обучающиеся 10+",
    IndicatorCode.YOUNG_TEACHERS: "Молодые педагоги",
    IndicatorCode.APPROVED_PROGRAMME: "ОО с программой",
    IndicatorCode.MEASURES_ON_TIME: "Мероприятия в срок",
}


@dataclass
class ComparisonRow:
    school: School
    figure: Figure
    figures: dict[str, Figure]


@dataclass
class Dashboard:
    day: dt.date
    schools: list[School]
    school: School | None
    figures: Figures
    assessments: list[Assessment]
    compare_code: str
    comparison: list[ComparisonRow]
    periods: list[Period]
    trend: list[tuple[Period, dict[str, Figure]]]
    without_counts: list[School]
    charts: dict[str, str] = field(default_factory=dict)

    @property
    def compare_label(self) -> str:
        return IndicatorCode(self.compare_code).label


def records_url(code: str, day: dt.date, school: School | None = None, form_id=None) -> str:
    query = {"on": day.strftime("%d.%m.%Y")}
    if school is not None:
        query["school"] = school.pk
    if form_id:
        query["form"] = form_id
    return f"{reverse('monitoring:records', args=[code])}?{urlencode(query)}"


def build(
    *,
    schools: list[School],
    day: dt.date,
    school: School | None = None,
    compare: str = IndicatorCode.PUPILS_10_PLUS,
) -> Dashboard:
    scope = [school] if school else schools
    figures = indicators.compute(scope, day)
    municipality_ids = {s.municipality_id for s in schools}
    targets = indicators.targets_of(municipality_ids) if len(municipality_ids) == 1 else {}
    municipality_id = next(iter(municipality_ids), None)
    assessments = [
        indicators.assess(figures.totals[code], targets.get((municipality_id, code), {}), day)
        for code in indicators.ORDER
    ]
    periods = list(
        Period.objects.filter(municipality_id__in=municipality_ids, ends_on__lte=day).order_by(
            "-ends_on", "-id"
        )[:TREND_PERIODS]
    )[::-1]
    totals = summary.trend(periods, scope if school or len(schools) == 1 else None)
    comparison = [
        ComparisonRow(s, figures.by_school[s.pk][compare], figures.by_school[s.pk]) for s in scope
    ]
    comparison.sort(key=lambda row: (row.figure.value is None, -(row.figure.value or 0)))
    board = Dashboard(
        day=day,
        schools=schools,
        school=school,
        figures=figures,
        assessments=assessments,
        compare_code=compare,
        comparison=comparison,
        periods=periods,
        trend=[(p, totals[p.pk]) for p in periods],
        without_counts=[s for s in scope if s.pk in set(figures.without_counts)],
    )
    board.charts = _charts(board)
    return board


def _charts(board: Dashboard) -> dict[str, str]:
    shares = [a for a in board.assessments if a.figure.is_share]
    share_bars = [
        charts.Bar(
            SHORT_LABELS[a.figure.code],
            float(a.figure.value) if a.figure.value is not None else None,
            float(a.target) if a.target is not None else None,
            records_url(a.figure.code, board.day, board.school),
        )
        for a in shares
    ]
    forms = board.figures.by_form
    result = {
        "shares": charts.bar_chart(share_bars, title="Показатели и цели, %"),
        "forms": charts.grouped_bar_chart(
            [f.name for f in forms],
            [
                charts.Series("Наставники", [f.mentors for f in forms]),
                charts.Series("Наставляемые", [f.mentees for f in forms]),
                charts.Series("Пары и группы", [f.pairs for f in forms]),
            ],
            title="Участники по формам наставничества",
        ),
        "trend": charts.line_chart(
            [p.title for p, _ in board.trend],
            [
                charts.Series(
                    SHORT_LABELS[code],
                    [
                        float(t[code].value) if t[code].value is not None else None
                        for _, t in board.trend
                    ],
                )
                for code in indicators.SHARES
            ],
            title="Динамика по периодам мониторинга (принятые отчёты), %",
        ),
    }
    if len(board.comparison) > 1:
        code = board.compare_code
        is_share = code in indicators.SHARES
        target = next((a.target for a in board.assessments if a.figure.code == code), None)
        result["compare"] = charts.bar_chart(
            [
                charts.Bar(
                    row.school.short_name,
                    float(row.figure.value) if row.figure.value is not None else None,
                    float(target) if target is not None and is_share else None,
                    records_url(code, board.day, row.school),
                )
                for row in board.comparison
            ],
            title=f"Сравнение ОО: {SHORT_LABELS[code]}",
            unit="%" if is_share else "",
        )
    return result
