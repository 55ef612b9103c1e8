"""Withdrawing a consent asks first: the pairs it ends and the day the data are destroyed."""

import datetime

import pytest
from django.urls import reverse

from registry.models import Consent

pytestmark = pytest.mark.django_db


def test_withdrawal_says_what_happens_and_waits_for_confirm(client, curator_a, registry_data):
    minor = registry_data["a"]["minor"]
    consent = minor.consents.get()
    client.force_login(curator_a)
    url = reverse("registry:consent_withdraw", args=[consent.pk])
    page = client.post(url, {"withdrawn_on": "01.10.2020"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "отмечено отозванным с 01.10.2020" in html
    assert "после 31.10.2020" in html and "будут уничтожены" in html
    assert 'name="withdrawn_on" value="01.10.2020"' in html
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None
    client.post(url, {"withdrawn_on": "01.10.2020", "confirm": "1"})
    assert Consent.objects.get(pk=consent.pk).withdrawn_on == datetime.date(2020, 10, 1)


def test_a_bad_date_is_refused_before_any_confirmation(client, curator_a, registry_data):
    consent = registry_data["a"]["minor"].consents.get()
    client.force_login(curator_a)
    url = reverse("registry:consent_withdraw", args=[consent.pk])
    response = client.post(url, {"withdrawn_on": "31.02.2020"})
    assert response.status_code == 422
    assert "Дата отзыва" in response.content.decode()
