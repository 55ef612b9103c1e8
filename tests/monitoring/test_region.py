"""The regional coordinator: every municipality's figures side by side, read only, and no
one's personal data; a municipal department still sees only its own municipality."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import roles
from monitoring import regional, services
from registry.models import Mentee, Programme, SchoolYearStats
from tests import documents_layout as layout
from tests.factories import SchoolFactory, make_user
from tests.monitoring.fixtures import D, make_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(db):
    return make_user("region", roles.REGION)


@pytest.fixture
def neighbour(other_roadmap, forms, staff):
    """Another municipality: one school with counts, one pupil in a pair, an accepted report."""
    municipality = other_roadmap.municipality
    school = SchoolFactory(municipality=municipality, short_name="СОШ Соседнего № 1")
    SchoolYearStats.objects.create(
        school=school,
        school_year_start=2020,
        pupils_total=30,
        pupils_10_plus=20,
        teachers_total=5,
        young_teachers=1,
    )
    programme = Programme.objects.create(
        school=school,
        form=forms["учитель – ученик"],
        title="Программа соседей",
        starts_on=dt.date(2020, 9, 1),
        ends_on=dt.date(2021, 8, 31),
    )
    from registry.models import Mentor

    mentor = Mentor.objects.create(
        municipality=municipality,
        last_name="Соседов",
        first_name="Сосед",
        birth_date=dt.date(1980, 1, 1),
        kind="teacher",
    )
    pupil = Mentee.objects.create(
        municipality=municipality,
        school=school,
        last_name="Соседкин",
        first_name="Тест",
        birth_date=dt.date(2009, 1, 1),
    )
    make_pair(programme, mentor, [pupil], starts_on=dt.date(2020, 11, 1))
    period = services.save_period(
        municipality=municipality,
        title="I полугодие 2020/21",
        starts_on=dt.date(2020, 9, 1),
        ends_on=D,
    )
    curator = make_user("curator_n", roles.CURATOR, school=school)
    report = services.report_of(period, school)
    services.submit_report(user=curator, report=report)
    services.review_report(user=staff, report=report, accept=True)
    return {"municipality": municipality, "school": school, "roadmap": other_roadmap}


def test_region_compares_municipalities(client, known, neighbour, region):
    client.force_login(region)
    html = client.get(f"{reverse('monitoring:dashboard')}?on=31.01.2021").content.decode()
    assert "Сравнение муниципалитетов" in html
    assert neighbour["municipality"].name in html and known["municipality"].name in html
    # Argun's 8 mentees and the neighbour's 1, and no link to the lists of people.
    assert '<span class="figure">9</span>' in html
    assert reverse("monitoring:records", args=["mentees"]) not in html
    narrowed = client.get(
        f"{reverse('monitoring:dashboard')}?on=31.01.2021"
        f"&municipality={neighbour['municipality'].pk}"
    ).content.decode()
    assert '<span class="figure">1</span>' in narrowed
    assert "СОШ Соседнего № 1" in narrowed and "СОШ № 1» г. Аргун" not in narrowed


def test_region_reads_but_never_changes_and_sees_no_personal_data(client, known, neighbour, region):
    client.force_login(region)
    mentees = reverse("monitoring:records", args=["mentees"])
    assert client.get(f"{mentees}?on=31.01.2021").status_code == 403
    programmes = reverse("monitoring:records", args=["approved_programme"])
    assert client.get(f"{programmes}?on=31.01.2021").status_code == 200
    assert client.get(reverse("registry:mentees")).status_code == 403
    roadmap = neighbour["roadmap"]
    assert client.get(reverse("roadmap:dashboard", args=[roadmap.pk])).status_code == 200
    assert client.get(reverse("roadmap:list")).status_code == 200
    assert client.post(reverse("roadmap:approve", args=[roadmap.pk])).status_code == 403
    assert client.post(reverse("roadmap:report_review", args=[1])).status_code == 403
    assert client.post(reverse("monitoring:targets"), {"indicator": "mentors"}).status_code == 403


def test_regional_summary_from_accepted_reports(client, known, period, neighbour, region, staff):
    curator = make_user("curator_x", roles.CURATOR, school=known["a"])
    report = services.report_of(period, known["a"])
    services.submit_report(user=curator, report=report)
    services.review_report(user=staff, report=report, accept=True)
    services.submit_report(user=curator, report=services.report_of(period, known["b"]))

    client.force_login(region)
    html = client.get(reverse("monitoring:regional")).content.decode()
    assert "принято отчётов 2 из 4 ОО" in html
    response = client.get(f"{reverse('monitoring:regional_xlsx')}?period=I полугодие 2020/21")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Муниципалитеты", "Не отчитались"]
    rows = {row[0]: row for row in book["Муниципалитеты"].iter_rows(min_row=5, values_only=True)}
    # Argun: school A's frozen 6 mentees; the neighbour: 1; the region: 7.
    assert rows[known["municipality"].name][3 + 1] == 6
    assert rows[neighbour["municipality"].name][3 + 1] == 1
    assert rows["Итого по региону"][3 + 1] == 7
    missing = list(book["Не отчитались"].iter_rows(min_row=2, values_only=True))
    assert missing == [(known["municipality"].name, 3, 1, 2)]

    client.force_login(staff)
    assert client.get(reverse("monitoring:regional")).status_code == 403
    assert client.get(f"{reverse('monitoring:regional')}?period=нет").status_code == 403


def test_a_department_sees_only_its_municipality(client, known, neighbour, staff):
    client.force_login(staff)
    html = client.get(f"{reverse('monitoring:dashboard')}?on=31.01.2021").content.decode()
    assert "СОШ Соседнего" not in html
    other = neighbour["municipality"].pk
    response = client.get(f"{reverse('monitoring:dashboard')}?municipality={other}")
    assert response.status_code == 404


@pytest.mark.skipif(layout.LIBREOFFICE is None, reason=layout.LIBREOFFICE_MISSING)
def test_regional_xlsx_layout_in_libreoffice(known, period, neighbour, staff):
    """The regional summary printed by LibreOffice: at its 11 pt (fitted to the width it was
    5.7 pt), margins 20/10/20/20 mm, the municipalities' column repeated on the pages of the
    further figures, page numbers from page 2."""
    curator = make_user("curator_x", roles.CURATOR, school=known["a"])
    report = services.report_of(period, known["a"])
    services.submit_report(user=curator, report=report)
    services.review_report(user=staff, report=report, accept=True)
    municipalities = [known["municipality"], neighbour["municipality"]]
    built = regional.build_regional(municipalities, "I полугодие 2020/21")
    pdf = layout.libreoffice_pdf(regional.regional_xlsx(built), "xlsx")
    measured = layout.check_pdf(pdf, min_font=11)
    assert measured.problems == [], "\n".join(measured.problems)
    assert measured.pages >= 2 and not measured.layouts[0].header
    texts = layout.page_texts(pdf)
    figures = [text for text in texts if "Итого по региону" in text]
    assert len(figures) >= 2  # the figures over two pages, each with the names repeated
    assert all(neighbour["municipality"].name in layout.flat(text) for text in figures)
