"""The figures of several municipalities on a day, each one summed over its active schools by
the database: the region's dashboard compares the municipalities without a figure for each of
their thousands of schools.

The same figures as ``indicators.compute`` over all the municipalities' active schools, and the
same sums of them by municipality as ``summary.totals_of`` makes of the schools' figures: the
counts of people from the rows kept for the day (``figures.py``), the sums over each
municipality's schools from its kept day (``FiguresKept``: the schools' counts for the year,
their own counts of people, approved programmes), the measures done on time from the measures'
tallies (``MeasureTally``). On a day not kept, the same from the municipalities' steps
(migration 0007): the last step not after the day of their forms, totals and sums, with the
schools' counts for the year read as they are. A few rows a municipality, whatever the number
of schools. ``compute`` gives None when a municipality keeps neither the day nor steps (or
this transaction made them stale): the page then counts school by school.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Exists, OuterRef

from core.models import School
from monitoring import indicators
from monitoring.figures import step_rows
from monitoring.indicators import Figure, Figures, FormFigures
from monitoring.models import FiguresDay
from monitoring.models import IndicatorCode as C
from registry.models import MentoringForm, SchoolYearStats

# Every municipality asked, kept for the day over its active schools as they are now, with the
# sums over its schools kept with the day (migrations 0004 and 0006).
_KEPT_SQL = """
SELECT m.id, k.schools, coalesce((
    SELECT md5(string_agg(s.id::text, ',' ORDER BY s.id)) FROM registry_school s
    WHERE s.municipality_id = m.id AND s.is_active), ''),
    k.active_schools, k.counted_schools, k.pupils_due, k.young_due, k.school_mentors,
    k.school_mentees, k.school_pairs, k.pupils_counted, k.young_counted, k.approved
FROM unnest(%(municipalities)s::bigint[]) AS m(id)
LEFT JOIN monitoring_figureskept k ON k.municipality_id = m.id AND k.day = %(day)s
"""

# Every municipality asked, its steps' digest where it keeps them (and this transaction has not
# made them stale), its active schools' counts for the year, and the sums over them on the day
# from its steps (migration 0007); the digest of its active schools now is _KEPT_SQL's.
_STEPS_SQL = """
SELECT m.id, k.schools, c.schools, c.counted, c.pupils_due, c.young_due,
    coalesce(x.school_mentors, 0), coalesce(x.school_mentees, 0), coalesce(x.school_pairs, 0),
    coalesce(x.pupils_counted, 0), coalesce(x.young_counted, 0), coalesce(x.approved, 0)
FROM unnest(%(municipalities)s::bigint[]) AS m(id)
LEFT JOIN monitoring_stepskept k ON k.municipality_id = m.id
    AND NOT EXISTS (SELECT 1 FROM monitoring_stepsdue d WHERE d.municipality_id = m.id)
CROSS JOIN LATERAL (
    SELECT COUNT(*) AS schools, COUNT(st.id) AS counted,
        coalesce(SUM(st.pupils_10_plus), 0) AS pupils_due,
        coalesce(SUM(st.young_teachers), 0) AS young_due
    FROM registry_school s
    LEFT JOIN registry_schoolyearstats st ON st.school_id = s.id
        AND st.school_year_start = %(year)s
    WHERE s.municipality_id = m.id AND s.is_active
) c
LEFT JOIN LATERAL (
    SELECT * FROM monitoring_municipalstep ms
    WHERE ms.municipality_id = m.id AND ms.starts_on <= %(day)s
    ORDER BY ms.starts_on DESC LIMIT 1
) x ON true
"""

# The municipalities' forms and totals (the counts of people, each person once).
_TOTALS_SQL = """
SELECT level, form_id, SUM(mentors), SUM(mentees), SUM(pairs), SUM(pupils_10_plus),
       SUM(young_teachers)
FROM monitoring_figuresday
WHERE day = %(day)s AND municipality_id = ANY(%(municipalities)s) AND level >= 2
GROUP BY level, form_id
"""

# Each municipality's measures due by the day and done on time (roadmap.figures: of the
# roadmap in force, dated measures due by the day), from the measures' tallies.
_ON_TIME_SQL = """
SELECT t.municipality_id, SUM(t.on_time), SUM(t.executions)
FROM monitoring_measuretally t
JOIN roadmap_measure m ON m.id = t.measure_id
JOIN roadmap_section sec ON sec.id = m.section_id
WHERE sec.roadmap_id = ANY(%(roadmaps)s) AND t.municipality_id = ANY(%(municipalities)s)
  AND m.due_on IS NOT NULL AND m.due_on <= %(day)s
  AND NOT (m.deadline_kind = ANY(%(undated)s))
