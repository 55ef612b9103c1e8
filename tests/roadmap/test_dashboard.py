import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from roadmap import services
from roadmap.dashboard import Filters, build_dashboard
from roadmap.models import Execution, Measure, ResponsibleParty, Roadmap
from tests.factories import MeasureFactory, SchoolFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2020, 11, 16)  # inside the seed's period: October measures are overdue


def board(roadmap, today=TODAY, **filters):
    return build_dashboard(roadmap, Filters(**filters), today=today)


def by_number(b):
    return {m.number: m for m in b.measures}


def accept(execution, on):
    execution.status = Execution.Status.ACCEPTED
    execution.completed_on = on
    execution.save()


def executions(roadmap, number):
    return Execution.objects.filter(measure__section__roadmap=roadmap, measure__number=number)


# --- rules ------------------------------------------------------------------------------------


def test_overdue_is_a_passed_due_date_not_done(roadmap):
    measures = by_number(board(roadmap))
    assert measures["1.1"].overdue and measures["1.1"].days_overdue == 16  # due 31.10.2020
    assert not measures["1.14"].overdue  # due 30.11.2020
    assert measures["1.14"].due_soon  # within 14 days of 16.11
    assert not measures["4.3"].due_soon  # December


def test_a_done_measure_is_never_overdue_and_late_done_is_marked(roadmap):
    for execution in executions(roadmap, "1.2"):
        accept(execution, D(2020, 11, 5))  # after 31.10.2020
    for execution in executions(roadmap, "1.3"):
        accept(execution, D(2020, 10, 20))
    measures = by_number(board(roadmap))
    assert not measures["1.2"].overdue
    assert measures["1.2"].done_late
    assert measures["1.2"].status_label == "выполнено с нарушением срока"
    assert not measures["1.3"].overdue and not measures["1.3"].done_late
    assert measures["1.3"].status_label == "выполнено"


def test_partially_done_lists_the_lagging_schools(roadmap, school_a, school_b):
    accept(executions(roadmap, "1.2").get(school=school_a), D(2020, 10, 20))
    m = by_number(board(roadmap))["1.2"]
    assert m.overdue
    assert m.lagging == sorted(["Департамент образования", school_b.short_name])


def report_occurrences(user, number, roadmap, upto):
    """The department reports its own part of every occurrence due by ``upto``."""
    from roadmap.services import occurrences as occurrence_services

    m = Measure.objects.get(section__roadmap=roadmap, number=number)
    execution = m.executions.get(school__isnull=True)
    for item in m.occurrences.filter(due_on__lte=upto).exclude(executions__execution=execution):
        occurrence_services.report_occurrence(
            user=user, occurrence=item, execution=execution, completed_on=item.due_on, text="x"
        )


def test_throughout_is_due_quarter_by_quarter_until_the_period_end(roadmap, staff):
    # Reported at the end of every school quarter: the first one missed is the due date.
    measures = by_number(board(roadmap, today=D(2021, 6, 1)))
    assert measures["2.8"].due_on == D(2020, 10, 27)
    assert measures["2.8"].overdue
    report_occurrences(staff, "2.8", roadmap, D(2021, 3, 22))
    measures = by_number(board(roadmap, today=D(2021, 6, 1)))
    assert measures["2.8"].due_on == D(2021, 5, 31)
    assert measures["2.8"].overdue and measures["2.8"].days_overdue == 1
    assert not by_number(board(roadmap, today=D(2021, 5, 31)))["2.8"].overdue


def test_schedule_and_undated_are_apart_and_never_overdue(roadmap):
    b = board(roadmap, today=D(2030, 1, 1))
    undated = {m.number for m in b.undated}
    assert undated == {"2.10", "3.1"}
    assert not any(m.overdue for m in b.measures if m.number in undated)
    assert b.figures["undated"] == 2
    assert b.figures["overdue"] == 32


def test_figures(roadmap):
    for execution in executions(roadmap, "1.1"):
        accept(execution, D(2020, 10, 20))
    executions(roadmap, "1.4").update(status=Execution.Status.IN_PROGRESS)
    f = board(roadmap).figures
    assert f["total"] == 34
    assert f["done"] == 1
    assert f["in_progress"] == 1
    # Due in October and not done: 1.2–1.10 (1.4 among them, in progress) and 2.1; and the
    # work of the whole period (2.8, 2.9, 4.1), whose first school quarter ended 27.10.2020.
    assert f["overdue"] == 13
    # Due by 30.11.2020: 1.11–1.14, 2.2, 2.3, 2.5, 2.6, 3.2–3.6.
    assert f["due_soon"] == 13


