"""XLSX import/export of the registry: real files built in memory, no database."""

import io
import time
import zipfile
from datetime import date, datetime
from datetime import time as dt_time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from core.xlsx.reader import read_sheet
from core.xlsx.spec import CellError, Column, ImportFileError, SheetSpec
from core.xlsx.writer import rows_xlsx, template_xlsx
from tests.roadmap.files_helpers import EXE_BYTES, PDF_BYTES, docx_bytes

FORMS = ("ученик – ученик", "учитель – учитель", "студент – ученик")
SPEC = SheetSpec(
    "Наставляемые",
    (
        Column("last_name", "Фамилия", required=True, example="Иванов"),
        Column("first_name", "Имя", required=True, example="Иван"),
        Column("patronymic", "Отчество", example="Иванович"),
        Column("birth_date", "Дата рождения", "date", required=True, example=date(2010, 9, 1)),
        Column("grade", "Класс", example="5А", max_length=10),
        Column("experience", "Стаж", "int", min_value=0, max_value=60, example=0),
        Column(
            "form", "Форма", "choice", choices=FORMS, example=FORMS[0], help="Форма наставничества"
        ),
        Column("consent", "Согласие", "bool", example=True),
    ),
)
HEADERS = [c.header for c in SPEC.columns]


def xlsx(rows, *, write_only: bool = False) -> bytes:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet() if write_only else book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "реестр.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def parse(rows, spec: SheetSpec = SPEC, **kwargs):
    return read_sheet(upload(xlsx(rows)), spec, **kwargs)


def refused(content: bytes, name: str = "реестр.xlsx", spec: SheetSpec = SPEC, **kwargs) -> str:
    with pytest.raises(ImportFileError) as info:
        read_sheet(upload(content, name), spec, **kwargs)
    return str(info.value)


def person(**changes):
    row = {
        "Фамилия": "Петров",
        "Имя": "Пётр",
        "Дата рождения": "05.06.2011",
    }
    row.update(changes)
    return [row.get(h) for h in HEADERS]


# ---------------------------------------------------------------- reading good files


def test_good_file_parses_typed_values():
    result = parse(
        [
            HEADERS,
            ["  Петров ", "Пётр", None, datetime(2011, 6, 5), 7, 12.0, "Ученик-ученик", "да"],
            ["Сидорова", "Анна", "Ивановна", "1.9.2010", "10Б", "3", "учитель — учитель", 0],
            ["Ким", "Ли", "", "2009-12-31", None, None, None, None],
        ]
    )
    assert result.ok, result.errors
    assert [r.row for r in result.rows] == [2, 3, 4]
    assert result.rows[0].values == {
        "last_name": "Петров",
        "first_name": "Пётр",
        "patronymic": None,
        "birth_date": date(2011, 6, 5),
        "grade": "7",
        "experience": 12,
        "form": "ученик – ученик",
        "consent": True,
    }
    second = result.rows[1].values
    assert second["birth_date"] == date(2010, 9, 1)
    assert (second["experience"], second["form"], second["consent"]) == (3, FORMS[1], False)
    third = result.rows[2].values
    assert third["birth_date"] == date(2009, 12, 31)
    assert third["patronymic"] is None and third["consent"] is None


def test_headers_in_any_order_with_stars_spacing_and_case():
    result = parse(
        [
            ["Заметки", " дата   рождения *", "ИМЯ*", "фамилия", "Стаж"],
            ["что угодно", "01.09.2010", "Иван", "Иванов", 5],
        ]
    )
    assert result.ok, result.errors
    assert result.rows[0].values["birth_date"] == date(2010, 9, 1)
    assert result.rows[0].values["last_name"] == "Иванов"
    assert result.rows[0].values["form"] is None  # absent column: the key is still there
    assert set(result.columns_found) == {"last_name", "first_name", "birth_date", "experience"}


