"""Pages of long lists: numbered while cheap, then by key; counts exact or estimated."""

from __future__ import annotations

import base64
import datetime
import json

import factory
import pytest
from django.http import QueryDict
from django.urls import reverse

from core import paging
from registry.models import Mentee, Pair
from tests.factories import MenteeFactory, PairFactory, ProgrammeFactory

# Same names, told apart by the birth date (the registry's identity is name and birth date).
BORN = factory.Sequence(lambda n: datetime.date(2010, 1, 1) + datetime.timedelta(days=n))


def _page(queryset, query: str = "", size: int = 3, **options):
    return paging.paginate(queryset, QueryDict(query), size=size, **options)


def _walk_forward(queryset, size: int) -> list[list[int]]:
    pages, query = [], ""
    while True:
        page = _page(queryset, query, size)
        pages.append([obj.pk for obj in page])
        if not page.has_next:
            return pages
        query = page.next_query


@pytest.fixture
def tied(school_a):
    """Seven mentees with the same name (the order ties on every column but the key) and
    three others around them."""
    MenteeFactory(school=school_a, last_name="Абаев")
    MenteeFactory.create_batch(
        7, school=school_a, last_name="Битаев", first_name="Али", birth_date=BORN
    )
    MenteeFactory(school=school_a, last_name="Вагапов")
    MenteeFactory(school=school_a, last_name="Гаев")
    return Mentee.objects.all()


def test_first_page_is_numbered_with_an_exact_count(tied):
    page = _page(tied)
    assert page.number == 1
    assert page.total == paging.Total(10)
    assert str(page.total) == "10"
    assert page.num_pages == 4
    assert not page.has_previous
    assert page.next_query.startswith("after=")
    assert [m.pk for m in page] == [m.pk for m in tied.order_by(*Mentee._meta.ordering)[:3]]


def test_next_and_previous_by_key_walk_every_row_once_in_order_despite_ties(tied):
    expected = [m.pk for m in tied.order_by("last_name", "first_name", "patronymic", "id")]
    pages = _walk_forward(tied, 3)
    assert [pk for page in pages for pk in page] == expected
    assert [len(p) for p in pages] == [3, 3, 3, 1]
    # Back from the last page, by the «Предыдущая» links.
    page = _page(tied, "page=4")
    assert page.number == 4 and [m.pk for m in page] == pages[3]
    backwards = []
    while page.has_previous:
        page = _page(tied, page.previous_query)
        backwards.append([m.pk for m in page])
    assert backwards == pages[2::-1]
    assert page.number == 1 and not page.has_previous


def test_cursor_pages_carry_their_number(tied):
    second = _page(tied, _page(tied).next_query)
    assert second.number == 2 and second.has_previous
    third = _page(tied, second.next_query)
    assert third.number == 3
    assert _page(tied, third.previous_query).number == 2


def test_a_row_added_before_the_cursor_does_not_shift_the_next_page(tied, school_a):
    first = _page(tied)
    MenteeFactory(school=school_a, last_name="Аа")  # sorts first
    second = _page(tied, first.next_query)
    assert [m.last_name for m in second] == ["Битаев"] * 3
    assert not {m.pk for m in first} & {m.pk for m in second}


def test_descending_and_mixed_orders_page_by_key(school_a):
    programme = ProgrammeFactory(school=school_a)
    for day in (1, 1, 1, 2, 2, 3, 4):  # ties on the start
        PairFactory(programme=programme, starts_on=datetime.date(2020, 11, day))
    pairs = Pair.objects.all()  # ordered ("-starts_on", "id"): mixed directions
    expected = [p.pk for p in pairs.order_by("-starts_on", "id")]
    assert [pk for page in _walk_forward(pairs, 2) for pk in page] == expected
    newest_last = pairs.order_by("-id")
    expected = [p.pk for p in newest_last]
    assert [pk for page in _walk_forward(newest_last, 3) for pk in page] == expected


def test_an_order_by_a_relation_or_a_nullable_field_pages_by_number(tied):
    by_school = tied.order_by("school", "id")  # the related model's own ordering
    page = _page(by_school)
    assert page.next_query == "page=2"
    assert _page(by_school, "page=2").previous_query == "page=1"


def test_a_long_list_shows_an_estimate(tied):
    total = paging.count_of(tied, exact_up_to=4)
    assert not total.exact
    assert total.count >= 5
    assert str(total).startswith("около ")
    page = _page(tied, count=None, size=3)
    assert page.total.exact  # 10 is under the default bound


def test_estimates_are_rounded_to_two_digits():
    assert str(paging.Total(287_431, exact=False)) == "около 290\u00a0000"
    assert str(paging.Total(10_017)) == "10\u00a0017"


def test_a_known_count_is_not_counted_again(tied, django_assert_num_queries):
    with django_assert_num_queries(1):  # the page's rows only
        page = _page(tied, count=10)
    assert page.total == paging.Total(10)