def test_recurring_deadline_is_due_at_the_end_of_the_current_occurrence(roadmap, staff):
    roadmap.status = Roadmap.Status.DRAFT
    roadmap.save()
    m = Measure.objects.get(section__roadmap=roadmap, number="2.9")
    services.update_measure(
        user=staff,
        measure_id=m.pk,
        version=m.version,
        number="2.9",
        title=m.title,
        deadline_text="ежемесячно",
        result=m.result,
        parties=list(m.responsible.all()),
    )
    # October is not reported: the measure is overdue since 31.10.2020.
    october = by_number(board(roadmap, today=D(2020, 11, 16)))["2.9"]
    assert october.due_on == D(2020, 10, 31) and october.overdue
    report_occurrences(staff, "2.9", roadmap, D(2020, 10, 31))
    assert by_number(board(roadmap, today=D(2020, 11, 16)))["2.9"].due_on == D(2020, 11, 30)
    report_occurrences(staff, "2.9", roadmap, D(2021, 1, 31))
    assert by_number(board(roadmap, today=D(2021, 2, 3)))["2.9"].due_on == D(2021, 2, 28)


# --- filters ----------------------------------------------------------------------------------


def test_filters_by_section_party_school_and_status(roadmap, school_a):
    section = roadmap.sections.get(number="3")
    assert {m.number for m in board(roadmap, section_id=section.pk).measures} == {
        f"3.{n}" for n in range(1, 8)
    }
    chipkro = ResponsibleParty.objects.get(name="ЧИПКРО")
    assert [m.number for m in board(roadmap, party_id=chipkro.pk).measures] == ["3.4"]
    own = board(roadmap, school_id=school_a.pk)
    assert all(all(e.school_id == school_a.pk for e in m.executions) for m in own.measures)
    assert "1.1" not in {m.number for m in own.measures}  # the department's alone
    assert {s.name for s in own.schools} == {school_a.short_name}
    overdue = board(roadmap, status="overdue").measures
    assert overdue and all(m.overdue for m in overdue)


