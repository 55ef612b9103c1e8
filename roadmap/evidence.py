"""Measures bound to a figure of the system (core.evidence): the live figure per school, the
dated snapshot a report freezes, the seed's default bindings.

A school's execution is checked against that school's figure; the department's — against
every participating school (a kind «в каждой ОО») or the total (the others). Figures are read
once per kind for all the schools of a page: the number of queries does not grow with the
number of schools or measures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, QuerySet

from core import evidence as kinds
from core.models import School
from roadmap.models import Execution, Measure, MeasureBinding, Roadmap

# The seed's measures (order № 172/1) bound where the meaning is plain: number -> (kind,
# threshold, «обновлена в этом учебном году»).
DEFAULTS: dict[str, tuple[str, int, bool]] = {
    "1.4": ("participating_schools", 1, False),
    "1.6": ("curator_assigned", 1, False),
    "1.12": ("partner_agreements", 1, False),
    "2.3": ("partner_agreements", 1, False),
    "2.4": ("programmes_approved", 1, False),
    "2.5": ("programmes_approved", 1, False),
    "2.6": ("mentors_base", 1, True),
    "3.2": ("mentees_base", 1, True),
    "3.3": ("mentors_base", 1, True),
    "3.5": ("pairs_formed", 1, False),
    "3.6": ("pairs_working", 1, False),
    "3.7": ("pairs_completed", 1, False),
}


@dataclass(frozen=True)
class SchoolFigure:
    school_id: int
    school: str
    reading: kinds.Reading
    met: bool


@dataclass
class MeasureEvidence:
    """The live figure of one bound measure: by school and in total, with the condition."""

    measure_id: int
    kind: kinds.Kind | None
    binding: MeasureBinding
    day: dt.date
    schools: list[SchoolFigure] = field(default_factory=list)
    total: kinds.Reading | None = None
    total_met: bool = False

    @property
    def title(self) -> str:
        return self.kind.title if self.kind else "Показатель недоступен"

    @property
    def condition(self) -> str:
        if self.kind is None:
            return ""
        return self.kind.condition(self.binding.threshold, self.binding.require_update)

    @property
    def met(self) -> bool:
        """The department's condition: every school, or the total."""
        if self.kind is None:
            return False
        if self.kind.each_school:
            return bool(self.schools) and all(s.met for s in self.schools)
        return self.total_met

    def for_school(self, school_id: int) -> SchoolFigure | None:
        return next((s for s in self.schools if s.school_id == school_id), None)


def participating_schools(roadmap: Roadmap | int, school_id: int | None = None) -> list[School]:
    """The roadmap's schools (or the one), each with the day it joined (``joined_on``)."""
    schools = School.objects.filter(participations__roadmap=roadmap)
    if school_id is not None:
        schools = schools.filter(pk=school_id)
    return list(
        schools.annotate(joined_on=F("participations__joined_on")).order_by("short_name", "pk")
    )


def figures(
    bindings: list[MeasureBinding], schools: list[School], day: dt.date
) -> dict[int, MeasureEvidence]:
    """Measure id -> its live figure, reading each kind once for all the schools."""
    readings = {}
    for key in {b.kind for b in bindings}:
        kind = kinds.kind_of(key)
        if kind is not None:
            readings[key] = kind.reading(schools, day)
    result = {}
    for binding in bindings:
        kind = kinds.kind_of(binding.kind)
        found = MeasureEvidence(binding.measure_id, kind, binding, day)
        if kind is not None:
            by_school, total = readings[binding.kind]
            args = (day, binding.threshold, binding.require_update)
            found.schools = [
                SchoolFigure(s.pk, s.short_name, by_school[s.pk], kind.met(by_school[s.pk], *args))
                for s in schools
            ]
            found.total = total
            found.total_met = kind.met(total, *args)
        result[binding.measure_id] = found
    return result


