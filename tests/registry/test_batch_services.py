"""The people services take one card (a form) or thousands (an import) by the same rules."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent
from registry import services
from registry.models import Mentee, Mentor, PartnerOrganization, Programme

pytestmark = pytest.mark.django_db


def card(n: int, **extra) -> dict:
    return {
        "last_name": f"Пакетов{n}",
        "first_name": "Ахмед",
        "patronymic": "",
        "birth_date": dt.date(2009, 1, 1) + dt.timedelta(days=n),
        "phone": "",
        "email": "",
        **extra,
    }


def test_many_mentees_are_saved_in_a_few_queries(
    curator_a, school_a, registry_data, django_assert_max_num_queries
):
    entries = [services.MenteeEntry(school_a, card(n, class_name="5А")) for n in range(300)]
    with django_assert_max_num_queries(10):
        saved = services.save_mentees(user=curator_a, entries=entries)
    assert len(saved) == 300 and all(m.pk for m in saved)
    stored = Mentee.objects.get(last_name="Пакетов7")
    assert (stored.school, stored.class_name, stored.search_name) == (
        school_a,
        "5А",
        "ПАКЕТОВ7 АХМЕД",
    )


def test_one_entry_of_another_school_saves_nothing(curator_a, school_a, school_b, registry_data):
    entries = [
        services.MenteeEntry(school_a, card(1)),
        services.MenteeEntry(school_b, card(2)),
    ]
    with pytest.raises(PermissionDenied):
        services.save_mentees(user=curator_a, entries=entries)
    assert not Mentee.objects.filter(last_name__startswith="Пакетов").exists()


def test_a_twin_in_the_registry_is_refused_as_the_form_refuses_it(
    curator_b, school_b, registry_data
):
    twin = card(1, last_name="учениКA", first_name="АЛИ", birth_date=dt.date(2012, 5, 5))
    entries = [services.MenteeEntry(school_b, card(2)), services.MenteeEntry(school_b, twin)]
    with pytest.raises(services.DuplicatePerson) as caught:
        services.save_mentees(user=curator_b, entries=entries)
    assert caught.value.existing == registry_data["a"]["minor"]
    assert "уже есть в муниципальном реестре" in caught.value.messages[0]
    assert not Mentee.objects.filter(last_name="Пакетов2").exists()


def test_the_same_person_twice_in_one_batch_is_refused(staff, school_a, registry_data):
    entries = [services.MenteeEntry(school_a, card(1)), services.MenteeEntry(school_a, card(1))]
    with pytest.raises(ValidationError, match="указан\\(а\\) дважды"):
        services.save_mentees(user=staff, entries=entries)
    assert not Mentee.objects.filter(last_name="Пакетов1").exists()


def test_a_curators_batch_cannot_transfer_a_mentee(curator_a, school_a, registry_data):
    minor_b = registry_data["b"]["minor"]
    entries = [
        services.MenteeEntry(school_a, card(1)),
        services.MenteeEntry(school_a, {"class_name": "8Б"}, minor_b),
    ]
    with pytest.raises(PermissionDenied, match="Перевод наставляемого"):
        services.save_mentees(user=curator_a, entries=entries)
    minor_b.refresh_from_db()
    assert (minor_b.school, minor_b.class_name) == (registry_data["b"]["school"], "7А")


def test_an_update_writes_the_fields_and_the_time_of_change(staff, registry_data):
    minor = registry_data["a"]["minor"]
    before = Mentee.objects.get(pk=minor.pk).updated_at
    services.save_mentees(
        user=staff,
        entries=[services.MenteeEntry(registry_data["b"]["school"], {"class_name": "8Б"}, minor)],
    )
    stored = Mentee.objects.get(pk=minor.pk)
    assert (stored.school, stored.class_name) == (registry_data["b"]["school"], "8Б")
    assert stored.updated_at > before


def test_mentors_in_a_batch_are_linked_and_each_change_is_in_the_history(
    staff, school_a, school_b, registry_data
):
    mentor_b = registry_data["b"]["mentor"]
    partner = PartnerOrganization.objects.create(
        municipality=school_a.municipality, name="ООО «Партнёр»"
    )
    entries = [
        services.MentorEntry(school_a, card(1, kind="teacher", position="")),
        services.MentorEntry(school_a, {"position": "завуч"}, partner, mentor_b),
    ]
    new, changed = services.save_mentors(user=staff, entries=entries, via="загрузка из Excel")
    assert list(new.schools.all()) == [school_a]
    assert set(changed.schools.all()) == {school_a, school_b}
    history = AuditEvent.objects.get(action="change", object_id=str(mentor_b.pk))
    assert history.detail == (
        "загрузка из Excel: изменены поля: должность или класс, организация-партнёр"
    )
    assert not AuditEvent.objects.filter(action="change", object_id=str(new.pk)).exists()


def test_a_curators_batch_cannot_change_a_mentor_of_another_school(
    curator_a, school_a, registry_data
):
    mentor_b = registry_data["b"]["mentor"]
    entries = [
        services.MentorEntry(school_a, card(1, kind="teacher", position="")),
        services.MentorEntry(school_a, {"position": "захват"}, None, mentor_b),
    ]
    with pytest.raises(PermissionDenied, match="Карточку наставника"):
        services.save_mentors(user=curator_a, entries=entries)
    assert not Mentor.objects.filter(last_name="Пакетов1").exists()
    assert list(Mentor.objects.get(pk=mentor_b.pk).schools.all()) == [registry_data["b"]["school"]]


def test_a_partner_is_changed_in_place(staff, curator_a, municipality):
    partner = services.save_partner(user=staff, municipality=municipality, name="ООО «Старое»")
    services.save_partner(
        user=staff, municipality=municipality, partner=partner, name="ООО «Старое»", inn="123"
    )
    assert PartnerOrganization.objects.get().inn == "123"
    with pytest.raises(PermissionDenied):
        services.save_partner(user=curator_a, municipality=municipality, partner=partner, inn="")


def programme(title: str, forms) -> dict:
    return {
        "title": title,
        "form": forms["учитель – ученик"],
        "starts_on": dt.date(2020, 11, 1),
        "ends_on": dt.date(2021, 5, 31),
    }


def test_a_title_taken_in_the_school_refuses_the_batch_as_the_form_is_refused(
    curator_a, school_a, registry_data, forms
):
    said = "Программа наставничества с такими значениями полей ОО и Наименование уже существует."
    with pytest.raises(ValidationError) as one:
        services.save_programme(user=curator_a, school=school_a, **programme("Программа A", forms))
    assert one.value.message_dict == {"__all__": [said]}
    entries = [
        services.ProgrammeEntry(school_a, programme("Новая", forms)),
        services.ProgrammeEntry(school_a, programme("Программа A", forms)),
    ]
    with pytest.raises(ValidationError) as many:
        services.save_programmes(user=curator_a, entries=entries)
    assert many.value.message_dict == {"__all__": [said]}
    twice = [services.ProgrammeEntry(school_a, programme("Новая", forms))] * 2
    with pytest.raises(ValidationError, match="уже существует"):
        services.save_programmes(user=curator_a, entries=twice)
    assert not Programme.objects.filter(title="Новая").exists()


def test_a_batch_of_nothing_writes_nothing(staff, curator_a, registry_data):
    assert services.save_programmes(user=staff, entries=[]) == []
    assert services.save_partners(user=staff, entries=[]) == []
    with pytest.raises(PermissionDenied):
        services.save_partners(user=curator_a, entries=[])
