"""The counts of people in pairs, kept by day so that the pages do not recount the registry.

For the days kept (``manage.py refresh_figures``: today by default, and the days asked), the
database holds each municipality's counts by school and form, by school, by form and in total
(``FiguresDay``), recounted by triggers in the same transaction as any write to schools,
programmes, pairs, their members or mentees (migration 0004). ``pair_rows`` answers what the
live GROUPING SETS query of ``monitoring.indicators`` answers: from the kept rows for each
municipality whose whole set of active schools, or one active school, is asked on a kept day;
on any other day from the municipality's steps (``FiguresStep``, migration 0007: each group's
counts from the day they change, a group's last step not after the day), unless this
transaction has made them stale (``StepsDue``: recounted at its commit); live for the rest.
Mentors, mentees and pairs never cross a municipality (a mentor works in the schools of their
own municipality, a pair is a school's programme), so the totals of several municipalities are
the sums of theirs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

from django.db import connection, connections, router, transaction

from monitoring.models import FiguresDay, FiguresKept, FiguresStep, MunicipalStep, StepsKept

COLUMNS = ("mentors", "mentees", "pairs", "pupils_10_plus", "young_teachers")

# Live: the same counts over the given schools (level as in FiguresDay: 0 school and form,
# 1 school, 2 form, 3 total).
PAIRS_SQL = """
SELECT pr.school_id, pm.form_id, GROUPING(pr.school_id, pm.form_id) AS level,
       COUNT(DISTINCT p.mentor_id) AS mentors,
       COUNT(DISTINCT pm.mentee_id) AS mentees,
       COUNT(DISTINCT p.id) AS pairs,
       COUNT(DISTINCT pm.mentee_id) FILTER (
           WHERE me.kind = 'pupil' AND me.birth_date <= %(born_10)s) AS pupils_10_plus,
       COUNT(DISTINCT pm.mentee_id) FILTER (
           WHERE me.kind = 'teacher' AND me.birth_date > %(born_35)s
             AND me.experience_years <= 3) AS young_teachers
FROM registry_pairmentee pm
JOIN registry_pair p ON p.id = pm.pair_id
JOIN registry_programme pr ON pr.id = p.programme_id
JOIN registry_mentee me ON me.id = pm.mentee_id
WHERE pr.school_id = ANY(%(schools)s)
  AND p.starts_on <= %(day)s AND (p.ends_on IS NULL OR p.ends_on >= %(day)s)
  AND p.status = ANY(%(statuses)s)
GROUP BY GROUPING SETS ((pr.school_id, pm.form_id), (pr.school_id), (pm.form_id), ())
"""

# The kept rows of the municipalities on the day, with a row per municipality asked (level NULL
# when it keeps no rows for the day), and the digest of its steps where it keeps them and this
# transaction has not made them stale.
KEPT_SQL = """
SELECT m.id, k.schools, s.schools, f.school_id, f.form_id, f.level,
       f.mentors, f.mentees, f.pairs, f.pupils_10_plus, f.young_teachers
FROM unnest(%(municipalities)s::bigint[]) AS m(id)
LEFT JOIN monitoring_figureskept k ON k.municipality_id = m.id AND k.day = %(day)s
LEFT JOIN monitoring_stepskept s ON s.municipality_id = m.id
    AND NOT EXISTS (SELECT 1 FROM monitoring_stepsdue d WHERE d.municipality_id = m.id)
LEFT JOIN monitoring_figuresday f ON f.municipality_id = k.municipality_id AND f.day = k.day
"""

# The same rows from the steps: each group's last step not after the day (one index probe a
# group), for the schools given (levels 0 and 1) and the municipalities given (2 and 3).
STEPS_SQL = """
WITH forms AS (SELECT id FROM registry_mentoringform),
groups AS (
    SELECT a.municipality, 0 AS level, a.school, f.id AS form
    FROM unnest(%(schools)s::bigint[], %(of)s::bigint[]) AS a(school, municipality)
    CROSS JOIN forms f
    UNION ALL
    SELECT a.municipality, 1, a.school, 0
    FROM unnest(%(schools)s::bigint[], %(of)s::bigint[]) AS a(school, municipality)
    UNION ALL
    SELECT m.id, 2, 0, f.id FROM unnest(%(municipalities)s::bigint[]) AS m(id) CROSS JOIN forms f
    UNION ALL
    SELECT m.id, 3, 0, 0 FROM unnest(%(municipalities)s::bigint[]) AS m(id)
)
SELECT g.municipality, nullif(g.school, 0), nullif(g.form, 0), g.level,
       x.mentors, x.mentees, x.pairs, x.pupils_10_plus, x.young_teachers
