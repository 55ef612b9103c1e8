import datetime

import pytest
from django.urls import reverse

from roadmap import services
from roadmap.models import Amendment, Execution, Measure, Roadmap, Section
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CONFIRM = {"confirm": "1"}


def measure(roadmap, number) -> Measure:
    return Measure.objects.get(section__roadmap=roadmap, number=number)


def edit_data(m: Measure, **changes) -> dict:
    data = {
        "number": m.number,
        "title": m.title,
        "deadline_text": m.deadline_text,
        "parties": [r.party_id for r in m.responsibilities.all()],
        "result": m.result,
        "version": m.version,
    }
    data.update(changes)
    return data


@pytest.fixture
def draft(roadmap):
    Roadmap.objects.filter(pk=roadmap.pk).update(status=Roadmap.Status.DRAFT)
    roadmap.refresh_from_db()
    return roadmap


@pytest.fixture
def amended(roadmap, staff):
    services.open_amendment(
        user=staff, roadmap=roadmap, date=datetime.date(2020, 11, 2), reason="Перенос сроков"
    )
    return roadmap


# --- who may edit ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["head", "curator_a"])
def test_only_staff_reach_the_editor(client, cast, draft, who):
    client.force_login(cast[who])
    m = measure(draft, "1.1")
    assert client.get(reverse("roadmap:editor", args=[draft.pk])).status_code == 403
    response = client.post(reverse("roadmap:measure_edit", args=[m.pk]), edit_data(m, title="X"))
    assert response.status_code == 403
    assert measure(draft, "1.1").title == m.title
    assert client.post(reverse("roadmap:create"), {"title": "X"}).status_code == 403


def test_staff_of_another_municipality_gets_404(client, other_roadmap, draft):
    from tests.factories import make_user

    outsider = make_user(
        "outsider", "Сотрудник департамента", municipality=other_roadmap.municipality
    )
    client.force_login(outsider)
    m = measure(draft, "1.1")
    assert client.get(reverse("roadmap:editor", args=[draft.pk])).status_code == 404
    assert (
        client.post(reverse("roadmap:measure_edit", args=[m.pk]), edit_data(m)).status_code == 404
    )
    assert client.get(reverse("roadmap:measure", args=[m.pk])).status_code == 404


def test_editor_page_lists_everything(client, staff, draft, django_assert_max_num_queries):
    client.force_login(staff)
    with django_assert_max_num_queries(15):
        html = client.get(reverse("roadmap:editor", args=[draft.pk])).content.decode()
    assert html.count('data-number="') == 34
    assert "Новый раздел" in html


# --- creating and editing ----------------------------------------------------------------------


def test_create_roadmap_in_the_browser(client, staff, municipality):
    client.force_login(staff)
    response = client.post(
        reverse("roadmap:create"),
        {
            "title": "План мероприятий на 2021-2022 учебный год",
            "school_year_start": "2021",
            "period_start": "01.09.2021",
            "period_end": "31.05.2022",
        },
    )
    created = Roadmap.objects.get(title__startswith="План мероприятий на 2021")
    assert response.status_code == 302
    assert created.municipality == municipality
    assert created.status == Roadmap.Status.DRAFT


def test_create_roadmap_with_reversed_period_names_the_field(client, staff, municipality):
    client.force_login(staff)
    response = client.post(
        reverse("roadmap:create"),
        {
            "title": "X",
            "school_year_start": "2021",
            "period_start": "31.05.2022",
            "period_end": "01.09.2021",
        },
    )
    assert response.status_code == 422
    assert "Окончание периода раньше его начала" in response.content.decode()
    assert not Roadmap.objects.filter(title="X").exists()