GROUP BY t.municipality_id
"""


@dataclass
class MunicipalFigures:
    figures: Figures  # over all the schools; nothing by school
    by_municipality: dict[int, dict[str, Figure]]  # the schools' figures summed
    schools: int  # active schools
    without_counts: list[School]  # the schools with no counts for the year, by name


def _rows(sql: str, params: dict) -> list[tuple]:
    with connections[router.db_for_read(FiguresDay)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def compute(municipality_ids, day: dt.date) -> MunicipalFigures | None:
    """The figures of the municipalities' active schools on the day, in total and by
    municipality; None when the day is not kept for one of them."""
    ids = sorted(set(municipality_ids))
    params = {"municipalities": ids, "day": day, "year": indicators.school_year_of(day)}
    kept = _rows(_KEPT_SQL, params)
    if all(digest == now for _, digest, now, *_sums in kept):
        totals = _rows(_TOTALS_SQL, params)
    else:  # every day's figures, from the steps
        now = {pk: digest for pk, _kept, digest, *_sums in kept}
        kept = [(pk, digest, now[pk], *sums) for pk, digest, *sums in _rows(_STEPS_SQL, params)]
        if any(digest != now for _, digest, now, *_sums in kept):
            return None
        summed: dict[tuple, list[int]] = {}
        for _m, _school, form_id, level, *counts in step_rows(day, municipalities=ids):
            key = (level, form_id)
            summed[key] = [a + b for a, b in zip(summed.get(key, [0] * 5), counts, strict=True)]
        totals = [(level, form_id, *counts) for (level, form_id), counts in summed.items()]
    # By municipality: schools, with counts, pupils and young teachers due, the schools' own
    # mentors, mentees, pairs, pupils and young teachers counted, schools with a programme.
    schools = {pk: tuple(int(n) for n in sums) for pk, _digest, _now, *sums in kept}
    forms: dict[int, FormFigures] = {}
    total = (0, 0, 0)
    names = dict(MentoringForm.objects.values_list("pk", "name"))
    for level, form_id, mentors, mentees, pairs, _pupils, _young in totals:
        if level == 2:
            forms[form_id] = FormFigures(form_id, names.get(form_id, ""), mentors, mentees, pairs)
        else:
            total = (mentors, mentees, pairs)
    on_time = on_time_by_municipality(ids, day)
    by_municipality = {}
    for pk in ids:
        count, counted, pupils, young, mentors, mentees, pairs, pupils_in, young_in, approved = (
            schools.get(pk, (0,) * 10)
        )
        done, due = on_time.get(pk, (0, 0))
        by_municipality[pk] = {
            C.MENTORS: Figure(C.MENTORS, mentors),
            C.MENTEES: Figure(C.MENTEES, mentees),
            C.PAIRS: Figure(C.PAIRS, pairs),
            C.PUPILS_10_PLUS: Figure(C.PUPILS_10_PLUS, pupils_in, pupils if counted else None),
            C.YOUNG_TEACHERS: Figure(C.YOUNG_TEACHERS, young_in, young if counted else None),
            C.APPROVED_PROGRAMME: Figure(C.APPROVED_PROGRAMME, approved, count if count else None),
            C.MEASURES_ON_TIME: Figure(C.MEASURES_ON_TIME, done, due if count else None),
        }
    figures = Figures(
        day=day,
        school_year_start=params["year"],
        totals=_totals(total, schools, on_time),
        by_school={},
        by_form=sorted(forms.values(), key=lambda f: f.name),
        by_school_form={},
    )
    without = []
    if any(row[1] < row[0] for row in schools.values()):  # some schools gave no counts
        without = list(
            School.objects.filter(is_active=True, municipality_id__in=ids)
            .exclude(
                Exists(
                    SchoolYearStats.objects.filter(
                        school=OuterRef("pk"), school_year_start=params["year"]
                    )
                )
            )
            .order_by("short_name")
        )
    figures.without_counts = [s.pk for s in without]
    return MunicipalFigures(
        figures=figures,
        by_municipality=by_municipality,
        schools=sum(row[0] for row in schools.values()),
        without_counts=without,
    )


def on_time_by_municipality(municipality_ids, day: dt.date) -> dict[int, tuple[int, int]]:
    """The measures done on time and due by the day, {municipality: (on time, due)}, of the
    municipalities' active schools (those owing nothing left out): two queries."""
    ids = list(municipality_ids)
    params = {
        "municipalities": ids,
        "day": day,
        "roadmaps": indicators.roadmaps_in_force(ids, day),
        "undated": list(indicators.UNDATED_KINDS),
    }
    return {row[0]: (row[1], row[2]) for row in _rows(_ON_TIME_SQL, params)}


def _totals(total, schools: dict, on_time: dict) -> dict[str, Figure]:
    """The figures over all the schools, as ``indicators.compute`` gives them."""

    def summed(index: int) -> int:
        return sum(row[index] for row in schools.values())

    counted = summed(1)
    return {
        C.MENTORS: Figure(C.MENTORS, total[0]),
        C.MENTEES: Figure(C.MENTEES, total[1]),
        C.PAIRS: Figure(C.PAIRS, total[2]),
        C.PUPILS_10_PLUS: Figure(C.PUPILS_10_PLUS, summed(7), summed(2) if counted else None),
        C.YOUNG_TEACHERS: Figure(C.YOUNG_TEACHERS, summed(8), summed(3) if counted else None),
        C.APPROVED_PROGRAMME: Figure(C.APPROVED_PROGRAMME, summed(9), summed(0)),
        C.MEASURES_ON_TIME: Figure(
            C.MEASURES_ON_TIME,
            sum(row[0] for row in on_time.values()),
            sum(row[1] for row in on_time.values()),
        ),
    }
