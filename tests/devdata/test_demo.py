import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from devdata.demo import tenant as demo
from monitoring.models import SchoolReport
from registry.models import Mentee, Pair

pytestmark = pytest.mark.django_db


def test_demo_data_loads_twice_with_the_same_passwords(monkeypatch, tmp_path):
    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "demo.json")
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    first = json.loads((tmp_path / "demo.json").read_text("utf-8"))
    counts = (Mentee.objects.count(), Pair.objects.count(), SchoolReport.objects.count())
    call_command("load_demo_data", stdout=io.StringIO())
    assert (Mentee.objects.count(), Pair.objects.count(), SchoolReport.objects.count()) == counts
    assert json.loads((tmp_path / "demo.json").read_text("utf-8")) == first
    assert set(first) == {"staff", "head", "curator1", "curator2", "region", "admin"}
    assert f"пароль: {first['curator1']}" in out.getvalue()
    user = get_user_model().objects.get(username="curator1")
    assert user.check_password(first["curator1"])
    assert user.profile.school.short_name == "МБОУ «СОШ № 1» г. Аргун"
    # Each of the 5 schools has pupils in pairs and a period's report in every state.
    assert Pair.objects.filter(status="active").values("programme__school").distinct().count() == 5
    states = set(SchoolReport.objects.values_list("status", flat=True))
    assert states == {"draft", "submitted", "returned", "accepted"}


def test_demo_shows_schedules_events_requests_and_trainings(monkeypatch, tmp_path, settings):
    from registry.models import ConclusionFile, MentorTraining
    from roadmap.models import Event, Occurrence, OccurrenceExecution
    from roadmap.tracking import event_counts

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "demo.json")
    call_command("load_demo_data", stdout=io.StringIO())
    counts = (
        Occurrence.objects.filter(source="schedule").count(),
        Event.objects.count(),
        OccurrenceExecution.objects.filter(status="accepted").count(),
        MentorTraining.objects.count(),
        ConclusionFile.objects.count(),
    )
    assert counts == (3, 4, 2, 5, 1)
    assert not Mentee.objects.filter(request__isnull=True).exists()
    seminars = Event.objects.filter(measure__number="2.7").first().measure
    assert event_counts([seminars.pk]) == {seminars.pk: (2, 74)}
    call_command("load_demo_data", stdout=io.StringIO())
    assert (
        Occurrence.objects.filter(source="schedule").count(),
        Event.objects.count(),
        OccurrenceExecution.objects.filter(status="accepted").count(),
        MentorTraining.objects.count(),
        ConclusionFile.objects.count(),
    ) == counts
