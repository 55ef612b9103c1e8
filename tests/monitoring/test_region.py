"""The regional coordinator: every municipality's figures side by side, read only, and no
one's personal data; a municipal department still sees only its own municipality."""

import datetime as dt
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import roles
from monitoring import indicators, regional, services
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


# --- the regional summary as PDF ---------------------------------------------------------------


def _accept_school_a(known, period, staff):
    curator = make_user("curator_x", roles.CURATOR, school=known["a"])
    report = services.report_of(period, known["a"])
    services.submit_report(user=curator, report=report)
    services.review_report(user=staff, report=report, accept=True)


def test_regional_pdf_from_accepted_reports(client, known, period, neighbour, region, staff):
    """The PDF next to the XLSX: the figures by municipality, read back from the text layer.

    By hand: Argun (3 ОО, school A accepted): 2 mentors, 6 mentees, 2 pairs; pupils of 10+
    1 of 40 (2,5 %), young teachers 2 of 4 (50,0 %), approved programme 1 of 1 (100,0 %).
    The neighbour (1 ОО, accepted): 1, 1, 1; pupils 1 of 20 (5,0 %), young teachers 0 of 1
    (0,0 %), approved programme 0 of 1 (0,0 %). The region: 3, 7, 3; 2 of 60 (3,3 %), 2 of 5
    (40,0 %), 1 of 2 (50,0 %)."""
    _accept_school_a(known, period, staff)
    client.force_login(region)
    page = client.get(reverse("monitoring:regional")).content.decode()
    link = f"{reverse('monitoring:regional_pdf')}?period=I%20%D0%BF%D0%BE%D0%BB"
    assert link in page and ">PDF</a>" in page
    response = client.get(f"{reverse('monitoring:regional_pdf')}?period=I полугодие 2020/21")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = unquote(response["Content-Disposition"])
    assert "''Сводка_по_региону_I_полугодие_2020-21.pdf" in disposition
    pdf = response.content
    assert pdf.startswith(b"%PDF")

    argun, other = known["municipality"].name, neighbour["municipality"].name
    for texts in (layout.page_texts(pdf), layout.poppler_texts(pdf)):
        text = "\n".join(texts)
        flat = layout.flat(text)
        assert "Период мониторинга: I полугодие 2020/21" in flat
        assert "принято 2 из 4 ОО" in flat
        # Municipality, ОО, accepted, not accepted, mentors, mentees, pairs.
        assert f"{argun} 3 1 2 2 6 2" in flat
        assert f"{other} 1 1 0 1 1 1" in flat
        assert "Итого по региону 4 2 2 3 7 3" in flat
    # The shares' table: numerator, denominator, share for each share but the last (the
    # roadmap's measures on time, whose figures depend on the seed's deadlines).
    texts = layout.page_texts(pdf)
    shares_page = layout.flat(texts[layout.page_of(texts, "Доли по муниципалитетам") - 1])
    shares = shares_page.split("Доли по муниципалитетам", 1)[1]
    assert f"{argun} 1 40 2,5 % 2 4 50,0 % 1 1 100,0 %" in shares
    assert f"{other} 1 20 5,0 % 0 1 0,0 % 0 1 0,0 %" in shares
    assert "Итого по региону 2 60 3,3 % 2 5 40,0 % 1 2 50,0 %" in shares

    # Figures only: no one's name, in the text or the metadata.
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    everything = " ".join(layout.page_texts(pdf)) + " ".join(map(str, reader.metadata.values()))
    for name in ("Соседов", "Соседкин", "Первый", "Второй", "Пэ-один", "Тэ-один", "curator"):
        assert name not in everything
    assert "Сводка по региону" in str(reader.metadata.title)

    # The department and a curator: refused, as the page is.
    for user in (staff, make_user("curator_y", roles.CURATOR, school=known["b"])):
        client.force_login(user)
        assert client.get(reverse("monitoring:regional_pdf")).status_code == 403
    client.logout()
    assert client.get(reverse("monitoring:regional_pdf")).status_code == 302


