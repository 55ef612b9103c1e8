"""Roadmaps as schools and municipalities publish them, imported through the pages.

Each test builds its file the way such documents are built (tests/roadmap/documents/builders),
checks the preview page, then creates the draft and checks that every measure of the file is
there with its text.
"""

from __future__ import annotations

import datetime
import html
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ImportBatch
from roadmap.dashboard import Filters, build_dashboard
from roadmap.models import Measure, ResponsibleParty, Roadmap, SchoolCalendar
from roadmap.services import apply_school_calendar
from tests.roadmap.documents.builders import (
    APPROVAL,
    HEADER,
    Table,
    docx_document,
    school_measures,
    school_rows,
    split,
    xlsx_workbook,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def preview(client, content: bytes, name: str):
    response = client.post(reverse("roadmap:import"), {"file": SimpleUploadedFile(name, content)})
    return response, html.unescape(response.content.decode())


def prefilled(response) -> dict:
    """The draft form as the preview filled it, ready to post back."""
    values = {}
    for key, value in response.context["draft_form"].initial.items():
        values[key] = f"{value:%d.%m.%Y}" if isinstance(value, datetime.date) else str(value)
    return values


def create(client, response, **changes):
    batch = ImportBatch.objects.filter(entity="roadmap").latest("pk")
    data = prefilled(response) | changes
    return client.post(reverse("roadmap:import_confirm", args=[batch.pk]), data)


def draft_of(response) -> Roadmap:
    assert response.status_code == 302, response.content.decode()[:2000]
    return Roadmap.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-2]))


def measures_of(draft: Roadmap) -> list[tuple[str, str, str]]:
    rows = Measure.objects.filter(section__roadmap=draft).order_by("number_key")
    return [(m.number, m.title, m.deadline_text) for m in rows]


def assert_all_measures_shown(page: str, expected=None) -> None:
    expected = expected or school_measures()
    assert f"мероприятий {len(expected)}" in page
    for _, title, deadline in expected:
        assert title in page
        assert deadline in page


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# --- 1. a table split at page breaks ------------------------------------------------------------


def test_1_docx_split_tables_are_all_read_and_the_rest_is_reported(staff_client, seed_roadmap):
    first, second, third = split(school_rows(), 9, 17)
    content = docx_document(
        Table(first, column_numbers=True),
        Table(second),  # the header repeated, as Word does it after a page break
        Table(third, header=None),  # a continuation without a header
        Table([("1.1.", "Иванов Иван Иванович", "")], header=("№", "ФИО", "Подпись")),
        approval=APPROVAL,
        between=("Продолжение приложения",),
        after=("1.8. Провести родительское собрание по вопросам наставничества",),
    )
    response, page = preview(staff_client, content, "дорожная карта.docx")
    assert response.status_code == 200
    assert_all_measures_shown(page)
    assert "Прочитано: разделов 3, мероприятий 21" in page
    assert "таблица 2 (продолжение, шапка повторена)" in page
    assert "таблица 3 (продолжение без шапки)" in page
    assert "Таблица 4, строка 2: похоже на мероприятие («1.1. Иванов Иван Иванович»)" in page
    assert "Абзац 11 (после таблицы 4): похоже на мероприятие («1.8. Провести" in page
    draft = draft_of(create(staff_client, response))
    assert measures_of(draft) == school_measures()


def test_1_xlsx_second_sheet_and_repeated_header_rows_are_read(staff_client, seed_roadmap):
    first, second = split(school_rows(), 12)
    first = [*first[:6], HEADER, *first[6:]]  # the header repeated inside the sheet
    content = xlsx_workbook(Table(first, column_numbers=True), Table(second, sheet_title="Стр2"))
    response, page = preview(staff_client, content, "дорожная карта.xlsx")
    assert_all_measures_shown(page)
    assert "лист «Стр2» (продолжение, шапка повторена)" in page
    assert "не распознана" not in page
    draft = draft_of(create(staff_client, response))
    assert measures_of(draft) == school_measures()


