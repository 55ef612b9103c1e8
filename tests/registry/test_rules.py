import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from registry import services
from registry.models import Mentee, Mentor, Pair, PairMentee, Programme

pytestmark = pytest.mark.django_db
D = datetime.date


def pair(user, data, *mentees, activate=True, programme=None):
    return services.save_pair(
        user=user,
        programme=programme or data["programme"],
        mentor=data["mentor"],
        mentees=list(mentees),
        starts_on=D(2020, 11, 2),
        activate=activate,
    )


def test_a_pair_forms_and_activates(staff, registry_data):
    a = registry_data["a"]
    created = pair(staff, a, a["minor"])
    assert created.status == Pair.Status.ACTIVE
    assert PairMentee.objects.get(pair=created).is_active


def test_mentor_and_mentees_must_fit_the_form(staff, registry_data, forms):
    a = registry_data["a"]
    peer = Programme.objects.create(
        school=a["school"],
        form=forms["ученик – ученик"],
        title="Ровесники",
        starts_on=D(2020, 11, 1),
        ends_on=D(2021, 5, 31),
    )
    with pytest.raises(ValidationError) as caught:
        pair(staff, a, a["adult"], programme=peer)
    text = " ".join(caught.value.messages)
    assert "наставником не может быть педагог (НаставникA Иван)" in text
    assert "наставляемым не может быть педагог (ПедагогA Зарема)" in text
    assert not Pair.objects.exists()


def test_mentee_of_another_school_does_not_fit(staff, registry_data):
    a, b = registry_data["a"], registry_data["b"]
    with pytest.raises(ValidationError, match="из другой ОО"):
        pair(staff, a, b["minor"])


def test_a_mentee_is_in_one_active_pair_of_a_form(staff, registry_data):
    a = registry_data["a"]
    pair(staff, a, a["minor"])
    second_mentor = Mentor.objects.create(
        municipality=a["school"].municipality,
        last_name="Второй",
        first_name="Наставник",
        birth_date=D(1980, 1, 1),
        kind="teacher",
    )
    second_mentor.schools.add(a["school"])
    with pytest.raises(ValidationError, match="уже в действующей паре формы «учитель – ученик»"):
        services.save_pair(
            user=staff,
            programme=a["programme"],
            mentor=second_mentor,
            mentees=[a["minor"]],
            starts_on=D(2020, 11, 3),
            activate=True,
        )
    # A planned pair is allowed; activating it is refused while the first is active.
    planned = services.save_pair(
        user=staff,
        programme=a["programme"],
        mentor=second_mentor,
        mentees=[a["minor"]],
        starts_on=D(2020, 11, 3),
    )
    with pytest.raises(ValidationError, match="уже в действующей паре"):
        services.change_pair_status(user=staff, pair=planned, status="active")


def test_the_database_backs_the_one_active_pair_rule(staff, registry_data):
    a = registry_data["a"]
    first = pair(staff, a, a["minor"])
    second = Pair.objects.create(
        programme=a["programme"], mentor=a["mentor"], starts_on=D(2020, 11, 5)
    )
    with pytest.raises(IntegrityError):
        PairMentee.objects.create(
            pair=second, mentee=a["minor"], form=a["programme"].form, is_active=True
        )
    assert first.pk


def test_mentor_load_is_limited(staff, registry_data, settings):
    settings.MENTOR_MAX_MENTEES = 2
    a = registry_data["a"]
    school = a["school"]
    pupils = [
        Mentee.objects.create(
            municipality=school.municipality,
            school=school,
            last_name=f"Ученик{n}",
            first_name="Т",
            birth_date=D(2000, 1, n),
        )
        for n in range(1, 4)
    ]
    pair(staff, a, pupils[0], pupils[1])
    with pytest.raises(ValidationError, match=r"уже 2 наставляемых.*не более 2"):
        pair(staff, a, pupils[2])


def test_a_minor_without_consent_cannot_be_in_an_active_pair(staff, registry_data):
    a = registry_data["a"]
    minor = Mentee.objects.create(
        municipality=a["school"].municipality,
        school=a["school"],
        last_name="Без",
        first_name="Согласия",
        birth_date=D(2013, 1, 1),
    )
    with pytest.raises(ValidationError, match="нет действующего согласия"):
        pair(staff, a, minor)
    planned = pair(staff, a, minor, activate=False)
    with pytest.raises(ValidationError, match="нет действующего согласия"):
        services.change_pair_status(user=staff, pair=planned, status="active")
    planned.refresh_from_db()
    assert planned.status == Pair.Status.PLANNED