def test_filters_stay_in_the_url(client, head, roadmap):
    client.force_login(head)
    section = roadmap.sections.get(number="1")
    url = reverse("roadmap:dashboard", args=[roadmap.pk])
    response = client.get(url, {"section": section.pk, "status": "overdue", "as_of": "16.11.2020"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{section.pk}" selected>' in html
    assert 'value="overdue" selected' in html
    assert 'value="16.11.2020"' in html
    assert "Состояние на 16.11.2020" in html
    assert f"section={section.pk}" in html  # carried into the sorting and export links


def test_bad_filter_values_are_a_400_not_a_500(client, head, roadmap):
    client.force_login(head)
    url = reverse("roadmap:dashboard", args=[roadmap.pk])
    response = client.get(url, {"as_of": "31.02.2020", "section": "abc"})
    assert response.status_code == 400
    assert "Введите правильную дату" in response.content.decode()


def test_schools_table_sorts(roadmap, school_a, school_b):
    for execution in Execution.objects.filter(school=school_a):
        accept(execution, D(2020, 10, 20))
    by_percent = board(roadmap, school_sort="-percent").schools
    assert [r.name for r in by_percent][:2] == [school_a.short_name, school_b.short_name]
    assert by_percent[0].percent == 100 and by_percent[0].overdue == 0
    by_overdue = board(roadmap, school_sort="-overdue").schools
    assert by_overdue[0].name == school_b.short_name and by_overdue[0].overdue > 0
    assert board(roadmap, school_sort="bogus").schools  # unknown sort falls back


# --- as of a past day -------------------------------------------------------------------------


def test_as_of_shows_the_state_on_a_past_day(client, head, roadmap):
    # Everything so far happened on 20.10.2020, when the roadmap was entered …
    entered = datetime.datetime(2020, 10, 20, 9, tzinfo=datetime.UTC)
    for model in (Measure, Execution):
        model.history.update(history_date=entered)
    Roadmap.objects.filter(pk=roadmap.pk).update(created_at=entered)
    roadmap.refresh_from_db()
    # … and 1.1 was accepted "today".
    for execution in executions(roadmap, "1.1"):
        accept(execution, D(2020, 10, 30))
    now = board(roadmap, today=D(2020, 11, 16))
    then = board(roadmap, today=D(2020, 11, 16), as_of=D(2020, 11, 1))
    assert by_number(now)["1.1"].status == "done"
    assert by_number(then)["1.1"].status == "not_started"
    assert by_number(then)["1.1"].overdue and by_number(then)["1.1"].days_overdue == 1
    assert then.is_past and then.as_of == D(2020, 11, 1)
    assert then.entered_on is None


def test_a_day_before_the_roadmap_was_entered_shows_it_as_entered(roadmap):
    """Roadmaps are entered after the fact: 16.11.2020 still shows all 34 measures, overdue."""
    for execution in executions(roadmap, "1.1"):
        accept(execution, D(2020, 10, 30))
    before = board(roadmap, today=D(2026, 11, 25), as_of=D(2020, 11, 16))
    assert before.entered_on == timezone.localdate(roadmap.created_at)
    assert len(before.measures) == 34
    assert by_number(before)["1.1"].status == "done"
    assert by_number(before)["1.2"].overdue and by_number(before)["1.2"].days_overdue == 16


# --- export -----------------------------------------------------------------------------------


def test_filtered_list_exports_to_xlsx(client, head, roadmap):
    Measure.objects.filter(section__roadmap=roadmap, number="1.1").update(title="=HYPERLINK(1)")
    client.force_login(head)
    response = client.get(
        reverse("roadmap:dashboard", args=[roadmap.pk]), {"status": "overdue", "format": "xlsx"}
    )
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("№ п/п", "Наименование мероприятия", "Срок реализации")
    numbers = [row[0] for row in rows[1:]]
    assert "1.1" in numbers and "2.10" not in numbers and "3.1" not in numbers
    first = rows[1 + numbers.index("1.1")]
    assert first[1] == "=HYPERLINK(1)"
    assert sheet.cell(row=2 + numbers.index("1.1"), column=2).data_type == "s"
    assert first[3] == datetime.datetime(2020, 10, 31)
    assert first[6] == (timezone.localdate() - D(2020, 10, 31)).days


# --- access and queries -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["head", "staff", "admin"])
def test_department_roles_see_the_dashboard(client, cast, roadmap, who):
    client.force_login(cast[who])
    assert client.get(reverse("roadmap:dashboard", args=[roadmap.pk])).status_code == 200
    assert client.get(reverse("roadmap:current_dashboard"))["Location"] == reverse(
        "roadmap:dashboard", args=[roadmap.pk]
    )


def test_curators_and_outsiders_do_not(client, curator_a, roadmap, other_roadmap):
    client.force_login(curator_a)
    assert client.get(reverse("roadmap:dashboard", args=[roadmap.pk])).status_code == 403
    from tests.factories import make_user

    outsider = make_user(
        "outsider", "Начальник департамента", municipality=other_roadmap.municipality
    )
    client.force_login(outsider)
    assert client.get(reverse("roadmap:dashboard", args=[roadmap.pk])).status_code == 404


def _grow(roadmap, schools, measures):
    section = roadmap.sections.get(number="4")
    party = ResponsibleParty.objects.get(name="Образовательные организации")
    for _ in range(measures):
        MeasureFactory(section=section).responsibilities.create(party=party)
    for _ in range(schools):
        services.add_school(
            roadmap=roadmap, school=SchoolFactory(municipality=roadmap.municipality)
        )


@pytest.mark.parametrize("params", [{}, {"as_of": "01.11.2020"}, {"status": "overdue"}])
def test_dashboard_queries_do_not_grow(client, head, roadmap, params):
    client.force_login(head)
    url = reverse("roadmap:dashboard", args=[roadmap.pk])
    client.get(url, params)
    with CaptureQueriesContext(connection) as small:
        client.get(url, params)
    _grow(roadmap, schools=25, measures=30)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, params)
    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


def test_an_outside_partys_part_is_named_after_it(roadmap):
    assert by_number(board(roadmap))["3.4"].lagging == ["ЧИПКРО"]
