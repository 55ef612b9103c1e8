"""The review queue reads by the report's municipality key, a page at a time."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import paging
from roadmap import services
from roadmap.models import Execution, Report
from tests.factories import ReportFactory


def _pending(roadmap, count: int, at=None) -> list[Report]:
    executions = Execution.objects.filter(
        measure__section__roadmap=roadmap, school__isnull=False
    ).order_by("pk")[:count]
    at = at or timezone.now() - datetime.timedelta(days=1)
    return [ReportFactory(execution=e, submitted_at=at) for e in executions]


def test_a_submitted_report_carries_its_roadmaps_municipality(curator_a, school_a, roadmap):
    execution = Execution.objects.filter(measure__section__roadmap=roadmap, school=school_a).first()
    report = services.submit_report(
        user=curator_a, execution=execution, text="Сделано.", completed_on=datetime.date.today()
    )
    assert report.municipality_id == roadmap.municipality_id


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr("roadmap.views.executions.REVIEW_PAGE_SIZE", 20)


def test_the_queue_pages_by_key_and_shows_only_its_municipality(
    client, staff, roadmap, small_pages
):
    # Every report at the same moment: the order ties and the key alone tells them apart.
    mine = _pending(roadmap, 30)
    elsewhere = ReportFactory()  # another municipality's roadmap
    assert elsewhere.municipality_id != roadmap.municipality_id
    client.force_login(staff)
    url = reverse("roadmap:review")
    first = client.get(url)
    page = first.context["page"]
    assert page.total == paging.Total(30) and len(page) == 20
    assert "Всего: 30." in first.content.decode()
    rest = client.get(f"{url}?{page.next_query}").context["page"]
    assert rest.number == 2
    shown = [r.pk for r in page] + [r.pk for r in rest]
    assert shown == sorted(r.pk for r in mine)  # oldest first, then by key
    back = client.get(f"{url}?{rest.previous_query}").context["page"]
    assert [r.pk for r in back] == shown[:20]
    bad = client.get(url, {"after": "xx"})
    assert bad.status_code == 400
    assert "ссылка на неё повреждена" in bad.content.decode()


def test_the_queue_costs_the_same_queries_with_more_reports(
    client, staff, roadmap, small_pages, django_assert_max_num_queries
):
    _pending(roadmap, 2)
    client.force_login(staff)
    url = reverse("roadmap:review")
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    Report.objects.all().delete()
    _pending(roadmap, 35)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).context["page"]
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"{url}?{page.next_query}")
