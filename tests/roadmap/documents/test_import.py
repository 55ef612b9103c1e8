import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from roadmap.documents.content import TABLE_HEADERS
from roadmap.documents.docx_export import export_docx
from roadmap.documents.importer import (
    ImportedRoadmap,
    ImportFileError,
    create_draft,
    read_roadmap_file,
)
from roadmap.documents.xlsx_export import export_xlsx
from roadmap.models import Execution, Measure, ResponsibleParty, Roadmap
from roadmap.seed import read_seed
from roadmap.text import clean_text
from tests.roadmap.files_helpers import EXE_BYTES, PDF_BYTES, docx_bytes, upload

pytestmark = pytest.mark.django_db
HEADER = list(TABLE_HEADERS)


@pytest.fixture(scope="module")
def seed_files(django_db_setup, django_db_blocker):
    """The seed exported once per module, as DOCX and as XLSX."""
    from django.db import transaction

    from roadmap.seed import load_seed

    with django_db_blocker.unblock(), transaction.atomic():
        roadmap = load_seed().roadmap
        files = {"docx": export_docx(roadmap), "xlsx": export_xlsx(roadmap)}
        transaction.set_rollback(True)
    return files


def seed_structure() -> list:
    return [
        (
            s["number"],
            s["title"],
            [
                (m["number"], m["title"], m["deadline_text"], m["responsible"], m["result"])
                for m in s["measures"]
            ],
        )
        for s in read_seed()["sections"]
    ]


def structure(imported: ImportedRoadmap) -> list:
    return [
        (
            s.number,
            s.title,
            [(m.number, m.title, m.deadline_text, m.responsible, m.result) for m in s.measures],
        )
        for s in imported.sections
    ]


def docx_file(rows, *, before=("План мероприятий на 2020-2021 учебный год",)) -> bytes:
    """A document with one table: a str row is a section merged across all columns."""
    document = Document()
    for text in before:
        document.add_paragraph(text)
    table = document.add_table(rows=0, cols=5)
    for cells in [HEADER, *rows]:
        row = table.add_row()
        if isinstance(cells, str):
            row.cells[0].merge(row.cells[-1]).text = cells
            continue
        for cell, text in zip(row.cells, cells, strict=False):
            first, *rest = text.split("\n")
            cell.text = first
            for line in rest:
                cell.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows, *, above=("План мероприятий на 2020-2021 учебный год",)) -> bytes:
    """A sheet with a few lines above the header; a str row is a section in column A only."""
    book = Workbook()
    sheet = book.active
    for text in above:
        sheet.append([text])
    sheet.append([])
    sheet.append(HEADER)
    for cells in rows:
        sheet.append([cells] if isinstance(cells, str) else list(cells))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(name: str, content: bytes) -> ImportedRoadmap:
    return read_roadmap_file(upload(name, content))


def blocking(imported: ImportedRoadmap) -> list[tuple]:
    return [(p.row, p.message) for p in imported.problems if p.blocking]


def warnings_of(imported: ImportedRoadmap) -> list[tuple]:
    return [(p.row, p.message) for p in imported.problems if not p.blocking]


MEASURE = ("1.1.", "Приказ о рабочей группе", "октябрь 2020 года", "Департамент образования", "")


# --- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_export_reads_back_as_the_seed(seed_roadmap, seed_files, kind):
    imported = read(f"Приказ.{kind}", seed_files[kind])
    assert imported.ok, imported.problems
    assert imported.problems == []
    assert len(imported.sections) == 4
    assert imported.measure_count == 34
    assert structure(imported) == seed_structure()
    assert imported.title == seed_roadmap.title
    assert imported.school_year_start == 2020


def test_rows_are_counted_as_the_user_sees_them(seed_roadmap, seed_files):
    docx = read("a.docx", seed_files["docx"])
    assert (docx.sections[0].row, docx.sections[0].measures[0].row) == (2, 3)  # header is 1
    sheet = load_workbook(io.BytesIO(seed_files["xlsx"])).active
    xlsx = read("a.xlsx", seed_files["xlsx"])
    first = xlsx.sections[0].measures[0]
    assert sheet.cell(first.row, 1).value == "1.1."  # the sheet's own row number


def test_create_draft_equals_the_source(seed_roadmap, staff, seed_files):
    imported = read("Приказ.docx", seed_files["docx"])
    draft = create_draft(
        user=staff,
        municipality=seed_roadmap.municipality,
        imported=imported,
        title=imported.title,
        school_year_start=2020,
        period_start=seed_roadmap.period_start,
        period_end=seed_roadmap.period_end,
    )
    assert draft.status == Roadmap.Status.DRAFT
    assert draft.pk != seed_roadmap.pk
    fields = ("number", "title", "deadline_text", "result", "responsible_text")
    fields += ("deadline_kind", "starts_on", "due_on", "recurrence")

    def measures(roadmap):
        rows = Measure.objects.filter(section__roadmap=roadmap).order_by("number_key")
        return [
            (
                m.section.number,
                m.section.title,
                *(getattr(m, f) for f in fields),
                [r.party.name for r in m.responsibilities.select_related("party")],
                m.executions.count(),
            )
            for m in rows
        ]

    assert measures(draft) == measures(seed_roadmap)
    assert Execution.objects.filter(measure__section__roadmap=draft).count() > 0
    measure = Measure.objects.get(section__roadmap=draft, number="2.7")
    assert (measure.starts_on, measure.due_on) == (date(2020, 11, 1), date(2021, 4, 30))
    assert measure.history.first().history_user == staff
    assert ResponsibleParty.objects.count() == 4  # every party matched the directory


