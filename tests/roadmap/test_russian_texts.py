"""No internal codes on screen: the dashboard's filtered list is titled by the filter's
Russian name, the regional summary counts municipalities with the right plural form."""

import re

import pytest
from django.urls import reverse

from roadmap.dashboard import STATUS_FILTERS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["overdue", "due_soon", "not_started", "done_late"])
def test_dashboard_list_title_names_the_status_in_russian(client, head, roadmap, code):
    client.force_login(head)
    html = client.get(reverse("roadmap:dashboard", args=[roadmap.pk]), {"status": code})
    title = re.search(r"<summary[^>]*>Все мероприятия[^<]*</summary>", html.content.decode())
    assert f"Все мероприятия — {STATUS_FILTERS[code]} (" in title.group(0)
    title = title.group(0)
    assert code not in title
