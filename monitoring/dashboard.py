"""The monitoring dashboard: indicators against targets on a day, by form, the trend over
periods (from accepted reports) and the comparison of schools, with their charts.

A curator sees the same page for their own school; the department sees the municipality or,
filtered, one school. Built in a fixed number of queries whatever the size of the registry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.http import urlencode

from core import paging
from core.models import Municipality, School
from monitoring import charts, indicators, municipal, regional, summary
from monitoring.indicators import Assessment, Figure, Figures
from monitoring.models import IndicatorCode, Period

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
    name: str
    href: str
    figure: Figure
    figures: dict[str, Figure]


@dataclass
class TrendRow:
    title: str
    totals: dict[str, Figure]
    href: str = ""


@dataclass
class Dashboard:
    day: dt.date
    schools: list[School]
    school: School | None
    figures: Figures
    assessments: list[Assessment]
    compare_code: str
    comparison: list[ComparisonRow]
    trend: list[TrendRow]
    without_counts: list[School]
    charts: dict[str, str] = field(default_factory=dict)
    active_schools: int | None = None  # when ``schools`` is not loaded (the region)

    @property
    def compare_label(self) -> str:
        return IndicatorCode(self.compare_code).label

    @property
    def school_count(self) -> int:
        return len(self.schools) if self.active_schools is None else self.active_schools


def cached_figures(scope: list[School], day: dt.date) -> Figures:
    """The indicators of the schools on the day, reused for MONITORING_CACHE_SECONDS: the
    region's dashboard counts 300 000 people, and many people open it at once."""
    seconds = settings.MONITORING_CACHE_SECONDS
    if seconds <= 0:
        return indicators.compute(scope, day)
    ids = ",".join(str(pk) for pk in sorted(s.pk for s in scope))
    key = f"monitoring:figures:{day.isoformat()}:{hashlib.sha256(ids.encode()).hexdigest()}"
    figures = cache.get(key)
    if figures is None:
        figures = indicators.compute(scope, day)
        cache.set(key, figures, seconds)
    return figures


@dataclass
class RecordsFigure:
    """The figure a list of records stands behind, with the schools that gave no counts for
    the year (for the shares of people) and each school's figure when there are several."""

    figure: Figure
    without_counts: list[School]
    by_school: list[tuple[School, Figure]]
    count: int | None = None  # how many records the list holds, when the figure says it
    # Across several municipalities (the region): each municipality's figure, not each school's.
    by_municipality: list[tuple[Municipality, Figure]] = field(default_factory=list)


def _records_count(figures: Figures, code: str, form_id: int | None) -> int | None:
    """How many records the list behind the figure holds, where the figure says it: the
    mentees' list is exactly the people the figure counts (of the form, when one is asked)."""
    if code != IndicatorCode.MENTEES:
        return None
    if form_id:
        return next((f.mentees for f in figures.by_form if f.form_id == form_id), 0)
    return figures.totals[code].numerator


def records_figure(
    code: str, schools: list[School], day: dt.date, form_id: int | None = None
) -> RecordsFigure:
    figures = cached_figures(schools, day)  # the dashboard has just counted them
    missing = set(figures.without_counts)
    return RecordsFigure(
        count=_records_count(figures, code, form_id),
        figure=figures.totals[code],
        without_counts=(
            [s for s in schools if s.pk in missing] if code in indicators.SHARES[:2] else []
        ),
        by_school=[(s, figures.by_school[s.pk][code]) for s in schools] if len(schools) > 1 else [],
    )


def regional_records_figure(
    code: str, municipalities: list[Municipality], day: dt.date, form_id: int | None = None
) -> RecordsFigure | None:
    """``records_figure`` over all the schools of the municipalities, from the sums kept by
    municipality (``municipal.compute``), with each municipality's figure instead of a row for
    each of their thousands of schools; None when the day is not kept (counted school by
    school then)."""
    counted = municipal.compute([m.pk for m in municipalities], day)
    if counted is None:
        return None
    figures = counted.figures
    return RecordsFigure(
        count=_records_count(figures, code, form_id),
        figure=figures.totals[code],
        without_counts=counted.without_counts if code in indicators.SHARES[:2] else [],
        by_school=[],
        by_municipality=[(m, counted.by_municipality[m.pk][code]) for m in municipalities],
    )


