"""The living demo: the seed order kept as it is and its copy for the current school year,
with a realistic mix of executions, people with real-looking names, pairs with consent and a
monitoring period with accepted and pending reports. On a fixed day, so the figures are known."""

import datetime as dt
import re
from collections import Counter

import pytest
from django.db import transaction
from django.urls import reverse

from devdata.demo import load_demo
from devdata.demo import tenant as demo_tenant
from devdata.demo.current_year import load_current_year
from devdata.demo.monitoring import load_monitoring_demo
from monitoring.models import Period, SchoolReport
from registry import services as registry_services
from registry.models import Consent, Mentee, Mentor, Pair, PairMentee
from registry.services.pairs import consent_span
from roadmap.dashboard import Filters, build_dashboard
from roadmap.models import Execution, Measure, Roadmap
from roadmap.seed import load_seed

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def demo(monkeypatch, tmp_path):
    monkeypatch.setattr(demo_tenant, "CREDENTIALS_FILE", tmp_path / "demo.json")
    return _load()


def _load():
    seed = load_seed().roadmap
    load_demo(seed.municipality, seed)
    load_monitoring_demo(seed.municipality, list(seed.schools.order_by("pk")), TODAY)
    return {"seed": seed, "copy": load_current_year(seed, TODAY)}


def test_the_seed_is_kept_and_copied_to_the_current_year(demo):
    seed, copy = demo["seed"], demo["copy"]
    seed.refresh_from_db()
    assert (seed.school_year_start, seed.order.number, seed.order.date) == (
        2020,
        "172/1",
        dt.date(2020, 10, 28),
    )
    assert seed.status == Roadmap.Status.ARCHIVED  # as the copy service leaves it
    seed_measures = list(
        Measure.objects.filter(section__roadmap=seed).values_list("number", "deadline_text")
    )
    copied = dict(
        Measure.objects.filter(section__roadmap=copy).values_list("number", "deadline_text")
    )
    assert len(copied) == len(seed_measures)
    assert copied["1.1"].replace("2026", "2020") == dict(seed_measures)["1.1"]
    assert (copy.school_year_start, copy.status, copy.copied_from_id) == (
        2026,
        Roadmap.Status.APPROVED,
        seed.pk,
    )
    assert copy.period_start == dt.date(2026, 10, 1)
    assert copy.order.number == "118/2"
    assert set(copy.schools.all()) == set(seed.schools.all())


def test_a_realistic_mix_of_executions(demo):
    copy = demo["copy"]
    statuses = Counter(
        Execution.objects.filter(measure__section__roadmap=copy).values_list("status", flat=True)
    )
    assert set(statuses) == {"accepted", "submitted", "returned", "in_progress", "not_started"}
    figures = build_dashboard(copy, Filters(), today=TODAY).figures
    # Done, done late, overdue, due soon — all there, and not everything red.
    assert figures["done"] >= 5 and figures["done_late"] >= 1
    assert 1 <= figures["overdue"] < figures["total"] // 2
    assert figures["due_soon"] >= 3
    # Every school with a curator has something to do and something done.
    for school in copy.schools.all():
        own = Counter(
            Execution.objects.filter(measure__section__roadmap=copy, school=school).values_list(
                "status", flat=True
            )
        )
        assert own["accepted"] >= 2 and own["not_started"] + own["in_progress"] >= 2, school
    # Accepted on the day or before, never in the future.
    completed = Execution.objects.filter(measure__section__roadmap=copy, completed_on__isnull=False)
    assert not completed.filter(completed_on__gt=TODAY).exists()


def test_people_have_real_looking_names(demo):
    for model in (Mentor, Mentee):
        for last, first, middle in model.objects.values_list(
            "last_name", "first_name", "patronymic"
        ):
            assert not re.search(r"\d", f"{last}{first}{middle}"), (last, first, middle)
            assert first not in {"Наставник", "Педагог"} and last not in {"Старший", "Молодой"}
            assert middle.endswith(("вич", "вна", "ич", "чна")), (last, first, middle)


def test_pairs_of_the_year_with_consents_in_force(demo):
    active = Pair.objects.filter(status=Pair.Status.ACTIVE).select_related("programme")
    assert active.count() >= 10
    assert active.values("programme__school").distinct().count() == 5
    for pair in active:
        assert pair.starts_on >= dt.date(2026, 9, 1)
        start, end = consent_span(pair, TODAY)
        for mentee in pair.mentees.all():
            assert registry_services.consent_gap(mentee, start, end) == "", mentee
    # The 2020/21 pairs ran to the end of that year.
    assert not PairMentee.objects.filter(
        is_active=True, pair__starts_on__lt=dt.date(2021, 9, 1)
    ).exists()
    # One consent of 2020/21 has expired and says so.
    expired = Consent.objects.filter(mentee__last_name="Хасанова", valid_until=dt.date(2021, 5, 31))
    assert expired.count() == 2  # one in each of the first two schools
    expired = expired.first()
    assert expired.state_on(TODAY).label == "истекло 31.05.2021"


def test_a_monitoring_period_with_accepted_and_pending_reports(demo):
    period = Period.objects.get(title="I четверть 2026/27")
    states = Counter(SchoolReport.objects.filter(period=period).values_list("status", flat=True))
    assert states == {"accepted": 2, "returned": 1, "submitted": 1, "draft": 1}
    accepted = SchoolReport.objects.filter(period=period, status="accepted").first()
    assert accepted.figures["values"]["pairs"][0] >= 2  # the year's pairs, frozen on 31.10


def test_loading_again_changes_nothing_and_the_same_day_gives_the_same_demo(monkeypatch, tmp_path):
    monkeypatch.setattr(demo_tenant, "CREDENTIALS_FILE", tmp_path / "demo.json")

    def fingerprint():
        return (
            sorted(
                Mentee.objects.values_list("last_name", "first_name", "patronymic", "birth_date")
            ),
            sorted(
                (number, school or "", status, str(completed))
                for number, school, status, completed in Execution.objects.filter(
                    measure__section__roadmap__school_year_start=2026
                ).values_list("measure__number", "school__short_name", "status", "completed_on")
            ),
        )

    point = transaction.savepoint()
    first = _load()
    once = fingerprint()
    assert load_current_year(first["seed"], TODAY) == first["copy"]  # once only
    assert fingerprint() == once
    transaction.savepoint_rollback(point)
    _load()
    assert fingerprint() == once


def test_each_roles_first_screen_shows_the_year_at_work(client, demo):
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    copy = demo["copy"]
    client.force_login(users["staff"])
    assert client.get(reverse("home"))["Location"] == reverse("roadmap:detail", args=[copy.pk])
    review = client.get(reverse("roadmap:review")).content.decode()
    assert "2026" in review
    client.force_login(users["curator1"])
    mine = client.get(reverse("roadmap:my")).content.decode()
    assert "возвращ" in mine.lower()
    client.force_login(users["region"])
    summary = client.get(reverse("monitoring:regional"))
    assert summary.context["title"] == "I четверть 2026/27"
