"""The dashboard's per-school cells, built in one pass: the same markup, every value escaped."""

from __future__ import annotations

from types import SimpleNamespace

from roadmap.templatetags.roadmap_tags import evidence_schools, late_cells, late_counts, late_heads


def test_late_cells_escape_what_they_say():
    html = late_cells([("late-2", "СОШ «<b>»: просрочено на 3 дн."), ("late-none", "СОШ & Ко")])
    assert html == (
        '<td class="late-cell late-2" title="СОШ «&lt;b&gt;»: просрочено на 3 дн.">'
        '<span class="visually-hidden">СОШ «&lt;b&gt;»: просрочено на 3 дн.</span></td>'
        '<td class="late-cell late-none" title="СОШ &amp; Ко">'
        '<span class="visually-hidden">СОШ &amp; Ко</span></td>'
    )


def test_late_heads_and_counts():
    columns = [
        SimpleNamespace(title='Школа "1"', label="СОШ 1", late=2),
        SimpleNamespace(title="Департамент", label="Деп.", late=0),
    ]
    assert late_heads(columns) == (
        '<th scope="col" class="school-col" title="Школа &quot;1&quot;"><span>СОШ 1</span></th>'
        '<th scope="col" class="school-col" title="Департамент"><span>Деп.</span></th>'
    )
    assert late_counts(columns) == (
        '<td class="late-count text-danger fw-semibold" title="Школа &quot;1&quot;">2</td>'
        '<td class="late-count" title="Департамент">0</td>'
    )


def test_evidence_schools_mark_met_and_unmet():
    schools = [
        SimpleNamespace(
            met=True, school_id=5, school="СОШ 1", reading=SimpleNamespace(text="6 пар")
        ),
        SimpleNamespace(
            met=False, school_id=7, school="<СОШ 2>", reading=SimpleNamespace(text="нет")
        ),
    ]
    assert evidence_schools(schools) == (
        '<div class="text-success" data-school="5">СОШ 1: 6 пар</div>'
        '<div class="text-danger" data-school="7">&lt;СОШ 2&gt;: нет</div>'
    )
    assert evidence_schools([]) == "—"


# «Мои мероприятия» as the template wrote it row by row, for comparison.
MY_ROWS_TEMPLATE = """{% load plural roadmap_tags %}{% for execution in executions %}
<tr class="{% if execution.is_overdue %}table-danger{% endif %}" id="execution-{{ execution.pk }}">
<td data-label="№">{{ execution.measure.number }}</td>
<td data-label="Мероприятие">{{ execution.measure.title|truncatechars:140 }}{% if execution.status == "returned" and execution.comment %}<div class="small text-warning-emphasis">Возвращено: {{ execution.comment }}</div>{% endif %}</td>
<td data-label="Срок">{{ execution.measure.deadline_text|default:"—" }}
{% if execution.due_on %}<div class="small">до {{ execution.due_on|date:"d.m.Y" }}</div>{% endif %}
{% if execution.is_overdue %}<div class="small text-danger">просрочено на {{ execution.days_overdue|counted:"день,дня,дней" }}</div>{% endif %}</td>
<td data-label="Статус"><span class="badge {{ execution.status|status_class }}">{{ execution.get_status_display }}</span></td>
<td class="stacked-action"><a class="btn btn-sm btn-outline-primary" href="{% url 'roadmap:execution' execution.pk %}">{% if execution.status == "not_started" or execution.status == "in_progress" or execution.status == "returned" %}Отчитаться{% else %}Открыть{% endif %}</a></td>
</tr>
{% empty %}<tr><td colspan="5" class="text-muted">Мероприятий нет.</td></tr>{% endfor %}"""  # noqa: E501


def _execution(
    pk, status, *, title="Провести <семинар>", deadline="", comment="", due=None, late=0
):
    import datetime

    from roadmap.models import Execution, Measure

    execution = Execution(pk=pk, status=status, comment=comment)
    execution.measure = Measure(number=f"1.{pk}", title=title, deadline_text=deadline)
    execution.due_on = due and datetime.date(*due)
    execution.is_overdue, execution.days_overdue = bool(late), late
    return execution