def test_empty_rows_and_rows_filled_only_in_unknown_columns_are_skipped():
    book = Workbook()
    sheet = book.active
    for row in (
        [*HEADERS, "Заметки"],
        person(),
        [None] * len(HEADERS),
        ["  ", "", None, None, None, None, None, None, "только заметка"],
        person(Фамилия="Смирнов"),
    ):
        sheet.append(row)
    for column, value in enumerate(person(Фамилия="Орлов"), start=1):
        sheet.cell(row=9, column=column, value=value)  # rows 6-8 are absent from the file
    buffer = io.BytesIO()
    book.save(buffer)
    result = read_sheet(upload(buffer.getvalue()), SPEC)
    assert result.ok, result.errors
    assert [(r.row, r.values["last_name"]) for r in result.rows] == [
        (2, "Петров"),
        (5, "Смирнов"),
        (9, "Орлов"),
    ]


# ---------------------------------------------------------------- whole-file problems


def test_missing_required_columns_are_all_named():
    message = refused(xlsx([["Отчество", "Класс"], ["Иванович", "5А"]]))
    assert "В файле нет обязательных столбцов" in message
    for header in ("«Фамилия»", "«Имя»", "«Дата рождения»"):
        assert header in message
    assert "Отчество" not in message
    assert "Скачайте шаблон" in message


def test_one_missing_required_column():
    message = refused(xlsx([["Фамилия", "Имя"], ["Иванов", "Иван"]]))
    assert message.startswith("В файле нет обязательного столбца: «Дата рождения».")


def test_duplicate_column_is_refused():
    message = refused(xlsx([[*HEADERS, "фамилия *"], person()]))
    assert "«Фамилия» встречается в файле дважды" in message


def test_empty_file():
    assert "пустой" in refused(xlsx([]))


def test_header_only():
    assert "нет ни одной строки с данными" in refused(xlsx([HEADERS, [None, "  "]]))


def test_data_without_header():
    message = refused(xlsx([[None], person()]))
    assert "В первой строке файла нет заголовков" in message


def test_row_limit():
    rows = [HEADERS[:4]] + [["Иванов", "Иван", None, "01.09.2010"]] * 10_001
    started = time.monotonic()
    message = refused(xlsx(rows, write_only=True))
    assert "В файле 10 001 строка с данными" in message
    assert "не более 10 000" in message and "Разделите файл" in message
    result = read_sheet(upload(xlsx(rows[:-1], write_only=True)), SPEC)
    assert result.ok and len(result.rows) == 10_000
    assert result.rows[-1].row == 10_001
    assert time.monotonic() - started < 15


def test_far_too_many_rows_are_not_all_counted():
    """Rows far over the limit are refused by the archive's limits, before any is read."""
    rows = [HEADERS[:4]] + [["Иванов", "Иван", None, "01.09.2010"]] * 200
    message = refused(xlsx(rows), max_rows=5)
    assert "архив распаковывается в слишком большой объём (лист — более" in message
    assert "В таблице может быть не более 5 строк" in message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("реестр.pdf", PDF_BYTES, "по содержимому это не XLSX"),
        ("реестр.xlsx", EXE_BYTES, "по содержимому это не XLSX"),
        ("реестр.xlsx", docx_bytes(), "по содержимому это не XLSX"),
        ("реестр.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "старом формате"),
        ("реестр.xlsx", b"", "пустой"),
    ],
)
def test_not_an_xlsx_is_refused(name, content, expected):
    message = refused(content, name)
    assert expected in message
    assert f"«{name}»" in message


def test_too_big_file_is_refused():
    message = refused(xlsx([HEADERS, person()]), max_bytes=1000)
    assert "слишком большой" in message


