import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from roadmap.models import Execution, Measure, Section
from roadmap.services import add_school
from tests.factories import MeasureFactory, SchoolFactory, party

pytestmark = pytest.mark.django_db

ALL_ROLES = ["staff", "head", "curator_a", "curator_b", "admin"]


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ["home", "roadmap:list"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_detail_is_sent_to_login(client, roadmap):
    response = client.get(reverse("roadmap:detail", args=[roadmap.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_login_page_is_russian_and_logs_in(client, staff, roadmap):
    page = client.get(reverse("login"))
    assert "Вход в систему" in page.content.decode()
    assert '<html lang="ru">' in page.content.decode()
    bad = client.post(reverse("login"), {"username": "staff", "password": "неверный"})
    assert bad.status_code == 200
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in bad.content.decode()
    good = client.post(reverse("login"), {"username": "staff", "password": "Пароль-для-тестов-1"})
    assert good.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("who", ALL_ROLES)
def test_every_role_sees_the_roadmap_of_its_municipality(client, cast, roadmap, who):
    login(client, cast[who])
    listing = client.get(reverse("roadmap:list"))
    assert listing.status_code == 200
    listed = listing.content.decode()
    assert f"{roadmap.municipality.name}, {roadmap.school_year} учебный год" in listed
    assert escape(roadmap.title) in listed  # whole, not cut
    page = client.get(reverse("roadmap:detail", args=[roadmap.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Утверждение состава муниципальной рабочей группы" in html
    assert html.count('class="section-row"') == 4
    assert html.count('id="measure-') == 34


@pytest.mark.parametrize("who", ["staff", "head", "curator_a", "curator_b"])
def test_roadmap_of_another_municipality_is_404(client, cast, roadmap, other_roadmap, who):
    login(client, cast[who])
    assert client.get(reverse("roadmap:detail", args=[other_roadmap.pk])).status_code == 404
    assert other_roadmap.short_title not in client.get(reverse("roadmap:list")).content.decode()


def test_home_leads_to_the_only_roadmap(client, staff, roadmap):
    login(client, staff)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("roadmap:detail", args=[roadmap.pk])


def test_curator_sees_own_school_status_only(client, curator_a, school_b, roadmap):
    Execution.objects.filter(measure__number="1.7", school=school_b).update(
        status=Execution.Status.IN_PROGRESS
    )
    login(client, curator_a)
    html = client.get(reverse("roadmap:detail", args=[roadmap.pk])).content.decode()
    assert "Исполнение ОО" in html
    assert school_b.short_name not in html
    assert "принято 0 из" not in html


def test_staff_sees_aggregate_status(client, staff, school_a, school_b, roadmap):
    measure = Measure.objects.get(section__roadmap=roadmap, number="1.7")
    measure.executions.update(status=Execution.Status.ACCEPTED, completed_on="2020-10-20")
    login(client, staff)
    html = client.get(reverse("roadmap:detail", args=[roadmap.pk])).content.decode()
    row = html.split('id="measure-1.7"')[1].split("</tr>")[0]
    assert "выполнено" in row
    assert "принято 2 из 2" in row
    section = html.split('id="section-1"')[1].split("</tr>")[0]
    assert "выполнено 1 из 14" in section


def test_admin_site_for_admin_only(client, cast, roadmap):
    login(client, cast["admin"])
    assert client.get(reverse("admin:roadmap_measure_changelist") + "?q=1.1").status_code == 200
    assert client.get(reverse("admin:roadmap_execution_changelist")).status_code == 200
    assert client.get(reverse("admin:core_school_changelist")).status_code == 200
    for who in ["staff", "head", "curator_a"]:
        client.force_login(cast[who])
        assert client.get(reverse("admin:index")).status_code == 302


def _grow(roadmap, schools: int, measures: int):
    """Add schools and measures to the seed roadmap."""
    section = Section.objects.get(roadmap=roadmap, number="4")
    schools_party = party("Образовательные организации", "schools")
    for _ in range(measures):
        measure = MeasureFactory(section=section)
        measure.responsibilities.create(party=schools_party)
    for _ in range(schools):
        add_school(roadmap=roadmap, school=SchoolFactory(municipality=roadmap.municipality))


@pytest.mark.parametrize("who", ["staff", "curator_a"])
def test_roadmap_page_query_count_does_not_grow(client, cast, roadmap, who):
    login(client, cast[who])
    url = reverse("roadmap:detail", args=[roadmap.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(roadmap, schools=30, measures=40)
    assert Execution.objects.filter(measure__section__roadmap=roadmap).count() > 1000
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.content.decode().count('id="measure-') == 74
    assert len(large) == len(small)


def test_roadmap_page_query_budget(client, staff, roadmap, django_assert_max_num_queries):
    login(client, staff)
    # 10 for the page, 1 for the menu's badge «на проверке N» (roadmap.context_processors).
    with django_assert_max_num_queries(11):
        client.get(reverse("roadmap:detail", args=[roadmap.pk]))


def test_curator_progress_counts_only_what_the_school_owes(client, curator_a, school_a, roadmap):
    Execution.objects.filter(school=school_a, measure__number__in=["1.2", "1.3"]).update(
        status=Execution.Status.ACCEPTED, completed_on="2020-10-20"
    )
    login(client, curator_a)
    html = client.get(reverse("roadmap:detail", args=[roadmap.pk])).content.decode()
    # Section 1 has 14 measures, of which the school owes 10 (1.1, 1.4, 1.5, 1.9 are the
    # department's); two are accepted.
    section = html.split('id="section-1"')[1].split("</tr>")[0]
    assert "выполнено 2 из 10" in section
    row = html.split('id="measure-1.1"')[1].split("</tr>")[0]
    assert "не требуется от ОО" in row
    assert "просрочено" not in row
    assert "просрочено" in html.split('id="measure-1.6"')[1].split("</tr>")[0]


@pytest.mark.parametrize(
    "name",
    [
        "roadmap_roadmap",
        "roadmap_section",
        "roadmap_measure",
        "roadmap_execution",
        "roadmap_order",
        "roadmap_responsibleparty",
        "roadmap_amendment",
        "roadmap_report",
        "roadmap_reminderdigest",
        "core_school",
        "core_municipality",
        "core_department",
        "core_profile",
        "auth_user",
    ],
)
def test_admin_changelists_with_search(client, admin_user, roadmap, name):
    client.force_login(admin_user)
    response = client.get(reverse(f"admin:{name}_changelist"), {"q": "Аргун"})
    assert response.status_code == 200


def test_admin_measure_history_and_edit(client, admin_user, roadmap):
    client.force_login(admin_user)
    measure = Measure.objects.get(section__roadmap=roadmap, number="1.1")
    assert (
        client.get(reverse("admin:roadmap_measure_history", args=[measure.pk])).status_code == 200
    )
    assert client.get(reverse("admin:roadmap_measure_change", args=[measure.pk])).status_code == 200
