"""Taking over, changing or reading a person of another school: through the mentor import, the
link form, the duplicate check and the edit forms; and the link requests that replace it.

The cast (tests/conftest.py): school A with curator_a, school B with curator_b, each with a
mentor, a minor and an adult mentee; here also school C with curator_c (a school that has
nothing to do with either), the regional coordinator, and staff of another municipality.
School B's mentor carries a phone, an e-mail and a position that nobody outside school B and
the department may read.

test_takeover_attempt — a row of the table per attempt by school A's curator (or an outsider)
on school B's people: the status, the Russian message, nothing of school B's on the page (its
name, the mentor's phone, e-mail, position and stored spelling), and nothing changed in the
guarded tables (mentors, their schools, mentees; the link requests where none may appear):

  import       mentor-import-preview-of-b-mentor, mentor-import-confirm-of-b-mentor,
               mentor-import-of-b-mentor-in-lower-case, mentor-import-of-b-mentor-again,
               mentor-import-of-a-mentor-without-school, mentee-import-of-b-minor,
               pair-import-with-b-mentor
  link form    link-form-with-b-mentor, link-form-with-b-mentor-and-school-b,
               link-form-with-an-id-only, link-form-with-a-wrong-birth-date,
               link-form-with-b-mentor-again
  duplicates   mentor-create-as-b-mentor, mentee-create-as-b-minor, mentee-edit-into-b-minor,
               mentor-edit-into-b-mentor
  requests     request-page-by-unrelated-curator, request-decided-by-unrelated-curator,
               request-decided-by-the-school-that-asked, request-page-by-the-region,
               request-list-by-the-region, request-decided-by-the-region,
               request-decided-by-the-head, request-page-by-another-municipality,
               b-mentor-card-after-the-request
  editing      edit-b-mentor-by-curator-a, edit-b-mentor-by-the-head, edit-by-the-region

The flows: a request approved by the mentor's school links the mentor (audited, counted in the
menu of those who decide); a rejection needs a reason and links nothing; the department links
directly and closes the school's pending request; the department's import links directly; one
pending request per mentor and school (twice through the form, twice through the import, and in
the database itself); two requests at once and two decisions at once on two connections.

Editing: a mentor without a partner organisation (the 500 of before) by every role; a mentor
who works at two schools by every role, each change in the card's history; the services refuse
what the views would never send.

Duplicate messages: the department reads who and where; the curator of the person's own school
reads the same with a link to the record; a curator of another school reads only that the person
is in the municipal registry and that transfers go through the department.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from core import roles
from core.models import AuditEvent, ImportBatch
from registry import services
from registry.entities.mentors import ALREADY_ASKED, ASK_TO_LINK
from registry.models import Mentee, Mentor, MentorLinkRequest
from tests.factories import MunicipalityFactory, SchoolFactory, make_user
from tests.hostile.test_inputs import (
    World,
    fingerprint,
    outcomes,
    page_text,
    run_together,
    upload,
    visible,
    xlsx_of,
)

B_PHONE = "+7 928 555-44-33"
B_EMAIL = "b.mentor@school2.example"
B_POSITION = "заместитель директора СОШ-2"
B_STORED = "НаставникB Иван"  # how the registry spells school B's mentor

MENTOR_HEADERS = [
    "Фамилия",
    "Имя",
    "Отчество",
    "Дата рождения",
    "Кто",
    "ОО",
    "Организация-партнёр",
    "Должность или класс",
    "Телефон",
    "E-mail",
]
D0 = dt.date(1990, 1, 1)
PEOPLE = ("registry.Mentor", "registry.Mentor_schools", "registry.Mentee")
NO_REQUEST = (*PEOPLE, "registry.MentorLinkRequest")


# --- the cast beyond tests/conftest.py ----------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(request, db):
    return World(request)


@pytest.fixture
def school_c(municipality):
    return SchoolFactory(municipality=municipality, short_name="МБОУ «СОШ № 3» г. Аргун")


@pytest.fixture
def curator_c(school_c):
    return make_user("curator_c", roles.CURATOR, school=school_c)


@pytest.fixture
def region(db):
    return make_user("region", roles.REGION)


@pytest.fixture
def outsider(db):
    other = MunicipalityFactory(name="городской округ Соседний-2")
    return make_user("outsider", roles.STAFF, municipality=other)


@pytest.fixture
def b_mentor(registry_data):
    """School B's mentor with contacts that only school B and the department may read."""
    mentor = registry_data["b"]["mentor"]
    Mentor.objects.filter(pk=mentor.pk).update(phone=B_PHONE, email=B_EMAIL, position=B_POSITION)
    mentor.refresh_from_db()
    return mentor


