"""Events of event-type measures: entered by staff and by curators for their own school, a
link or a checked file, counted on the dashboard; another school's event is a 404."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core import roles
from roadmap.dashboard import Filters, build_dashboard
from roadmap.models import Event, EventKeeping, Measure
from roadmap.services import events as services
from roadmap.tracking import event_counts, events_for
from tests.factories import make_user
from tests.roadmap.files_helpers import EXE_BYTES, PDF_BYTES, upload

D = dt.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def measure(roadmap, number) -> Measure:
    return Measure.objects.get(section__roadmap=roadmap, number=number)


def add(user, m, **values):
    data = {
        "held_on": D(2020, 11, 20),
        "title": "Семинар «Наставник и ученик»",
        "participants": 25,
        "link": "https://argun.example/news/1",
        **values,
    }
    return services.add_event(user=user, measure=m, **data)


@pytest.mark.django_db
def test_seed_event_measures_keep_lists(roadmap):
    kept = EventKeeping.objects.filter(measure__section__roadmap=roadmap)
    assert sorted(kept.values_list("measure__number", flat=True)) == ["2.7", "2.8", "2.9", "4.1"]


@pytest.mark.django_db
def test_copy_to_next_year_keeps_event_lists_but_not_events(roadmap, staff):
    from roadmap.services import copy_roadmap

    add(staff, measure(roadmap, "2.7"))
    copy = copy_roadmap(user=staff, roadmap=roadmap)
    kept = EventKeeping.objects.filter(measure__section__roadmap=copy)
    assert sorted(kept.values_list("measure__number", flat=True)) == ["2.7", "2.8", "2.9", "4.1"]
    assert not Event.objects.filter(measure__section__roadmap=copy).exists()


@pytest.mark.django_db
def test_curator_enters_own_school_whatever_is_posted(roadmap, curator_a, school_b):
    event = add(curator_a, measure(roadmap, "4.1"), school=school_b.pk)
    assert event.school == curator_a.profile.school


@pytest.mark.django_db
def test_event_checks(roadmap, staff, head, school_b):
    m = measure(roadmap, "2.7")
    with pytest.raises(ValidationError) as missing:
        add(staff, m, link="", file=None)
    assert "ссылку" in str(missing.value)
    with pytest.raises(ValidationError) as outside:
        add(staff, m, held_on=D(2021, 7, 1))
    assert "вне периода" in str(outside.value)
    with pytest.raises(ValidationError) as exe:
        add(staff, m, link="", file=upload("отчёт.pdf", EXE_BYTES))
    assert "не принят" in str(exe.value)
    with pytest.raises(PermissionDenied):
        add(head, m)
    with pytest.raises(ValidationError, match="не ведётся"):
        add(staff, measure(roadmap, "1.1"))
    event = add(staff, m, link="", file=upload("протокол.pdf", PDF_BYTES), school=school_b.pk)
    assert event.school == school_b and event.original_name == "протокол.pdf"
    assert event.content_type == "application/pdf" and len(event.sha256) == 64
    assert Event.objects.count() == 1


@pytest.mark.django_db
def test_dashboard_counts_events_per_measure(roadmap, staff, curator_a, curator_b):
    campaign = measure(roadmap, "4.1")
    add(curator_a, campaign, participants=30)
    add(curator_b, campaign, participants=70)
    add(staff, campaign, participants=20)
    add(staff, measure(roadmap, "2.7"), participants=5)
    assert event_counts([campaign.pk]) == {campaign.pk: (3, 120)}
    board = build_dashboard(roadmap, Filters(), today=D(2020, 11, 30))
    labels = {m.number: m.events_label for m in board.with_events}
    assert labels == {
        "2.7": "мероприятий: 1, участников: 5",
        "4.1": "мероприятий: 3, участников: 120",
    }


@pytest.mark.django_db
def test_access_walk_for_events(client, roadmap, staff, head, curator_a, curator_b):
    campaign = measure(roadmap, "4.1")
    mine = add(curator_a, campaign, link="", file=upload("a.pdf", PDF_BYTES))
    theirs = add(curator_b, campaign, link="", file=upload("b.pdf", PDF_BYTES))
    assert list(events_for(curator_a)) == [mine]
    region = make_user("region", roles.REGION)
    page = reverse("roadmap:measure", args=[campaign.pk])

    client.force_login(curator_a)
    text = client.get(page).content.decode()
    assert "мероприятий: 2, участников: 50" in text
    assert "a.pdf" in text and "b.pdf" not in text
    assert client.get(reverse("roadmap:event_file", args=[mine.pk])).status_code == 200
    assert client.get(reverse("roadmap:event_file", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("roadmap:event_delete", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("roadmap:events_keep", args=[campaign.pk])).status_code == 403
    assert Event.objects.count() == 2

    client.force_login(head)
    assert client.get(reverse("roadmap:event_file", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("roadmap:event_add", args=[campaign.pk])).status_code == 403

    client.force_login(region)
    response = client.get(reverse("roadmap:event_file", args=[theirs.pk]))
    assert response.status_code in {403, 404}

    client.force_login(curator_a)
    response = client.post(
        reverse("roadmap:event_add", args=[campaign.pk]),
        {"held_on": "01.12.2020", "title": "Форум", "participants": "40", "link": ""},
    )
    assert response.status_code == 422
    assert "Укажите ссылку" in response.content.decode()
    response = client.post(
        reverse("roadmap:event_add", args=[campaign.pk]),
        {"held_on": "01.12.2020", "title": "Форум", "participants": "40", "link": "https://x.ru"},
    )
    assert response.status_code == 302
    assert client.post(reverse("roadmap:event_delete", args=[mine.pk])).status_code == 302
    assert set(Event.objects.values_list("title", flat=True)) == {
        "Семинар «Наставник и ученик»",
        "Форум",
    }

    client.force_login(staff)
    other = measure(roadmap, "1.1")
    client.post(reverse("roadmap:events_keep", args=[other.pk]), {"keep": "1"})
    assert EventKeeping.objects.filter(measure=other).exists()
    response = client.post(reverse("roadmap:events_keep", args=[campaign.pk]), {"keep": "0"})
    assert response.status_code == 409  # entries exist


@pytest.mark.django_db
def test_region_sees_counts_not_events_and_pages_stay_few_queries(
    client, roadmap, staff, curator_a, curator_b, django_assert_max_num_queries
):
    campaign = measure(roadmap, "4.1")
    add(curator_a, campaign, title="Встреча с выпускниками", participants=30)
    add(curator_b, campaign, title="Классный час", participants=40)
    region = make_user("region", roles.REGION)
    client.force_login(region)
    page = client.get(reverse("roadmap:measure", args=[campaign.pk])).content.decode()
    assert "мероприятий: 2, участников: 70" in page
    assert "Встреча с выпускниками" not in page and "Классный час" not in page
    board = client.get(reverse("roadmap:dashboard", args=[roadmap.pk])).content.decode()
    assert "мероприятий: 2, участников: 70" in board
    client.force_login(staff)
    url = reverse("roadmap:measure", args=[campaign.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for number in range(3):
        add(staff, campaign, title=f"Ещё {number}", participants=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