def test_broken_zip_is_refused():
    content = xlsx([HEADERS, person()])
    assert "повреждён" in refused(content[: len(content) // 2])


def test_zip_with_xlsx_names_but_garbage_inside_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "не xml")
        archive.writestr("xl/workbook.xml", "<<<")
    message = refused(buffer.getvalue())
    assert "не удаётся прочитать как таблицу Excel (.xlsx)" in message


# ---------------------------------------------------------------- cell errors


def test_one_bad_date_among_a_thousand_rows():
    rows = [HEADERS] + [person(Фамилия=f"Ученик {n}") for n in range(1000)]
    rows[536] = person(**{"Дата рождения": "31.02.2010"})  # sheet row 537
    result = parse(rows)
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.row, error.column) == (537, "Дата рождения")
    assert error.message == (
        "Дата рождения: «31.02.2010» — такой даты нет; нужен формат ДД.ММ.ГГГГ"
    )
    assert str(error) == (
        "Строка 537, столбец «Дата рождения»: «31.02.2010» — такой даты нет; "
        "нужен формат ДД.ММ.ГГГГ"
    )
    assert len(result.rows) == 999 and not result.ok
    assert 537 not in {r.row for r in result.rows}


def test_errors_are_collected_for_every_row_and_cell():
    result = parse(
        [
            HEADERS,
            person(Фамилия=None, Стаж="пять"),
            person(Стаж=61, Согласие="может быть"),
            person(**{"Дата рождения": "01.01.1800", "Класс": "очень длинный класс"}),
            person(Форма="ученик – учитель"),
        ]
    )
    found = [(e.row, e.column, e.message) for e in result.errors]
    assert found == [
        (2, "Фамилия", "Фамилия — обязательное поле"),
        (2, "Стаж", "Стаж: «пять» — нужно целое число"),
        (3, "Стаж", "Стаж: 61 — число должно быть от 0 до 60"),
        (3, "Согласие", "Согласие: «может быть» — нужно «да» или «нет»"),
        (4, "Дата рождения", "Дата рождения: «01.01.1800» — год должен быть от 1900 до 2100"),
        (
            4,
            "Класс",
            "Класс: слишком длинный текст — 19 символов, а допускается не более 10",
        ),
        (
            5,
            "Форма",
            "Форма: «ученик – учитель» — такого значения нет в списке; допустимые значения: "
            "«ученик – ученик», «учитель – учитель», «студент – ученик»",
        ),
    ]
    assert result.rows == []
    assert str(result.errors[0]) == "Строка 2, столбец «Фамилия»: обязательное поле"


@pytest.mark.parametrize(
    "value", ["01.09.2010", "1.9.2010", "2010-09-01", "01.09.2010 г.", datetime(2010, 9, 1)]
)
def test_date_forms_accepted(value):
    result = parse([HEADERS, person(**{"Дата рождения": value})])
    assert result.ok, result.errors
    assert result.rows[0].values["birth_date"] == date(2010, 9, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2010/09/01", "«2010/09/01» — это не дата; нужен формат ДД.ММ.ГГГГ"),
        ("01.09.10", "это не дата"),
        (40000, "«40000» — это не дата"),
        ("30.02.2011", "такой даты нет"),
        ("2101-01-01", "год должен быть от 1900 до 2100"),
        (datetime(2150, 1, 1), "«01.01.2150» — год должен быть от 1900 до 2100"),
    ],
)
def test_bad_dates_refused(value, expected):
    result = parse([HEADERS, person(**{"Дата рождения": value})])
    assert len(result.errors) == 1
    assert result.errors[0].message.startswith("Дата рождения: ")
    assert expected in result.errors[0].message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ученик — ученик", FORMS[0]),
        ("УЧИТЕЛЬ-учитель", FORMS[1]),
        ("студент  -  ученик", FORMS[2]),
        ("  Студент‑Учeник ".replace("e", "е"), FORMS[2]),
        ("учитель – учитель", FORMS[1]),
    ],
)
def test_choice_matches_case_and_dash_kinds(value, expected):
    result = parse([HEADERS, person(Форма=value)])
    assert result.ok, result.errors
    assert result.rows[0].values["form"] == expected