FROM groups g
CROSS JOIN LATERAL (
    SELECT f.mentors, f.mentees, f.pairs, f.pupils_10_plus, f.young_teachers
    FROM monitoring_figuresstep f
    WHERE f.municipality_id = g.municipality AND f.level = g.level
      AND f.school_id = g.school AND f.form_id = g.form AND f.starts_on <= %(day)s
    ORDER BY f.starts_on DESC LIMIT 1
) x
WHERE x.pairs > 0
"""


def digest(school_ids) -> str:
    """The digest ``FiguresKept.schools`` holds for a set of schools (md5 of the sorted ids)."""
    ids = sorted(school_ids)
    return hashlib.md5(",".join(str(pk) for pk in ids).encode()).hexdigest() if ids else ""


def _cursor():
    return connections[router.db_for_read(FiguresDay)].cursor()


def _live(school_ids: list[int], params: dict) -> list[tuple]:
    with _cursor() as cursor:
        cursor.execute(PAIRS_SQL, {**params, "schools": school_ids})
        return cursor.fetchall()


def pair_rows(schools, params: dict, *, kept: bool = True) -> list[tuple]:
    """Rows (school, form, level, mentors, mentees, pairs, pupils 10+, young teachers) for the
    schools on ``params["day"]``, as ``PAIRS_SQL`` gives them over all the schools."""
    if not kept:
        return _live([s.pk for s in schools], params)
    by_municipality: dict[int, list] = defaultdict(list)
    for school in schools:
        by_municipality[school.municipality_id].append(school)
    if not by_municipality:
        return []
    with _cursor() as cursor:
        cursor.execute(KEPT_SQL, {"day": params["day"], "municipalities": list(by_municipality)})
        kept = cursor.fetchall()
    digests: dict[int, str] = {}  # of the municipalities keeping the day
    stepped: dict[int, str] = {}  # of those keeping steps
    rows_of: dict[int, list[tuple]] = defaultdict(list)
    for municipality_id, day_digest, steps_digest, *row in kept:
        if day_digest is not None:
            digests[municipality_id] = day_digest
        if steps_digest is not None:
            stepped[municipality_id] = steps_digest
        if row[2] is not None:
            rows_of[municipality_id].append(tuple(row))

    parts: list[list[tuple]] = []  # each part's rows in the shape of PAIRS_SQL
    live: list[int] = []
    whole: list[int] = []  # municipalities read from their steps
    single: dict[int, int] = {}  # one active school read from its municipality's steps
    for municipality_id, part in by_municipality.items():
        ids = [s.pk for s in part]
        one = len(part) == 1 and part[0].is_active
        if digests.get(municipality_id) == digest(ids):
            parts.append(rows_of[municipality_id])
        elif one and municipality_id in digests:
            parts.append(_one_school(rows_of[municipality_id], part[0].pk))
        elif stepped.get(municipality_id) == digest(ids):
            whole.append(municipality_id)
        elif one and municipality_id in stepped:
            single[part[0].pk] = municipality_id
        else:
            live.extend(ids)
    if whole or single:
        parts.extend(_stepped(by_municipality, whole, single, params["day"]))
    if live:
        parts.append(_live(live, params))
    if len(parts) == 1:
        return list(parts[0])
    return _merge(parts)


def _stepped(by_municipality, whole: list[int], single: dict[int, int], day) -> list[list[tuple]]:
    """The parts read from the steps: each whole municipality's rows, each single school's."""
    schools = [(s.pk, m) for m in whole for s in by_municipality[m]] + list(single.items())
    rows = step_rows(day, municipalities=whole, schools=schools)
    of_municipality: dict[int, list[tuple]] = defaultdict(list)
    of_school: dict[int, list[tuple]] = defaultdict(list)
    for municipality_id, *row in rows:
        school_id = row[0]
        if school_id in single:
            of_school[school_id].append(tuple(row))
        else:
            of_municipality[municipality_id].append(tuple(row))
    parts = [of_municipality[m] for m in whole]
    parts += [_one_school(of_school[pk], pk) for pk in single]
    return parts


def step_rows(day: dt.date, *, municipalities, schools=()) -> list[tuple]:
    """Rows (municipality, school, form, level, the five counts) on the day from the steps: the
    schools' (given as (school, its municipality)) by form and in all, the municipalities' by
    form and in total; none for a group without pairs on the day."""
    params = {
        "day": day,
        "schools": [pk for pk, _m in schools],
        "of": [m for _pk, m in schools],
        "municipalities": list(municipalities),
    }
    with _cursor() as cursor:
        cursor.execute(STEPS_SQL, params)
        return cursor.fetchall()


def _one_school(rows: list[tuple], school_id: int) -> list[tuple]:
    """A school's own rows, with its forms and its total as the part's forms and total."""
    result = []
    for school, form, level, *counts in rows:
        if school != school_id:
            continue
        result.append((school, form, level, *counts))
        if level == 0:
            result.append((None, form, 2, *counts))
        elif level == 1:
            result.append((None, None, 3, *counts))
    return result


def _merge(parts: list[list[tuple]]) -> list[tuple]:
    """Schools' rows as they are; forms' and totals' rows summed over the parts."""
    result = []
    summed: dict[tuple, list[int]] = {}
    for rows in parts:
        result.extend(row for row in rows if row[2] < 2)
        for row in rows:
            if row[2] < 2:
                continue
            key = (row[1], row[2])
            counts = row[3:]
            if key in summed:
                summed[key] = [a + b for a, b in zip(summed[key], counts, strict=True)]
            else:
                summed[key] = list(counts)
    result.extend((None, form, level, *counts) for (form, level), counts in summed.items())
    return result


