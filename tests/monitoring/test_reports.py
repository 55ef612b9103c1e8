"""Schools' reports: frozen at submission, accepted ones never change; the summary counts
accepted reports only; questionnaire averages are weighted by respondents."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from monitoring import services, summary
from monitoring.models import IndicatorCode as C
from monitoring.models import Moment, Questionnaire, SchoolReport, Stage
from monitoring.reference import ensure_questionnaires
from registry.models import Mentee
from tests.monitoring.fixtures import make_pair

pytestmark = pytest.mark.django_db


def _new_pupil_in_pair(known):
    pupil = Mentee.objects.create(
        municipality=known["municipality"],
        school=known["a"],
        last_name="Новенький",
        first_name="Тест",
        birth_date=dt.date(2009, 9, 9),
    )
    make_pair(known["prog_a"], known["m1"], [pupil], starts_on=dt.date(2020, 12, 1))


def test_figures_are_frozen_at_submission_and_accepted_reports_never_change(
    known, period, staff, curator_a
):
    report = services.report_of(period, known["a"])
    services.submit_report(user=curator_a, report=report)
    services.review_report(user=staff, report=report, accept=True)
    report.refresh_from_db()
    frozen = report.figures
    assert frozen["as_of"] == "2021-01-31"
    assert frozen["values"][C.MENTEES] == [6, None]
    assert frozen["values"][C.PUPILS_10_PLUS] == [1, 40]

    _new_pupil_in_pair(known)  # the registry changes after acceptance

    report.refresh_from_db()
    assert report.figures == frozen
    built = summary.build_summary(period)
    assert built.totals[C.MENTEES].numerator == 6
    assert built.totals[C.PUPILS_10_PLUS].numerator == 1
    with pytest.raises(ValidationError):
        services.submit_report(user=curator_a, report=report)


def test_a_returned_report_is_refrozen_when_resubmitted(known, period, staff, curator_a):
    report = services.report_of(period, known["a"])
    services.submit_report(user=curator_a, report=report)
    with pytest.raises(ValidationError) as refused:
        services.review_report(user=staff, report=report, accept=False, comment="  ")
    assert "доработать" in str(refused.value)
    services.review_report(user=staff, report=report, accept=False, comment="Нет SWOT")
    _new_pupil_in_pair(known)
    services.submit_report(user=curator_a, report=report)
    report.refresh_from_db()
    assert report.figures["values"][C.MENTEES] == [7, None]
    assert [e.action for e in report.events.all()] == ["submitted", "returned", "submitted"]


def test_a_stale_version_is_refused(known, period, staff, curator_a):
    report = services.report_of(period, known["a"])
    version = report.version
    services.submit_report(user=curator_a, report=report, version=version)
    with pytest.raises(ValidationError, match="изменился"):
        services.review_report(user=staff, report=report, accept=True, version=version)
    assert SchoolReport.objects.get(pk=report.pk).status == "submitted"


def test_summary_leaves_out_unaccepted_reports(known, period, staff, curator_a, curator_b):
    report_a = services.report_of(period, known["a"])
    report_b = services.report_of(period, known["b"])
    services.submit_report(user=curator_a, report=report_a)
    services.submit_report(user=curator_b, report=report_b)
    services.review_report(user=staff, report=report_a, accept=True)

    built = summary.build_summary(period)
    assert [row.school for row in built.accepted] == [known["a"]]
    missing = {row.school.pk: row.status_label for row in built.missing}
    assert missing == {known["b"].pk: "на проверке", known["c"].pk: "не начат"}
    assert built.totals[C.MENTEES].numerator == 6
    assert built.totals[C.PUPILS_10_PLUS].denominator == 40
    assert built.totals[C.APPROVED_PROGRAMME].numerator == 1
    assert built.totals[C.APPROVED_PROGRAMME].denominator == 1

    services.review_report(user=staff, report=report_b, accept=True)
    built = summary.build_summary(period)
    # Sum over the schools: M1 is counted in A and in B.
    assert built.totals[C.MENTORS].numerator == 3
    assert built.totals[C.PUPILS_10_PLUS].numerator == 2
    assert built.totals[C.PUPILS_10_PLUS].denominator == 50
    assert built.totals[C.PUPILS_10_PLUS].value == Decimal("4.0")


def _questionnaire(municipality, stage, respondent="mentee"):
    ensure_questionnaires(municipality)
    return Questionnaire.objects.filter(
        municipality=municipality, stage=stage, respondent=respondent
    ).first()


def test_questionnaire_averages_are_weighted_and_change_from_start_to_end(
    known, period, forms, staff, curator_a, curator_b
):
    quality = _questionnaire(known["municipality"], Stage.QUALITY)
    growth = _questionnaire(known["municipality"], Stage.MOTIVATION)
    form = forms["учитель – ученик"]
    reports = {}
    for key, curator, respondents, score, start, end in (
        ("a", curator_a, 10, "8", "5", "7,5"),
        ("b", curator_b, 30, "4", "6", "6"),
    ):
        report = services.report_of(period, known[key])
        services.save_answer_set(
            report=report,
            questionnaire=quality,
            form=form,
            moment=Moment.ONCE,
            respondents=respondents,
            averages={q.pk: score for q in quality.questions.all()},
        )
        for moment, value in ((Moment.START, start), (Moment.END, end)):
            services.save_answer_set(
                report=report,
                questionnaire=growth,
                form=form,
                moment=moment,
                respondents=respondents,
                averages={q.pk: value for q in growth.questions.all()},
            )
        services.submit_report(user=curator, report=report)
        services.review_report(user=staff, report=report, accept=True)
        reports[key] = report

    built = summary.build_summary(period)
    block = next(b for b in built.stage1 if b.questionnaire == quality)
    assert block.forms == ["учитель – ученик"]
    assert block.respondents == {"учитель – ученик": 40}
    # (10 × 8 + 30 × 4) / 40 = 5
    assert block.rows[0].by_form["учитель – ученик"] == Decimal("5.00")
    assert block.rows[0].overall == Decimal("5.00")
    growth_block = next(b for b in built.stage2 if b.questionnaire == growth)
    row = growth_block.rows[0]
    # start (10 × 5 + 30 × 6) / 40 = 5.75; end (10 × 7.5 + 30 × 6) / 40 = 6.375 → 6.38
    assert (row.overall_start, row.overall_end) == (Decimal("5.75"), Decimal("6.38"))
    assert row.change == Decimal("0.63")
    assert row.change_for("учитель – ученик") == Decimal("0.63")

    with pytest.raises(ValidationError, match="изменять его нельзя"):
        services.save_answer_set(
            report=reports["a"],
            questionnaire=quality,
            form=form,
            moment=Moment.ONCE,
            respondents=1,
            averages={q.pk: "9" for q in quality.questions.all()},
        )


def test_answers_are_checked_before_anything_is_saved(known, period, forms):
    quality = _questionnaire(known["municipality"], Stage.QUALITY)
    growth = _questionnaire(known["municipality"], Stage.MOTIVATION)
    report = services.report_of(period, known["a"])
    questions = list(quality.questions.all())
    averages = {q.pk: "7" for q in questions}
    averages[questions[1].pk] = "11"
    averages[questions[2].pk] = "семь"
    del averages[questions[3].pk]
    with pytest.raises(ValidationError) as refused:
        services.save_answer_set(
            report=report,
            questionnaire=quality,
            form=forms["учитель – ученик"],
            moment="",
            respondents=5,
            averages=averages,
        )
    text = " ".join(refused.value.messages)
    assert "Вопрос 2: средний балл должен быть от 1 до 10" in text
    assert "Вопрос 3: «семь» — не число" in text
    assert "Вопрос 4: не указан средний балл" in text
    assert not report.answer_sets.exists()
    with pytest.raises(ValidationError, match="замер"):
        services.save_answer_set(
            report=report,
            questionnaire=growth,
            form=forms["учитель – ученик"],
            moment="",
            respondents=5,
            averages={q.pk: "7" for q in growth.questions.all()},
        )


def test_swot_only_for_the_schools_own_programme(known, period, registry_data):
    report = services.report_of(period, known["a"])
    services.save_swot(report=report, programme=known["prog_a"], strengths="Опытные педагоги")
    with pytest.raises(ValidationError, match="другой ОО"):
        services.save_swot(report=report, programme=registry_data["b"]["programme"])
    assert report.swots.count() == 1


def test_period_end_is_fixed_once_schools_reported(known, period, curator_a):
    services.submit_report(user=curator_a, report=services.report_of(period, known["a"]))
    with pytest.raises(ValidationError) as refused:
        services.save_period(
            municipality=known["municipality"], period=period, ends_on=dt.date(2021, 2, 28)
        )
    assert "ends_on" in refused.value.message_dict


def test_trend_over_periods_uses_accepted_reports(known, period, staff, curator_a):
    second = services.save_period(
        municipality=known["municipality"],
        title="II полугодие 2020/21",
        starts_on=dt.date(2021, 2, 1),
        ends_on=dt.date(2021, 5, 31),
    )
    for p in (period, second):
        report = services.report_of(p, known["a"])
        services.submit_report(user=curator_a, report=report)
        services.review_report(user=staff, report=report, accept=True)
    totals = summary.trend([period, second])
    # By 31.05.2021 P2 is 10 and P5's pair has begun: 3 pupils of 10+ in school A.
    assert totals[period.pk][C.PUPILS_10_PLUS].numerator == 1
    assert totals[second.pk][C.PUPILS_10_PLUS].numerator == 3
