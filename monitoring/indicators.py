"""The indicators of the target model, computed from the registry on a day; never typed in.

Rules, in one place:

- A pair (or group) counts on a day when it has started by then, has not ended before it, and
  is active, completed or terminated (a planned pair has not begun). Its mentor and mentees
  count as «в действующих парах». A mentor of two schools counts once in each school and once
  in the municipality.
- Pupils aged 10 and over: pupil mentees in pairs on the day who are 10 or older on it, over the
  schools' count of such pupils for the school year of the day (1 September to 31 August).
- Young teachers: teacher mentees in pairs on the day, under 35 on it with up to 3 years'
  experience, over the schools' count of such teachers for the year.
- A school has an approved programme on a day when one of its programmes was approved by then.
- Measures done on time: ``roadmap.figures`` (the one definition): of the roadmap in force on
  the day, each school's dated measures due by the day, done on time when its execution was
  accepted and completed by the due date; the figure of several schools is the sum of theirs,
  so one school's figure is the same on its dashboard, in its report and in every table.
- Shares are over the schools that have counts for the year; the others are listed apart.

Everything is computed in a fixed number of queries whatever the number of schools or people;
the counts of people are read from the figures kept by day when the day is kept (figures.py).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections, router

from monitoring import figures
from monitoring.models import IndicatorCode, Target
from registry.models import MentoringForm, Pair, SchoolYearStats
from roadmap import figures as figures_of_roadmap

COUNTS = (IndicatorCode.MENTORS, IndicatorCode.MENTEES, IndicatorCode.PAIRS)
SHARES = (
    IndicatorCode.PUPILS_10_PLUS,
    IndicatorCode.YOUNG_TEACHERS,
    IndicatorCode.APPROVED_PROGRAMME,
    IndicatorCode.MEASURES_ON_TIME,
)
ORDER = COUNTS + SHARES
PAIR_COUNTED = ("active", "completed", "terminated")
UNDATED_KINDS = figures_of_roadmap.UNDATED_KINDS
CLOSE_SHARE = Decimal("0.8")  # within 80 % of the target is «близко к цели»

DENOMINATOR_LABELS = {
    IndicatorCode.PUPILS_10_PLUS: "обучающихся 10 лет и старше",
    IndicatorCode.YOUNG_TEACHERS: "педагогов до 35 лет со стажем до 3 лет",
    IndicatorCode.APPROVED_PROGRAMME: "ОО",
    IndicatorCode.MEASURES_ON_TIME: "мероприятий ОО со сроком по эту дату",
}
UNITS = {
    IndicatorCode.PUPILS_10_PLUS: "чел.",
    IndicatorCode.YOUNG_TEACHERS: "чел.",
    IndicatorCode.APPROVED_PROGRAMME: "ОО",
    IndicatorCode.MEASURES_ON_TIME: "мероприятий",
    IndicatorCode.MENTORS: "чел.",
    IndicatorCode.MENTEES: "чел.",
    IndicatorCode.PAIRS: "пар и групп",
}


def school_year_of(day: dt.date) -> int:
    """The school year a day belongs to, by its first year: 1 September starts a new one."""
    return day.year if day.month >= 9 else day.year - 1


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` years earlier; 29 February falls back to 28 February. Before the
    first year of the calendar, the first day of it (dates are range-checked on input; this
    only keeps arithmetic on an odd stored date from failing)."""
    if day.year - years < dt.MINYEAR:
        return dt.date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def share(numerator: int, denominator: int | None) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Figure:
    code: str
    numerator: int
    denominator: int | None = None  # None: a count, not a share

    @property
    def is_share(self) -> bool:
        return self.code in SHARES

    @property
    def value(self) -> Decimal | None:
        if not self.is_share:
            return Decimal(self.numerator)
        return share(self.numerator, self.denominator)

    @property
    def label(self) -> str:
        return IndicatorCode(self.code).label


@dataclass(frozen=True)
class FormFigures:
    form_id: int
    name: str
    mentors: int = 0
    mentees: int = 0
    pairs: int = 0


@dataclass
class Figures:
    """The indicators of a set of schools on a day: in total, by school and by form."""

    day: dt.date
    school_year_start: int
    totals: dict[str, Figure]
    by_school: dict[int, dict[str, Figure]]
    by_form: list[FormFigures]
    by_school_form: dict[int, list[FormFigures]]
    without_counts: list[int] = field(default_factory=list)  # school ids with no year counts