def roadmap_figures(roadmap: Roadmap, day: dt.date) -> list[MeasureEvidence]:
    """Every bound measure of the roadmap with its figures, in the order of the measures."""
    bindings = list(
        MeasureBinding.objects.filter(measure__section__roadmap=roadmap)
        .select_related("measure")
        .order_by("measure__section__position", "measure__number_key", "measure__position")
    )
    if not bindings:
        return []
    found = figures(bindings, participating_schools(roadmap), day)
    rows = [found[b.measure_id] for b in bindings]
    for row, binding in zip(rows, bindings, strict=True):
        row.measure = binding.measure
    return rows


def bound_count(roadmap: Roadmap) -> int:
    """How many of the roadmap's measures are bound to a figure of the system: one count."""
    return MeasureBinding.objects.filter(measure__section__roadmap=roadmap).count()


def binding_of(measure: Measure) -> MeasureBinding | None:
    return MeasureBinding.objects.filter(measure=measure).first()


def execution_figure(execution: Execution, day: dt.date) -> MeasureEvidence | None:
    """The figure an execution reports on: its school's only for a school's execution; every
    participating school for the department's (three queries and the kind's)."""
    binding = (
        MeasureBinding.objects.filter(measure_id=execution.measure_id)
        .select_related("measure__section")
        .first()
    )
    if binding is None:
        return None
    schools = participating_schools(binding.measure.section.roadmap_id, execution.school_id)
    return figures([binding], schools, day)[execution.measure_id]


def condition_met(found: MeasureEvidence, execution: Execution) -> bool:
    if execution.school_id is None:
        return found.met
    own = found.for_school(execution.school_id)
    return own is not None and own.met


def snapshot(execution: Execution, day: dt.date) -> dict | None:
    """The dated figure a report freezes (JSON); None for a measure without a binding."""
    found = execution_figure(execution, day)
    if found is None or found.kind is None:
        return None
    frozen = {
        "kind": found.binding.kind,
        "title": found.title,
        "condition": found.condition,
        "day": day.isoformat(),
        "schools": [
            {"school": s.school, "value": s.reading.value, "text": s.reading.text, "met": s.met}
            for s in found.schools
        ],
        "met": condition_met(found, execution),
    }
    if execution.school_id is None:
        frozen["total"] = {"value": found.total.value, "text": found.total.text}
    return frozen


def frozen_unmet(figure: dict | None) -> bool:
    """A report's frozen figure shows the condition not met."""
    return bool(figure) and not figure.get("met", True)


def frozen_day(figure: dict | None) -> dt.date | None:
    return dt.date.fromisoformat(figure["day"]) if figure else None


def apply_defaults(roadmap: Roadmap) -> int:
    """Bind the roadmap's measures that the seed binds (DEFAULTS), unless bound already."""
    measures = Measure.objects.filter(
        section__roadmap=roadmap, number__in=DEFAULTS, binding__isnull=True
    )
    created = MeasureBinding.objects.bulk_create(
        MeasureBinding(
            measure=m,
            kind=DEFAULTS[m.number][0],
            threshold=DEFAULTS[m.number][1],
            require_update=DEFAULTS[m.number][2],
        )
        for m in measures
    )
    return len(created)


def copy_bindings(pairs: list[tuple[int, Measure]]) -> None:
    """Copy the bindings of source measures (ids) to their copies."""
    source = MeasureBinding.objects.filter(measure_id__in=[pk for pk, _ in pairs])
    by_measure = {b.measure_id: b for b in source}
    MeasureBinding.objects.bulk_create(
        MeasureBinding(
            measure=copy,
            kind=by_measure[pk].kind,
            threshold=by_measure[pk].threshold,
            require_update=by_measure[pk].require_update,
        )
        for pk, copy in pairs
        if pk in by_measure
    )


def bindings_in(roadmap: Roadmap) -> QuerySet[MeasureBinding]:
    return MeasureBinding.objects.filter(measure__section__roadmap=roadmap)