def secrets(w: World) -> tuple[str, ...]:
    """What school A's curator must never read about school B's people."""
    return (w.school_b.short_name, B_PHONE, B_EMAIL, B_POSITION)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- how an attempt is sent ---------------------------------------------------------------------


def mentor_row(school, last="НаставникB", first="Иван", born="01.01.1985", **extra):
    row = {
        "Кто": "педагог",
        "ОО": school.short_name,
        "Организация-партнёр": "",
        "Должность или класс": "учитель-захватчик",
        "Телефон": "+7 900 000-00-01",
        "E-mail": "taken@school1.example",
        **extra,
    }
    return [last, first, "", born, *(row[h] for h in MENTOR_HEADERS[4:])]


def mentor_file(*rows) -> bytes:
    return xlsx_of([MENTOR_HEADERS, *rows])


def mentor_import(w: World, content: bytes, who="curator_a"):
    url = reverse("registry:import", args=["mentors"])
    return w.client(who).post(url, {"file": upload("наставники.xlsx", content)})


def confirm_import(w: World, entity="mentors", who="curator_a"):
    batch = ImportBatch.objects.filter(status="preview", entity=entity).latest("created_at")
    url = reverse("registry:import_confirm", args=[entity, batch.pk])
    return w.client(who).post(url, follow=True)


def import_and_confirm(w: World, content: bytes, who="curator_a"):
    preview = mentor_import(w, content, who)
    assert preview.status_code == 200, visible(preview)
    return confirm_import(w, who=who)


def link_post(w: World, who="curator_a", **changes):
    data = {"last_name": "НаставникB", "first_name": "Иван", "birth_date": "01.01.1985"}
    data.update(changes)
    return w.client(who).post(reverse("registry:mentor_link"), data, follow=True)


def mentor_form(w: World, who="curator_a", url=None, **changes):
    data = {
        "last_name": "НаставникB",
        "first_name": "Иван",
        "patronymic": "",
        "birth_date": "01.01.1985",
        "phone": "",
        "email": "",
        "kind": "teacher",
        "position": "",
        "partner": "",
    }
    data.update(changes)
    return w.client(who).post(url or reverse("registry:mentor_create"), data)


def mentee_form(w: World, who="curator_a", url=None, **changes):
    data = {
        "last_name": "УченикB",
        "first_name": "Али",
        "patronymic": "",
        "birth_date": "05.05.2012",
        "phone": "",
        "email": "",
        "kind": "pupil",
        "class_name": "7А",
        "position": "",
        "experience_years": "",
    }
    data.update(changes)
    return w.client(who).post(url or reverse("registry:mentee_create"), data)


def b_request(w: World) -> MentorLinkRequest:
    """School A's pending request for school B's mentor, made the ordinary way."""
    if "request" not in w.state:
        outcome = services.request_mentor_links(
            user=w.curator_a,
            school=w.school_a,
            wanted=[(w.b_mentor, "НаставникB Иван, 01.01.1985 г. р.")],
        )
        w.state["request"] = (outcome.created or outcome.waiting)[0]
    return w.state["request"]


def decide(w: World, who: str, decision="approve", comment=""):
    url = reverse("registry:link_request", args=[b_request(w).pk])
    return w.client(who).post(url, {"decision": decision, "comment": comment})


