"""The monitoring's figure for roadmap bindings: accepted school reports, by the day."""

import datetime as dt

import pytest
from django.utils import timezone

from core import evidence as kinds
from monitoring.models import Period, SchoolReport

pytestmark = pytest.mark.django_db


def test_accepted_reports_by_review_day(municipality, school_a, school_b):
    period = Period.objects.create(
        municipality=municipality,
        title="I полугодие 2020/21",
        starts_on=dt.date(2020, 9, 1),
        ends_on=dt.date(2020, 12, 31),
    )
    reviewed = timezone.make_aware(dt.datetime(2021, 1, 20, 12))
    SchoolReport.objects.create(
        period=period, school=school_a, status="accepted", reviewed_at=reviewed, figures={}
    )
    SchoolReport.objects.create(period=period, school=school_b, status="submitted", figures={})
    kind = kinds.kind_of("monitoring_reports_accepted")
    by_school, total = kind.reading([school_a, school_b], dt.date(2021, 1, 31))
    assert (by_school[school_a.pk].value, by_school[school_b.pk].value, total.value) == (1, 0, 1)
    assert by_school[school_a.pk].text == "1 принятый отчёт"
    assert by_school[school_b.pk].text == "принятых отчётов нет"
    assert kind.condition(1) == "не менее 1 принятого отчёта в каждой участвующей ОО"
    assert not kind.met(by_school[school_b.pk], dt.date(2021, 1, 31), 1)
    assert kind.reading([school_a], dt.date(2021, 1, 19))[1].value == 0