def test_choice_matches_yo_and_ye():
    spec = SheetSpec("Т", (Column("k", "Статус", "choice", required=True, choices=("Пришёл",)),))
    result = parse([["Статус"], ["пришел"]], spec)
    assert result.rows[0].values["k"] == "Пришёл"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("да", True),
        ("НЕТ", False),
        ("true", True),
        ("False", False),
        ("1", True),
        (0, False),
        ("+", True),
        (True, True),
        (None, None),
    ],
)
def test_bool_values(value, expected):
    result = parse([HEADERS, person(Согласие=value)])
    assert result.ok, result.errors
    assert result.rows[0].values["consent"] is expected


@pytest.mark.parametrize(("value", "expected"), [(" 42 ", 42), ("0", 0), (60.0, 60)])
def test_int_values(value, expected):
    result = parse([HEADERS, person(Стаж=value)])
    assert result.ok, result.errors
    assert result.rows[0].values["experience"] == expected


@pytest.mark.parametrize("value", [2.5, "-1", True, "9" * 5000])
def test_bad_int_values(value):
    result = parse([HEADERS, person(Стаж=value)])
    assert [e.column for e in result.errors] == ["Стаж"]


def test_formula_text_is_refused():
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(person())
    sheet["A2"] = '=HYPERLINK("http://example.com","x")'
    sheet["A2"].data_type = "s"  # typed as text: the value still starts with "="
    buffer = io.BytesIO()
    book.save(buffer)
    result = read_sheet(upload(buffer.getvalue()), SPEC)
    assert len(result.errors) == 1
    assert result.errors[0].column == "Фамилия"
    assert "формулы не принимаются" in result.errors[0].message


def test_cell_error_str_for_a_whole_row():
    assert str(CellError(4, None, "Повтор строки 3")) == "Строка 4: Повтор строки 3"


def test_spec_mistakes_are_caught_early():
    with pytest.raises(ValueError):
        Column("k", "К", "number")
    with pytest.raises(ValueError):
        Column("k", "К", "choice")
    with pytest.raises(ValueError):
        SheetSpec("Т", (Column("a", "Имя"), Column("b", "имя *")))


# ---------------------------------------------------------------- template


def test_template_round_trip_and_layout():
    content = template_xlsx(SPEC)
    result = read_sheet(upload(content, "шаблон.xlsx"), SPEC)
    assert result.ok, result.errors
    assert [r.row for r in result.rows] == [2]
    assert result.rows[0].values == {
        "last_name": "Иванов",
        "first_name": "Иван",
        "patronymic": "Иванович",
        "birth_date": date(2010, 9, 1),
        "grade": "5А",
        "experience": 0,
        "form": FORMS[0],
        "consent": True,
    }

    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Наставляемые", "Инструкция"]
    sheet = book["Наставляемые"]
    assert [c.value for c in sheet[1]][:4] == ["Фамилия *", "Имя *", "Отчество", "Дата рождения *"]
    assert sheet["A1"].font.b and sheet["A1"].border.left.style == "thin"
    assert sheet.freeze_panes == "A2"
    assert "Форма наставничества" in sheet["G1"].comment.text
    assert "ДД.ММ.ГГГГ" in sheet["D1"].comment.text
    assert sheet.column_dimensions["D"].number_format == "DD.MM.YYYY"
    assert sheet["D2"].is_date
    lists = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert lists["G2:G10001"].type == "list"
    assert lists["G2:G10001"].formula1 == '"' + ",".join(FORMS) + '"'
    instruction = " ".join(
        str(c.value) for row in book["Инструкция"].iter_rows() for c in row if c.value
    )
    for phrase in ("звёздочкой (*)", "ДД.ММ.ГГГГ", "10 000", "Строка 2 — образец"):
        assert phrase in instruction


