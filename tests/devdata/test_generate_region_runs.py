"""`manage.py generate_region` run afresh: determinism (the same seed, the same region), other
municipalities already there, the command's output and its refusals."""

import hashlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction

from core.models import Municipality, School
from devdata.region import RegionOptions, RegionRefused, generate_region, generated_municipalities
from monitoring.models import Answer, SchoolReport
from registry.models import Consent, Mentee, Mentor, Pair
from roadmap.models import Execution, Report
from tests.devdata.test_generate_region import SMALL

# --- determinism ---------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _fingerprint() -> str:
    digest = hashlib.sha256()
    rows = [
        Mentee.objects.order_by("pk").values_list(
            "last_name",
            "first_name",
            "patronymic",
            "birth_date",
            "class_name",
            "kind",
            "experience_years",
            "school__short_name",
        ),
        Mentor.objects.order_by("pk").values_list(
            "last_name", "first_name", "patronymic", "birth_date", "kind", "position"
        ),
        Pair.objects.order_by("pk").values_list(
            "status", "starts_on", "ends_on", "mentor__last_name"
        ),
        Consent.objects.order_by("pk").values_list(
            "representative_name", "given_on", "withdrawn_on"
        ),
        # sync_executions numbers executions in the order of a set: compare them by executor.
        Execution.objects.order_by(
            "measure__section__roadmap__municipality__short_name",
            "measure__number_key",
            "school__short_name",
        ).values_list("status", "completed_on", "version", "comment"),
        Report.objects.order_by("pk").values_list("completed_on", "submitted_at", "decision"),
        SchoolReport.objects.order_by("pk").values_list("status", "figures", "submitted_at"),
        Answer.objects.order_by("pk").values_list("average"),
    ]
    for queryset in rows:
        for row in queryset:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _run_and_roll_back(options: RegionOptions) -> str:
    try:
        with transaction.atomic():
            generate_region(options)
            fingerprint = _fingerprint()
            raise _Rollback
    except _Rollback:
        pass
    assert not Municipality.objects.exists()
    return fingerprint


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_region_and_another_seed_another():
    first = _run_and_roll_back(SMALL)
    second = _run_and_roll_back(SMALL)
    other = _run_and_roll_back(RegionOptions(municipalities=2, schools=3, mentees=300, seed=7))
    assert first == second
    assert other != first


# --- other data, the command ---


@pytest.mark.django_db
def test_other_municipalities_need_force_and_stay_as_they_are():
    other = Municipality.objects.create(name="городской округ город Аргун", short_name="г. Аргун")
    options = RegionOptions(municipalities=1, schools=2, mentees=40)
    with pytest.raises(RegionRefused, match="--force"):
        generate_region(options)
    assert Municipality.objects.count() == 1
    generate_region(RegionOptions(municipalities=1, schools=2, mentees=40, force=True))
    assert Municipality.objects.count() == 2
    assert [m.name for m in generated_municipalities()] == ["городской округ Алхан-Кала"]
    assert not School.objects.filter(municipality=other).exists()


@pytest.mark.django_db
def test_the_command_prints_counts_and_times_and_without_users_nobody_logs_in():
    out = io.StringIO()
    call_command(
        "generate_region",
        "--municipalities",
        "1",
        "--schools",
        "2",
        "--mentees",
        "50",
        stdout=out,
    )
    text = out.getvalue()
    assert "Наставляемые" in text and "Реестр: наставляемые, наставники, пары" in text
    assert "Готово за" in text and "без пароля" in text
    assert not get_user_model().objects.get(username="mo01-head").has_usable_password()


@pytest.mark.django_db
def test_the_command_refuses_a_weak_password():
    with pytest.raises(CommandError, match="Пароль не подходит"):
        call_command("generate_region", "--password", "123", stdout=io.StringIO())
    assert not Municipality.objects.exists()
