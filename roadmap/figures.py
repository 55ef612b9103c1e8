"""«Доля мероприятий дорожной карты, выполненных в срок»: the one definition, used by every
page that shows it (the monitoring's dashboard, a school's report, the period's summary, the
region) and by the roadmap's own dashboard for «выполнено с нарушением срока».

- The roadmap of a municipality on a day is the one in force: the latest one begun by then.
- A school owes a measure when it has an execution of it. The measure counts on a day when it
  is dated (not «по графику», unread or empty) and due by that day.
- It is done on time when the execution is accepted and was completed on or before the due
  date (``done_on_time``).
- The figure of a set of schools is the sum over the schools: done on time over due. So a
  municipality's figure is the sum of its schools' figures, as the period's summary adds the
  schools' reports, and a school's figure is the same on every page.

Counted in two queries whatever the number of schools.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connections, router

from roadmap.models import Execution

UNDATED_KINDS = ("schedule", "unknown", "none")
ACCEPTED = "accepted"


def done_on_time(status: str, completed_on: dt.date | None, due_on: dt.date | None) -> bool:
    """An execution is done on time when accepted and completed by its due date."""
    return (
        status == ACCEPTED
        and completed_on is not None
        and due_on is not None
        and completed_on <= due_on
    )


@dataclass(frozen=True)
class OnTime:
    """A school's (or a set of schools') measures due by a day, and those done on time."""

    on_time: int = 0
    due: int = 0

    def __add__(self, other: OnTime) -> OnTime:
        return OnTime(self.on_time + other.on_time, self.due + other.due)


_ROADMAPS_SQL = """
SELECT DISTINCT ON (municipality_id) id FROM roadmap_roadmap
WHERE municipality_id = ANY(%(municipalities)s) AND period_start <= %(day)s
ORDER BY municipality_id, period_start DESC, id DESC
"""

_ON_TIME_SQL = """
SELECT e.school_id,
       COUNT(*) FILTER (WHERE e.status = 'accepted' AND e.completed_on <= m.due_on) AS on_time,
       COUNT(*) AS due
FROM roadmap_execution e
JOIN roadmap_measure m ON m.id = e.measure_id
JOIN roadmap_section s ON s.id = m.section_id
WHERE s.roadmap_id = ANY(%(roadmaps)s) AND e.school_id = ANY(%(schools)s)
  AND m.due_on IS NOT NULL AND m.due_on <= %(day)s
  AND NOT (m.deadline_kind = ANY(%(undated)s))
GROUP BY e.school_id
"""


def _rows(sql: str, params: dict) -> list[tuple]:
    # The database the ORM would read executions from (the read replica where a page uses one).
    with connections[router.db_for_read(Execution)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def roadmaps_in_force(municipality_ids, day: dt.date) -> list[int]:
    """The roadmap in force on the day for each municipality: the latest one begun by then."""
    return [
        row[0]
        for row in _rows(_ROADMAPS_SQL, {"municipalities": list(municipality_ids), "day": day})
    ]


def on_time_by_school(schools, day: dt.date) -> dict[int, OnTime]:
    """Each school's measures due by the day and done on time (every school of ``schools``
    present, with zeros where it owes nothing yet)."""
    schools = list(schools)
    result = {s.pk: OnTime() for s in schools}
    roadmaps = roadmaps_in_force({s.municipality_id for s in schools}, day)
    if not roadmaps:
        return result
    params = {
        "roadmaps": roadmaps,
        "schools": list(result),
        "day": day,
        "undated": list(UNDATED_KINDS),
    }
    for school_id, on_time, due in _rows(_ON_TIME_SQL, params):
        result[school_id] = OnTime(on_time, due)
    return result


def on_time_total(by_school: dict[int, OnTime]) -> OnTime:
    """The figure of a set of schools: the sum of theirs."""
    return sum(by_school.values(), OnTime())
