"""A measure's binding to a figure of the system (roadmap.evidence): set, change or remove."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core import evidence as kinds
from roadmap.models import Measure, MeasureBinding, Roadmap
from roadmap.services.guards import ARCHIVED, ensure_can_edit

MAX_THRESHOLD = 100_000


@transaction.atomic
def set_binding(
    *, user, measure: Measure, kind: str, threshold: int | None = 1, require_update: bool = False
) -> MeasureBinding | None:
    """Bind the measure to the kind's figure with «не менее threshold»; an empty kind removes
    the binding. The binding is not the roadmap's wording: it may change after approval."""
    ensure_can_edit(user)
    measure = Measure.objects.select_related("section__roadmap").get(pk=measure.pk)
    if measure.section.roadmap.status == Roadmap.Status.ARCHIVED:
        raise ValidationError(ARCHIVED)
    if not kind:
        MeasureBinding.objects.filter(measure=measure).delete()
        return None
    found = kinds.kind_of(kind)
    errors = {}
    if found is None:
        errors["kind"] = "Выберите показатель из списка."
    if threshold is None or not 0 <= threshold <= MAX_THRESHOLD:
        errors["threshold"] = f"Укажите число от 0 до {MAX_THRESHOLD}."
    if errors:
        raise ValidationError(errors)
    binding, _ = MeasureBinding.objects.update_or_create(
        measure=measure,
        defaults={
            "kind": kind,
            "threshold": threshold,
            "require_update": bool(require_update and found.may_require_update),
        },
    )
    return binding