def test_1_vertical_merges_in_word_and_excel(staff_client, seed_roadmap):
    rows = [
        "1. Нормативное обеспечение",
        ("1.1.", "Приказ о внедрении ЦМН", "сентябрь 2021 г.", "Директор школы", "Приказ"),
        ("1.1.", "", "", "", "Протокол совещания"),  # the same measure over two rows
        ("1.2.", "Положение о наставничестве", "октябрь 2021 г.", "Куратор ЦМН", "Положение"),
        ("1.3.", "Программа наставничества", "", "", "Программа"),
    ]
    merges = [(0, 1, 2), (2, 3, 4), (3, 3, 4)]  # number; deadline and party for 1.2-1.3
    expected = [
        ("1.1", "Приказ о внедрении ЦМН", "сентябрь 2021 г.", "Приказ\nПротокол совещания"),
        ("1.2", "Положение о наставничестве", "октябрь 2021 г.", "Положение"),
        ("1.3", "Программа наставничества", "октябрь 2021 г.", "Программа"),
    ]
    for name, content in (
        ("a.docx", docx_document(Table(rows, merge_down=merges))),
        ("a.xlsx", xlsx_workbook(Table(rows, merge_down=merges))),
    ):
        response, page = preview(staff_client, content, name)
        assert "мероприятий 3" in page, name
        assert "повторяется" not in page, name
        draft = draft_of(create(staff_client, response))
        rows_ = Measure.objects.filter(section__roadmap=draft).order_by("number_key")
        assert [(m.number, m.title, m.deadline_text, m.result) for m in rows_] == expected, name
        assert rows_[2].responsible_text == "Куратор ЦМН"


# --- 2. numbering that restarts in every section ------------------------------------------------


def restarting_rows(dot: str) -> list:
    """The school's roadmap numbered 1, 2, 3… in every section, «1» or «1.» as typed."""
    return [
        row if isinstance(row, str) else (row[0] + dot, *row[1:])
        for row in school_rows(numbering="restart")
    ]


def printed_numbers_of(draft: Roadmap) -> list[tuple[str, str]]:
    rows = Measure.objects.filter(section__roadmap=draft).order_by("number_key")
    return [(m.number, m.printed_number) for m in rows]