def test_withdrawing_consent_ends_active_pairs_with_a_reason(staff, registry_data):
    a = registry_data["a"]
    active = pair(staff, a, a["minor"])
    consent = a["minor"].consents.get()
    ended = services.withdraw_consent(user=staff, consent=consent, withdrawn_on=D(2021, 1, 15))
    assert ended == 1
    active.refresh_from_db()
    assert active.status == Pair.Status.TERMINATED
    assert active.ends_on == D(2021, 1, 15)
    assert "Отозвано согласие законного представителя" in active.termination_reason
    assert not PairMentee.objects.filter(is_active=True).exists()
    with pytest.raises(ValidationError, match="уже отозвано"):
        services.withdraw_consent(user=staff, consent=consent, withdrawn_on=D(2021, 1, 16))


def test_adults_need_no_consent(staff, registry_data, forms):
    a = registry_data["a"]
    teachers = Programme.objects.create(
        school=a["school"],
        form=forms["учитель – учитель"],
        title="Молодой педагог",
        starts_on=D(2020, 11, 1),
        ends_on=D(2021, 5, 31),
    )
    created = pair(staff, a, a["adult"], programme=teachers)
    assert created.status == Pair.Status.ACTIVE


def test_terminating_needs_a_reason_and_transitions_are_checked(staff, registry_data):
    a = registry_data["a"]
    active = pair(staff, a, a["minor"])
    with pytest.raises(ValidationError, match="Укажите причину"):
        services.change_pair_status(user=staff, pair=active, status="terminated")
    services.change_pair_status(user=staff, pair=active, status="completed", result="Освоил")
    active.refresh_from_db()
    assert (active.status, active.result) == (Pair.Status.COMPLETED, "Освоил")
    with pytest.raises(ValidationError, match="нельзя перевести"):
        services.change_pair_status(user=staff, pair=active, status="active")


def test_same_person_is_offered_not_duplicated(curator_a, curator_b, registry_data):
    b = registry_data["b"]
    with pytest.raises(services.DuplicatePerson) as caught:
        services.save_mentee(
            user=curator_b,
            school=b["school"],
            last_name="учениКA",
            first_name="АЛИ",
            patronymic="",
            birth_date=D(2012, 5, 5),
            phone="",
            email="",
        )
    assert caught.value.existing == registry_data["a"]["minor"]
    said = caught.value.messages[0]
    assert "уже есть в муниципальном реестре" in said
    assert "Перевод в вашу ОО оформляет департамент" in said
    assert registry_data["a"]["school"].short_name not in said
    assert Mentee.objects.filter(last_name__iexact="учениКA").count() == 1


def test_a_mentor_at_two_schools_is_linked_not_copied(curator_a, curator_b, registry_data):
    a, b = registry_data["a"], registry_data["b"]
    with pytest.raises(services.DuplicatePerson) as caught:
        services.save_mentor(
            user=curator_b,
            school=b["school"],
            last_name="НаставникA",
            first_name="Иван",
            patronymic="",
            birth_date=D(1985, 1, 1),
            phone="",
            email="",
            kind="teacher",
            position="",
        )
    outcome = services.request_mentor_links(
        user=curator_b,
        school=b["school"],
        wanted=[(caught.value.existing, "НаставникA Иван, 01.01.1985 г. р.")],
    )
    assert set(a["mentor"].schools.all()) == {a["school"]}  # asked, not taken
    services.decide_link_request(user=curator_a, link_request=outcome.created[0], approve=True)
    assert set(a["mentor"].schools.all()) == {a["school"], b["school"]}
    assert Mentor.objects.filter(last_name="НаставникA").count() == 1


def test_curator_cannot_write_for_another_school(curator_a, registry_data):
    b = registry_data["b"]
    with pytest.raises(PermissionDenied):
        services.save_mentee(
            user=curator_a,
            school=b["school"],
            last_name="Х",
            first_name="У",
            patronymic="",
            birth_date=D(2010, 1, 1),
            phone="",
            email="",
        )
    with pytest.raises(PermissionDenied):
        pair(curator_a, b, b["minor"])


def test_birth_date_in_the_future_is_refused(curator_a, registry_data):
    with pytest.raises(ValidationError, match="в будущем"):
        services.save_mentee(
            user=curator_a,
            school=registry_data["a"]["school"],
            last_name="Х",
            first_name="У",
            patronymic="",
            birth_date=D(2099, 1, 1),
            phone="",
            email="",
        )


def test_a_pair_starts_within_its_programme(staff, registry_data):
    a = registry_data["a"]
    with pytest.raises(
        ValidationError, match=r"вне срока программы \(01\.11\.2020 – 31\.05\.2021\)"
    ):
        services.save_pair(
            user=staff,
            programme=a["programme"],
            mentor=a["mentor"],
            mentees=[a["minor"]],
            starts_on=D(2026, 11, 25),
        )
