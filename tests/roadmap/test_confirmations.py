"""Weighty actions ask first: the page says what will happen; a POST without confirm=1
changes nothing; approval lists what looks unfinished."""

import datetime

import pytest
from django.urls import reverse

from roadmap import confirmations, services
from roadmap.models import Execution, Measure, MeasureResponsibility, Order, Roadmap, Section

pytestmark = pytest.mark.django_db

CONFIRM = {"confirm": "1"}


@pytest.fixture
def draft(roadmap):
    Roadmap.objects.filter(pk=roadmap.pk).update(status=Roadmap.Status.DRAFT)
    roadmap.refresh_from_db()
    return roadmap


def test_approval_asks_first_then_approves(client, head, draft):
    client.force_login(head)
    url = reverse("roadmap:approve", args=[draft.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Утвердить дорожную карту?" in html and "текст" in html and "закрепляется" in html
    assert 'name="confirm" value="1"' in html
    assert client.post(url).status_code == 200  # the confirmation again, nothing done
    draft.refresh_from_db()
    assert draft.status == Roadmap.Status.DRAFT
    assert client.post(url, CONFIRM).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Roadmap.Status.APPROVED


def test_approval_warns_of_what_looks_unfinished(staff, draft):
    Order.objects.filter(roadmap=draft).update(number="")
    Roadmap.objects.filter(pk=draft.pk).update(school_year_start=2021)
    draft.refresh_from_db()
    lonely = Measure.objects.get(section__roadmap=draft, number="1.1")
    MeasureResponsibility.objects.filter(measure=lonely).delete()
    Measure.objects.filter(pk=lonely.pk).update(deadline_text="", deadline_kind="none")
    Measure.objects.filter(section__roadmap=draft, number="1.2").update(
        title="Провести конкурс в 2020 году"
    )
    warnings = confirmations.approval_warnings(draft)
    text = "\n".join(warnings)
    order = Order.objects.get(roadmap=draft)
    assert f"Не указан номер приказа: в документе будет «от {order.date:%d.%m.%Y} №»" in text
    old_year = next(w for w in warnings if w.startswith("Тексты называют 2020 год"))
    assert "1.2" in old_year and "2021–2022" in old_year
    no_party = "Без ответственного исполнителя — 1 мероприятие: 1.1."
    assert any(w.startswith(no_party) for w in warnings)
    assert any(w.startswith("Без срока") and ": 1.1, 3.1." in w for w in warnings)


def test_a_finished_roadmap_has_no_warnings(draft):
    assert not [w for w in confirmations.approval_warnings(draft) if "исполнителя" in w]
    assert not [w for w in confirmations.approval_warnings(draft) if "номер приказа" in w]


def test_copy_says_the_current_one_goes_to_the_archive(client, staff, roadmap):
    client.force_login(staff)
    url = reverse("roadmap:copy", args=[roadmap.pk])
    html = client.get(url).content.decode()
    assert "сразу перейдёт в архив" in html and "2021–2022 учебный год" in html
    client.post(url)
    assert not Roadmap.objects.filter(copied_from=roadmap).exists()
    roadmap.refresh_from_db()
    assert roadmap.status == Roadmap.Status.APPROVED
    client.post(url, CONFIRM)
    roadmap.refresh_from_db()
    assert roadmap.status == Roadmap.Status.ARCHIVED


def test_exclusion_counts_the_executions_it_deletes(client, staff, curator_a, roadmap, school_a):
    execution = Execution.objects.get(
        measure__number="1.7", school=school_a, measure__section__roadmap=roadmap
    )
    services.submit_report(
        user=curator_a, execution=execution, text="Готово", completed_on=datetime.date(2020, 10, 30)
    )
    total = Execution.objects.filter(school=school_a, measure__section__roadmap=roadmap).count()
    client.force_login(staff)
    url = reverse("roadmap:school_remove", args=[roadmap.pk, school_a.pk])
    html = client.get(url).content.decode()
    assert f"Будут удалены {total - 1} исполнений" in html or (
        f"Будут удалены {total - 1} исполнения" in html
    )
    assert "Останутся 1 исполнение с отчётами" in html
    client.post(url)
    assert Execution.objects.filter(school=school_a).count() == total
    client.post(url, CONFIRM)
    assert Execution.objects.filter(school=school_a).count() == 1


def test_sections_untouched_by_confirmation_pages(client, head, draft):
    client.force_login(head)
    before = list(Section.objects.values_list("pk", "number"))
    client.get(reverse("roadmap:approve", args=[draft.pk]))
    assert list(Section.objects.values_list("pk", "number")) == before
