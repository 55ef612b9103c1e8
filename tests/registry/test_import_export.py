import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.models import AuditEvent, ImportBatch
from registry.models import Mentee, Mentor, Programme
from tests.roadmap.files_helpers import PDF_BYTES, upload

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Кто", "Класс"]


def workbook_bytes(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def mentee_rows(school, n, start=0):
    return [
        [
            f"Импортов{i}",
            "Ахмед",
            "Русланович",
            datetime.date(2008, 1, 1) + datetime.timedelta(days=i),
            school.short_name,
            "обучающийся",
            "9А",
        ]
        for i in range(start, start + n)
    ]


def post_file(client, entity, content, name="наставляемые.xlsx"):
    return client.post(
        reverse("registry:import", args=[entity]), {"file": upload(name, content, XLSX)}
    )


def confirm(client, entity):
    batch = ImportBatch.objects.filter(status="preview").latest("created_at")
    return client.post(reverse("registry:import_confirm", args=[entity, batch.pk]))


def test_template_has_headers_dropdowns_and_an_example(client, curator_a, school_a, forms):
    client.force_login(curator_a)
    response = client.get(reverse("registry:template", args=["mentees"]))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:5] == ["Фамилия *", "Имя *", "Отчество", "Дата рождения *", "ОО *"]
    assert sheet.data_validations.dataValidation
    assert "Инструкция" in book.sheetnames
    assert sheet.cell(row=2, column=1).value == "Иванова"


def test_import_previews_then_saves_on_confirm(client, curator_a, school_a, forms):
    client.force_login(curator_a)
    preview = post_file(client, "mentees", workbook_bytes(mentee_rows(school_a, 3)))
    assert preview.status_code == 200
    assert "Будет создано: 3" in preview.content.decode()
    assert not Mentee.objects.exists()
    done = confirm(client, "mentees")
    assert done.status_code == 302
    assert Mentee.objects.filter(school=school_a).count() == 3
    assert AuditEvent.objects.filter(action="import", user=curator_a).exists()


def test_one_bad_row_in_a_thousand_saves_nothing_and_is_named(client, staff, school_a, forms):
    rows = mentee_rows(school_a, 1000)
    rows[536][3] = "31.02.2010"  # sheet row 538: the header is row 1
    client.force_login(staff)
    response = post_file(client, "mentees", workbook_bytes(rows))
    assert response.status_code == 422
    html = response.content.decode()
    assert "найдено ошибок — 1" in html
    assert "Строка 538, столбец «Дата рождения»" in html
    assert not Mentee.objects.exists()
    assert not ImportBatch.objects.exists()


def test_reimport_updates_instead_of_duplicating(client, staff, school_a, forms):
    client.force_login(staff)
    post_file(client, "mentees", workbook_bytes(mentee_rows(school_a, 5)))
    confirm(client, "mentees")
    rows = mentee_rows(school_a, 5)
    rows[0][6] = "10Б"
    again = post_file(client, "mentees", workbook_bytes(rows))
    assert "Будет создано: 0, обновлено: 1" in again.content.decode()
    confirm(client, "mentees")
    assert Mentee.objects.count() == 5
    assert Mentee.objects.get(last_name="Импортов0").class_name == "10Б"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (PDF_BYTES, "список.xlsx", "по содержимому это не XLSX"),
        (b"", "пусто.xlsx", "Отправленный файл пуст"),
    ],
)
def test_files_that_are_not_tables(client, staff, forms, content, name, message):
    client.force_login(staff)
    response = post_file(client, "mentees", content, name)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_missing_columns_and_empty_sheets(client, staff, school_a, forms):
    client.force_login(staff)
    missing = post_file(client, "mentees", workbook_bytes([["Иванов"]], headers=["Фамилия"]))
    assert "нет обязательных столбцов" in missing.content.decode()
    assert "«Дата рождения»" in missing.content.decode()
    empty = post_file(client, "mentees", workbook_bytes([]))
    assert "нет ни одной строки" in empty.content.decode()


def test_more_than_10000_rows_is_refused(client, staff, school_a, forms):
    client.force_login(staff)
    response = post_file(client, "mentees", workbook_bytes(mentee_rows(school_a, 10_001)))
    assert response.status_code == 422
    assert "не более 10" in response.content.decode()
    assert not Mentee.objects.exists()


def test_curator_cannot_import_into_another_school(client, curator_a, school_b, forms):
    client.force_login(curator_a)
    response = post_file(client, "mentees", workbook_bytes(mentee_rows(school_b, 2)))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Строка 2, столбец «ОО»" in html and "Строка 3, столбец «ОО»" in html
    assert not Mentee.objects.exists()


def test_same_person_twice_in_a_file(client, staff, school_a, forms):
    client.force_login(staff)
    rows = mentee_rows(school_a, 2)
    rows[1] = list(rows[0])
    response = post_file(client, "mentees", workbook_bytes(rows))
    assert "Строка 3: тот же человек, что в строке 2" in response.content.decode()


def test_mentors_and_programmes_import(client, staff, school_a, forms):
    client.force_login(staff)
    mentors = workbook_bytes(
        [["Учителева", "Хава", "", "12.04.1990", "педагог", school_a.short_name, "", "учитель"]],
        headers=[
            "Фамилия",
            "Имя",
            "Отчество",
            "Дата рождения",
            "Кто",
            "ОО",
            "Организация-партнёр",
            "Должность или класс",
        ],
    )
    post_file(client, "mentors", mentors, "наставники.xlsx")
    confirm(client, "mentors")
    assert Mentor.objects.get(last_name="Учителева").schools.get() == school_a
    programmes = workbook_bytes(
        [["Шаг вперёд", school_a.short_name, "учитель – ученик", "01.11.2020", "31.05.2021"]],
        headers=["Наименование", "ОО", "Форма наставничества", "Начало", "Окончание"],
    )
    post_file(client, "programmes", programmes, "программы.xlsx")
    confirm(client, "programmes")
    assert Programme.objects.get(title="Шаг вперёд").form.name == "учитель – ученик"


