"""The municipal summary of a monitoring period, built from accepted reports only.

Figures are the sums of the schools' frozen figures (a mentor of two schools counts in each);
shares are the sum of numerators over the sum of denominators of the schools that gave both.
Questionnaire averages are weighted by the number of respondents. Schools without an accepted
report are listed apart, with the state of their report.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from core.models import School
from monitoring import indicators
from monitoring.indicators import Assessment, Figure, FormFigures
from monitoring.models import (
    Answer,
    AnswerSet,
    IndicatorCode,
    Moment,
    Period,
    Questionnaire,
    SchoolReport,
    Stage,
    Swot,
)

NOT_STARTED = "не начат"


@dataclass
class SchoolRow:
    school: School
    report: SchoolReport | None
    figures: dict[str, Figure] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else NOT_STARTED

    @property
    def accepted(self) -> bool:
        return bool(self.report and self.report.status == SchoolReport.Status.ACCEPTED)


@dataclass
class QuestionRow:
    number: int
    text: str
    by_form: dict[str, Decimal | None]  # form name -> weighted average
    overall: Decimal | None
    start: dict[str, Decimal | None] = field(default_factory=dict)  # stage 2
    end: dict[str, Decimal | None] = field(default_factory=dict)
    overall_start: Decimal | None = None
    overall_end: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        if self.overall_start is None or self.overall_end is None:
            return None
        return self.overall_end - self.overall_start

    @property
    def change_for_all(self) -> dict[str, Decimal | None]:
        return {form: self.change_for(form) for form in self.start}

    def change_for(self, form: str) -> Decimal | None:
        start, end = self.start.get(form), self.end.get(form)
        return None if start is None or end is None else end - start


@dataclass
class QuestionnaireBlock:
    questionnaire: Questionnaire
    forms: list[str]
    respondents: dict[str, int]  # by form (stage 2: at the end, else the only moment)
    rows: list[QuestionRow]


@dataclass
class Summary:
    period: Period
    rows: list[SchoolRow]
    totals: dict[str, Figure]
    assessments: list[Assessment]
    by_form: list[FormFigures]
    stage1: list[QuestionnaireBlock]
    stage2: list[QuestionnaireBlock]
    swots: list[Swot]
    without_counts: list[School]
    # The SWOT texts are the schools' own words and may name people: left out for those who
    # see no personal data (the regional coordinator).
    swots_withheld: bool = False

    @property
    def accepted(self) -> list[SchoolRow]:
        return [row for row in self.rows if row.accepted]

    @property
    def missing(self) -> list[SchoolRow]:
        return [row for row in self.rows if not row.accepted]

    @property
    def day(self) -> dt.date:
        return self.period.ends_on


def figures_of(report: SchoolReport) -> dict[str, Figure]:
    return figures_of_json(report.figures)


def figures_of_json(frozen: dict | None) -> dict[str, Figure]:
    """The figures as a report froze them (see services.freeze_figures)."""
    values = (frozen or {}).get("values", {})
    return {
        code: Figure(code, values[code][0], values[code][1])
        for code in indicators.ORDER
        if code in values
    }


def totals_of(figure_sets: list[dict[str, Figure]]) -> tuple[dict[str, Figure], list[int]]:
    """Sum schools' figures; a share counts only the schools that have its denominator."""
    totals, without = {}, []
    for index, figures in enumerate(figure_sets):
        if figures.get(IndicatorCode.PUPILS_10_PLUS) and (
            figures[IndicatorCode.PUPILS_10_PLUS].denominator is None
        ):
            without.append(index)
    for code in indicators.ORDER:
        present = [f[code] for f in figure_sets if code in f]
        if code in indicators.SHARES:
            counted = [f for f in present if f.denominator is not None]
            totals[code] = Figure(
                code,
                sum(f.numerator for f in counted),
                sum(f.denominator for f in counted) if counted else None,
            )
        else:
            totals[code] = Figure(code, sum(f.numerator for f in present))
    return totals, without


def empty_totals() -> dict[str, Figure]:
    """What ``totals_of`` gives for no reports."""
    return dict(_EMPTY)


_EMPTY = totals_of([])[0]  # figures are frozen: each caller gets its own dict of the same


def add_totals(a: dict[str, Figure], b: dict[str, Figure]) -> dict[str, Figure]:
    """Two groups' ``totals_of`` summed: the totals of both groups' reports together."""
    result = {}
    for code in indicators.ORDER:
        x, y = a[code], b[code]
        if code in indicators.SHARES:
            denominators = [f.denominator for f in (x, y) if f.denominator is not None]
            result[code] = Figure(
                code, x.numerator + y.numerator, sum(denominators) if denominators else None
            )
        else:
            result[code] = Figure(code, x.numerator + y.numerator)
    return result


