"""Registry entities: each defined once and registered; views that name none of them; imports
that write through the services the forms use."""

import ast
import datetime as dt
import io
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.models import AuditEvent, ImportBatch
from core.xlsx.spec import CellError, Column, SheetSpec
from registry import selectors, services
from registry.entities import ENTITIES, Entity, ExportSheet
from registry.models import Agreement, Mentee, Mentor, PartnerOrganization, Programme
from tests.roadmap.files_helpers import upload

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MENTEE_HEADERS = ["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Кто", "Класс", "E-mail"]


def book(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def mentee_rows(school, n: int, email: str = "") -> list:
    born = [dt.date(2009, 1, 1) + dt.timedelta(days=i) for i in range(n)]
    return [
        [f"Сущностев{i}", "Ахмед", "", born[i], school.short_name, "обучающийся", "6А", email]
        for i in range(n)
    ]


def preview(client, entity, content):
    url = reverse("registry:import", args=[entity])
    return client.post(url, {"file": upload("список.xlsx", content, XLSX)})


def confirm(client, entity):
    batch = ImportBatch.objects.filter(status="preview").latest("created_at")
    return client.post(reverse("registry:import_confirm", args=[entity, batch.pk]))


def test_every_entity_is_registered_once_under_its_key():
    assert set(ENTITIES) == {"mentees", "mentors", "programmes", "pairs", "partners"}
    for key, entity in ENTITIES.items():
        assert entity.key == key
        assert reverse(f"registry:{key}")  # the list a confirmed import returns to


@pytest.mark.parametrize("module", ["registry/views_io.py", "registry/entities/base.py"])
def test_the_views_and_the_machinery_name_no_entity(module):
    """Whatever differs between entities is in the entity's own module, not in a branch."""
    tree = ast.parse((ROOT / module).read_text())
    named = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in ENTITIES
    }
    assert not named


def agreement_sheet(user) -> SheetSpec:
    return SheetSpec(
        "Соглашения",
        (
            Column("partner", "Организация-партнёр", required=True),
            Column("number", "Номер", required=True, max_length=50),
            Column("date", "Дата", kind="date", required=True),
            Column("subject", "Предмет", required=True),
        ),
    )


def plan_agreements(plan, parsed) -> None:
    partners = {p.name: p for p in selectors.partners_for(plan.user)}
    for row in parsed.rows:
        partner = partners.get(row.values["partner"])
        if partner is None:
            plan.errors.append(CellError(row.row, "Организация-партнёр", "нет такой."))
            continue
        values = {k: row.values[k] for k in ("number", "date", "subject")}
        plan.to_create.append({"partner": partner, "valid_from": values["date"], **values})
        plan.show(row.row, f"№ {values['number']}", "", "новое")


def write_agreements(plan) -> tuple[int, int]:
    for row in plan.to_create:
        services.save_agreement(user=plan.user, school=None, **row)
    return len(plan.to_create), 0


AGREEMENTS = Entity(
    key="agreements",
    title="Соглашения",
    of_what="соглашений",
    sheet=agreement_sheet,
    planner=plan_agreements,
    writer=write_agreements,
    selector=selectors.agreements_for,
    export=ExportSheet(
        SheetSpec("Соглашения", (Column("number", "Номер"), Column("partner", "Партнёр"))),
        lambda a: {"number": a.number, "partner": a.partner.name},
    ),
)


def test_a_sixth_entity_needs_its_definition_and_one_registration(
    client, staff, municipality, monkeypatch
):
    monkeypatch.setitem(ENTITIES, "agreements", AGREEMENTS)
    partner = PartnerOrganization.objects.create(municipality=municipality, name="ООО «Завод»")
    client.force_login(staff)
    template = client.get(reverse("registry:template", args=["agreements"]))
    headers = [c.value for c in load_workbook(io.BytesIO(template.content)).worksheets[0][1]]
    assert headers == ["Организация-партнёр *", "Номер *", "Дата *", "Предмет *"]
    rows = [["ООО «Завод»", "7", "01.09.2020", "практика"]]
    shown = preview(
        client, "agreements", book(["Организация-партнёр", "Номер", "Дата", "Предмет"], rows)
    )
    assert "Загрузка соглашений из Excel" in shown.content.decode()
    assert "Будет создано: 1" in shown.content.decode()
    entity, batch = ENTITIES["agreements"], ImportBatch.objects.get(entity="agreements")
    with batch.file.open("rb") as stored:  # confirming would return to the entity's list page
        assert entity.apply(entity.plan_file(staff, stored)) == (1, 0)
    assert Agreement.objects.get().partner == partner
    exported = client.get(reverse("registry:export", args=["agreements"]))
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert list(sheet.iter_rows(values_only=True)) == [("Номер", "Партнёр"), ("7", "ООО «Завод»")]


