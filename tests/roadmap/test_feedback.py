"""Feedback on reports: the notices after an action, the menu's badges, «что изменилось с
прошлого входа», the «Изменить» button on a measure, no empty rows in the history."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmap import services
from roadmap.feedback import menu_badges
from roadmap.models import Execution, Measure, Report
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "Пароль-для-тестов-1"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def executions_of(roadmap, school) -> list[Execution]:
    return list(
        Execution.objects.filter(measure__section__roadmap=roadmap, school=school).order_by(
            "measure__number"
        )
    )


def submit(curator, execution) -> Report:
    return services.submit_report(
        user=curator,
        execution=execution,
        text="Сделано",
        completed_on=datetime.date(2020, 10, 20),
    )


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_notices_after_submit_return_and_accept(client, roadmap, staff, curator_a, school_a):
    execution = executions_of(roadmap, school_a)[0]
    client.force_login(curator_a)
    response = client.post(
        reverse("roadmap:execution_report", args=[execution.pk]),
        {"text": "Приказ издан", "completed_on": "20.10.2020"},
        follow=True,
    )
    assert "Отчёт отправлен в департамент на проверку." in response.content.decode()
    report = Report.objects.get(execution=execution)
    client.force_login(staff)
    response = client.post(
        reverse("roadmap:report_review", args=[report.pk]),
        {"decision": "return", "comment": "Нет скана приказа"},
        follow=True,
    )
    assert "Отчёт возвращён куратору на доработку." in response.content.decode()


def test_badges_count_what_waits_for_each_side(
    client, roadmap, staff, head, curator_a, curator_b, school_a, django_assert_num_queries
):
    executions = executions_of(roadmap, school_a)[:3]
    assert menu_badges(staff).on_review == 0
    reports = [submit(curator_a, e) for e in executions]
    services.review_report(user=staff, report=reports[0], accept=False, comment="Нет скана")

    with django_assert_num_queries(1):
        assert menu_badges(staff).on_review == 2
    with django_assert_num_queries(1):
        assert menu_badges(curator_a).returned == 1
    assert menu_badges(curator_b).total == 0  # another school's
    assert menu_badges(head).total == 0  # the head does not review

    client.force_login(staff)
    html = client.get(reverse("roadmap:list")).content.decode()
    assert 'id="review-badge">на проверке 2</span>' in html
    client.force_login(curator_a)
    html = client.get(reverse("roadmap:list")).content.decode()
    assert 'id="returned-badge">возвращено 1</span>' in html


def test_badges_cost_the_same_queries_for_one_report_and_for_many(
    client, roadmap, staff, curator_a, school_a, django_assert_max_num_queries
):
    executions = executions_of(roadmap, school_a)
    submit(curator_a, executions[0])
    client.force_login(staff)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("roadmap:review"))
    for execution in executions[1:6]:
        submit(curator_a, execution)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(reverse("roadmap:review")).content.decode()
    assert "на проверке 6" in html


def test_what_changed_since_the_previous_login_is_shown_once(
    client, roadmap, staff, curator_a, school_a
):
    sign_in(client, staff)  # the first login: nothing to compare with
    assert "changes-since-login" not in client.get(reverse("roadmap:list")).content.decode()
    client.logout()

    first, second = executions_of(roadmap, school_a)[:2]
    accepted = submit(curator_a, first)
    services.review_report(user=staff, report=accepted, accept=True)
    submit(curator_a, second)

    sign_in(client, curator_a)  # the curator's first login
    client.logout()
    sign_in(client, staff)
    html = client.get(reverse("roadmap:list")).content.decode()
    assert 'id="changes-since-login"' in html
    # Since the staff member's previous login: two reports came in, one was accepted.
    assert "на проверку отправлено: 2 отчёта; принято: 1 отчёт." in html
    assert "changes-since-login" not in client.get(reverse("roadmap:list")).content.decode()


def test_the_curator_reads_a_return_since_the_previous_login(
    client, roadmap, staff, curator_a, school_a
):
    report = submit(curator_a, executions_of(roadmap, school_a)[0])
    sign_in(client, curator_a)
    client.logout()
    services.review_report(user=staff, report=report, accept=False, comment="Нет скана")
    sign_in(client, curator_a)
    html = client.get(reverse("roadmap:my")).content.decode()
    assert "возвращено на доработку: 1 отчёт." in html


def test_edit_button_only_for_those_who_may_edit(client, roadmap, staff, head, curator_a):
    measure = Measure.objects.filter(section__roadmap=roadmap).first()
    url = reverse("roadmap:measure", args=[measure.pk])
    client.force_login(staff)
    html = client.get(url).content.decode()
    editor = reverse("roadmap:editor", args=[roadmap.pk])
    assert f'href="{editor}#measure-{measure.pk}">Изменить</a>' in html
    for user in (head, curator_a):
        client.force_login(user)
        assert 'id="measure-edit-link"' not in client.get(url).content.decode()


def test_history_hides_saves_that_changed_nothing(client, roadmap, staff):
    measure = Measure.objects.filter(section__roadmap=roadmap).first()
    measure.save()  # a history row with no change in the tracked fields
    measure.save()
    assert measure.history.filter(history_type="~").count() >= 2
    client.force_login(staff)
    response = client.get(reverse("roadmap:measure", args=[measure.pk]))
    assert [entry.what for entry in response.context["history"]] == ["создано"]


def test_registry_sort_list_is_in_russian(client, staff, registry_data):
    client.force_login(staff)
    html = client.get(reverse("registry:mentees")).content.decode()
    assert '<option value="name">ФИО</option>' in html
    assert '<option value="-birth">дата рождения (по убыванию)</option>' in html
    for english in (">Name<", ">Birth<", ">School<", ">Class<"):
        assert english not in html


def test_a_user_made_elsewhere_gets_login_times(client, municipality):
    user = make_user("newcomer", None, municipality=municipality)
    sign_in(client, user)
    user.account_state.refresh_from_db()
    assert user.account_state.login_at is not None
    assert user.account_state.previous_login_at is None