def request_page(w: World, who: str):
    return w.client(who).get(reverse("registry:link_request", args=[b_request(w).pk]))


def mentor_without_school(w: World) -> Mentor:
    return Mentor.objects.create(
        municipality=w.municipality,
        last_name="Безшколов",
        first_name="Адам",
        birth_date=dt.date(1979, 7, 7),
        kind="employee",
        phone=B_PHONE,
    )


# --- what an attempt must leave behind ----------------------------------------------------------


def one_pending_request_of_a(w: World, response) -> None:
    request = MentorLinkRequest.objects.get()
    assert (request.mentor, request.school, request.state) == (w.b_mentor, w.school_a, "pending")
    assert request.requested_by == w.curator_a
    assert AuditEvent.objects.filter(
        action="link_request", object_id=str(w.b_mentor.pk), school=w.school_a
    ).exists()
    card = w.client("curator_a").get(reverse("registry:mentor", args=[w.b_mentor.pk]))
    assert card.status_code == 404


def b_mentor_untouched(w: World, response) -> None:
    mentor = Mentor.objects.get(pk=w.b_mentor.pk)
    assert (mentor.phone, mentor.email, mentor.position) == (B_PHONE, B_EMAIL, B_POSITION)
    assert list(mentor.schools.all()) == [w.school_b]


def both(*checks):
    def check(w, response):
        for one in checks:
            one(w, response)

    return check


@dataclass
class Attempt:
    id: str
    send: Callable[[World], object]
    status: int | tuple[int, ...]
    says: tuple[str, ...] = ()
    guard: tuple[str, ...] = PEOPLE
    arrange: Callable[[World], object] | None = None
    check: Callable | None = None
    hides: tuple[str, ...] = ()  # beyond the secrets of school B


