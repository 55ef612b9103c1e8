"""The editor's rows in place: an added measure appears in its place by number with the next
empty form, a saved row keeps its actions, and a measure needs a responsible party."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from roadmap import services
from roadmap.models import Measure, ResponsibleParty, Roadmap, Section

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(roadmap):
    Roadmap.objects.filter(pk=roadmap.pk).update(status=Roadmap.Status.DRAFT)
    roadmap.refresh_from_db()
    return roadmap


def _schools():
    return ResponsibleParty.objects.get(name="Образовательные организации")


def _numbers(section) -> list[str]:
    return list(section.measures.order_by("position").values_list("number", flat=True))


def test_added_measure_comes_back_in_its_section_with_an_empty_form(client, staff, draft):
    client.force_login(staff)
    section = Section.objects.get(roadmap=draft, number="4")
    data = {"number": "4.4", "title": "Фестиваль наставников", "parties": [_schools().pk]}
    response = client.post(reverse("roadmap:measure_create", args=[section.pk]), data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#section-{section.pk}"
    html = response.content.decode()
    assert html.count('data-number="') == 4
    assert "Мероприятие 4.4 добавлено." in html
    assert "Фестиваль наставников" in html
    # The next form is empty and numbered after the new measure.
    assert 'value="4.5"' in html
    assert html.count(">Фестиваль наставников<") == 1


def test_measure_takes_its_place_by_number(staff, draft):
    section = Section.objects.get(roadmap=draft, number="4")
    services.create_measure(
        user=staff, section=section, number="4.2.1", title="Вставка", parties=[_schools()]
    )
    assert _numbers(section) == ["4.1", "4.2", "4.2.1", "4.3"]


def test_next_number_follows_the_greatest(draft):
    from roadmap.selectors import next_measure_number

    assert next_measure_number(Section.objects.get(roadmap=draft, number="4")) == "4.4"


def test_a_measure_without_a_responsible_party_is_refused(client, staff, draft):
    client.force_login(staff)
    section = Section.objects.get(roadmap=draft, number="4")
    before = Measure.objects.count()
    response = client.post(
        reverse("roadmap:measure_create", args=[section.pk]),
        {"number": "4.4", "title": "Без исполнителя"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "Ответственный исполнитель: выберите хотя бы одного" in response.content.decode()
    assert Measure.objects.count() == before
    with pytest.raises(ValidationError) as refused:
        services.create_measure(user=staff, section=section, number="4.4", title="Без")
    assert "parties" in refused.value.message_dict
    m = section.measures.get(number="4.1")
    with pytest.raises(ValidationError):
        services.update_measure(
            user=staff,
            measure_id=m.pk,
            version=m.version,
            number=m.number,
            title=m.title,
            deadline_text=m.deadline_text,
            result=m.result,
            parties=[],
        )
    assert section.measures.get(pk=m.pk).responsibilities.exists()


def test_saved_row_keeps_its_actions_and_says_so(client, staff, draft):
    client.force_login(staff)
    m = Measure.objects.get(section__roadmap=draft, number="1.1")
    data = {
        "number": m.number,
        "title": "Новое наименование",
        "deadline_text": m.deadline_text,
        "parties": [r.party_id for r in m.responsibilities.all()],
        "result": m.result,
        "version": m.version,
    }
    response = client.post(reverse("roadmap:measure_edit", args=[m.pk]), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Сохранено" in html
    for action in ("изменить", "▲", "▼", "удалить"):
        assert action in html
    cancel = client.get(reverse("roadmap:measure_row", args=[m.pk]), **HTMX).content.decode()
    assert "изменить" in cancel and "Сохранено" not in cancel
