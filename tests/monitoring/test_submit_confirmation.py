"""Sending a school's monitoring report asks first, with the reasons to wait: the period not
over, questionnaires without results, programmes without a SWOT."""

import datetime as dt

import pytest
from django.urls import reverse

from monitoring import confirmations, services
from monitoring.models import Questionnaire, SchoolReport

pytestmark = pytest.mark.django_db


def test_early_and_empty_report_lists_its_reasons(known, period):
    report = services.report_of(period, known["a"])
    warnings = confirmations.submit_warnings(report, today=dt.date(2021, 1, 15))
    assert warnings[0].startswith("Период «I полугодие 2020/21» ещё не закончился (до 31.01.2021)")
    active = Questionnaire.objects.filter(municipality=known["municipality"], is_active=True)
    assert any(w.startswith("Не внесены результаты анкетирования") for w in warnings)
    assert all(f"«{q.title}»" in warnings[1] for q in active)
    assert f"Не заполнен SWOT-анализ программ: «{known['prog_a'].title}»" in warnings[2]
    late = confirmations.submit_warnings(report, today=dt.date(2021, 2, 1))
    assert not any("ещё не закончился" in w for w in late)


def test_submit_waits_for_confirmation(client, known, period, curator_a):
    report = services.report_of(period, known["a"])
    client.force_login(curator_a)
    url = reverse("monitoring:report_submit", args=[report.pk])
    page = client.post(url, {"version": report.version})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Проверьте перед этим" in html and "Не заполнен SWOT-анализ" in html
    assert f'name="version" value="{report.version}"' in html
    assert SchoolReport.objects.get(pk=report.pk).status == SchoolReport.Status.DRAFT
    response = client.post(url, {"version": report.version, "confirm": "1"})
    assert response.status_code == 302
    assert SchoolReport.objects.get(pk=report.pk).status == SchoolReport.Status.SUBMITTED