# ``totals_of`` over the frozen figures of reports, summed by the database: decoding each
# report's JSON in Python costs ≈ 0,5 ms a report, and a region has thousands.
_GROUPS = {"title": "p.title", "municipality": "p.municipality_id", "period": "r.period_id"}
_SUMMED_SQL = """
SELECT {group} AS grp, NULL AS code, COUNT(*) AS n, NULL::bigint, NULL::bigint, NULL::bigint
FROM monitoring_schoolreport r JOIN monitoring_period p ON p.id = r.period_id
WHERE r.id IN ({ids}) GROUP BY 1
UNION ALL
SELECT {group}, v.key, SUM((v.value->>0)::bigint),
       SUM((v.value->>0)::bigint) FILTER (WHERE jsonb_typeof(v.value->1) = 'number'),
       SUM((v.value->>1)::bigint) FILTER (WHERE jsonb_typeof(v.value->1) = 'number'),
       COUNT(*) FILTER (WHERE jsonb_typeof(v.value->1) = 'number')
FROM monitoring_schoolreport r JOIN monitoring_period p ON p.id = r.period_id
CROSS JOIN LATERAL jsonb_each(coalesce(r.figures->'values', '{{}}'::jsonb)) v
WHERE r.id IN ({ids}) AND jsonb_typeof(v.value) = 'array'
GROUP BY 1, 2
"""


def summed_totals(reports, by: str) -> dict:
    """``totals_of`` of the reports' frozen figures for each value of ``by`` (``title``,
    ``municipality`` or ``period``), with the number of reports: {value: (totals, count)}.
    One query, whatever the number of reports."""
    from django.db import connections

    ids_sql, ids_params = reports.values("pk").query.sql_with_params()
    sql = _SUMMED_SQL.format(group=_GROUPS[by], ids=ids_sql)
    with connections[reports.db].cursor() as cursor:
        cursor.execute(sql, [*ids_params, *ids_params])
        return _collected(cursor.fetchall())


# The same sums, kept by period (``PeriodTotals``, recounted by the database on every write to
# the reports): the region's trend and summary add a few rows a period instead of the reports.
_KEPT_SQL = """
SELECT {group} AS grp, NULLIF(t.code, '') AS code,
       CASE WHEN t.code = '' THEN SUM(t.total)::bigint ELSE SUM(t.total) END,
       SUM(t.counted_total), SUM(t.denominator), SUM(t.counted)
FROM monitoring_periodtotals t JOIN monitoring_period p ON p.id = t.period_id
WHERE p.id IN ({ids}) GROUP BY 1, t.code
"""


def kept_totals(periods, by: str) -> dict:
    """What ``summed_totals`` gives for the accepted reports of ``periods`` (a queryset of
    periods), read from the sums kept by period: one query over a few rows a period."""
    from django.db import connections

    ids_sql, ids_params = periods.values("pk").query.sql_with_params()
    sql = _KEPT_SQL.format(group=_GROUPS[by].replace("r.period_id", "p.id"), ids=ids_sql)
    with connections[periods.db].cursor() as cursor:
        cursor.execute(sql, ids_params)
        return _collected(cursor.fetchall())


def _collected(rows) -> dict:
    result: dict = {}
    for group, code, everything, counted_sum, denominator, counted in rows:
        if group not in result:
            result[group] = [empty_totals(), 0]
        totals = result[group][0]
        if code is None:
            result[group][1] = everything
        elif code in indicators.SHARES:
            totals[code] = Figure(code, counted_sum or 0, denominator if counted else None)
        elif code in indicators.ORDER:
            totals[code] = Figure(code, everything or 0)
    return {group: (totals, count) for group, (totals, count) in result.items()}


def _weighted(pairs: list[tuple[Decimal, int]]) -> Decimal | None:
    weight = sum(n for _, n in pairs)
    if not weight:
        return None
    return (sum(avg * n for avg, n in pairs) / weight).quantize(Decimal("0.01"))


def _blocks(reports: list[SchoolReport], questionnaires: list[Questionnaire]):
    answers = Answer.objects.filter(answer_set__report__in=reports).values_list(
        "question_id",
        "answer_set__questionnaire_id",
        "answer_set__form__name",
        "answer_set__moment",
        "answer_set__respondents",
        "average",
    )
    # (questionnaire, question, form, moment) -> [(average, respondents)]
    collected: dict[tuple, list] = defaultdict(list)
    respondents: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for question_id, questionnaire_id, form, moment, count, average in answers:
        collected[(questionnaire_id, question_id, form, moment)].append((average, count))

    for questionnaire_id, form, moment, count in AnswerSet.objects.filter(
        report__in=reports
    ).values_list("questionnaire_id", "form__name", "moment", "respondents"):
        if moment in ("", Moment.END):
            respondents[questionnaire_id][form] += count

    stage1, stage2 = [], []
    for questionnaire in questionnaires:
        forms = sorted({form for (q, _, form, _) in collected if q == questionnaire.pk})
        rows = [
            _question_row(questionnaire, question, forms, collected)
            for question in questionnaire.questions.all()
        ]
        block = QuestionnaireBlock(
            questionnaire, forms, dict(respondents.get(questionnaire.pk, {})), rows
        )
        (stage2 if questionnaire.stage == Stage.MOTIVATION else stage1).append(block)
    return stage1, stage2