def test_template_long_choice_list_goes_to_hidden_sheet():
    schools = tuple(f"МБОУ «СОШ № {n}» г. Аргун, корпус {n}" for n in range(1, 21))
    spec = SheetSpec(
        "Наставники",
        (
            Column("name", "ФИО", required=True, example="Иванов И. И."),
            Column("school", "Школа", "choice", required=True, choices=schools, example=schools[4]),
        ),
    )
    content = template_xlsx(spec)
    book = load_workbook(io.BytesIO(content))
    assert book["Списки"].sheet_state == "hidden"
    assert [book["Списки"].cell(row=n, column=1).value for n in range(1, 21)] == list(schools)
    (validation,) = book["Наставники"].data_validations.dataValidation
    assert validation.formula1 == "'Списки'!$A$1:$A$20"
    result = read_sheet(upload(content), spec)
    assert result.ok and result.rows[0].values["school"] == schools[4]


# ---------------------------------------------------------------- export


def test_rows_xlsx_keeps_types_and_never_writes_formulas():
    rows = [
        {
            "last_name": "=1+2",
            "first_name": "-Анна",
            "birth_date": datetime(2010, 9, 1, 15, 30),
            "experience": 5,
            "grade": None,
            "consent": False,
        }
    ]
    content = rows_xlsx(SPEC, rows, title="Список [март]")
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    assert sheet.title == "Список  март"
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    first, second = sheet["A2"], sheet["B2"]
    assert (first.value, first.data_type) == ("=1+2", "s")
    assert (second.value, second.data_type) == ("-Анна", "s")
    assert sheet["F2"].value == 5 and sheet["F2"].data_type == "n"
    assert sheet["D2"].is_date and sheet["D2"].number_format == "DD.MM.YYYY"
    assert sheet["D2"].value == datetime(2010, 9, 1)
    assert sheet["E2"].value is None
    assert sheet["H2"].value == "нет"


def test_export_then_import_round_trip():
    rows = [
        {
            "last_name": "Петров",
            "first_name": "Пётр",
            "patronymic": None,
            "birth_date": date(2011, 6, 5),
            "grade": "7",
            "experience": 12,
            "form": FORMS[2],
            "consent": True,
        },
        {"last_name": "Ким", "first_name": "Ли", "birth_date": date(2009, 1, 1), "grade": 9},
    ]
    result = read_sheet(upload(rows_xlsx(SPEC, rows)), SPEC)
    assert result.ok, result.errors
    assert result.rows[0].values == rows[0]
    assert result.rows[1].values["grade"] == "9"


TEXT_SPEC = SheetSpec(
    "Тексты",
    (
        Column("n", "Номер", "int", required=True),
        Column("text", "Текст", max_length=500),
    ),
)


def storable(text: str) -> bool:
    """Characters XML 1.0 cannot hold at all: the export drops them."""
    return not any(
        (ord(ch) < 32 and ch not in "\t\n\r") or 0xD800 <= ord(ch) <= 0xDFFF or ch in "\ufffe\uffff"
        for ch in text
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.text(max_size=120))
@example("a\r\nb\tc")
@example(" \u00a0 ")
@example("-5")
@example("007")
@example("_x0041_")
def test_any_text_survives_export_and_import(text):
    assume(storable(text))
    assume(not text.strip().startswith("="))
    assume(len(text.strip()) <= 500)
    content = rows_xlsx(TEXT_SPEC, [{"n": 1, "text": text}])
    result = read_sheet(upload(content), TEXT_SPEC)
    assert result.ok, result.errors
    assert result.rows[0].values["text"] == (text.strip() or None)


def test_time_cells_are_text_in_text_columns_and_errors_elsewhere():
    result = parse(
        [HEADERS, person(Класс=dt_time(8, 30), Стаж=dt_time(1, 0)), person(Класс=dt_time(9, 0))]
    )
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "Стаж", "Стаж: «01:00» — в ячейке время, а не значение столбца")
    ]
    assert result.rows[0].values["grade"] == "09:00"