ATTEMPTS = [
    # --- the mentor import
    Attempt(
        "mentor-import-preview-of-b-mentor",
        lambda w: mentor_import(w, mentor_file(mentor_row(w.school_a))),
        200,
        (ASK_TO_LINK, "отправлено запросов на связь: 1"),
        NO_REQUEST,
        hides=("обновление",),
    ),
    Attempt(
        "mentor-import-confirm-of-b-mentor",
        lambda w: import_and_confirm(w, mentor_file(mentor_row(w.school_a))),
        200,
        ("Отправлено запросов на связь с наставниками других ОО: 1",),
        check=both(one_pending_request_of_a, b_mentor_untouched),
    ),
    Attempt(
        "mentor-import-of-b-mentor-in-lower-case",
        lambda w: mentor_import(
            w, mentor_file(mentor_row(w.school_a, last="наставникb", first="иван"))
        ),
        200,
        ("наставникb иван, 01.01.1985 г. р.", ASK_TO_LINK),
        NO_REQUEST,
        hides=(B_STORED,),
    ),
    Attempt(
        "mentor-import-of-b-mentor-again",
        lambda w: import_and_confirm(w, mentor_file(mentor_row(w.school_a))),
        200,
        ("новых записей 0, обновлено 0.",),
        NO_REQUEST,
        arrange=b_request,
    ),
    Attempt(
        "mentor-import-of-a-mentor-without-school",
        lambda w: mentor_import(
            w,
            mentor_file(mentor_row(w.school_a, last="Безшколов", first="Адам", born="07.07.1979")),
        ),
        200,
        (ASK_TO_LINK,),
        NO_REQUEST,
        arrange=mentor_without_school,
    ),
    Attempt(
        "mentee-import-of-b-minor",
        lambda w: w.client("curator_a").post(
            reverse("registry:import", args=["mentees"]),
            {
                "file": upload(
                    "наставляемые.xlsx",
                    xlsx_of(
                        [
                            ["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Кто", "Класс"],
                            ["УченикB", "Али", "", "05.05.2012", w.school_a.short_name, "", "7А"],
                        ]
                    ),
                )
            },
        ),
        422,
        ("уже есть в муниципальном реестре; перевод в вашу ОО оформляет департамент",),
        NO_REQUEST,
    ),
    Attempt(
        "pair-import-with-b-mentor",
        lambda w: w.client("curator_a").post(
            reverse("registry:import", args=["pairs"]),
            {
                "file": upload(
                    "пары.xlsx",
                    xlsx_of(
                        [
                            [
                                "Программа",
                                "Наставник: фамилия",
                                "Наставник: имя",
                                "Наставник: отчество",
                                "Наставник: дата рождения",
                                "Наставляемый: фамилия",
                                "Наставляемый: имя",
                                "Наставляемый: отчество",
                                "Наставляемый: дата рождения",
                                "Начало",
                            ],
                            [
                                "Программа A",
                                "НаставникB",
                                "Иван",
                                "",
                                "01.01.1985",
                                "УченикA",
                                "Али",
                                "",
                                "05.05.2012",
                                "02.11.2020",
                            ],
                        ]
                    ),
                )
            },
        ),
        422,
        ("Наставник: нет такого наставника в реестре ОО",),
        (*NO_REQUEST, "registry.Pair"),
    ),
    # --- the link form
    Attempt(
        "link-form-with-b-mentor",
        link_post,
        200,
        ("Запрос на связь с наставником НаставникB Иван, 01.01.1985 г. р. отправлен",),
        check=both(one_pending_request_of_a, b_mentor_untouched),
    ),
    Attempt(
        "link-form-with-b-mentor-and-school-b",
        lambda w: link_post(w, school=w.school_b.pk),
        200,
        ("отправлен",),
        check=both(one_pending_request_of_a, b_mentor_untouched),
    ),
    Attempt(
        "link-form-with-an-id-only",
        lambda w: w.client("curator_a").post(
            reverse("registry:mentor_link"), {"mentor": w.b_mentor.pk, "pk": w.b_mentor.pk}
        ),
        422,  # the form again, each field named: the id reaches nothing
        ("Обязательное поле",),
        NO_REQUEST,
    ),
    Attempt(
        "link-form-with-a-wrong-birth-date",
        lambda w: link_post(w, birth_date="02.01.1985"),
        404,
        ("Страница не найдена",),
        NO_REQUEST,
    ),
    Attempt(
        "link-form-with-b-mentor-again",
        link_post,
        200,
        ("уже отправлен и ожидает решения",),
        NO_REQUEST,
        arrange=b_request,
    ),
    # --- duplicates on the create and edit forms
    Attempt(
        "mentor-create-as-b-mentor",
        mentor_form,
        422,
        ("уже есть в муниципальном реестре", "Отправить запрос на связь с моей ОО"),
        NO_REQUEST,
        hides=(B_STORED, "/registry/mentors/{b}/"),
    ),
    Attempt(
        "mentee-create-as-b-minor",
        mentee_form,
        422,
        ("уже есть в муниципальном реестре", "Перевод в вашу ОО оформляет департамент"),
        NO_REQUEST,
        hides=("/registry/mentees/{minor_b}/", "Отправить запрос"),
    ),
    Attempt(
        "mentee-edit-into-b-minor",
        lambda w: mentee_form(
            w, url=reverse("registry:mentee_edit", args=[w.reg("a", "adult").pk]), kind="teacher"
        ),
        422,
        ("уже есть в муниципальном реестре",),
        NO_REQUEST,
        hides=("/registry/mentees/{minor_b}/",),
    ),
    Attempt(
        "mentor-edit-into-b-mentor",
        lambda w: mentor_form(
            w, url=reverse("registry:mentor_edit", args=[w.reg("a", "mentor").pk])
        ),
        422,
        ("уже есть в муниципальном реестре",),
        NO_REQUEST,
        hides=(B_STORED,),
    ),
    # --- the request pages
    Attempt(
        "request-page-by-unrelated-curator",
        lambda w: request_page(w, "curator_c"),
        404,
        arrange=b_request,
        guard=NO_REQUEST,
        hides=("НаставникB",),
    ),
    Attempt(
        "request-decided-by-unrelated-curator",
        lambda w: decide(w, "curator_c"),
        404,
        arrange=b_request,
        guard=NO_REQUEST,
    ),
    Attempt(
        "request-decided-by-the-school-that-asked",
        lambda w: decide(w, "curator_a"),
        403,
        ("Запрос рассматривает департамент образования или ОО",),
        NO_REQUEST,
        arrange=b_request,
    ),
    Attempt(
        "request-page-by-the-region",
        lambda w: request_page(w, "region"),
        403,
        arrange=b_request,
        guard=NO_REQUEST,
        hides=("НаставникB",),
    ),
    Attempt(
        "request-list-by-the-region",
        lambda w: w.client("region").get(reverse("registry:link_requests")),
        403,
        arrange=b_request,
        guard=NO_REQUEST,
        hides=("НаставникB",),
    ),
    Attempt(
        "request-decided-by-the-region",
        lambda w: decide(w, "region"),
        403,
        arrange=b_request,
        guard=NO_REQUEST,
    ),
    Attempt(
        "request-decided-by-the-head",
        lambda w: decide(w, "head"),
        403,
        arrange=b_request,
        guard=NO_REQUEST,
    ),
    Attempt(
        "request-page-by-another-municipality",
        lambda w: request_page(w, "outsider"),
        404,
        arrange=b_request,
        guard=NO_REQUEST,
    ),
    Attempt(
        "b-mentor-card-after-the-request",
        lambda w: w.client("curator_a").get(reverse("registry:mentor", args=[w.b_mentor.pk])),
        404,
        arrange=b_request,
        guard=NO_REQUEST,
    ),
    # --- editing another school's mentor
    Attempt(
        "edit-b-mentor-by-curator-a",
        lambda w: mentor_form(
            w, url=reverse("registry:mentor_edit", args=[w.b_mentor.pk]), phone="+7 900"
        ),
        404,
        guard=NO_REQUEST,
    ),
    Attempt(
        "edit-b-mentor-by-the-head",
        lambda w: mentor_form(
            w, who="head", url=reverse("registry:mentor_edit", args=[w.b_mentor.pk])
        ),
        403,
        guard=NO_REQUEST,
    ),
    Attempt(
        "edit-by-the-region",
        lambda w: mentor_form(
            w, who="region", url=reverse("registry:mentor_edit", args=[w.b_mentor.pk])
        ),
        403,
        guard=NO_REQUEST,
    ),
]