def measure_page(client, draft: Roadmap, number: str) -> str:
    measure = Measure.objects.get(section__roadmap=draft, number=number)
    response = client.get(reverse("roadmap:measure", args=[measure.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def text_of(markup: str) -> str:
    """What the user reads: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", markup).split())


def editor_page(client, draft: Roadmap) -> str:
    response = client.get(reverse("roadmap:editor", args=[draft.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def editor_row(page: str, number: str) -> str:
    """The text of the editor's row of one measure."""
    start = page.index(f'data-number="{number}"')
    return text_of(page[page.rindex("<tr", 0, start) : page.index("</tr>", start)])


@pytest.mark.parametrize("kind, dot", [("docx", ""), ("xlsx", ".")])
def test_2_numbers_restarting_in_each_section_become_section_dot_position(
    staff_client, seed_roadmap, kind, dot
):
    build = docx_document if kind == "docx" else xlsx_workbook
    content = build(Table(restarting_rows(dot)))
    response, page = preview(staff_client, content, f"план.{kind}")
    assert "Строка не распознана" not in page
    assert_all_measures_shown(page)
    assert f'<td>2.3 <span class="text-muted">(3{dot})</span></td>' in page
    assert "номер из документа показан в скобках и сохранится в проекте" in page
    draft = draft_of(create(staff_client, response))
    assert measures_of(draft) == school_measures()
    # The draft keeps what the document printed: «3», without the dot typed after it.
    assert printed_numbers_of(draft) == [
        (number, number.split(".")[1]) for number, _, _ in school_measures()
    ]
    assert list(draft.sections.values_list("number", "printed_number")) == [
        ("1", "I"),
        ("2", "II"),
        ("3", "III"),
    ]
    page = measure_page(staff_client, draft, "2.3")
    assert "раздел 2 (в документе: II)" in page
    assert "мероприятие 2.3 (в документе: 3)" in page
    editor = editor_page(staff_client, draft)
    assert editor_row(editor, "2.3").startswith("2.3. в документе: 3 Формирование базы наставников")
    assert editor_row(editor, "3.7").startswith("3.7. в документе: 7 Внесение изменений")
    assert "2. Формирование баз наставников и наставляемых (в документе: II)" in text_of(editor)


def test_2_printed_numbers_survive_the_copy_and_the_json_export(staff_client, seed_roadmap):
    response, _ = preview(staff_client, docx_document(Table(restarting_rows(""))), "план.docx")
    draft = draft_of(create(staff_client, response))
    exported = json.loads(
        staff_client.get(reverse("roadmap:document", args=[draft.pk, "json"])).content
    )
    assert [s["printed_number"] for s in exported["sections"]] == ["I", "II", "III"]
    assert [
        (m["number"], m["printed_number"]) for s in exported["sections"] for m in s["measures"]
    ] == printed_numbers_of(draft)
    assert list(exported["sections"][0]["measures"][0])[-1] == "printed_number"

    copied = staff_client.post(reverse("roadmap:copy", args=[draft.pk]), {"confirm": "1"})
    copy = Roadmap.objects.get(copied_from=draft)
    assert copied["Location"] == reverse("roadmap:editor", args=[copy.pk])
    assert copy.school_year == "2022–2023"
    assert printed_numbers_of(copy) == printed_numbers_of(draft)
    assert list(copy.sections.values_list("number", "printed_number")) == [
        ("1", "I"),
        ("2", "II"),
        ("3", "III"),
    ]
    assert "мероприятие 3.5 (в документе: 5)" in measure_page(staff_client, copy, "3.5")


# --- 3. other header words --------------------------------------------------------------------


def test_3_usual_header_wordings_are_recognised(staff_client, seed_roadmap):
    header = ("Мероприятия", "Сроки", "Ответственные")  # no number column at all
    rows = [
        "I. Организационный этап",
        ("Создание рабочей группы", "сентябрь 2021 г.", "Директор школы"),
        ("Разработка положения", "октябрь 2021 г.", "Куратор ЦМН"),
        "II. Основной этап",
        ("Формирование пар", "ноябрь 2021 г.", "Классные руководители"),
    ]
    response, page = preview(staff_client, docx_document(Table(rows, header=header)), "a.docx")
    assert "Не найдена таблица приложения" not in page
    expected = [
        ("1.1", "Создание рабочей группы", "сентябрь 2021 г."),
        ("1.2", "Разработка положения", "октябрь 2021 г."),
        ("2.1", "Формирование пар", "ноябрь 2021 г."),
    ]
    assert_all_measures_shown(page, expected)
    assert measures_of(draft_of(create(staff_client, response))) == expected

    header = ("№ п/п", "Содержание работы", "Срок исполнения", "Исполнитель", "Вид документа")
    header += ("Отметка о выполнении",)
    rows = [
        "1. Нормативная база",
        ("1.1.", "Приказ о наставничестве", "Дата: 15.09.2021", "ДО", "Приказ", "выполнено"),
        ("1.2.", "Положение", "до 01.10.2021", "ОО", "Положение", ""),
    ]
    response, page = preview(staff_client, xlsx_workbook(Table(rows, header=header)), "b.xlsx")
    assert "Не найдена таблица приложения" not in page
    assert "выполнено" not in page  # the «Отметка о выполнении» column is not read
    draft = draft_of(create(staff_client, response))
    measures = Measure.objects.filter(section__roadmap=draft).order_by("number_key")
    assert [(m.number, m.title, m.result) for m in measures] == [
        ("1.1", "Приказ о наставничестве", "Приказ"),
        ("1.2", "Положение", "Положение"),
    ]
    assert [m.responsible.get().name for m in measures] == [
        "Департамент образования",
        "Образовательные организации",
    ]
    assert measures[1].due_on == D(2021, 10, 1)


# --- 4. the school year and the period come from the document ---------------------------------


def test_4_year_and_period_prefilled_from_the_title_below_an_approval_block(
    staff_client, seed_roadmap
):
    rows = [*school_rows(), ("3.8.", "Летняя школа наставников", "июнь 2023 г.", "ОО", "")]
    content = docx_document(Table(rows), approval=APPROVAL)
    response, page = preview(staff_client, content, "план.docx")
    form = response.context["draft_form"]
    assert form.initial["school_year_start"] == 2021
    assert (form.initial["period_start"], form.initial["period_end"]) == (
        D(2021, 9, 1),
        D(2022, 5, 31),
    )
    assert form.initial["title"].startswith("План мероприятий (дорожная карта) по внедрению")
    assert form.initial["title"].endswith("на 2021–2022 учебный год")
    assert 'value="01.09.2021"' in page and 'value="31.05.2022"' in page
    assert "Учебный год: 2021–2022 (из наименования)" in page
    assert "Срок мероприятия 3.8 «июнь 2023 г.» (01.06.2023 – 30.06.2023) выходит за период" in page
    assert page.count("вне периода") == 1

    # Another year moves «в течение года» but not «Сентябрь 2021 г.»: the form says so first.
    moved = create(
        staff_client,
        response,
        school_year_start="2026",
        period_start="01.09.2026",
        period_end="31.05.2027",
    )
    assert moved.status_code == 422
    assert "выходят за период 01.09.2026 – 31.05.2027" in html.unescape(moved.content.decode())
    assert Roadmap.objects.count() == 1
    draft = draft_of(create(staff_client, response, accept_outside="on"))
    expected = [*school_measures(), ("3.8", "Летняя школа наставников", "июнь 2023 г.")]
    assert measures_of(draft) == expected
    assert (draft.school_year_start, draft.period_start, draft.period_end) == (
        2021,
        D(2021, 9, 1),
        D(2022, 5, 31),
    )
    throughout = Measure.objects.get(section__roadmap=draft, number="1.7")
    assert (throughout.starts_on, throughout.due_on) == (D(2021, 9, 1), D(2022, 5, 31))


def test_4_year_from_the_deadlines_when_the_title_names_none(staff_client, seed_roadmap):
    content = docx_document(Table(school_rows()), title=("План мероприятий по внедрению ЦМН",))
    response, page = preview(staff_client, content, "план.docx")
    assert response.context["draft_form"].initial["school_year_start"] == 2021
    assert "Учебный год: 2021–2022 (по срокам мероприятий)" in page
    assert "вне периода" not in page
    draft = draft_of(create(staff_client, response))
    assert measures_of(draft) == school_measures()


# --- 5. recurring deadlines inside the roadmap's own period ----------------------------------


def test_5_recurring_deadlines_are_dated_in_the_roadmaps_period(staff_client, seed_roadmap):
    response, page = preview(staff_client, xlsx_workbook(Table(school_rows())), "план.xlsx")
    assert "ежемесячно с 01.09.2021 по 31.05.2022" in page
    assert "ежеквартально с 01.09.2021 по 31.05.2022" in page
    draft = draft_of(create(staff_client, response))
    assert measures_of(draft) == school_measures()
    monthly = Measure.objects.get(section__roadmap=draft, deadline_text="ежемесячно")
    quarterly = Measure.objects.get(section__roadmap=draft, deadline_text="ежеквартально")
    for measure in (monthly, quarterly):
        assert measure.deadline_kind == "recurring"
        assert (measure.starts_on, measure.due_on) == (D(2021, 9, 1), D(2022, 5, 31))
    # Dated occurrences inside the period: September is the first month and the first
    # quarter's part (cut to the period) is due at its end.
    assert monthly.occurrences.first().due_on == D(2021, 9, 30)
    assert monthly.occurrences.last().due_on == D(2022, 5, 31)
    assert [o.due_on for o in quarterly.occurrences.all()] == [
        D(2021, 9, 30), D(2021, 12, 31), D(2022, 3, 31), D(2022, 5, 31),
    ]  # fmt: skip
    # The dashboard: due on the first occurrence not yet reported, never outside the period.
    for today in (D(2026, 11, 3), D(2021, 11, 10)):
        board = build_dashboard(draft, Filters(as_of=today), today=D(2026, 11, 3))
        due = {m.number: m.due_on for m in board.measures}
        assert (due[monthly.number], due[quarterly.number]) == (D(2021, 9, 30), D(2021, 9, 30))


# --- 6. careless typing and the shared list of parties --------------------------------------------


def test_6_text_is_cleaned_and_parties_matched_before_anything_is_added(staff_client, seed_roadmap):
    parties_before = ResponsibleParty.objects.count()
    rows = [
        "1.  Нормативное  обеспечение",
        (
            "1.1.",
            "Приказ о внедрении  целевой модели наставни- чества",
            "Сентябрь 2021 г.",
            "Директор школы",
            "Приказ",
        ),
        (
            "1.2.",
            "Размещение информации на сайтах 00",
            "октябрь 2021 г.",
            "Зам. директора по УВР",
            "Публикация на сайте 00",
        ),
        ("1.3.", "Консультации психолога", "октябрь 2021 г.", "Педагог - психолог", ""),
        (
            "1.4.",
            "Диагностика обучающихся",
            "ноябрь 2021 г.",
            "Педагог-психолог, Заместитель директора по УВР",
            "",
        ),
        (
            "1.5.",
            "Классные часы",
            "ноябрь 2021 г.",
            "Классные руководители; социальный педагог",
            "",
        ),
        ("1.6.", "Работа с семьями", "декабрь 2021 г.", "Отдел опеки и попечительства", ""),
        ("1.7.", "Сверка списков", "декабрь 2021 г.", "отдел  опеки и  попечительства, 00", ""),
    ]
    title = ("План  мероприятий  (дорожная  карта) по  внедрению ЦМН на 2021–2022 учебный год",)
    response, page = preview(staff_client, docx_document(Table(rows), title=title), "план.docx")
    form = response.context["draft_form"]
    assert form.initial["title"] == (
        "План мероприятий (дорожная карта) по внедрению ЦМН на 2021–2022 учебный год"
    )
    assert form.initial["school_year_start"] == 2021
    assert "Приказ о внедрении целевой модели наставничества" in page
    assert "на сайтах ОО" in page and "Публикация на сайте ОО" in page
    assert page.count("новый ответственный") == 3  # the review list, 1.6 and 1.7
    assert "Ответственного исполнителя «Отдел опеки и попечительства» нет в справочнике" in page
    assert "Директор школы → Образовательные организации" in page
    assert "Педагог - психолог → Образовательные организации" in page
    assert "сотрудник ОО" in page
    assert "внешняя организация" in page
    assert "Директор школы» нет в справочнике" not in page
    assert ResponsibleParty.objects.count() == parties_before  # nothing added by a preview

    draft = draft_of(create(staff_client, response))
    assert ResponsibleParty.objects.count() == parties_before + 1
    added = ResponsibleParty.objects.get(name="Отдел опеки и попечительства")
    assert added.kind == ResponsibleParty.Kind.EXTERNAL
    measures = {m.number: m for m in Measure.objects.filter(section__roadmap=draft)}
    assert measures["1.1"].title == "Приказ о внедрении целевой модели наставничества"
    assert measures["1.2"].result == "Публикация на сайте ОО"
    schools = ResponsibleParty.objects.get(name="Образовательные организации")
    for number in ("1.1", "1.2", "1.3", "1.4", "1.5"):
        assert list(measures[number].responsible.all()) == [schools], number
    assert measures["1.3"].responsible_text == "Педагог - психолог"  # the document's wording
    assert measures["1.5"].responsible_text == "Классные руководители; социальный педагог"
    assert [r.party for r in measures["1.7"].responsibilities.all()] == [added, schools]
    assert draft.sections.get().title == "Нормативное обеспечение"


def test_6_document_wording_of_parties_survives_an_edit_of_the_title(staff_client, staff):
    from roadmap.services import update_measure

    content = docx_document(
        Table(["1. Раздел", ("1.1.", "Приказ", "сентябрь 2021 г.", "Директор школы", "")])
    )
    response, _ = preview(staff_client, content, "a.docx")
    measure = Measure.objects.get(section__roadmap=draft_of(create(staff_client, response)))
    measure = update_measure(
        user=staff,
        measure_id=measure.pk,
        version=measure.version,
        number="1.1",
        title="Приказ о рабочей группе",
        deadline_text=measure.deadline_text,
        result="",
        parties=list(measure.responsible.all()),
    )
    assert measure.responsible_text == "Директор школы"


# --- 7. bullet lists inside a title cell -----------------------------------------------------


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_7_line_breaks_in_a_title_are_kept(staff_client, seed_roadmap, kind):
    title = "Разработка дорожной карты:\n- сроки внедрения ЦМН;\n- ответственные лица"
    rows = ["1. Раздел", ("1.1.", title, "октябрь 2021 г.", "ОО", "Дорожная карта")]
    build = docx_document if kind == "docx" else xlsx_workbook
    response, page = preview(staff_client, build(Table(rows)), f"a.{kind}")
    assert f'<td class="prewrap">{title}</td>' in page
    draft = draft_of(create(staff_client, response))
    assert measures_of(draft) == [("1.1", title, "октябрь 2021 г.")]


# --- 8. the preview shows what each deadline was read as ------------------------------------


def test_8_preview_shows_the_dates_and_flags_the_unread(staff_client, seed_roadmap):
    rows = [
        *school_rows(),
        ("3.8.", "Встреча выпускников-наставников", "когда-нибудь потом", "ОО", ""),
    ]
    response, page = preview(staff_client, docx_document(Table(rows)), "план.docx")
    assert "Сентябрь-октябрь 2021 г.<br>" in page
    assert '<span class="deadline-read">01.09.2021 – 31.10.2021</span>' in page
    assert '<span class="deadline-read">01.01.2022 – 28.02.2022</span>' in page
    assert page.count('<span class="badge bg-danger">не распознан</span>') == 1
    assert "Срок мероприятия 3.8 «когда-нибудь потом» не распознан" in page
    draft = draft_of(create(staff_client, response))
    expected = [
        *school_measures(),
        ("3.8", "Встреча выпускников-наставников", "когда-нибудь потом"),
    ]
    assert measures_of(draft) == expected
    measure = Measure.objects.get(section__roadmap=draft, number="1.3")
    assert (measure.starts_on, measure.due_on) == (D(2021, 9, 1), D(2021, 10, 31))


# --- 9. school wordings, quarters by the municipality's calendar ---------------------------


def test_9_school_wordings_follow_the_municipalitys_calendar(
    staff_client, seed_roadmap, municipality
):
    SchoolCalendar.objects.create(
        municipality=municipality, quarter_3_start="10.01", quarter_3_end="20.03"
    )
    rows = [
        "1. Реализация",
        ("1.1.", "Педагогический совет", "III четверть", "ОО", "Протокол"),
        ("1.2.", "Отчёт куратора", "1 раз в четверть", "ОО", "Отчёт"),
        ("1.3.", "Сопровождение пар", "в течении года", "ОО", ""),
        ("1.4.", "Итоговый отчёт", "по итогам года", "ОО", "Отчёт"),
    ]
    response, page = preview(staff_client, xlsx_workbook(Table(rows)), "план.xlsx")
    assert "не распознан" not in page
    assert "10.01.2022 – 20.03.2022" in page
    assert "раз в четверть с 01.09.2021 по 31.05.2022" in page
    assert "01.09.2021 – 31.05.2022" in page
    assert "до 31.05.2022" in page
    draft = draft_of(create(staff_client, response))
    assert measures_of(draft) == [(r[0].rstrip("."), r[1], r[2]) for r in rows[1:]]
    m = {x.number: x for x in Measure.objects.filter(section__roadmap=draft)}
    assert (m["1.1"].starts_on, m["1.1"].due_on) == (D(2022, 1, 10), D(2022, 3, 20))
    assert (m["1.2"].deadline_kind, m["1.2"].recurrence) == ("recurring", "term")
    assert (m["1.3"].starts_on, m["1.3"].due_on) == (D(2021, 9, 1), D(2022, 5, 31))
    assert (m["1.4"].deadline_kind, m["1.4"].due_on) == ("date", D(2022, 5, 31))
    # The department changes the calendar: quarters are dated again.
    SchoolCalendar.objects.filter(municipality=municipality).update(quarter_3_end="25.03")
    assert apply_school_calendar(municipality) == 2
    m["1.1"].refresh_from_db()
    assert m["1.1"].due_on == D(2022, 3, 25)


def test_9_calendar_is_validated_and_editable_in_the_admin(client, admin_user, municipality):
    from django.core.exceptions import ValidationError

    calendar = SchoolCalendar(municipality=municipality, quarter_2_start="31.02")
    with pytest.raises(ValidationError) as error:
        calendar.full_clean()
    assert "quarter_2_start" in error.value.message_dict
    calendar = SchoolCalendar(municipality=municipality, quarter_3_start="01.12")
    with pytest.raises(ValidationError) as error:
        calendar.full_clean()
    assert "quarter_3_start" in error.value.message_dict
    client.force_login(admin_user)
    url = reverse("admin:roadmap_schoolcalendar_add")
    data = {"municipality": municipality.pk}
    data |= {name: getattr(SchoolCalendar(), name) for name in SchoolCalendar.FIELDS}
    data["quarter_3_end"] = "1.3"
    assert client.post(url, data).status_code == 302
    saved = SchoolCalendar.objects.get(municipality=municipality)
    assert saved.quarter_3_end == "01.03"
    assert saved.as_quarters().quarter(2021, 3) == (D(2022, 1, 9), D(2022, 3, 1))


# --- 10. Roman section numbers --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_10_roman_section_numbers(staff_client, seed_roadmap, kind):
    build = docx_document if kind == "docx" else xlsx_workbook
    response, page = preview(staff_client, build(Table(school_rows(roman=True))), f"a.{kind}")
    assert "1. Нормативно-правовое обеспечение внедрения целевой модели наставничества" in page
    assert "(в документе: III)" in page
    assert "1. I." not in page and "нет номера" not in page
    draft = draft_of(create(staff_client, response))
    assert list(draft.sections.values_list("number", "title")) == [
        ("1", "Нормативно-правовое обеспечение внедрения целевой модели наставничества"),
        ("2", "Формирование баз наставников и наставляемых"),
        ("3", "Мониторинг и оценка результатов"),
    ]
    assert measures_of(draft) == school_measures()
    # «III» is kept with the section; «1.1.» printed the measure's own number: nothing to keep.
    assert list(draft.sections.values_list("printed_number", flat=True)) == ["I", "II", "III"]
    assert {printed for _, printed in printed_numbers_of(draft)} == {""}
    page = measure_page(staff_client, draft, "3.2")
    assert "раздел 3 (в документе: III)" in page
    assert "мероприятие 3.2 (в документе" not in page
    editor = editor_page(staff_client, draft)
    assert "3. Мониторинг и оценка результатов (в документе: III)" in text_of(editor)
    assert editor_row(editor, "3.2").startswith("3.2. Анализ результатов")


def test_10_arabic_section_numbers_keep_nothing_printed(staff_client, seed_roadmap):
    response, page = preview(staff_client, docx_document(Table(school_rows(roman=False))), "a.docx")
    assert "(в документе:" not in page
    draft = draft_of(create(staff_client, response))
    assert set(draft.sections.values_list("printed_number", flat=True)) == {""}
    assert "(в документе:" not in measure_page(staff_client, draft, "1.1")


def test_preview_query_count_does_not_grow_with_the_file(
    staff_client, seed_roadmap, django_assert_max_num_queries
):
    more = [
        (f"3.{n}.", f"Дополнительное мероприятие {n}", "май 2022 г.", "ОО", "")
        for n in range(8, 60)
    ]
    small = docx_document(Table(school_rows()[:9]))
    large = docx_document(Table(school_rows()), Table(more))
    for content in (small, large):
        with django_assert_max_num_queries(20):
            response, _ = preview(staff_client, content, "a.docx")
        assert response.status_code == 200
