import datetime
import io

import pytest
from django.core.management import call_command

from core.models import AuditEvent
from registry import services
from registry.models import Mentee
from registry.retention import destroy_due

pytestmark = pytest.mark.django_db
D = datetime.date


def test_withdrawn_over_30_days_is_destroyed_once(staff, registry_data):
    minor = registry_data["a"]["minor"]
    consent = minor.consents.get()
    services.withdraw_consent(user=staff, consent=consent, withdrawn_on=D(2021, 1, 1))
    assert destroy_due(D(2021, 1, 30)) == 0  # 29 days: not yet
    assert destroy_due(D(2021, 2, 1)) == 1
    minor.refresh_from_db()
    assert minor.last_name == "Данные уничтожены" and minor.patronymic == ""
    assert minor.birth_date == D(2012, 1, 1)
    assert "УЧЕНИК" not in minor.search_name
    consent.refresh_from_db()
    assert consent.representative_name == "Данные уничтожены" and consent.document == ""
    event = AuditEvent.objects.get(action="destroy")
    assert event.object_id == str(minor.pk) and "152-ФЗ" in event.detail
    assert destroy_due(D(2021, 3, 1)) == 0  # nothing twice


def test_a_new_consent_after_withdrawal_keeps_the_data(staff, registry_data):
    minor = registry_data["a"]["minor"]
    services.withdraw_consent(user=staff, consent=minor.consents.get(), withdrawn_on=D(2021, 1, 1))
    services.record_consent(
        user=staff,
        mentee=minor,
        representative_name="Отец",
        relation="father",
        document="паспорт",
        given_on=D(2021, 1, 10),
    )
    assert destroy_due(D(2021, 3, 1)) == 0
    assert Mentee.objects.get(pk=minor.pk).last_name == "УченикA"


def test_command(staff, registry_data):
    out = io.StringIO()
    call_command("destroy_withdrawn_personal_data", stdout=out)
    assert "Уничтожены персональные данные наставляемых: 0." in out.getvalue()