@pytest.mark.parametrize("attempt", [pytest.param(a, id=a.id) for a in ATTEMPTS])
def test_takeover_attempt(attempt: Attempt, world: World):
    world.b_mentor  # noqa: B018 - school B's mentor with its contacts, before the fingerprint
    if attempt.arrange:
        attempt.arrange(world)
    before = fingerprint(attempt.guard)
    response = attempt.send(world)
    statuses = attempt.status if isinstance(attempt.status, tuple) else (attempt.status,)
    text = page_text(response)
    assert response.status_code in statuses, (response.status_code, visible(response))
    for said in attempt.says:
        assert said in text, (said, visible(response))
    ids = {"b": world.b_mentor.pk, "minor_b": world.reg("b", "minor").pk}
    for hidden in (*secrets(world), *(h.format(**ids) for h in attempt.hides)):
        assert hidden not in text, (hidden, visible(response))
    assert fingerprint(attempt.guard) == before, "another school's person was changed"
    if attempt.check:
        attempt.check(world, response)


# --- link requests, from the request to the decision -------------------------------------------


def test_a_request_approved_by_the_mentors_school_links_the_mentor(world: World):
    mentor = world.b_mentor
    import_and_confirm(world, mentor_file(mentor_row(world.school_a)))
    link_request = MentorLinkRequest.objects.get()
    assert link_request.requested_as == "НаставникB Иван, 01.01.1985 г. р."
    assert link_request.source == "загрузка из Excel"

    # the menu counts it for those who decide, not for the school that asked
    home = reverse("registry:mentees")
    for who, badge in (("curator_b", True), ("staff", True), ("curator_a", False)):
        text = page_text(world.client(who).get(home))
        assert ('id="link-requests-badge"' in text) is badge, who
    pending = page_text(world.client("curator_b").get(reverse("registry:link_requests")))
    assert world.school_a.short_name in pending and "Рассмотреть" in pending
    assert "curator_a" not in pending  # the asking curator's name is the department's to see

    page = request_page(world, "curator_b")
    assert page.status_code == 200 and "Одобрить" in page_text(page)
    approved = decide(world, "curator_b", comment="Работает у нас с 2019 года")
    assert approved.status_code == 302
    link_request.refresh_from_db()
    assert (link_request.state, link_request.decided_by) == ("approved", world.curator_b)
    assert set(mentor.schools.all()) == {world.school_a, world.school_b}
    decision = AuditEvent.objects.get(action="link_decision")
    assert decision.school == world.school_a and "одобрен" in decision.detail
    assert decision.user == world.curator_b

    # now school A reads the card, and its own list shows the decision
    card = world.client("curator_a").get(reverse("registry:mentor", args=[mentor.pk]))
    assert card.status_code == 200
    ours = page_text(world.client("curator_a").get(reverse("registry:link_requests")))
    assert "одобрен" in ours and "Работает у нас с 2019 года" in ours
    assert "curator_b" not in ours  # who decided is not told to the school that asked
    assert 'id="link-requests-badge"' not in page_text(world.client("curator_b").get(home))