# --- keeping days --------------------------------------------------------------------------------


def keep(municipality_ids, day: dt.date) -> None:
    """Count and keep the municipalities' figures for the day (recounted if already kept)."""
    ids = sorted(set(municipality_ids))
    if not ids:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT monitoring_figures_refresh(%s::bigint[], %s)", [ids, day])


def keep_steps(municipality_ids) -> None:
    """Count and keep the municipalities' steps (every day's figures; recounted if kept)."""
    ids = sorted(set(municipality_ids))
    if not ids:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT monitoring_steps_keep(%s::bigint[])", [ids])


def forget_steps() -> int:
    """Stop keeping steps; returns for how many municipalities they were kept."""
    with transaction.atomic():
        FiguresStep.objects.all().delete()
        MunicipalStep.objects.all().delete()
        return StepsKept.objects.all().delete()[0]


def settle() -> None:
    """Recount now the steps this transaction made stale (else done at its commit)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS monitoring_steps_due IMMEDIATE")
        cursor.execute("SET CONSTRAINTS monitoring_steps_due DEFERRED")


def refresh_kept() -> int:
    """Recount every kept municipality and day; returns how many were kept."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT municipality_id FROM monitoring_figureskept")
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT monitoring_figures_refresh_kept(%s::bigint[])", [ids])
    return FiguresKept.objects.count()


def forget(*, before: dt.date | None = None, days=None) -> int:
    """Stop keeping days (before a date, or the ones given); returns how many were dropped."""
    kept = FiguresKept.objects.all()
    rows = FiguresDay.objects.all()
    if before is not None:
        kept, rows = kept.filter(day__lt=before), rows.filter(day__lt=before)
    if days is not None:
        kept, rows = kept.filter(day__in=list(days)), rows.filter(day__in=list(days))
    with transaction.atomic():
        rows.delete()
        return kept.delete()[0]


def kept_days(*, before: dt.date | None = None) -> list[dt.date]:
    kept = FiguresKept.objects.all()
    if before is not None:
        kept = kept.filter(day__lt=before)
    return sorted(set(kept.values_list("day", flat=True)))
