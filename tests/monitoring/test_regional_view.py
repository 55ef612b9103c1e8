"""The regional view: the roadmap list with the municipality (column, filter, distinct
titles) and the regional summary opening on the latest period with accepted reports."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from monitoring import services
from tests.monitoring.test_region import neighbour, region  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _links(html: str) -> list[str]:
    table = re.search(r'<table class="table table-hover" id="roadmaps">.*?</table>', html, re.S)
    return re.findall(r'<a href="/roadmaps/\d+/">([^<]+)</a>', table.group(0))


def test_the_regions_roadmap_list_names_each_municipality(client, known, neighbour, region):  # noqa: F811
    argun, other = known["municipality"], neighbour["municipality"]
    client.force_login(region)
    html = client.get(reverse("roadmap:list")).content.decode()
    assert "<th>Муниципалитет</th>" in html
    links = _links(html)
    assert len(links) == len(set(links)) == 2  # no two titles alike
    assert any(argun.name in link and "2020–2021" in link for link in links)
    assert any(other.name in link for link in links)
    narrowed = client.get(reverse("roadmap:list"), {"municipality": other.pk}).content.decode()
    assert [other.name in link for link in _links(narrowed)] == [True]
    bad = client.get(reverse("roadmap:list"), {"municipality": "abc"})
    assert bad.status_code == 400 and "Муниципалитет" in bad.content.decode()


def test_one_municipalitys_list_has_no_municipality_filter(client, known, staff):
    client.force_login(staff)
    html = client.get(reverse("roadmap:list")).content.decode()
    assert 'id="roadmap-filter"' not in html and "<th>Муниципалитет</th>" not in html
    # Another municipality's roadmaps are not a choice: not found among the user's.
    assert client.get(reverse("roadmap:list"), {"municipality": 999999}).status_code == 400


def test_the_regional_summary_opens_on_the_latest_period_with_accepted_reports(
    client,
    known,
    neighbour,  # noqa: F811 - an accepted report in «I полугодие 2020/21»
    region,  # noqa: F811
):
    services.save_period(
        municipality=known["municipality"],
        title="II полугодие 2020/21",
        starts_on=dt.date(2021, 2, 1),
        ends_on=dt.date(2021, 5, 31),
    )
    client.force_login(region)
    response = client.get(reverse("monitoring:regional"))
    assert response.context["title"] == "I полугодие 2020/21"
    html = response.content.decode()
    assert "Сводка по региону: I полугодие 2020/21" in html
    assert "II полугодие 2020/21 — принято отчётов: 0" in html
    assert "I полугодие 2020/21 — принято отчётов: 1" in html
    later = client.get(reverse("monitoring:regional"), {"period": "II полугодие 2020/21"})
    assert later.context["title"] == "II полугодие 2020/21"