def test_a_rejection_needs_a_reason_and_links_nothing(world: World):
    mentor = world.b_mentor
    link_post(world)
    silent = decide(world, "staff", decision="reject")
    assert silent.status_code == 422
    assert "Укажите причину отказа" in page_text(silent)
    assert MentorLinkRequest.objects.get().state == "pending"
    refused = decide(world, "staff", decision="reject", comment="В штате СОШ № 1 не состоит")
    assert refused.status_code == 302
    assert list(mentor.schools.all()) == [world.school_b]
    again = decide(world, "curator_b", decision="approve")
    assert again.status_code == 409
    assert "уже рассмотрен" in page_text(again)
    assert list(mentor.schools.all()) == [world.school_b]
    ours = page_text(world.client("curator_a").get(reverse("registry:link_requests")))
    assert "отклонён" in ours and "В штате СОШ № 1 не состоит" in ours
    assert "staff" not in ours
    # a new request may follow a rejected one
    assert "отправлен" in page_text(link_post(world))
    assert MentorLinkRequest.objects.filter(state="pending").count() == 1


def test_the_department_links_directly_and_closes_the_schools_request(world: World):
    mentor = world.b_mentor
    link_post(world)
    linked = link_post(world, who="staff", school=world.school_a.pk)
    assert linked.status_code == 200
    assert f"связан(а) с ОО «{world.school_a.short_name}»" in page_text(linked)
    assert set(mentor.schools.all()) == {world.school_a, world.school_b}
    closed = MentorLinkRequest.objects.get()
    assert (closed.state, closed.decided_by) == ("approved", world.staff)
    assert AuditEvent.objects.filter(action="link", school=world.school_a).exists()
    # the department's own duplicate box offers the same link, with the school it chose
    box = page_text(mentor_form(world, who="staff", school=world.school_c.pk))
    assert f"Связать наставника с ОО «{world.school_c.short_name}»" in box
    assert world.school_b.short_name in box  # the department reads where the person works


def test_the_departments_import_links_directly(world: World):
    mentor = world.b_mentor
    import_and_confirm(world, mentor_file(mentor_row(world.school_a, Телефон=B_PHONE)), "staff")
    assert set(mentor.schools.all()) == {world.school_a, world.school_b}
    assert not MentorLinkRequest.objects.exists()
    mentor.refresh_from_db()
    assert mentor.position == "учитель-захватчик"  # the department may change the card
    history = AuditEvent.objects.get(action="change", object_id=str(mentor.pk))
    assert "должность" in history.detail and history.school is None