def test_htmx_edit_returns_the_row_and_keeps_history(client, staff, draft):
    client.force_login(staff)
    m = measure(draft, "2.7")
    form = client.get(reverse("roadmap:measure_edit", args=[m.pk]), **HTMX)
    assert form.status_code == 200
    assert 'name="deadline_text"' in form.content.decode()
    assert "<html" not in form.content.decode()
    response = client.post(
        reverse("roadmap:measure_edit", args=[m.pk]),
        edit_data(m, deadline_text="декабрь 2020 года - март 2021 года"),
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<tr") and "01.12.2020 – 31.03.2021" in html
    saved = measure(draft, "2.7")
    assert (saved.starts_on, saved.due_on) == (
        datetime.date(2020, 12, 1),
        datetime.date(2021, 3, 31),
    )
    assert saved.version == m.version + 1
    page = client.get(reverse("roadmap:measure", args=[m.pk])).content.decode()
    assert (
        "Срок реализации: «ноябрь -апрель 2020 года» → «декабрь 2020 года - март 2021 года»" in page
    )
    assert staff.username in page or staff.get_full_name() in page


def test_invalid_edit_is_422_and_changes_nothing(client, staff, draft):
    client.force_login(staff)
    m = measure(draft, "1.2")
    response = client.post(
        reverse("roadmap:measure_edit", args=[m.pk]), edit_data(m, number="1.1", title=""), **HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Обязательное поле" in html
    assert measure(draft, "1.2").title == m.title


def test_duplicate_number_names_the_field(client, staff, draft):
    client.force_login(staff)
    m = measure(draft, "1.2")
    response = client.post(reverse("roadmap:measure_edit", args=[m.pk]), edit_data(m, number="1.1"))
    assert response.status_code == 422
    assert "Мероприятие с номером 1.1 уже есть" in response.content.decode()


def test_deadline_preview(client, staff, draft):
    client.force_login(staff)
    url = reverse("roadmap:deadline_preview", args=[draft.pk])
    good = client.get(url, {"deadline_text": "ноябрь -апрель 2020 года"}).content.decode()
    assert "Будет прочитано как: 01.11.2020 – 30.04.2021" in good
    bad = client.get(url, {"deadline_text": "когда-нибудь потом"}).content.decode()
    assert "Срок не распознан" in bad


def test_unreadable_deadline_is_saved_with_a_warning(client, staff, draft):
    client.force_login(staff)
    m = measure(draft, "1.1")
    response = client.post(
        reverse("roadmap:measure_edit", args=[m.pk]),
        edit_data(m, deadline_text="по готовности"),
        **HTMX,
    )
    assert response.status_code == 200
    assert "не распознано" in response.content.decode()
    assert measure(draft, "1.1").deadline_kind == "unknown"


# --- concurrent edits --------------------------------------------------------------------------


def test_second_save_on_an_old_version_is_refused_with_the_difference(client, staff, draft):
    from tests.factories import make_user

    other = make_user(
        "staff2",
        "Сотрудник департамента",
        municipality=draft.municipality,
        first_name="Зарема",
        last_name="Исаева",
    )
    m = measure(draft, "1.4")
    opened_by_both = edit_data(m)
    client.force_login(other)
    first = client.post(
        reverse("roadmap:measure_edit", args=[m.pk]),
        {**opened_by_both, "deadline_text": "ноябрь 2020 года"},
    )
    assert first.status_code == 302
    client.force_login(staff)
    second = client.post(
        reverse("roadmap:measure_edit", args=[m.pk]),
        {**opened_by_both, "result": "Перечень ОО (уточнённый)"},
        **HTMX,
    )
    assert second.status_code == 409
    html = second.content.decode()
    assert "Мероприятие уже изменено" in html
    assert "Зарема Исаева" in html
    assert "Срок реализации: «октябрь 2020 года» → «ноябрь 2020 года»" in html
    # Nothing silently overwritten: the first edit stands, the second is not saved.
    saved = measure(draft, "1.4")
    assert saved.deadline_text == "ноябрь 2020 года"
    assert saved.result == "Перечень ОО"
    # The form keeps the second user's text and the new version: saving again applies it.
    assert "Перечень ОО (уточнённый)" in html
    assert f'name="version" value="{saved.version}"' in html
    third = client.post(
        reverse("roadmap:measure_edit", args=[m.pk]),
        {
            **opened_by_both,
            "deadline_text": "ноябрь 2020 года",
            "result": "Перечень ОО (уточнённый)",
            "version": saved.version,
        },
    )
    assert third.status_code == 302
    assert measure(draft, "1.4").result == "Перечень ОО (уточнённый)"


# --- approval and amendments -------------------------------------------------------------------


def test_only_the_head_approves(client, cast, draft):
    client.force_login(cast["staff"])
    assert client.post(reverse("roadmap:approve", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Roadmap.Status.DRAFT
    client.force_login(cast["head"])
    assert client.post(reverse("roadmap:approve", args=[draft.pk]), CONFIRM).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Roadmap.Status.APPROVED
    assert draft.approved_by == cast["head"]
    again = client.post(reverse("roadmap:approve", args=[draft.pk]), CONFIRM)
    assert again.status_code == 409
    assert "Утвердить можно только проект" in again.content.decode()


def test_approved_wording_is_frozen(client, staff, roadmap):
    client.force_login(staff)
    m = measure(roadmap, "1.1")
    response = client.post(
        reverse("roadmap:measure_edit", args=[m.pk]), edit_data(m, title="Другое"), **HTMX
    )
    assert response.status_code == 422
    assert "Дорожная карта утверждена" in response.content.decode()
    assert measure(roadmap, "1.1").title == m.title
    response = client.post(
        reverse("roadmap:section_create", args=[roadmap.pk]), {"number": "5", "title": "Новый"}
    )
    assert response.status_code == 422
    assert not Section.objects.filter(roadmap=roadmap, number="5").exists()


def test_amendment_opens_records_and_closes(client, staff, roadmap):
    client.force_login(staff)
    response = client.post(
        reverse("roadmap:amendment_open", args=[roadmap.pk]),
        {"date": "02.11.2020", "basis": "приказ от 02.11.2020 № 180", "reason": ""},
    )
    assert response.status_code == 422
    assert "Обязательное поле" in response.content.decode()
    client.post(
        reverse("roadmap:amendment_open", args=[roadmap.pk]),
        {"date": "02.11.2020", "basis": "приказ от 02.11.2020 № 180", "reason": "Перенос сроков"},
    )
    amendment = Amendment.objects.get(roadmap=roadmap)
    assert (amendment.number, amendment.date) == (1, datetime.date(2020, 11, 2))
    m = measure(roadmap, "1.1")
    client.post(
        reverse("roadmap:measure_edit", args=[m.pk]), edit_data(m, deadline_text="ноябрь 2020 года")
    )
    assert measure(roadmap, "1.1").deadline_text == "ноябрь 2020 года"
    last = m.history.order_by("-history_date").first()
    assert last.history_change_reason == "Изменение № 1 от 02.11.2020: Перенос сроков"
    client.post(reverse("roadmap:amendment_close", args=[roadmap.pk]))
    amendment.refresh_from_db()
    assert amendment.closed_at is not None
    m = measure(roadmap, "1.1")
    frozen = client.post(reverse("roadmap:measure_edit", args=[m.pk]), edit_data(m, title="X"))
    assert frozen.status_code == 422
    detail = client.get(reverse("roadmap:detail", args=[roadmap.pk])).content.decode()
    assert "Изменение № 1 от 02.11.2020" in detail


def test_executions_can_be_reported_on_an_approved_roadmap(roadmap, curator_a, school_a):
    execution = Execution.objects.get(
        measure__section__roadmap=roadmap, measure__number="1.7", school=school_a
    )
    services.start_execution(user=curator_a, execution=execution)
    execution.refresh_from_db()
    assert execution.status == Execution.Status.IN_PROGRESS


# --- order, renumbering, deletion --------------------------------------------------------------


def test_move_swaps_places_and_numbers(client, staff, draft):
    client.force_login(staff)
    m3 = measure(draft, "1.3")
    m2 = measure(draft, "1.2")
    client.post(reverse("roadmap:measure_move", args=[m3.pk, "up"]))
    numbers = list(
        Measure.objects.filter(section__number="1", section__roadmap=draft)
        .order_by("position")
        .values_list("number", flat=True)
    )
    assert numbers[:4] == ["1.1", "1.2", "1.3", "1.4"]
    m3.refresh_from_db()
    m2.refresh_from_db()
    assert (m3.number, m2.number) == ("1.2", "1.3")
    assert m3.history.filter(number="1.2").exists()
    client.post(reverse("roadmap:renumber", args=[draft.pk]))
    m3.refresh_from_db()
    assert m3.number == "1.2"
    assert measure(draft, "1.3").title.startswith("Утверждение составов рабочих групп")
    assert client.post(f"/roadmaps/measures/{m3.pk}/move/sideways/").status_code == 404


def test_sections_move_and_renumber(client, staff, draft):
    client.force_login(staff)
    s2 = Section.objects.get(roadmap=draft, number="2")
    client.post(reverse("roadmap:section_move", args=[s2.pk, "up"]))
    client.post(reverse("roadmap:renumber", args=[draft.pk]))
    s2.refresh_from_db()
    assert s2.number == "1"
    assert measure(draft, "1.10").title.startswith("Организация курсовой подготовки")
    assert measure(draft, "2.14").title.startswith("Разработка и утверждение мер")


def test_delete_needs_confirmation_and_keeps_reports(client, staff, curator_a, school_a, draft):
    client.force_login(staff)
    m = measure(draft, "4.3")
    page = client.get(reverse("roadmap:measure_delete", args=[m.pk]))
    assert "Удалить мероприятие 4.3" in page.content.decode()
    assert Measure.objects.filter(pk=m.pk).exists()
    client.post(reverse("roadmap:measure_delete", args=[m.pk]))
    assert not Measure.objects.filter(pk=m.pk).exists()
    assert m.history.filter(history_type="-").exists()

    reported = measure(draft, "4.2")
    execution = reported.executions.get(school=school_a)
    services.submit_report(
        user=curator_a,
        execution=execution,
        text="Рубрика создана",
        completed_on=datetime.date(2020, 12, 1),
    )
    response = client.post(reverse("roadmap:measure_delete", args=[reported.pk]))
    assert response.status_code == 409
    assert "удалить его нельзя" in response.content.decode()
    assert Measure.objects.filter(pk=reported.pk).exists()


def test_add_measure_creates_its_executions(client, staff, draft, school_a, school_b):
    client.force_login(staff)
    section = Section.objects.get(roadmap=draft, number="4")
    from roadmap.models import ResponsibleParty

    schools = ResponsibleParty.objects.get(name="Образовательные организации")
    response = client.post(
        reverse("roadmap:measure_create", args=[section.pk]),
        {
            "number": "4.4",
            "title": "Фестиваль наставников",
            "deadline_text": "май 2021 года",
            "parties": [schools.pk],
            "result": "Отчёт",
        },
    )
    assert response.status_code == 302
    created = measure(draft, "4.4")
    assert set(created.executions.values_list("school_id", flat=True)) == {school_a.pk, school_b.pk}
    assert created.responsible_text == "Образовательные организации"


# --- participating schools ---------------------------------------------------------------------


def test_schools_added_and_removed_with_their_executions(
    client, staff, curator_a, school_a, roadmap
):
    client.force_login(staff)
    newcomer = SchoolFactory(municipality=roadmap.municipality)
    owed = Measure.objects.filter(section__roadmap=roadmap, responsible__kind="schools").count()
    client.post(reverse("roadmap:schools", args=[roadmap.pk]), {"school": newcomer.pk})
    assert Execution.objects.filter(school=newcomer).count() == owed
    client.post(reverse("roadmap:school_remove", args=[roadmap.pk, newcomer.pk]), CONFIRM)
    assert not Execution.objects.filter(school=newcomer).exists()

    execution = Execution.objects.get(
        measure__number="1.7", school=school_a, measure__section__roadmap=roadmap
    )
    services.submit_report(
        user=curator_a, execution=execution, text="Готово", completed_on=datetime.date(2020, 10, 30)
    )
    response = client.post(
        reverse("roadmap:school_remove", args=[roadmap.pk, school_a.pk]), CONFIRM, follow=True
    )
    assert "Сохранены исполнения с отчётами: 1" in response.content.decode()
    assert Execution.objects.filter(school=school_a).count() == 1


def test_school_of_another_municipality_cannot_join(staff, roadmap, other_roadmap):
    from django.core.exceptions import ValidationError

    stranger = SchoolFactory(municipality=other_roadmap.municipality)
    with pytest.raises(ValidationError, match="другому муниципалитету"):
        services.add_school(roadmap=roadmap, school=stranger, user=staff)


# --- copy to the next year ---------------------------------------------------------------------


def test_copy_to_next_school_year(client, staff, school_a, roadmap):
    execution = Execution.objects.get(
        measure__number="1.7", school=school_a, measure__section__roadmap=roadmap
    )
    execution.status = Execution.Status.IN_PROGRESS
    execution.save()
    client.force_login(staff)
    response = client.post(reverse("roadmap:copy", args=[roadmap.pk]), CONFIRM)
    copy = Roadmap.objects.get(copied_from=roadmap)
    assert response["Location"] == reverse("roadmap:editor", args=[copy.pk])
    roadmap.refresh_from_db()
    assert roadmap.status == Roadmap.Status.ARCHIVED
    assert copy.status == Roadmap.Status.DRAFT
    assert copy.school_year == "2021–2022"
    assert copy.title.endswith("на 2021- 2022 учебный год")
    assert (copy.period_start, copy.period_end) == (
        datetime.date(2021, 10, 1),
        datetime.date(2022, 5, 31),
    )
    assert Measure.objects.filter(section__roadmap=copy).count() == 34
    m27 = measure(copy, "2.7")
    assert m27.deadline_text == "ноябрь -апрель 2021 года"
    assert (m27.starts_on, m27.due_on) == (datetime.date(2021, 11, 1), datetime.date(2022, 4, 30))
    assert measure(copy, "2.8").due_on == datetime.date(2022, 5, 31)
    assert measure(copy, "1.13").title == measure(roadmap, "1.13").title  # «от 25.12.2019» kept
    assert [p.name for p in measure(copy, "1.2").responsible.all()] == [
        "Департамент образования",
        "Образовательные организации",
    ]
    statuses = set(
        Execution.objects.filter(measure__section__roadmap=copy).values_list("status", flat=True)
    )
    assert statuses == {Execution.Status.NOT_STARTED}
    assert copy.order.title.endswith("на 2021-2022 учебный год")
    # The archive is read-only.
    m = measure(roadmap, "1.1")
    assert (
        client.post(reverse("roadmap:measure_edit", args=[m.pk]), edit_data(m)).status_code == 422
    )


def test_section_edited_inline(client, staff, draft):
    client.force_login(staff)
    section = Section.objects.get(roadmap=draft, number="3")
    form = client.get(reverse("roadmap:section_edit", args=[section.pk]), **HTMX)
    assert form.content.decode().startswith("<tr")
    bad = client.post(
        reverse("roadmap:section_edit", args=[section.pk]), {"number": "3", "title": ""}, **HTMX
    )
    assert bad.status_code == 422 and "Обязательное поле" in bad.content.decode()
    ok = client.post(
        reverse("roadmap:section_edit", args=[section.pk]),
        {"number": "3", "title": "Внедрение ЦМН в ОО"},
        **HTMX,
    )
    assert ok.status_code == 204
    assert ok["HX-Redirect"].endswith(f"#section-{section.pk}")
    section.refresh_from_db()
    assert section.title == "Внедрение ЦМН в ОО"
    assert section.history.count() == 2


def test_duplicate_section_number_is_a_message(client, staff, draft):
    client.force_login(staff)
    response = client.post(
        reverse("roadmap:section_create", args=[draft.pk]), {"number": "2", "title": "Ещё один"}
    )
    assert response.status_code == 422
    assert "уже существует" in response.content.decode()
    assert Section.objects.filter(roadmap=draft).count() == 4


def test_copy_several_years_on(staff, roadmap):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="следующий или более поздний"):
        services.copy_roadmap(user=staff, roadmap=roadmap, years=0)
    copy = services.copy_roadmap(user=staff, roadmap=roadmap, years=6)
    assert copy.school_year == "2026–2027"
    assert (copy.period_start.year, copy.period_end.year) == (2026, 2027)
    measure = copy.sections.get(number="1").measures.get(number="1.1")
    assert measure.deadline_text.startswith("октябрь 2026")
    assert measure.due_on == datetime.date(2026, 10, 31)
    assert copy.order.date.year == 2026
