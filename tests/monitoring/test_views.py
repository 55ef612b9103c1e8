"""Monitoring pages by role: who sees what, who may do what, and the flow of a report."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import AnswerSet, Questionnaire, SchoolReport, Target

pytestmark = pytest.mark.django_db

ON = "on=31.01.2021"


def figure_on(html: str, code: str) -> str:
    match = re.search(rf'data-code="{code}".*?<a [^>]*>([^<]+)</a>', html, re.S)
    assert match, code
    return match.group(1).strip()


def test_dashboard_for_the_department_and_for_a_curator(client, known, staff, head, curator_a):
    Target.objects.create(
        municipality=known["municipality"], indicator="pupils_10_plus", year=2024, value=70
    )
    for user in (staff, head):
        client.force_login(user)
        html = client.get(f"{reverse('monitoring:dashboard')}?{ON}").content.decode()
        assert figure_on(html, "mentees") == "8"
        assert figure_on(html, "pupils_10_plus") == "4,0 %"
        assert "не хватает: 33" in html  # 70 % of 50 is 35; 2 are in
        assert 'data-status="behind"' in html
        assert "МБОУ «СОШ № 3» г. Аргун" in html  # listed without counts, and compared
        assert "<svg" in html and "<script" not in html.split("</nav>", 1)[1]
    client.force_login(curator_a)
    html = client.get(f"{reverse('monitoring:dashboard')}?{ON}").content.decode()
    assert figure_on(html, "mentees") == "6"
    assert figure_on(html, "pupils_10_plus") == "2,5 %"
    assert "СОШ № 2" not in html and "СОШ № 3" not in html


def test_a_curator_cannot_pick_another_school(client, known, curator_a):
    client.force_login(curator_a)
    other = known["b"].pk
    assert client.get(f"{reverse('monitoring:dashboard')}?school={other}").status_code == 404
    url = reverse("monitoring:records", args=["mentees"])
    assert client.get(f"{url}?{ON}&school={other}").status_code == 404
    html = client.get(f"{url}?{ON}").content.decode()
    assert "Пэ-один" in html and "Ку-один" not in html


def test_records_behind_a_figure(client, known, staff):
    client.force_login(staff)
    url = reverse("monitoring:records", args=["pupils_10_plus"])
    html = client.get(f"{url}?{ON}").content.decode()
    assert "Пэ-один" in html and "Ку-один" in html
    assert "Эр-один" not in html  # school C gave no counts: not in the share
    assert "2 из 50" in html
    only_b = client.get(f"{url}?{ON}&school={known['b'].pk}").content.decode()
    assert "Ку-один" in only_b and "Пэ-один" not in only_b
    assert client.get(reverse("monitoring:records", args=["nonsense"])).status_code == 404


def test_bad_date_is_a_400_naming_the_field(client, known, staff):
    client.force_login(staff)
    response = client.get(f"{reverse('monitoring:dashboard')}?on=31.02.2021")
    assert response.status_code == 400
    assert "«На дату»" in response.content.decode()


def add_schools(known, forms, count, *, period=None, reviewer=None):
    """More schools, each with a pupil in a pair and, given a period, an accepted report."""
    from registry.models import Mentee, Programme
    from tests.factories import SchoolFactory
    from tests.monitoring.fixtures import make_pair

    for _n in range(count):
        school = SchoolFactory(municipality=known["municipality"])
        programme = Programme.objects.create(
            school=school,
            form=forms["учитель – ученик"],
            title="П",
            starts_on=dt.date(2020, 9, 1),
            ends_on=dt.date(2021, 8, 31),
        )
        pupil = Mentee.objects.create(
            municipality=school.municipality,
            school=school,
            last_name=f"Д{school.pk}",
            first_name="Т",
            birth_date=dt.date(2009, 1, 1),
        )
        make_pair(programme, known["m1"], [pupil], starts_on=dt.date(2020, 11, 1))
        if period is not None:
            report = services.report_of(period, school)
            services.submit_report(user=reviewer, report=report)
            services.review_report(user=reviewer, report=report, accept=True)


@pytest.mark.parametrize(
    "page",
    ["records", "period", "summary", "summary_xlsx", "report", "periods"],
)
def test_monitoring_pages_queries_do_not_grow_with_schools(
    client, known, period, staff, forms, page, django_assert_max_num_queries
):
    report = services.report_of(period, known["a"])
    urls = {
        "records": f"{reverse('monitoring:records', args=['mentees'])}?{ON}",
        "period": reverse("monitoring:period", args=[period.pk]),
        "summary": reverse("monitoring:summary", args=[period.pk]),
        "summary_xlsx": reverse("monitoring:summary_file", args=[period.pk, "xlsx"]),
        "report": reverse("monitoring:report", args=[report.pk]),
        "periods": reverse("monitoring:periods"),
    }
    add_schools(known, forms, 2, period=period, reviewer=staff)
    client.force_login(staff)
    client.get(urls[page])
    with django_assert_max_num_queries(30) as small:
        assert client.get(urls[page]).status_code == 200
    add_schools(known, forms, 12, period=period, reviewer=staff)
    with django_assert_max_num_queries(len(small)):
        client.get(urls[page])


def test_dashboard_queries_do_not_grow_with_schools(
    client, known, staff, forms, django_assert_max_num_queries
):
    client.force_login(staff)
    url = f"{reverse('monitoring:dashboard')}?{ON}"
    client.get(url)
    with django_assert_max_num_queries(16) as small:
        client.get(url)
    add_schools(known, forms, 10)
    with django_assert_max_num_queries(len(small)):
        client.get(url)


def test_targets_are_set_by_staff_only(client, known, staff, head, curator_a):
    url = reverse("monitoring:targets")
    client.force_login(staff)
    response = client.post(url, {"indicator": "pupils_10_plus", "year": "2024", "value": "70"})
    assert response.status_code == 302
    response = client.post(url, {"indicator": "pupils_10_plus", "year": "2024", "value": "150"})
    assert response.status_code == 422
    assert "больше 100" in response.content.decode()
    assert Target.objects.get().value == 70
    client.force_login(head)
    assert client.get(url).status_code == 200
    response = client.post(url, {"indicator": "mentors", "year": "2024", "value": "5"})
    assert response.status_code == 403
    client.force_login(curator_a)
    assert client.get(url).status_code == 403
    assert Target.objects.count() == 1


def test_a_report_from_start_to_acceptance(client, known, period, staff, head, curator_a, forms):
    client.force_login(curator_a)
    response = client.post(reverse("monitoring:report_start", args=[period.pk]))
    report = SchoolReport.objects.get(period=period, school=known["a"])
    assert response.url == reverse("monitoring:report", args=[report.pk])
    questionnaire = Questionnaire.objects.filter(
        municipality=known["municipality"], stage=2, respondent="mentee"
    ).first()
    questions = list(questionnaire.questions.all())
    url = reverse("monitoring:answer_set", args=[report.pk, questionnaire.pk])
    data = {"form": forms["учитель – ученик"].pk, "moment": "start", "respondents": "12"}
    data.update({f"q{q.pk}": "6,5" for q in questions})
    data[f"q{questions[0].pk}"] = "12"
    response = client.post(url, data)
    assert response.status_code == 422
    assert "Вопрос 1: средний балл должен быть от 1 до 10" in response.content.decode()
    assert not AnswerSet.objects.exists()
    data[f"q{questions[0].pk}"] = "7"
    assert client.post(url, data).status_code == 302
    assert AnswerSet.objects.get().respondents == 12

    swot_url = reverse("monitoring:swot", args=[report.pk, known["prog_a"].pk])
    assert client.post(swot_url, {"strengths": "Опытные педагоги"}).status_code == 302

    page = client.get(reverse("monitoring:report", args=[report.pk])).content.decode()
    assert "будут зафиксированы при отправке" in page and "Опытные педагоги" in page
    response = client.post(
        reverse("monitoring:report_submit", args=[report.pk]),
        {"version": report.version, "confirm": "1"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.figures["values"]["mentees"] == [6, None]
    assert client.post(url, data).status_code == 409  # frozen while on review

    client.force_login(head)
    review = reverse("monitoring:report_review", args=[report.pk])
    assert client.post(review, {"decision": "accept"}).status_code == 403
    client.force_login(staff)
    response = client.post(review, {"decision": "return", "comment": "", "version": report.version})
    assert response.status_code == 409
    assert "Укажите, что нужно доработать" in response.content.decode()
    response = client.post(review, {"decision": "accept", "version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted"
    summary_page = client.get(reverse("monitoring:summary", args=[period.pk])).content.decode()
    assert "принято 1 из 3 ОО" in summary_page
    assert "Опытные педагоги" in summary_page


def test_a_curator_reaches_only_their_school_report(client, known, period, curator_a, curator_b):
    report_b = services.report_of(period, known["b"])
    client.force_login(curator_a)
    assert client.get(reverse("monitoring:report", args=[report_b.pk])).status_code == 404
    assert client.post(reverse("monitoring:report_submit", args=[report_b.pk])).status_code == 404
    assert client.get(reverse("monitoring:summary", args=[period.pk])).status_code == 403
    report_b.refresh_from_db()
    assert report_b.status == "draft"


def test_staff_create_a_period_with_clear_errors(client, known, staff, curator_a):
    client.force_login(staff)
    url = reverse("monitoring:period_create")
    response = client.post(
        url, {"title": "Год", "starts_on": "01.09.2021", "ends_on": "01.01.2021"}
    )
    assert response.status_code == 422
    assert "Окончание периода раньше его начала" in response.content.decode()
    response = client.post(
        url, {"title": "Год", "starts_on": "01.09.2020", "ends_on": "31.05.2021"}
    )
    assert response.status_code == 302
    client.force_login(curator_a)
    assert client.post(url, {"title": "Ещё"}).status_code == 403


def test_questionnaires_are_edited_by_staff_and_answered_questions_are_kept(
    client, known, period, staff, head, curator_a, forms
):
    questionnaire = Questionnaire.objects.filter(
        municipality=known["municipality"], stage=1
    ).first()
    url = reverse("monitoring:questionnaire", args=[questionnaire.pk])
    client.force_login(head)
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": "Вопрос начальника"}).status_code == 403
    client.force_login(curator_a)
    assert client.get(reverse("monitoring:questionnaires")).status_code == 403
    client.force_login(staff)
    assert client.post(url, {"text": "  Насколько   понятной была программа  "}).status_code == 302
    added = questionnaire.questions.order_by("-position").first()
    assert added.text == "Насколько понятной была программа"
    delete = reverse("monitoring:question_delete", args=[added.pk])
    assert client.post(delete).status_code == 302
    answered = questionnaire.questions.first()
    services.save_answer_set(
        report=services.report_of(period, known["a"]),
        questionnaire=questionnaire,
        form=forms["учитель – ученик"],
        moment="",
        respondents=4,
        averages={q.pk: "8" for q in questionnaire.questions.all()},
    )
    response = client.post(reverse("monitoring:question_delete", args=[answered.pk]))
    assert response.status_code == 409
    assert "уже есть ответы" in response.content.decode()
    response = client.post(
        url,
        {
            "title": questionnaire.title,
            "stage": "2",
            "respondent": "mentee",
            "scale_max": "10",
            "position": "0",
        },
    )
    assert response.status_code == 422
    assert "этап и шкалу изменить нельзя" in response.content.decode()


def test_summary_downloads_for_the_department_only(client, known, period, staff, curator_a):
    client.force_login(staff)
    xlsx = client.get(reverse("monitoring:summary_file", args=[period.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "filename*=UTF-8''" in xlsx["Content-Disposition"]
    pdf = client.get(reverse("monitoring:summary_file", args=[period.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    client.force_login(curator_a)
    assert (
        client.get(reverse("monitoring:summary_file", args=[period.pk, "pdf"])).status_code == 403
    )


def test_answers_upload_through_the_report_page(client, known, period, curator_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from monitoring import answers_io

    report = services.report_of(period, known["a"])
    client.force_login(curator_a)
    url = reverse("monitoring:answers_import", args=[report.pk])
    bad = SimpleUploadedFile("answers.xlsx", b"MZ\x90\x00 not a workbook")
    response = client.post(url, {"file": bad})
    assert response.status_code == 409
    assert "XLSX" in response.content.decode()
    template = client.get(reverse("monitoring:answers_template", args=[report.pk]))
    assert template.status_code == 200
    assert len(answers_io.sheet_titles(Questionnaire.objects.filter(is_active=True))) == 4
    response = client.post(url, {"file": SimpleUploadedFile("answers.xlsx", template.content)})
    assert response.status_code == 409  # an empty template: nothing filled in
    assert not AnswerSet.objects.exists()