def test_one_pending_request_per_mentor_and_school(world: World):
    world.b_mentor  # noqa: B018
    assert "отправлен" in page_text(link_post(world))
    assert "уже отправлен и ожидает решения" in page_text(link_post(world))
    file = mentor_file(mentor_row(world.school_a))
    preview = mentor_import(world, file)
    assert ALREADY_ASKED in page_text(preview), visible(preview)
    confirm_import(world)
    assert MentorLinkRequest.objects.count() == 1
    assert AuditEvent.objects.filter(action="link_request").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorLinkRequest.objects.create(
            mentor=world.b_mentor,
            school=world.school_a,
            requested_as="x",
            requested_by=world.curator_a,
        )


@pytest.mark.django_db(transaction=True)
def test_two_link_requests_at_once_make_one(curator_a, registry_data):
    mentor = registry_data["b"]["mentor"]
    data = {"last_name": "НаставникB", "first_name": "Иван", "birth_date": "01.01.1985"}
    url = reverse("registry:mentor_link")
    clients = [client_of(curator_a), client_of(curator_a)]
    results = run_together(*(lambda c=c: c.post(url, data) for c in clients))
    assert outcomes(results) == [302, 302]
    assert MentorLinkRequest.objects.filter(mentor=mentor, state="pending").count() == 1
    assert AuditEvent.objects.filter(action="link_request").count() == 1
    assert list(mentor.schools.all()) == [registry_data["b"]["school"]]


@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_make_one(curator_a, curator_b, staff, registry_data):
    mentor = registry_data["b"]["mentor"]
    link_request = services.request_mentor_links(
        user=curator_a, school=registry_data["a"]["school"], wanted=[(mentor, "НаставникB")]
    ).created[0]
    url = reverse("registry:link_request", args=[link_request.pk])
    results = run_together(
        lambda: client_of(staff).post(url, {"decision": "reject", "comment": "Нет"}),
        lambda: client_of(curator_b).post(url, {"decision": "approve"}),
    )
    assert outcomes(results) == [302, 409]
    refused = next(r for r in results if r.status_code == 409)
    assert "уже рассмотрен" in page_text(refused)
    link_request.refresh_from_db()
    linked = mentor.schools.filter(pk=registry_data["a"]["school"].pk).exists()
    assert linked == (link_request.state == "approved")
    assert AuditEvent.objects.filter(action="link_decision").count() == 1


# --- editing a mentor: without a partner, and at two schools ------------------------------------


def edit(w: World, who: str, mentor: Mentor, **changes):
    data = {
        "last_name": mentor.last_name,
        "first_name": mentor.first_name,
        "patronymic": mentor.patronymic,
        "birth_date": mentor.birth_date.strftime("%d.%m.%Y"),
        "phone": mentor.phone,
        "email": mentor.email,
        "kind": mentor.kind,
        "position": mentor.position,
        "partner": "",
    }
    data.update(changes)
    return w.client(who).post(reverse("registry:mentor_edit", args=[mentor.pk]), data)


# who edits school A's mentor, who has no partner organisation (a 500 for everyone before)
ALONE = [("staff", 302), ("admin_user", 302), ("curator_a", 302), ("curator_b", 404)]
ALONE += [("head", 403), ("region", 403)]


@pytest.mark.parametrize(("who", "status"), ALONE)
def test_editing_a_mentor_without_a_partner(world: World, who, status):
    mentor = world.reg("a", "mentor")
    assert mentor.partner is None
    response = edit(world, who, mentor, position="учитель физики")
    assert response.status_code == status, visible(response)
    mentor.refresh_from_db()
    assert (mentor.position == "учитель физики") is (status == 302)


# a mentor of schools A and B: both schools' curators and the department, nobody else
SHARED = [*ALONE[:3], ("curator_b", 302), ("curator_c", 404), ("head", 403), ("region", 403)]


