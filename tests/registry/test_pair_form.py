"""The new pair form: the programme first, then that school's mentors and mentees, found by
name on the server (no JavaScript needed), with a start date the programme accepts."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from registry import selectors
from registry.models import Mentee, Pair

pytestmark = pytest.mark.django_db
URL = reverse("registry:pair_create")


def _options(html: str, name: str) -> set[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return {v for v in re.findall(r'<option value="(\d+)"', select)}


def _boxes(html: str) -> set[str]:
    return set(re.findall(r'name="mentees" value="(\d+)"', html))


def test_the_programme_comes_first(client, staff, registry_data):
    a, b = registry_data["a"], registry_data["b"]
    client.force_login(staff)
    page = client.get(URL).content.decode()
    assert _options(page, "programme") == {str(a["programme"].pk), str(b["programme"].pk)}
    assert "МБОУ «СОШ № 1» г. Аргун: Программа A" in page
    assert a["minor"].last_name not in page and 'name="mentees"' not in page


def test_then_only_that_schools_people_and_a_valid_start(client, staff, registry_data):
    a, b = registry_data["a"], registry_data["b"]
    client.force_login(staff)
    page = client.get(URL, {"programme": a["programme"].pk}).content.decode()
    assert _options(page, "mentor") == {str(a["mentor"].pk)}  # not B's mentor
    # The pupils of A (the form «учитель – ученик» takes pupils, not A's young teacher).
    assert _boxes(page) == {str(a["minor"].pk)}
    assert str(b["minor"].pk) not in _boxes(page)
    start = re.search(r'name="starts_on" value="([\d.]+)"', page).group(1)
    programme = a["programme"]
    assert (
        programme.starts_on <= dt.datetime.strptime(start, "%d.%m.%Y").date() <= programme.ends_on
    )
    # The default start is accepted as it is.
    response = client.post(
        URL,
        {
            "programme": programme.pk,
            "mentor": a["mentor"].pk,
            "mentees": [a["minor"].pk],
            "starts_on": start,
            "activate": "on",
        },
    )
    assert response.status_code == 302
    assert Pair.objects.get().status == Pair.Status.ACTIVE


def test_search_on_the_server_keeps_the_chosen(client, staff, registry_data):
    a = registry_data["a"]
    school = a["school"]
    for n, last in enumerate(("Абаева", "Абдулаева", "Бисаева", "Вахаева")):
        Mentee.objects.create(
            municipality=school.municipality,
            school=school,
            last_name=last,
            first_name="Седа",
            birth_date=dt.date(2010, 1, 1 + n),
        )
    client.force_login(staff)
    chosen = Mentee.objects.get(last_name="Вахаева")
    response = client.post(
        URL,
        {
            "programme": a["programme"].pk,
            "mentor": a["mentor"].pk,
            "mentees": [chosen.pk],
            "q": "аб",
            "starts_on": "01.12.2020",
            "find": "1",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    found = {m.last_name for m in Mentee.objects.filter(pk__in=_boxes(page))}
    assert found == {"Абаева", "Абдулаева", "Вахаева"}  # the chosen one stays, checked
    assert re.search(rf'value="{chosen.pk}" id="mentee-{chosen.pk}" checked', page)
    assert 'value="01.12.2020"' in page  # what was typed is kept
    assert not Pair.objects.exists()  # a search saves nothing
    nothing = client.post(URL, {"programme": a["programme"].pk, "q": "Яхьяев", "find": "1"})
    assert "Никого не найдено по «Яхьяев»" in nothing.content.decode()


def test_a_long_list_is_cut_and_counted(
    client, staff, registry_data, django_assert_max_num_queries
):
    a = registry_data["a"]
    school = a["school"]
    Mentee.objects.bulk_create(
        Mentee(
            municipality=school.municipality,
            school=school,
            last_name=f"Ученица{n:03d}",
            search_name=f"УЧЕНИЦА{n:03d} СЕДА",
            first_name="Седа",
            birth_date=dt.date(2010, 1, 1) + dt.timedelta(days=n),
        )
        for n in range(120)
    )
    client.force_login(staff)
    with django_assert_max_num_queries(20):
        page = client.get(URL, {"programme": a["programme"].pk}).content.decode()
    assert len(_boxes(page)) == selectors.PAIR_MENTEES_SHOWN
    assert f"И ещё {121 - selectors.PAIR_MENTEES_SHOWN} — уточните поиск." in page


def test_a_curator_goes_straight_to_their_programme_and_not_to_anothers(
    client, curator_a, registry_data
):
    a, b = registry_data["a"], registry_data["b"]
    client.force_login(curator_a)
    page = client.get(URL).content.decode()
    assert 'id="pair-form"' in page and a["programme"].title in page  # their only programme
    assert client.get(URL, {"programme": b["programme"].pk}).status_code == 404
    assert client.get(URL, {"programme": "abc"}).status_code == 400
    refused = client.post(
        URL,
        {"programme": b["programme"].pk, "mentor": b["mentor"].pk, "mentees": [b["minor"].pk]},
    )
    assert refused.status_code == 404
    assert not Pair.objects.exists()


def test_missing_choices_are_named(client, staff, registry_data):
    a = registry_data["a"]
    client.force_login(staff)
    response = client.post(URL, {"programme": a["programme"].pk, "starts_on": "01.12.2020"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Выберите хотя бы одного наставляемого." in page
    assert "Обязательное поле" in page
