import datetime as dt

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.evidence import kind_of
from roadmap.deadlines import Deadline, format_deadline
from roadmap.documents.wording import wording_choices as choices_of

register = template.Library()


@register.filter
def deadline_read(measure) -> str:
    """How the written deadline was read, e.g. «01.11.2020 – 30.04.2021»."""
    return format_deadline(
        Deadline(
            kind=measure.deadline_kind,
            starts_on=measure.starts_on,
            due_on=measure.due_on,
            text=measure.deadline_text,
            recurrence=measure.recurrence or None,
        )
    )


STATUS_CLASSES = {
    "done": "bg-success",
    "accepted": "bg-success",
    "in_progress": "bg-primary",
    "submitted": "bg-info text-dark",
    "returned": "bg-warning text-dark",
    "not_started": "bg-secondary",
    "no_executors": "bg-light text-dark border",
}


@register.filter
def status_class(status: str | None) -> str:
    return STATUS_CLASSES.get(status or "", "bg-light text-dark border")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def wording_choices(roadmap, amendments):
    """The wordings the roadmap's documents can be printed in (none without amendments).
    ``amendments``: the page's list (a queryset is read once and keeps its rows)."""
    return choices_of(roadmap, list(amendments))


@register.filter
def iso_day(value):
    """«2026-11-29» (a frozen figure's day) as a date for the ``date`` filter."""
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@register.filter
def binding_label(binding) -> str:
    """«Пары и группы сформированы: не менее 1 пара в каждой участвующей ОО»."""
    kind = kind_of(binding.kind)
    if kind is None:
        return "показатель недоступен"
    return f"{kind.title}: {kind.condition(binding.threshold, binding.require_update)}"


@register.filter
def late_cells(cells) -> str:
    """The late grid's cells of a row, ``(css, said)`` each, escaped as the template would:
    written here rather than by a template loop, a row of fifty schools costing a template
    loop a millisecond or more."""
    parts = []
    for css, said in cells:
        said = escape(said)
        parts.append(
            f'<td class="late-cell {escape(css)}" title="{said}">'
            f'<span class="visually-hidden">{said}</span></td>'
        )
    return mark_safe("".join(parts))  # every value escaped above


@register.filter
def evidence_schools(schools) -> str:
    """The evidence block's figure of each school (roadmap.evidence.SchoolFigure), escaped as
    the template would: twelve figures of fifty schools are six hundred lines."""
    if not schools:
        return "—"
    return mark_safe(  # every value escaped here
        "".join(
            f'<div class="{"text-success" if s.met else "text-danger"}" '
            f'data-school="{escape(s.school_id)}">{escape(s.school)}: '
            f"{escape(s.reading.text)}</div>"
            for s in schools
        )
    )