def test_numbered_pages_stop_at_the_deepest_offset(tied):
    assert [m.pk for m in _page(tied, "page=2", max_offset=3)] == [m.pk for m in tied][3:6]
    with pytest.raises(paging.BadPage, match="Страница 3 слишком далеко"):
        _page(tied, "page=3", max_offset=3)
    assert _page(tied, "page=99").number == 4  # past the end: the last page
    assert _page(tied, "page=abc").number == 1


def _cursor(data) -> str:
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "не-курсор",
        "%%%",
        _cursor({"k": ["Абаев"]}),  # too few values
        _cursor({"k": ["Абаев", "Али", "", "десять"]}),  # the key is not a number
        _cursor({"k": ["Абаев", "Али", "", None]}),
        _cursor({"k": ["Абаев", "Али", "", 1], "n": "два"}),
        _cursor(["Абаев"]),
    ],
)
def test_a_bad_cursor_is_a_bad_page(tied, cursor):
    with pytest.raises(paging.BadPage, match="ссылка на неё повреждена"):
        _page(tied, f"after={cursor}")
    with pytest.raises(paging.BadPage):
        _page(tied, f"before={cursor}")


# --- the pages that use it ----------------------------------------------------------------------


@pytest.fixture
def many(school_a, school_b):
    MenteeFactory.create_batch(55, school=school_a, last_name="Битаев", birth_date=BORN)
    MenteeFactory.create_batch(5, school=school_b, last_name="Абаев", birth_date=BORN)


def test_registry_list_pages_by_key_and_answers_400_to_a_bad_cursor(client, staff, many):
    client.force_login(staff)
    url = reverse("registry:mentees")
    first = client.get(url)
    assert first.status_code == 200
    page = first.context["page"]
    assert page.number == 1 and len(page) == 50 and str(page.total) == "60"
    assert "Следующая ›" in first.content.decode()
    second = client.get(f"{url}?{page.next_query}")
    assert second.status_code == 200
    assert len(second.context["page"]) == 10 and second.context["page"].number == 2
    assert not {m.pk for m in page} & {m.pk for m in second.context["page"]}
    bad = client.get(url, {"after": "испорчено", "q": "Б"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "ссылка на неё повреждена или устарела" in text
    assert "?q=" in text  # back to the list with its filters, without the cursor
    assert client.get(url, {"page": "500"}).status_code == 200  # the last page


def test_a_cursor_never_reaches_past_the_curators_school(client, curator_a, many, school_b):
    client.force_login(curator_a)
    url = reverse("registry:mentees")
    other = Mentee.objects.filter(school=school_b).order_by("last_name", "id").first()
    before_all = _cursor({"k": ["А", "", "", 0]})  # sorts before every name
    response = client.get(url, {"after": before_all})
    assert response.status_code == 200
    assert {m.school_id for m in response.context["page"]} == {curator_a.profile.school_id}
    assert other.pk not in {m.pk for m in response.context["page"]}


def test_list_queries_do_not_grow_with_the_data(
    client, staff, school_a, django_assert_max_num_queries
):
    client.force_login(staff)
    url = reverse("registry:mentees")
    MenteeFactory.create_batch(3, school=school_a)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    MenteeFactory.create_batch(120, school=school_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).context["page"]
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"{url}?{page.next_query}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"{url}?page=3")


def test_records_behind_a_figure_page_by_key_and_refuse_a_bad_cursor(client, staff, school_a):
    programme = ProgrammeFactory(school=school_a)
    mentees = MenteeFactory.create_batch(53, school=school_a, last_name="Битаев", birth_date=BORN)
    for start in range(0, 53, 3):
        PairFactory(programme=programme, mentees=mentees[start : start + 3])
    client.force_login(staff)
    url = reverse("monitoring:records", args=["mentees"])
    first = client.get(url, {"on": "31.01.2021"})
    assert first.status_code == 200
    page = first.context["page"]
    assert len(page) == 50 and page.total == paging.Total(53)
    second = client.get(f"{url}?on=31.01.2021&{page.next_query}")
    assert second.status_code == 200
    rest = second.context["page"]
    assert rest.number == 2 and len(rest) == 3
    assert {m.pk for m in page} | {m.pk for m in rest} == {m.pk for m in mentees}
    bad = client.get(url, {"on": "31.01.2021", "before": "eyJrIjpbMV19"})
    assert bad.status_code == 400
    assert "ссылка на неё повреждена" in bad.content.decode()


def test_records_queries_do_not_grow_with_the_data(
    client, staff, school_a, django_assert_max_num_queries
):
    programme = ProgrammeFactory(school=school_a)
    client.force_login(staff)
    url = reverse("monitoring:records", args=["mentees"])
    PairFactory(programme=programme, mentees=MenteeFactory.create_batch(2, school=school_a))
    with django_assert_max_num_queries(30) as few:
        client.get(url, {"on": "31.01.2021"})
    mentees = MenteeFactory.create_batch(120, school=school_a, birth_date=BORN)
    for start in range(0, 120, 4):
        PairFactory(programme=programme, mentees=mentees[start : start + 4])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url, {"on": "31.01.2021"}).context["page"]
    assert page.has_next
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"{url}?on=31.01.2021&{page.next_query}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"on": "31.01.2021", "page": "3"})