def test_create_draft_refuses_a_file_with_errors(seed_roadmap, staff):
    imported = read("a.xlsx", xlsx_file(["1. Раздел", MEASURE, MEASURE]))
    assert not imported.ok
    with pytest.raises(ValidationError):
        create_draft(
            user=staff,
            municipality=seed_roadmap.municipality,
            imported=imported,
            title="Проект",
            school_year_start=2021,
            period_start=date(2021, 9, 1),
            period_end=date(2022, 5, 31),
        )
    assert Roadmap.objects.count() == 1


def test_unknown_party_is_a_warning_and_becomes_external(seed_roadmap, staff):
    rows = [
        "1. Нормативное обеспечение",
        ("1.1.", "Приказ", "ноябрь 2021 года", "департамент образования; Минпросвещения ЧР", ""),
        ("1.2.", "Семинар", "декабрь 2021 года", "Минпросвещения ЧР", "Программа"),
    ]
    imported = read("a.xlsx", xlsx_file(rows, above=("План мероприятий на 2021-2022 учебный год",)))
    assert imported.ok
    measures = imported.sections[0].measures
    assert measures[0].responsible == ["Департамент образования", "Минпросвещения ЧР"]
    assert warnings_of(imported) == [
        (
            5,
            "Ответственного исполнителя «Минпросвещения ЧР» нет в справочнике: он будет "
            "добавлен в справочник как внешняя организация.",
        )
    ]
    draft = create_draft(
        user=staff,
        municipality=seed_roadmap.municipality,
        imported=imported,
        title="Дорожная карта на 2021-2022 учебный год",
        school_year_start=2021,
        period_start=date(2021, 9, 1),
        period_end=date(2022, 5, 31),
    )
    party = ResponsibleParty.objects.get(name="Минпросвещения ЧР")
    assert party.kind == ResponsibleParty.Kind.EXTERNAL
    measure = Measure.objects.get(section__roadmap=draft, number="1.2")
    assert list(measure.responsible.all()) == [party]
    assert measure.responsible_text == "Минпросвещения ЧР"
    assert measure.due_on == date(2021, 12, 31)
    assert measure.executions.get().school is None  # an external party's part is the department's


def test_preview_survives_the_session(seed_roadmap, seed_files):
    imported = read("a.xlsx", seed_files["xlsx"])
    imported.problems.append(read("b.docx", docx_bytes()).problems[0])
    again = ImportedRoadmap.from_dict(imported.as_dict())
    assert again == imported


# --- files refused as a whole -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("Приказ.docx", EXE_BYTES, "не принят"),
        ("Приказ.pdf", PDF_BYTES, "не принят"),
        ("Приказ.docx", b"", "пустой"),
        ("Приказ.docx", b"PK\x03\x04 not really a zip", "повреждён"),
        ("Приказ.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "старом формате"),
    ],
)
def test_wrong_files_are_refused_with_a_message(db, name, content, words):
    with pytest.raises(ImportFileError) as error:
        read(name, content)
    assert words in str(error.value)


def test_too_big_a_file_is_refused(db, seed_files):
    with pytest.raises(ImportFileError, match="слишком большой"):
        read_roadmap_file(upload("a.docx", seed_files["docx"]), max_bytes=1024)