def records_page(records, size: int, params, *, count: int | None = None):
    """The page of the records ``params`` ask for (core.paging: numbered while cheap, then by
    key). With ``count`` (the figure's, from the kept counts) the list is not counted again:
    at region size that count is the slow part. A damaged page link raises paging.BadPage."""
    return paging.paginate(records, params, size=size, count=count)


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
    personal: bool = True,
) -> Dashboard:
    """`personal`: the charts link to the lists of people behind the figures.
    Across several municipalities (the region) schools are compared by municipality."""
    scope = [school] if school else schools
    figures = cached_figures(scope, day)
    municipality_ids = {s.municipality_id for s in scope}
    targets = indicators.targets_of(municipality_ids) if len(municipality_ids) == 1 else {}
    municipality_id = next(iter(municipality_ids), None)
    assessments = [
        indicators.assess(
            figures.totals[code],
            targets.get((municipality_id, code), {}),
            day,
            school_level=school is not None,
        )
        for code in indicators.ORDER
    ]
    if len(municipality_ids) > 1:
        trend, comparison = _regional_parts(scope, figures, compare, day)
    else:
        trend = _municipal_trend(municipality_ids, day, scope if school else None)
        comparison = [
            ComparisonRow(
                s.short_name,
                f"?{urlencode({'on': day.strftime('%d.%m.%Y'), 'school': s.pk})}",
                figures.by_school[s.pk][compare],
                figures.by_school[s.pk],
            )
            for s in scope
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
        trend=trend,
        without_counts=[s for s in scope if s.pk in set(figures.without_counts)],
    )
    board.charts = _charts(board, personal)
    return board


def build_regional(
    *,
    municipality_ids,
    day: dt.date,
    compare: str = IndicatorCode.PUPILS_10_PLUS,
    personal: bool = True,
) -> Dashboard | None:
    """The dashboard of all the municipalities' active schools, as ``build`` makes it, from the
    sums the database makes by municipality: nothing is built school by school. None when the
    day is not kept for one of the municipalities (``build`` then counts it)."""
    counted = municipal.compute(municipality_ids, day)
    if counted is None:
        return None
    municipalities = list(Municipality.objects.filter(pk__in=municipality_ids))
    comparison = []
    for m in municipalities:
        totals = counted.by_municipality[m.pk]
        query = urlencode({"on": day.strftime("%d.%m.%Y"), "municipality": m.pk})
        comparison.append(ComparisonRow(m.name, f"?{query}", totals[compare], totals))
    comparison.sort(key=lambda row: (row.figure.value is None, -(row.figure.value or 0)))
    board = Dashboard(
        day=day,
        schools=[],
        school=None,
        figures=counted.figures,
        assessments=[
            indicators.assess(counted.figures.totals[code], {}, day) for code in indicators.ORDER
        ],
        compare_code=compare,
        comparison=comparison,
        trend=_regional_trend(municipalities),
        without_counts=counted.without_counts,
        active_schools=counted.schools,
    )
    board.charts = _charts(board, personal)
    return board


def _municipal_trend(municipality_ids, day: dt.date, schools) -> list[TrendRow]:
    periods = list(
        Period.objects.filter(municipality_id__in=municipality_ids, ends_on__lte=day).order_by(
            "-ends_on", "-id"
        )[:TREND_PERIODS]
    )[::-1]
    totals = summary.trend(periods, schools)
    return [
        TrendRow(p.title, totals[p.pk], reverse("monitoring:summary", args=[p.pk])) for p in periods
    ]


def _regional_parts(scope, figures: Figures, compare: str, day: dt.date):
    """The trend by period title over the region, and the municipalities compared: each one's
    figures summed over its schools (shares over the schools with counts)."""
    municipalities = list(Municipality.objects.filter(pk__in={s.municipality_id for s in scope}))
    trend = _regional_trend(municipalities)
    by_municipality: dict[int, list[dict[str, Figure]]] = defaultdict(list)
    without = set(figures.without_counts)
    for s in scope:
        school_figures = dict(figures.by_school[s.pk])
        if s.pk in without:
            for code in (IndicatorCode.PUPILS_10_PLUS, IndicatorCode.YOUNG_TEACHERS):
                school_figures[code] = Figure(code, school_figures[code].numerator, None)
        by_municipality[s.municipality_id].append(school_figures)
    comparison = []
    for m in municipalities:
        totals = summary.totals_of(by_municipality[m.pk])[0]
        query = urlencode({"on": day.strftime("%d.%m.%Y"), "municipality": m.pk})
        comparison.append(ComparisonRow(m.name, f"?{query}", totals[compare], totals))
    return trend, comparison


def _regional_trend(municipalities) -> list[TrendRow]:
    titles = regional.period_titles(municipalities)[:TREND_PERIODS][::-1]
    totals = regional.totals_by_title(municipalities, titles)
    return [TrendRow(title, totals[title]) for title in titles]


def _charts(board: Dashboard, personal: bool) -> dict[str, str]:
    shares = [a for a in board.assessments if a.figure.is_share]
    share_bars = [
        charts.Bar(
            SHORT_LABELS[a.figure.code],
            float(a.figure.value) if a.figure.value is not None else None,
            float(a.target) if a.target is not None else None,
            records_url(a.figure.code, board.day, board.school) if personal else "",
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
            [row.title for row in board.trend],
            [
                charts.Series(
                    SHORT_LABELS[code],
                    [
                        float(row.totals[code].value)
                        if row.totals[code].value is not None
                        else None
                        for row in board.trend
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
                    row.name,
                    float(row.figure.value) if row.figure.value is not None else None,
                    float(target) if target is not None and is_share else None,
                    row.href,
                )
                for row in board.comparison
            ],
            title=f"Сравнение: {SHORT_LABELS[code]}",
            unit="%" if is_share else "",
        )
    return result
