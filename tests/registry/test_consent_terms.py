"""Consent states with their dates, and a minor's consent checked against the pair's dates."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from registry import consent_terms, services
from registry.consent_terms import Term
from registry.models import Consent, Mentee, Pair

D = dt.date
days = st.dates(D(2015, 1, 1), D(2030, 12, 31))


@st.composite
def terms(draw):
    given_on = draw(days)
    valid_until = draw(st.none() | st.dates(given_on, D(2031, 12, 31)))
    withdrawn_on = draw(st.none() | st.dates(given_on, D(2031, 12, 31)))
    return Term(given_on, valid_until, withdrawn_on)


def test_states_with_their_dates():
    expired = Term(D(2020, 9, 1), valid_until=D(2021, 5, 31))
    assert consent_terms.state_on(expired, D(2026, 11, 29)).label == "истекло 31.05.2021"
    assert consent_terms.state_on(expired, D(2021, 5, 31)).label == "действует до 31.05.2021"
    withdrawn = Term(D(2020, 9, 1), withdrawn_on=D(2022, 1, 5))
    assert consent_terms.state_on(withdrawn, D(2022, 1, 5)).label == "отозвано 05.01.2022"
    assert consent_terms.state_on(withdrawn, D(2022, 1, 4)).code == "active"
    open_ended = Term(D(2026, 9, 1))
    assert consent_terms.state_on(open_ended, D(2026, 9, 1)).label == (
        "действует, срок не ограничен"
    )
    assert consent_terms.state_on(open_ended, D(2020, 12, 1)).code == "not_yet"


@given(term=terms(), day=days)
def test_the_state_agrees_with_being_in_force(term, day):
    state = consent_terms.state_on(term, day)
    assert state.in_force == term.covers(day)
    assert (state.code == "withdrawn") == bool(term.withdrawn_on and day >= term.withdrawn_on)


@given(
    consents=st.lists(terms(), max_size=4),
    born=st.dates(D(2000, 1, 1), D(2020, 12, 31)),
    start=days,
    length=st.integers(0, 800),
)
def test_the_first_uncovered_day_is_the_first_day_a_minor_has_no_consent(
    consents, born, start, length
):
    end = start + dt.timedelta(days=length)
    found = consent_terms.first_uncovered_day(consents, born, start, end)
    adult = consent_terms.adult_from(born)

    def uncovered(day):
        return day < adult and not any(t.covers(day) for t in consents)

    if found is None:
        day = start
        while day <= end:  # every day of the span is covered or of age
            assert not uncovered(day)
            day += dt.timedelta(days=1)
    else:
        assert start <= found <= end and uncovered(found)
        day = start
        while day < found:
            assert not uncovered(day)
            day += dt.timedelta(days=1)


@given(born=st.dates(D(2000, 1, 1), D(2012, 12, 31)))
def test_of_age_from_the_eighteenth_birthday(born):
    adult = consent_terms.adult_from(born)
    assert adult.year == born.year + 18
    assert consent_terms.first_uncovered_day([], born, adult, adult + dt.timedelta(days=30)) is None
    assert consent_terms.first_uncovered_day([], born, adult - dt.timedelta(days=1), adult) == (
        adult - dt.timedelta(days=1)
    )


# --- the pair's dates ----------------------------------------------------------------------------


def _minor(school, last_name="Поздняя"):
    return Mentee.objects.create(
        municipality=school.municipality,
        school=school,
        last_name=last_name,
        first_name="Хава",
        birth_date=D(2012, 3, 3),
        class_name="8А",
    )


def _consent(staff, mentee, given_on, **dates):
    return services.record_consent(
        user=staff,
        mentee=mentee,
        representative_name="Мать М. М.",
        relation="mother",
        document="паспорт 96 00 111111",
        given_on=given_on,
        **dates,
    )


@pytest.mark.django_db
def test_a_consent_given_after_the_pair_began_does_not_activate_it(staff, registry_data):
    a = registry_data["a"]
    minor = _minor(a["school"])
    _consent(staff, minor, D(2026, 9, 1))
    with pytest.raises(ValidationError) as refused:
        services.save_pair(
            user=staff,
            programme=a["programme"],
            mentor=a["mentor"],
            mentees=[minor],
            starts_on=D(2020, 12, 1),
            activate=True,
        )
    message = " ".join(refused.value.messages)
    assert "на 01.12.2020 нет действующего согласия" in message
    assert "с 01.12.2020" in message
    assert "от 01.09.2026 — ещё не действует" in message
    assert not Pair.objects.filter(memberships__mentee=minor).exists()
    # Planned, then made active: refused the same way.
    planned = services.save_pair(
        user=staff,
        programme=a["programme"],
        mentor=a["mentor"],
        mentees=[minor],
        starts_on=D(2020, 12, 1),
    )
    with pytest.raises(ValidationError, match=r"на 01\.12\.2020 нет действующего согласия"):
        services.change_pair_status(user=staff, pair=planned, status="active")
    planned.refresh_from_db()
    assert planned.status == Pair.Status.PLANNED


@pytest.mark.django_db
def test_an_expired_consent_leaves_a_gap_after_its_end(staff, registry_data):
    a = registry_data["a"]
    minor = _minor(a["school"], "Истёкшая")
    _consent(staff, minor, D(2020, 9, 1), valid_until=D(2021, 5, 31))
    ended = services.save_pair(
        user=staff,
        programme=a["programme"],
        mentor=a["mentor"],
        mentees=[minor],
        starts_on=D(2020, 12, 1),
        ends_on=D(2021, 5, 31),
        activate=True,
    )
    assert ended.status == Pair.Status.ACTIVE  # its dates are covered
    minor2 = _minor(a["school"], "Бессрочная")
    _consent(staff, minor2, D(2020, 9, 1), valid_until=D(2021, 5, 31))
    with pytest.raises(ValidationError) as refused:
        services.save_pair(
            user=staff,
            programme=a["programme"],
            mentor=registry_data["a"]["mentor"],
            mentees=[minor2],
            starts_on=D(2020, 12, 2),
            activate=True,
        )
    assert "на 01.06.2021 нет действующего согласия" in " ".join(refused.value.messages)
    assert "истекло 31.05.2021" in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_the_mentee_page_names_each_consents_state(client, staff, registry_data):
    a = registry_data["a"]
    minor = _minor(a["school"], "Страница")
    client.force_login(staff)
    response = client.post(
        reverse("registry:consent_create", args=[minor.pk]),
        {
            "representative_name": "Мать М. М.",
            "relation": "mother",
            "document": "паспорт 96 00 222222",
            "given_on": "01.09.2020",
            "valid_until": "31.05.2021",
            "purposes": "Участие в программе наставничества.",
            "data_scope": "ФИО, дата рождения.",
        },
        follow=True,
    )
    assert Consent.objects.filter(mentee=minor).count() == 1
    page = response.content.decode()
    notice = next(iter(response.context["messages"]))
    assert notice.level_tag == "warning"
    assert "внесено: истекло 31.05.2021" in str(notice)
    assert "Действующего согласия оно не даёт" in str(notice)
    assert (
        "Нет действующего согласия законного представителя (от 01.09.2020 — истекло 31.05.2021)"
        in page
    )
    assert 'data-state="expired"' in page
    _consent(staff, minor, D(2021, 9, 1))
    page = client.get(reverse("registry:mentee", args=[minor.pk])).content.decode()
    assert "Действует согласие от 01.09.2021" in page
    assert 'data-state="active"' in page and 'data-state="expired"' in page