_PROGRAMMES_SQL = """
SELECT DISTINCT school_id FROM registry_programme
WHERE school_id = ANY(%(schools)s) AND review_status = 'approved'
  AND (reviewed_on IS NULL OR reviewed_on <= %(day)s)
"""


def _rows(sql: str, params: dict) -> list[tuple]:
    # The database the ORM would read the pairs from: the read replica on the pages that use
    # one (DATABASE_REPLICA_URL), the primary everywhere else.
    with connections[router.db_for_read(Pair)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def compute(
    schools, day: dt.date, *, form_names: dict[int, str] | None = None, kept: bool = True
) -> Figures:
    """The indicators of `schools` (School objects of one or more municipalities) on `day`:
    the counts of people from the figures kept for the day where there are some
    (monitoring/figures.py), recounted otherwise or without `kept`."""
    schools = list(schools)
    school_ids = [s.pk for s in schools]
    year = school_year_of(day)
    if form_names is None:
        form_names = dict(MentoringForm.objects.values_list("pk", "name"))
    params = {
        "schools": school_ids,
        "day": day,
        "born_10": years_before(day, 10),
        "born_35": years_before(day, 35),
        "statuses": list(PAIR_COUNTED),
    }
    empty = {"mentors": 0, "mentees": 0, "pairs": 0, "pupils_10_plus": 0, "young_teachers": 0}
    total = dict(empty)
    per_school = {pk: dict(empty) for pk in school_ids}
    forms: dict[int, FormFigures] = {}
    school_forms: dict[int, list[FormFigures]] = {pk: [] for pk in school_ids}
    for school_id, form_id, level, mentors, mentees, pairs, pupils, young in figures.pair_rows(
        schools, params, kept=kept
    ):
        counts = {
            "mentors": mentors,
            "mentees": mentees,
            "pairs": pairs,
            "pupils_10_plus": pupils,
            "young_teachers": young,
        }
        name = form_names.get(form_id, "")
        if level == 0:
            school_forms[school_id].append(FormFigures(form_id, name, mentors, mentees, pairs))
        elif level == 1:
            per_school[school_id] = counts
        elif level == 2:
            forms[form_id] = FormFigures(form_id, name, mentors, mentees, pairs)
        else:
            total = counts

    stats = {
        row["school_id"]: row
        for row in SchoolYearStats.objects.filter(
            school_id__in=school_ids, school_year_start=year
        ).values("school_id", "pupils_10_plus", "young_teachers")
    }
    approved = {row[0] for row in _rows(_PROGRAMMES_SQL, params)}
    on_time = figures_of_roadmap.on_time_by_school(schools, day)
    on_time_sum = figures_of_roadmap.on_time_total(on_time)

    by_school: dict[int, dict[str, Figure]] = {}
    for pk in school_ids:
        counts, year_stats = per_school[pk], stats.get(pk)
        by_school[pk] = {
            IndicatorCode.MENTORS: Figure(IndicatorCode.MENTORS, counts["mentors"]),
            IndicatorCode.MENTEES: Figure(IndicatorCode.MENTEES, counts["mentees"]),
            IndicatorCode.PAIRS: Figure(IndicatorCode.PAIRS, counts["pairs"]),
            IndicatorCode.PUPILS_10_PLUS: Figure(
                IndicatorCode.PUPILS_10_PLUS,
                counts["pupils_10_plus"],
                year_stats["pupils_10_plus"] if year_stats else None,
            ),
            IndicatorCode.YOUNG_TEACHERS: Figure(
                IndicatorCode.YOUNG_TEACHERS,
                counts["young_teachers"],
                year_stats["young_teachers"] if year_stats else None,
            ),
            IndicatorCode.APPROVED_PROGRAMME: Figure(
                IndicatorCode.APPROVED_PROGRAMME, int(pk in approved), 1
            ),
            IndicatorCode.MEASURES_ON_TIME: Figure(
                IndicatorCode.MEASURES_ON_TIME, on_time[pk].on_time, on_time[pk].due
            ),
        }
    counted = [pk for pk in school_ids if pk in stats]

    def over_counted(code: str, stat: str) -> Figure:
        return Figure(
            code,
            sum(per_school[pk][code] for pk in counted),
            sum(stats[pk][stat] for pk in counted) if counted else None,
        )

    totals = {
        IndicatorCode.MENTORS: Figure(IndicatorCode.MENTORS, total["mentors"]),
        IndicatorCode.MENTEES: Figure(IndicatorCode.MENTEES, total["mentees"]),
        IndicatorCode.PAIRS: Figure(IndicatorCode.PAIRS, total["pairs"]),
        IndicatorCode.PUPILS_10_PLUS: over_counted(IndicatorCode.PUPILS_10_PLUS, "pupils_10_plus"),
        IndicatorCode.YOUNG_TEACHERS: over_counted(IndicatorCode.YOUNG_TEACHERS, "young_teachers"),
        IndicatorCode.APPROVED_PROGRAMME: Figure(
            IndicatorCode.APPROVED_PROGRAMME, len(approved), len(school_ids)
        ),
        IndicatorCode.MEASURES_ON_TIME: Figure(
            IndicatorCode.MEASURES_ON_TIME, on_time_sum.on_time, on_time_sum.due
        ),
    }
    return Figures(
        day=day,
        school_year_start=year,
        totals=totals,
        by_school=by_school,
        by_form=sorted(forms.values(), key=lambda f: f.name),
        by_school_form={pk: sorted(v, key=lambda f: f.name) for pk, v in school_forms.items()},
        without_counts=[pk for pk in school_ids if pk not in stats],
    )


def roadmaps_in_force(municipality_ids, day: dt.date) -> list[int]:
    return figures_of_roadmap.roadmaps_in_force(municipality_ids, day)


# --- targets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """A figure against its target: the target in force, a colour, the gap in people."""

    figure: Figure
    target: Decimal | None
    target_year: int | None
    status: str  # met, close, behind, none
    gap: int | None  # how many more people (schools, measures) are needed to reach the target
    # Targets are set for the municipality: a school's share is compared with it (a share
    # means the same at both levels); a count is not (40 mentors is no target for one school).
    school_level: bool = False

    @property
    def css(self) -> str:
        return {"met": "success", "close": "warning", "behind": "danger"}.get(
            self.status, "secondary"
        )

    @property
    def status_label(self) -> str:
        return {
            "met": "цель достигнута",
            "close": "близко к цели",
            "behind": "отставание",
        }.get(self.status, self._no_target)

    @property
    def _no_target(self) -> str:
        if self.school_level and not self.figure.is_share:
            return "цель задана для муниципалитета, не для ОО"
        return "цель не задана"

    @property
    def target_label(self) -> str:
        return "цель муниципалитета" if self.school_level else "цель"


def targets_of(municipality_ids) -> dict[tuple[int, str], dict[int, Decimal]]:
    """All targets of the municipalities, as {(municipality, indicator): {year: value}}."""
    result: dict[tuple[int, str], dict[int, Decimal]] = {}
    for municipality_id, code, year, value in Target.objects.filter(
        municipality_id__in=list(municipality_ids)
    ).values_list("municipality_id", "indicator", "year", "value"):
        result.setdefault((municipality_id, code), {})[year] = value
    return result


def target_in_force(by_year: dict[int, Decimal], year: int) -> tuple[int, Decimal] | None:
    """The target of the year, else the next one to reach (a target «к 2024 году»), else the
    last one set: a level reached by 2024 is still to be held in 2026."""
    if not by_year:
        return None
    if year in by_year:
        return year, by_year[year]
    later = [y for y in by_year if y > year]
    chosen = min(later) if later else max(by_year)
    return chosen, by_year[chosen]


def assess(
    figure: Figure, by_year: dict[int, Decimal], day: dt.date, *, school_level: bool = False
) -> Assessment:
    """The figure against the municipality's target. ``school_level``: the figure is one
    school's; a count is then not assessed (the target is the municipality's), a share is."""
    if school_level and not figure.is_share:
        return Assessment(figure, None, None, "none", None, school_level=True)
    found = target_in_force(by_year, day.year)
    value = figure.value
    if found is None or value is None:
        return Assessment(
            figure,
            found[1] if found else None,
            found[0] if found else None,
            "none",
            None,
            school_level=school_level,
        )
    year, target = found
    if figure.is_share:
        needed = math.ceil(target * (figure.denominator or 0) / 100)
    else:
        needed = math.ceil(target)
    gap = max(0, needed - figure.numerator)
    if value >= target:
        status = "met"
    elif value >= target * CLOSE_SHARE:
        status = "close"
    else:
        status = "behind"
    return Assessment(figure, target, year, status, gap, school_level=school_level)