def test_regional_pdf_of_an_unknown_period_is_404(client, known, period, neighbour, region):
    client.force_login(region)
    assert client.get(f"{reverse('monitoring:regional_pdf')}?period=нет").status_code == 404


def test_regional_pdf_layout_at_the_order_standard(known, period, neighbour, staff):
    """ГОСТ Р 7.0.97-2025 as the other documents: A4 landscape, margins 20/10/20/20 mm
    measured on the ink, tables at 11 pt (nothing under 10), «№» never at a line end, the
    page number at the top centre from page 2 only."""
    _accept_school_a(known, period, staff)
    built = regional.build_regional(
        [known["municipality"], neighbour["municipality"]], "I полугодие 2020/21"
    )
    pdf = regional.regional_pdf(built)
    measured = layout.check_pdf(pdf, min_font=10)
    assert measured.problems == [], "\n".join(measured.problems)
    assert measured.smallest_font >= 11 - 0.05
    assert all(page.landscape for page in measured.layouts)
    assert round(measured.layouts[0].width) == 297 and round(measured.layouts[0].height) == 210
    assert not measured.layouts[0].header
    assert all(page.header for page in measured.layouts[1:])
    assert measured.numero_ends == []


def test_regional_pdf_over_pages_keeps_rows_whole_and_repeats_the_header(db):
    """Forty municipalities: the tables run over several pages; every page of a table starts
    with its header, every municipality's row is printed whole on one page, and the page
    numbers stand at the top from page 2. A name with «№» keeps it with its number."""
    from core.models import Municipality
    from monitoring.indicators import Figure
    from monitoring.models import IndicatorCode as C

    rows = []
    for n in range(1, 41):
        municipality = Municipality(name=f"Муниципальный район № {n} с длинным названием")
        totals = {
            C.MENTORS: Figure(C.MENTORS, 100 + n),
            C.MENTEES: Figure(C.MENTEES, 1000 + n),
            C.PAIRS: Figure(C.PAIRS, 200 + n),
            C.PUPILS_10_PLUS: Figure(C.PUPILS_10_PLUS, n, 250_000),
            C.YOUNG_TEACHERS: Figure(C.YOUNG_TEACHERS, n, 100),
            C.APPROVED_PROGRAMME: Figure(C.APPROVED_PROGRAMME, n, 50),
            C.MEASURES_ON_TIME: Figure(C.MEASURES_ON_TIME, 0, None),
        }
        rows.append(regional.MunicipalityRow(municipality, 50, 50 - n % 3, totals))
    totals = {
        code: Figure(code, 99_999, 999_999 if code in regional.indicators.SHARES else None)
        for code in indicators.ORDER
    }
    built = regional.Regional("I полугодие 2020/21", rows, totals)
    pdf = regional.regional_pdf(built)
    measured = layout.check_pdf(pdf, min_font=10)
    assert measured.problems == [], "\n".join(measured.problems)
    assert measured.pages >= 4
    assert not measured.layouts[0].header and all(p.header for p in measured.layouts[1:])
    # Words hyphenated at a line end joined again («назва‐ нием»).
    texts = [layout.flat(text).replace("\u2010 ", "") for text in layout.page_texts(pdf)]
    shares_from = layout.page_of(texts, "Доли по муниципалитетам")
    for number, text in enumerate(texts, start=1):
        if number < shares_from:
            assert text.count("Муниципалитет ОО Принято отчётов Не принято") == 1, number
        elif number > shares_from:
            assert text.count(" ".join(["числ. знам. %"] * 4)) == 1, number  # the shares' header
    for n in range(1, 41):
        name = f"Муниципальный район № {n} с длинным названием"
        pages = [p for p, text in enumerate(texts, start=1) if f"{name} " in text]
        assert len(pages) == 2, (name, pages)  # once in each table
        counts, shares = texts[pages[0] - 1], texts[pages[1] - 1]
        # Each row whole: the name and all its figures on the same page.
        assert f"{name} 50 {50 - n % 3} {n % 3} {100 + n} 1 {n:03d} {200 + n}" in counts
        assert f"{name} {n} 250 000 0,0 % {n} 100 {n},0 % {n} 50 {2 * n},0 % — — —" in shares