def test_a_value_the_service_would_refuse_is_named_in_the_preview(client, staff, school_a, forms):
    client.force_login(staff)
    response = preview(client, "mentees", book(MENTEE_HEADERS, mentee_rows(school_a, 2, "нет@")))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Строка 2, столбец «E-mail»: Введите правильный адрес электронной почты." in html
    assert "Строка 3, столбец «E-mail»" in html
    assert not Mentee.objects.filter(last_name__startswith="Сущностев").exists()


def test_the_departments_import_moves_a_mentee_to_the_school_in_the_row(
    client, staff, registry_data
):
    minor, school_b = registry_data["a"]["minor"], registry_data["b"]["school"]
    row = ["УченикA", "Али", "", "05.05.2012", school_b.short_name, "обучающийся", "7А", ""]
    client.force_login(staff)
    shown = preview(client, "mentees", book(MENTEE_HEADERS, [row]))
    assert "Будет создано: 0, обновлено: 1" in shown.content.decode()
    confirm(client, "mentees")
    minor.refresh_from_db()
    assert minor.school == school_b


def test_a_curators_mentor_import_writes_the_change_into_the_history(
    client, curator_a, registry_data
):
    mentor, school = registry_data["a"]["mentor"], registry_data["a"]["school"]
    headers = ["Фамилия", "Имя", "Отчество", "Дата рождения", "Кто", "ОО", "Должность или класс"]
    row = ["НаставникA", "Иван", "", "01.01.1985", "педагог", school.short_name, "завуч"]
    client.force_login(curator_a)
    preview(client, "mentors", book(headers, [row]))
    assert confirm(client, "mentors").status_code == 302
    assert Mentor.objects.get(pk=mentor.pk).position == "завуч"
    history = AuditEvent.objects.get(action="change", object_id=str(mentor.pk))
    assert history.detail == "загрузка из Excel: изменены поля: должность или класс"
    assert history.school == school


def confirm_queries(client, school, n: int) -> int:
    Mentee.objects.filter(last_name__startswith="Сущностев").delete()
    preview(client, "mentees", book(MENTEE_HEADERS, mentee_rows(school, n)))
    with CaptureQueriesContext(connection) as queries:
        assert confirm(client, "mentees").status_code == 302
    assert Mentee.objects.filter(last_name__startswith="Сущностев").count() == n
    return len(queries)


def test_confirming_an_import_costs_the_same_queries_for_any_number_of_rows(
    client, curator_a, school_a, forms
):
    client.force_login(curator_a)
    assert confirm_queries(client, school_a, 5) == confirm_queries(client, school_a, 60)


PROGRAMME_HEADERS = ["Наименование", "ОО", "Форма наставничества", "Начало", "Окончание"]
PARTNER_HEADERS = ["Наименование", "ИНН", "Адрес", "Контактное лицо", "Телефон", "E-mail"]


def test_programmes_and_partners_imported_again_change_nothing_but_what_differs(
    client, staff, school_a, forms
):
    client.force_login(staff)
    form = "учитель – ученик"
    programmes = [
        [f"Программа {n}", school_a.short_name, form, "01.11.2020", "31.05.2021"] for n in range(3)
    ]
    partners = [[f"ООО «Партнёр {n}»", "", "", "", "", ""] for n in range(3)]
    for entity, headers, rows in (
        ("programmes", PROGRAMME_HEADERS, programmes),
        ("partners", PARTNER_HEADERS, partners),
    ):
        assert "Будет создано: 3" in preview(client, entity, book(headers, rows)).content.decode()
        assert confirm(client, entity).status_code == 302
        again = preview(client, entity, book(headers, rows)).content.decode()
        assert "Будет создано: 0, обновлено: 0" in again
        assert confirm(client, entity).status_code == 302
    programmes[1][4] = "30.06.2021"
    partners[2][4] = "+7 900 000-00-02"
    for entity, headers, rows in (
        ("programmes", PROGRAMME_HEADERS, programmes),
        ("partners", PARTNER_HEADERS, partners),
    ):
        changed = preview(client, entity, book(headers, rows)).content.decode()
        assert "Будет создано: 0, обновлено: 1" in changed
        confirm(client, entity)
    assert Programme.objects.get(title="Программа 1").ends_on == dt.date(2021, 6, 30)
    assert PartnerOrganization.objects.get(name="ООО «Партнёр 2»").phone == "+7 900 000-00-02"
    assert (Programme.objects.count(), PartnerOrganization.objects.count()) == (3, 3)