def test_broken_inside_is_refused_not_crashed(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>это не XML")
    with pytest.raises(ImportFileError, match="не удаётся прочитать как документ DOCX"):
        read("a.docx", buffer.getvalue())


# --- problems in the table ----------------------------------------------------------------------


def test_docx_without_a_table(db):
    imported = read("a.docx", docx_bytes())
    assert not imported.ok
    assert len(imported.problems) == 1
    problem = imported.problems[0]
    assert problem.row is None and problem.blocking
    assert problem.message.startswith("Не найдена таблица приложения")


def test_other_table_is_read_but_blocked(db):
    document = Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Фамилия"
    table.cell(1, 0).text = "Иванов"
    buffer = io.BytesIO()
    document.save(buffer)
    imported = read("a.docx", buffer.getvalue())
    assert not imported.ok
    assert imported.problems[0].message.startswith("Не найдена таблица приложения")


def test_empty_sheet_is_blocked(db):
    buffer = io.BytesIO()
    Workbook().save(buffer)
    imported = read("a.xlsx", buffer.getvalue())
    assert blocking(imported) == [(None, "Файл пустой: в нём нет ни одной заполненной строки.")]


def test_header_without_measures_is_blocked(db):
    imported = read("a.docx", docx_file([]))
    assert blocking(imported) == [(None, "В таблице нет ни одного мероприятия.")]


def test_xlsx_duplicate_measure_number_names_the_row(seed_roadmap, seed_files):
    book = load_workbook(io.BytesIO(seed_files["xlsx"]))
    sheet = book.active
    row_1_2 = next(row[0].row for row in sheet.iter_rows() if row[0].value == "1.2.")
    sheet.cell(row_1_2, 1).value = "1.1."
    buffer = io.BytesIO()
    book.save(buffer)
    imported = read("a.xlsx", buffer.getvalue())
    assert not imported.ok
    assert blocking(imported) == [
        (row_1_2, f"Номер мероприятия 1.1 повторяется (впервые — в строке {row_1_2 - 1}).")
    ]
    assert str(imported.problems[0]).startswith(f"Строка {row_1_2}: ")


def test_row_problems(seed_roadmap):
    rows = [
        ("2.1.", "До всех разделов", "май 2021 года", "Департамент образования", ""),
        "1. Первый раздел",
        ("1.1.", "", "май 2021 года", "Департамент образования", ""),
        ("2.5.", "Чужой номер", "когда-нибудь потом", "Департамент образования", ""),
        ("1.3.", "Без исполнителя", "май 2021 года", "—", ""),
        ("", "Продолжение без номера", "", "", ""),
    ]
    imported = read("a.docx", docx_file(rows))
    assert blocking(imported) == [
        (2, "Мероприятие 2.1 стоит выше первого раздела: добавьте над ним строку раздела."),
        (4, "У мероприятия 1.1 не заполнено наименование."),
        (
            7,
            "Строка не распознана: в первом столбце должен быть номер мероприятия "
            "(например, «1.1.» или «1») или строка раздела, объединённая на всю ширину "
            "таблицы.",
        ),
    ]
    assert warnings_of(imported) == [
        (5, "Номер мероприятия 2.5 не начинается с номера раздела 1."),
        (
            5,
            "Срок мероприятия 2.5 «когда-нибудь потом» не распознан: даты срока останутся "
            "пустыми, их можно будет уточнить после загрузки.",
        ),
        (
            6,
            "У мероприятия 1.3 не указан ответственный исполнитель: исполнения по нему не "
            "будут созданы, пока его не укажут.",
        ),
    ]
    assert [m.number for m in imported.sections[0].measures] == ["1.1", "2.5", "1.3"]


def test_section_row_shapes(seed_roadmap):
    """Merged across, number in its own cell, or only in column A of a sheet: all sections."""
    rows = [
        "1. Первый",
        MEASURE,
        ["2.", "Второй", "Второй", "Второй", "Второй"],
        ("2.1.", "Мероприятие", "май 2021 года", "образовательные организации", "Итог\n- а\n- б"),
        ["1", "2", "3", "4", "5"],  # the column-number row some documents carry: skipped
        "Без номера",
        ("3.1.", "Ещё", "май 2021 года", "ЧИПКРО", ""),
    ]
    imported = read("a.docx", docx_file(rows))
    assert imported.ok, imported.problems
    assert [(s.number, s.title) for s in imported.sections] == [
        ("1", "Первый"),
        ("2", "Второй"),
        ("3", "Без номера"),
    ]
    measure = imported.sections[1].measures[0]
    assert measure.responsible == ["Образовательные организации"]
    assert measure.result == "Итог\n- а\n- б"
    assert warnings_of(imported) == [(7, "У раздела «Без номера» нет номера: он получит номер 3.")]
    sheet = read("a.xlsx", xlsx_file(["1 Первый", MEASURE]))
    assert [(s.number, s.title, len(s.measures)) for s in sheet.sections] == [("1", "Первый", 1)]


def test_title_guess(db):
    imported = read("a.docx", docx_file([], before=("Приложение", "Вводный текст")))
    assert imported.title == ""
    imported = read("a.xlsx", xlsx_file([], above=("Приложение к приказу", "Дорожная карта")))
    assert imported.title == "Дорожная карта"


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(
        st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1).map(
            str.strip
        ),
        min_size=1,
        max_size=4,
    ).filter(lambda lines: lines[0] and lines[-1])
)
def test_result_lines_survive_docx_and_xlsx(db, lines):
    result = "\n".join(line.replace("\xa0", " ").strip() for line in lines)
    rows = ["1. Раздел", ("1.1.", "Мероприятие", "май 2021 года", "ЧИПКРО", result)]
    for name, content in (("a.docx", docx_file(rows)), ("a.xlsx", xlsx_file(rows))):
        imported = read(name, content)
        assert imported.sections[0].measures[0].result == clean_text(result)
        assert imported.sections[0].measures[0].result.split("\n")[0]  # no line lost at the top
