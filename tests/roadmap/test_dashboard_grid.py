"""The dashboard's first screen: overdue measures × executors, longest overdue first, who
owes how much; filtered to one school, nobody else is blamed; queries do not grow."""

import datetime

import pytest
from django.urls import reverse

from roadmap import services
from roadmap.dashboard import Filters, build_dashboard, late_band, short_school
from roadmap.models import Execution
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2021, 1, 20)


def board(roadmap, **filters):
    return build_dashboard(roadmap, Filters(**filters), today=TODAY)


def test_short_school_names():
    assert short_school("МБОУ «СОШ № 1» г. Аргун") == "СОШ 1"
    assert short_school("МБДОУ Детский сад № 5 г. Аргун") == "Детский сад 5"
    assert short_school("Гимназия имени Героя Советского Союза").endswith("…")


def test_bands_by_days():
    assert [late_band(d) for d in (1, 30, 31, 90, 91, 365, 366)] == [
        "late-1",
        "late-1",
        "late-2",
        "late-2",
        "late-3",
        "late-3",
        "late-4",
    ]


def test_grid_rows_longest_overdue_first_with_cells_per_executor(roadmap, school_a, school_b):
    accepted = Execution.objects.get(
        measure__section__roadmap=roadmap, measure__number="1.7", school=school_a
    )
    accepted.status, accepted.completed_on = Execution.Status.ACCEPTED, datetime.date(2020, 10, 5)
    accepted.save()
    b = board(roadmap)
    days = [row.measure.days_overdue for row in b.late_rows]
    assert days == sorted(days, reverse=True)
    assert days[0] == (TODAY - b.late_rows[0].measure.due_on).days
    labels = [c.label for c in b.late_columns]
    assert labels[0] == "Департамент" and set(labels[1:]) == {"СОШ 1", "СОШ 2"}
    row = next(r for r in b.late_rows if r.measure.number == "1.7")
    cells = dict(zip((c.label for c in b.late_columns), row.cells, strict=True))
    assert cells["СОШ 1"][0] == "late-done"
    assert cells["СОШ 2"][0] == late_band(row.measure.days_overdue)
    assert cells["Департамент"][0] == "late-none"
    by_name = {c.label: c.late for c in b.late_columns}
    assert by_name["СОШ 2"] == by_name["СОШ 1"] + 1


def test_by_party_counts_and_one_school_blames_no_one_else(roadmap, school_a):
    b = board(roadmap)
    parties = {p.name: p for p in b.late_by_party}
    assert "Департамент образования" in parties
    schools = parties["Образовательные организации"]
    assert schools.executions == sum(
        1
        for r in b.late_rows
        for css, said in r.cells
        if css[-1].isdigit() and said.startswith("МБОУ")
    )
    assert schools.max_days == max(m.days_overdue for m in schools.measures)
    one = board(roadmap, school_id=school_a.pk)
    assert [c.title for c in one.late_columns] == [school_a.short_name]
    assert {p.name for p in one.late_by_party} == {"Образовательные организации"}
    assert all(len(r.cells) == 1 for r in one.late_rows)


def test_status_filter_reaches_the_grid(roadmap):
    assert board(roadmap, status="done").late_rows == []
    assert board(roadmap, status="done").late_by_party == []


@pytest.mark.parametrize("schools", [0, 48])
def test_dashboard_query_count_is_the_same_for_2_and_50_schools(
    client, head, roadmap, schools, django_assert_max_num_queries
):
    for _ in range(schools):
        school = SchoolFactory(municipality=roadmap.municipality)
        services.add_school(roadmap=roadmap, school=school)
    client.force_login(head)
    url = reverse("roadmap:dashboard", args=[roadmap.pk])
    client.get(url)
    # 14 for the board, 12 for the seed's bindings to figures of the system (one per bound
    # kind), 2 for occurrences and events, 1 for the menu's badge — whatever the schools
    with django_assert_max_num_queries(29):
        response = client.get(url)
    assert response.status_code == 200
    # the schools and the department's own part
    assert response.content.decode().count('class="school-col"') == schools + 3


def test_late_cells_written_as_the_template_loop_wrote_them():
    """The grid's cells come from a filter; they read, and are escaped, exactly as the
    template loop that wrote them before."""
    from django.template import Context, Template

    from roadmap.templatetags.roadmap_tags import late_cells

    cells = [
        ("late-1", 'СОШ «№ 1» <b>&amp; "Ко\'т"</b>: просрочено на 3 дн.'),
        ("late-done", "Гимназия & лицей: выполнено"),
        ("late-none", "<script>alert(1)</script>: не участвует"),
    ]
    loop = Template(
        '{% for css, said in cells %}<td class="late-cell {{ css }}" title="{{ said }}">'
        '<span class="visually-hidden">{{ said }}</span></td>{% endfor %}'
    ).render(Context({"cells": cells}))
    assert late_cells(cells) == loop
    assert "<script>" not in late_cells(cells)


def test_evidence_schools_written_as_the_template_loop_wrote_them():
    from django.template import Context, Template

    from core.evidence import Reading
    from roadmap.evidence import SchoolFigure
    from roadmap.templatetags.roadmap_tags import evidence_schools

    loop = Template(
        '{% for s in schools %}<div class="{% if s.met %}text-success{% else %}text-danger'
        '{% endif %}" data-school="{{ s.school_id }}">{{ s.school }}: {{ s.reading.text }}</div>'
        "{% empty %}—{% endfor %}"
    )
    schools = [
        SchoolFigure(1, 'СОШ «№ 1» <b>&amp; "Ко\'т"</b>', Reading(2, "2 пары"), True),
        SchoolFigure(2, "<script>alert(1)</script>", Reading(0, "0 пар & <i>"), False),
    ]
    for case in (schools, []):
        assert evidence_schools(case) == loop.render(Context({"schools": case}))