def _question_row(questionnaire, question, forms: list[str], collected: dict) -> QuestionRow:
    def cell(form: str, moment: str) -> Decimal | None:
        return _weighted(collected.get((questionnaire.pk, question.pk, form, moment), []))

    def overall(moment: str) -> Decimal | None:
        return _weighted(
            [
                pair
                for form in forms
                for pair in collected.get((questionnaire.pk, question.pk, form, moment), [])
            ]
        )

    if questionnaire.stage != Stage.MOTIVATION:
        return QuestionRow(
            number=question.position,
            text=question.text,
            by_form={f: cell(f, Moment.ONCE) for f in forms},
            overall=overall(Moment.ONCE),
        )
    return QuestionRow(
        number=question.position,
        text=question.text,
        by_form={f: cell(f, Moment.END) for f in forms},
        overall=overall(Moment.END),
        start={f: cell(f, Moment.START) for f in forms},
        end={f: cell(f, Moment.END) for f in forms},
        overall_start=overall(Moment.START),
        overall_end=overall(Moment.END),
    )


def build_summary(period: Period, *, personal: bool = True) -> Summary:
    """The summary of the period: a fixed number of queries, whatever the number of schools.
    Without ``personal`` the schools' SWOT texts are not read (``swots_withheld``)."""
    schools = list(
        School.objects.filter(municipality_id=period.municipality_id, is_active=True).order_by(
            "short_name"
        )
    )
    reports = {
        report.school_id: report
        for report in SchoolReport.objects.filter(period=period).select_related("school")
    }
    # A school closed since may still have reported: it stays in the summary.
    for school_id, report in reports.items():
        if school_id not in {s.pk for s in schools}:
            schools.append(report.school)
    rows = []
    for school in schools:
        report = reports.get(school.pk)
        row = SchoolRow(school, report)
        if row.accepted:
            row.figures = figures_of(report)
        rows.append(row)
    accepted_rows = [row for row in rows if row.accepted]
    totals, without = totals_of([row.figures for row in accepted_rows])

    by_form: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in accepted_rows:
        for item in (row.report.figures or {}).get("by_form", []):
            sums = by_form[item["name"]]
            sums[0] += item["mentors"]
            sums[1] += item["mentees"]
            sums[2] += item["pairs"]
    targets = indicators.targets_of([period.municipality_id])
    assessments = [
        indicators.assess(
            totals[code], targets.get((period.municipality_id, code), {}), period.ends_on
        )
        for code in indicators.ORDER
    ]
    accepted_reports = [row.report for row in accepted_rows]
    questionnaires = list(
        Questionnaire.objects.filter(municipality_id=period.municipality_id).prefetch_related(
            "questions"
        )
    )
    stage1, stage2 = _blocks(accepted_reports, questionnaires)
    swots = (
        list(
            Swot.objects.filter(report__in=accepted_reports)
            .select_related("programme", "report__school")
            .order_by("report__school__short_name", "programme__title")
        )
        if personal
        else []
    )
    return Summary(
        period=period,
        rows=rows,
        totals=totals,
        assessments=assessments,
        by_form=[FormFigures(0, name, *sums) for name, sums in sorted(by_form.items())],
        stage1=stage1,
        stage2=stage2,
        swots=swots,
        without_counts=[accepted_rows[i].school for i in without],
        swots_withheld=not personal,
    )


def trend(periods: list[Period], schools=None) -> dict[int, dict[str, Figure]]:
    """Each period's totals from its accepted reports (of `schools` if given): one query, over
    the sums kept by period when all the reports count."""
    if not periods:
        summed = {}
    elif schools is None:
        summed = kept_totals(Period.objects.filter(pk__in=[p.pk for p in periods]), "period")
    else:
        reports = SchoolReport.objects.filter(
            period__in=periods, status=SchoolReport.Status.ACCEPTED, school__in=schools
        )
        summed = summed_totals(reports, "period")
    return {
        period.pk: summed[period.pk][0] if period.pk in summed else empty_totals()
        for period in periods
    }