@pytest.mark.parametrize(("who", "status"), SHARED)
def test_editing_a_mentor_of_two_schools(world: World, who, status):
    mentor = world.b_mentor
    mentor.schools.add(world.school_a)
    response = edit(world, who, mentor, phone="+7 928 000-11-22", position="методист")
    assert response.status_code == status, visible(response)
    mentor.refresh_from_db()
    changed = status == 302
    assert (mentor.phone == "+7 928 000-11-22") is changed
    events = AuditEvent.objects.filter(action="change", object_id=str(mentor.pk))
    assert events.exists() is changed
    if changed:
        event = events.get()
        assert event.user == getattr(world, who)
        assert "телефон" in event.detail and "должность или класс" in event.detail
        assert "ФИО" not in event.detail and "фамилия" not in event.detail


def test_a_change_by_one_school_shows_in_the_history_of_the_other(world: World):
    mentor = world.b_mentor
    mentor.schools.add(world.school_a)
    assert edit(world, "curator_a", mentor, phone="+7 928 000-11-22").status_code == 302
    card = page_text(world.client("curator_b").get(reverse("registry:mentor", args=[mentor.pk])))
    assert f"{world.school_a.short_name}: изменены поля: телефон" in card
    unchanged = edit(world, "curator_b", mentor, phone="+7 928 000-11-22")
    assert unchanged.status_code == 302
    assert AuditEvent.objects.filter(action="change").count() == 1  # nothing changed: no entry


def test_services_refuse_what_the_views_never_send(world: World):
    mentor = world.b_mentor
    data = {"last_name": "НаставникB", "first_name": "Иван", "birth_date": dt.date(1985, 1, 1)}
    with pytest.raises(PermissionDenied):
        services.save_mentor(user=world.curator_a, school=None, mentor=mentor, **data)
    with pytest.raises(PermissionDenied):
        services.link_mentor_to_school(user=world.curator_a, mentor=mentor, school=world.school_a)
    with pytest.raises(PermissionDenied):
        services.request_mentor_links(
            user=world.curator_a, school=world.school_b, wanted=[(mentor, "x")]
        )
    with pytest.raises(ValidationError, match="Укажите ОО или организацию-партнёра"):
        services.save_mentor(
            user=world.staff, school=None, last_name="Х", first_name="У", birth_date=D0
        )
    with pytest.raises(PermissionDenied):
        services.decide_link_request(
            user=world.curator_a, link_request=b_request(world), approve=True
        )
    b_mentor_untouched(world, None)
    minor_b = world.reg("b", "minor")
    with pytest.raises(PermissionDenied, match="Перевод наставляемого"):
        services.save_mentee(
            user=world.curator_a,
            school=world.school_a,
            mentee=minor_b,
            last_name="Захвачен",
            first_name="Али",
            birth_date=minor_b.birth_date,
        )
    minor_b.refresh_from_db()
    assert (minor_b.school, minor_b.last_name) == (world.school_b, "УченикB")


# --- what a duplicate check tells, by who asks ---------------------------------------------------


def test_duplicate_messages_by_who_asks(world: World):
    minor_b = world.reg("b", "minor")
    mentee_url = reverse("registry:mentee", args=[minor_b.pk])
    # the department: who and where, with the record
    staff = page_text(mentee_form(world, who="staff", school=world.school_a.pk))
    assert world.school_b.short_name in staff and mentee_url in staff
    assert "УченикB Али, 05.05.2012 г. р., уже есть в реестре" in staff
    # the person's own school: the same, with a link to the record
    own = page_text(mentee_form(world, who="curator_b"))
    assert world.school_b.short_name in own and mentee_url in own
    # another school: only that the person is in the municipal registry
    other = mentee_form(world, who="curator_a")
    text = page_text(other)
    assert other.status_code == 422
    assert "уже есть в муниципальном реестре" in text
    assert "Перевод в вашу ОО оформляет департамент образования" in text
    assert world.school_b.short_name not in text and mentee_url not in text
    assert Mentee.objects.filter(last_name="УченикB").count() == 1
