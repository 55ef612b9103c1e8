import datetime as dt
from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from core.evidence import kind_of
from core.links import link_to
from core.plural import counted
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


# The dashboard's widest parts are a cell per school: at 500 schools the late grid holds
# 15 000 cells and the evidence block 6 000 lines. They are built here in one pass, each value
# escaped, rather than by the template engine cell by cell (a quarter of a second per page).


def _joined(template: str, rows) -> str:
    """``template`` (an f-string of escaped values) per row, joined; every value escaped."""
    return mark_safe("".join(template.format(*(escape(str(v)) for v in row)) for row in rows))


@register.filter
def late_cells(cells) -> str:
    """The late grid's cells of one overdue measure: ``(css, said)`` per column."""
    return _joined(
        '<td class="late-cell {0}" title="{1}"><span class="visually-hidden">{1}</span></td>',
        cells,
    )


@register.filter
def late_heads(columns) -> str:
    """The late grid's column headings: a school's short name, its full name in the title."""
    return _joined(
        '<th scope="col" class="school-col" title="{0}"><span>{1}</span></th>',
        ((c.title, c.label) for c in columns),
    )


@register.filter
def late_counts(columns) -> str:
    """The late grid's last row: overdue executions per column."""
    return _joined(
        '<td class="late-count{0}" title="{1}">{2}</td>',
        ((" text-danger fw-semibold" if c.late else "", c.title, c.late) for c in columns),
    )


@register.filter
def evidence_schools(schools) -> str:
    """A bound measure's figure per school, green where its condition is met."""
    if not schools:
        return "—"
    return _joined(
        '<div class="{0}" data-school="{1}">{2}: {3}</div>',
        (
            ("text-success" if s.met else "text-danger", s.school_id, s.school, s.reading.text)
            for s in schools
        ),
    )


_REPORTABLE = {"not_started", "in_progress", "returned"}


@register.filter
def my_measure_rows(executions) -> str:
    """«Мои мероприятия»: a row per execution (overdue ones marked), written in one pass."""
    if not executions:
        return mark_safe('<tr><td colspan="5" class="text-muted">Мероприятий нет.</td></tr>')
    address = link_to("roadmap:execution")
    lines = []
    for e in executions:
        measure = e.measure
        returned = ""
        if e.status == "returned" and e.comment:
            returned = (
                f'<div class="small text-warning-emphasis">Возвращено: {escape(e.comment)}</div>'
            )
        due = f'<div class="small">до {_day(e.due_on)}</div>' if e.due_on else ""
        late = (
            '<div class="small text-danger">просрочено на '
            f"{counted(e.days_overdue, 'день', 'дня', 'дней')}</div>"
            if e.is_overdue
            else ""
        )
        action = "Отчитаться" if e.status in _REPORTABLE else "Открыть"
        lines.append(
            f'<tr class="{"table-danger" if e.is_overdue else ""}" id="execution-{e.pk}">'
            f'<td data-label="№">{escape(measure.number)}</td>'
            f'<td data-label="Мероприятие">{escape(Truncator(measure.title).chars(140))}'
            f"{returned}</td>"
            f'<td data-label="Срок">{escape(measure.deadline_text or "—")}{due}{late}</td>'
            f'<td data-label="Статус"><span class="badge {status_class(e.status)}">'
            f"{escape(e.get_status_display())}</span></td>"
            f'<td class="stacked-action"><a class="btn btn-sm btn-outline-primary" '
            f'href="{address(e.pk)}">{action}</a></td></tr>\n'
        )
    return mark_safe("".join(lines))


@register.filter
def late_rows(rows) -> str:
    """The late grid's rows: the measure (a link), its deadline and delay, then its cells."""
    address = link_to("roadmap:measure")
    lines = []
    for row in rows:
        m = row.measure
        number, title = escape(m.number), escape(m.title)
        lines.append(
            f'<tr data-measure="{number}" data-days="{m.days_overdue}">'
            f'<th scope="row" class="fw-normal text-nowrap late-title">'
            f'<a href="{address(m.id)}" title="{title}">{number}</a> '
            f"{escape(Truncator(m.title).chars(30))}</th>"
            f'<td class="text-nowrap">срок {_day(m.due_on)}</td>'
            f'<td class="text-nowrap text-end text-danger fw-semibold">{m.days_overdue} дн.</td>'
            f"{late_cells(row.cells)}</tr>\n"
        )
    return mark_safe("".join(lines))


@register.filter
def school_rows(rows) -> str:
    """The schools' table: executions owed, accepted, overdue, the share done."""
    if not rows:
        return mark_safe(
            '<tr><td colspan="5" class="text-muted">Нет участвующих организаций.</td></tr>'
        )
    return mark_safe(
        "".join(
            f"<tr><td>{escape(r.name)}</td><td>{r.owed}</td><td>{r.accepted}</td>"
            f'<td class="{"text-danger" if r.overdue else ""}">{r.overdue}</td>'
            f"<td>{r.percent}%</td></tr>\n"
            for r in rows
        )
    )


@register.filter
def measure_rows(measures) -> str:
    """«Все мероприятия»: number (a link), title, deadline, responsible, status, who lags."""
    address = link_to("roadmap:measure")
    lines = []
    for m in measures:
        number = escape(m.number)
        due = f'<div class="text-muted">до {_day(m.due_on)}</div>' if m.due_on else ""
        css = "text-danger" if m.overdue else "text-warning-emphasis" if m.done_late else ""
        late = f" ({m.days_overdue} дн.)" if m.overdue else ""
        lines.append(
            f'<tr data-measure="{number}" data-status="{escape(m.status_code)}">'
            f'<td><a href="{address(m.id)}">{number}</a></td>'
            f"<td>{escape(Truncator(m.title).chars(120))}</td>"
            f'<td class="text-nowrap">{escape(m.deadline_text or "—")}{due}</td>'
            f"<td>{escape(m.responsible_text or '—')}</td>"
            f'<td class="{css}">{escape(m.status_label)}{late}</td>'
            f"<td>{escape(m.lagging_preview or '—')}</td></tr>\n"
        )
    return mark_safe("".join(lines))


def _day(day) -> str:
    """«31.01.2021», as the template's ``date:"d.m.Y"`` writes a date (empty for none)."""
    return f"{day:%d.%m.%Y}" if day else ""