def test_my_measure_rows_are_the_templates_rows():
    import re

    from django.template import Context, Template

    from roadmap.templatetags.roadmap_tags import my_measure_rows

    executions = [
        _execution(
            3, "returned", comment="Нет «протокола» & <подписи>", due=(2021, 1, 31), late=21
        ),
        _execution(4, "in_progress", title="Я" * 200, deadline="ноябрь 2020 года", late=1),
        _execution(5, "accepted", deadline="ежеквартально", due=(2021, 3, 31)),
        _execution(6, "submitted", comment="не показывается"),
        _execution(7, "not_started", deadline='до "15" декабря', due=(2020, 12, 15), late=365),
    ]

    def normalised(html):
        return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()

    for rows in (executions, []):
        template = Template(MY_ROWS_TEMPLATE).render(Context({"executions": rows}))
        assert normalised(my_measure_rows(rows)) == normalised(template)
    html = my_measure_rows(executions)
    assert "Нет «протокола» &amp; &lt;подписи&gt;" in html and "просрочено на 365 дней" in html
    assert 'href="/roadmaps/executions/3/">Отчитаться</a>' in html


# The dashboard's tables as the template wrote them row by row, for comparison.
DASHBOARD_ROWS_TEMPLATE = """{% load roadmap_tags %}{% for row in late %}{% with m=row.measure %}
<tr data-measure="{{ m.number }}" data-days="{{ m.days_overdue }}">
<th scope="row" class="fw-normal text-nowrap late-title"><a href="{% url 'roadmap:measure' m.id %}" title="{{ m.title }}">{{ m.number }}</a> {{ m.title|truncatechars:30 }}</th>
<td class="text-nowrap">срок {{ m.due_on|date:"d.m.Y" }}</td>
<td class="text-nowrap text-end text-danger fw-semibold">{{ m.days_overdue }} дн.</td>
{{ row.cells|late_cells }}
</tr>
{% endwith %}{% endfor %}|{% for row in schools %}
<tr><td>{{ row.name }}</td><td>{{ row.owed }}</td><td>{{ row.accepted }}</td><td class="{% if row.overdue %}text-danger{% endif %}">{{ row.overdue }}</td><td>{{ row.percent }}%</td></tr>
{% empty %}
<tr><td colspan="5" class="text-muted">Нет участвующих организаций.</td></tr>
{% endfor %}|{% for m in measures %}
<tr data-measure="{{ m.number }}" data-status="{{ m.status_code }}">
<td><a href="{% url 'roadmap:measure' m.id %}">{{ m.number }}</a></td>
<td>{{ m.title|truncatechars:120 }}</td>
<td class="text-nowrap">{{ m.deadline_text|default:"—" }}{% if m.due_on %}<div class="text-muted">до {{ m.due_on|date:"d.m.Y" }}</div>{% endif %}</td>
<td>{{ m.responsible_text|default:"—" }}</td>
<td class="{% if m.overdue %}text-danger{% elif m.done_late %}text-warning-emphasis{% endif %}">{{ m.status_label }}{% if m.overdue %} ({{ m.days_overdue }} дн.){% endif %}</td>
<td>{{ m.lagging_preview|default:"—" }}</td>
</tr>
{% endfor %}"""  # noqa: E501


def _state(pk, **kwargs):
    import datetime

    from roadmap.dashboard import MeasureState

    values = {
        "id": pk,
        "number": f"2.{pk}",
        "title": "Организовать «наставничество» & <обучение> " * (pk % 4),
        "section_id": 1,
        "deadline_text": "",
        "deadline_kind": "date",
        "due_on": datetime.date(2021, 1, pk),
        "responsible_text": "",
        "party_ids": set(),
    }
    return MeasureState(**{**values, **kwargs})


def test_dashboard_rows_are_the_templates_rows():
    import re

    from django.template import Context, Template

    from roadmap.dashboard import LateRow, SchoolRow
    from roadmap.templatetags.roadmap_tags import late_rows, measure_rows, school_rows

    measures = [
        _state(1, overdue=True, days_overdue=40, lagging=["СОШ «1»", "Лицей <2>"] * 4),
        _state(2, done_late=True, status="done", deadline_text="до 15.01.2021", due_on=None),
        _state(3, status="in_progress", responsible_text="ОО & департамент"),
        _state(4, status="not_started", deadline_text="ноябрь 2020 года", overdue=True),
    ]
    late = [LateRow(m, [("late-2", f"СОШ «{m.id}»: просрочено")]) for m in measures[:2]]
    schools = [SchoolRow(5, "СОШ «5» & <b>", 12, 7, 3), SchoolRow(6, "Лицей", 0, 0, 0)]

    def normalised(html):
        return re.sub(r"\s*(<|>|\|)\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()

    for late_, schools_, measures_ in ((late, schools, measures), ([], [], [])):
        context = {"late": late_, "schools": schools_, "measures": measures_}
        expected = Template(DASHBOARD_ROWS_TEMPLATE).render(Context(context))
        ours = "|".join((late_rows(late_), school_rows(schools_), measure_rows(measures_)))
        assert normalised(ours) == normalised(expected)
    assert 'href="/roadmaps/measures/1/"' in measure_rows(measures)