def test_export_is_formula_safe_and_depersonalised_on_request(client, staff, registry_data):
    Mentee.objects.filter(pk=registry_data["a"]["minor"].pk).update(class_name="=1+2")
    client.force_login(staff)
    full = client.get(reverse("registry:export", args=["mentees"]))
    sheet = load_workbook(io.BytesIO(full.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Фамилия", "Имя", "Отчество", "Дата рождения")
    cell = next(c for r in sheet.iter_rows(min_row=2) for c in r if c.value == "=1+2")
    assert cell.data_type == "s"
    anonymous = client.get(reverse("registry:export", args=["mentees"]), {"depersonalised": "1"})
    sheet = load_workbook(io.BytesIO(anonymous.content)).active
    values = [v for row in sheet.iter_rows(values_only=True) for v in row]
    assert "УченикA" not in values and "У. А." in values and 2012 in values
    events = AuditEvent.objects.filter(action="export", object_type="mentees")
    assert events.count() == 2 and "обезличенная" in events.latest("at").detail


def test_curator_export_holds_only_their_school(client, curator_a, registry_data):
    client.force_login(curator_a)
    for entity in ["mentees", "mentors", "programmes", "pairs"]:
        content = client.get(reverse("registry:export", args=[entity])).content
        values = [
            v
            for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
            for v in row
            if isinstance(v, str)
        ]
        assert not any(
            "B" in v and ("Ученик" in v or "Наставник" in v or "Программа" in v) for v in values
        )


def test_unknown_entity_is_404(client, staff):
    client.force_login(staff)
    assert client.get("/registry/passwords/export.xlsx").status_code == 404
    assert client.get("/registry/schools/import/").status_code == 404


PAIR_HEADERS = [
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
    "Статус",
]


def test_pairs_import_groups_rows_and_checks_the_rules(client, curator_a, registry_data):
    from registry.models import Pair

    a = registry_data["a"]
    school = a["school"]
    extra = Mentee.objects.create(
        municipality=school.municipality,
        school=school,
        last_name="Второй",
        first_name="Ученик",
        birth_date=datetime.date(2011, 6, 6),
    )
    rows = [
        [
            "Программа A",
            "НаставникA",
            "Иван",
            "",
            "01.01.1985",
            "УченикA",
            "Али",
            "",
            "05.05.2012",
            "02.11.2020",
            "действует",
        ],
        [
            "Программа A",
            "НаставникA",
            "Иван",
            "",
            "01.01.1985",
            "Второй",
            "Ученик",
            "",
            "06.06.2011",
            "02.11.2020",
            "действует",
        ],
    ]
    client.force_login(curator_a)
    refused = post_file(client, "pairs", workbook_bytes(rows, PAIR_HEADERS), "пары.xlsx")
    assert refused.status_code == 422
    assert (
        "Строка 2: Второй Ученик — несовершеннолетний(яя): на 02.11.2020 нет действующего "
        "согласия" in refused.content.decode()
    )
    rows[1][10] = rows[0][10] = "планируется"
    ok = post_file(client, "pairs", workbook_bytes(rows, PAIR_HEADERS), "пары.xlsx")
    assert "Будет создано: 1" in ok.content.decode()
    confirm(client, "pairs")
    pair = Pair.objects.get()
    assert set(pair.mentees.all()) == {a["minor"], extra}
    assert pair.status == Pair.Status.PLANNED
    again = post_file(client, "pairs", workbook_bytes(rows, PAIR_HEADERS), "пары.xlsx")
    assert "Будет создано: 0, обновлено: 1" in again.content.decode()
    confirm(client, "pairs")
    assert Pair.objects.count() == 1


def test_pairs_import_names_unknown_people(client, curator_a, registry_data):
    rows = [
        [
            "Программа A",
            "Нет",
            "Такого",
            "",
            "01.01.1985",
            "УченикB",
            "Али",
            "",
            "05.05.2012",
            "02.11.2020",
            "планируется",
        ]
    ]
    client.force_login(curator_a)
    html = post_file(client, "pairs", workbook_bytes(rows, PAIR_HEADERS)).content.decode()
    assert "Строка 2, столбец «Наставник: фамилия»" in html
    assert "Строка 2, столбец «Наставляемый: фамилия»" in html  # school B's pupil is not hers


def test_partners_import_is_for_the_department(client, staff, curator_a, registry_data):
    from registry.models import PartnerOrganization

    rows = [["ООО «Аргунский завод»", "2001000000", "", "Иванов", "", ""]]
    headers = ["Наименование", "ИНН", "Адрес", "Контактное лицо", "Телефон", "E-mail"]
    client.force_login(curator_a)
    assert (
        "загружает департамент"
        in post_file(client, "partners", workbook_bytes(rows, headers)).content.decode()
    )
    client.force_login(staff)
    post_file(client, "partners", workbook_bytes(rows, headers))
    confirm(client, "partners")
    assert PartnerOrganization.objects.get().inn == "2001000000"
    exported = client.get(reverse("registry:export", args=["partners"]))
    assert exported.status_code == 200
