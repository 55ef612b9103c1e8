"""Hostile DOCX and XLSX uploads against every reader: the registry import, the questionnaire
answers import and the roadmap import (DOCX and XLSX).

Each file (made in code, bench/hostile_files.py) is refused before any XML parser starts, with
a Russian message naming the file, and nothing is saved: a 750 KB workbook whose shared strings
inflate to 190 MB (the attack of the report), millions of empty cells, millions of short
strings, hundreds of thousands of styles, entities («billion laughs»), a sheet-sized part read
as the workbook, one sheet listed a hundred times, thousands of entries, a part whose size the
ZIP headers understate, a 200 MB document, millions of paragraphs, elements nested 200 000
deep. What the product itself writes (templates, exports) and the biggest
file the row limit allows pass. The time and memory of each are measured by `make bench`
(bench/hostile.py), not here.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from bench import hostile_files as hf
from core.office_limits import check_office_file
from core.xlsx import reader as xlsx_reader
from core.xlsx import spec as xlsx_spec
from core.xlsx import writer as xlsx_writer
from monitoring import answers_io
from registry.entities.mentees import mentee_spec
from roadmap.documents import importer
from roadmap.documents.docx_export import export_docx
from roadmap.documents.xlsx_export import export_xlsx
from roadmap.text import clean_text
from tests.hostile.test_inputs import (
    ANSWER_GUARD,
    IMPORT_GUARD,
    ROADMAP_GUARD,
    World,
    answers_import,
    fingerprint,
    media,
    page_text,
    registry_import,
    roadmap_import,
    world,
)

__all__ = ["media", "world"]  # fixtures, used by name

TOO_BIG = "архив распаковывается в слишком большой объём"


@pytest.fixture
def report(world):
    """School A's monitoring report, a draft that takes the answers import."""
    return world.report_a()


@pytest.fixture
def never_parsed(monkeypatch):
    """Any XML parser started on an upload fails the test: refusals come before parsing."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a hostile file reached a parser")

    monkeypatch.setattr(xlsx_reader, "load_workbook", forbidden)
    monkeypatch.setattr(importer, "_read_docx", forbidden)
    monkeypatch.setattr(importer, "_read_xlsx", forbidden)


REGISTRY = [
    ("shared-strings-190-mb", lambda: hf.huge_shared_string(190), TOO_BIG, "190,0 МБ"),
    ("empty-cells-5-million", lambda: hf.many_empty_cells(), TOO_BIG, "лист"),
    ("short-strings-3-million", lambda: hf.many_short_strings(), TOO_BIG, "текст ячеек"),
    ("styles-300-thousand", lambda: hf.many_styles(), TOO_BIG, "xl/styles.xml"),
    ("entity-expansion", lambda: hf.entity_expansion(), "DOCTYPE", "не принят"),
    ("sheet-as-workbook", lambda: hf.sheet_read_as_workbook(200_000), "необычным образом", ""),
    ("entries-5000", lambda: hf.too_many_entries(), TOO_BIG, ""),
    ("nested-200-thousand-deep", lambda: hf.deep_sheet(), "глубже 100 уровней", ""),
    (
        "lying-zip-sizes",
        lambda: hf.lying_sizes(hf.many_empty_cells(100_000), "xl/worksheets/sheet1.xml"),
        "повреждён",
        "",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "says", "part"), [c[1:] for c in REGISTRY],
                         ids=[c[0] for c in REGISTRY])  # fmt: skip
def test_a_hostile_workbook_is_refused_by_the_registry_import_before_parsing(
    world: World, registry_data, never_parsed, make, says, part
):
    before = fingerprint(IMPORT_GUARD)
    response = registry_import(world, make(), name="mentees.xlsx")
    text = page_text(response)
    assert response.status_code == 422, text[-1500:]
    assert "Файл «mentees.xlsx»" in text and says in text and part in text
    assert fingerprint(IMPORT_GUARD) == before


@pytest.mark.django_db
def test_shared_strings_under_a_sheets_name_are_refused(world: World, registry_data, curator_a,
                                                         never_parsed):  # fmt: skip
    """Bigger than the shared strings may be, smaller than a sheet may be: allowed by its name,
    refused by its role."""
    limits = mentee_limits(curator_a)
    sheet = limits.bulk_limit("xl/worksheets/sheet1.xml").bytes
    strings = limits.bulk_limit("xl/sharedStrings.xml").bytes
    megabytes = (sheet + strings) // 2 // hf.MB
    assert strings < megabytes * hf.MB < sheet
    before = fingerprint(IMPORT_GUARD)
    response = registry_import(world, hf.strings_named_as_a_sheet(megabytes))
    assert response.status_code == 422
    assert "части книги ссылаются друг на друга необычным образом" in page_text(response)
    assert fingerprint(IMPORT_GUARD) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make",
    [
        lambda: hf.huge_shared_string(40),
        lambda: hf.many_empty_cells(1_000_000),
        lambda: hf.one_sheet_many_times(100, rows=10),
    ],
    ids=["shared-strings-40-mb", "empty-cells-1-million", "one-sheet-100-times"],
)
def test_a_hostile_workbook_is_refused_by_the_answers_import(world: World, report, make):
    before = fingerprint(ANSWER_GUARD)
    response = answers_import(world, make())
    text = page_text(response)
    assert response.status_code == 409, text[-1500:]
    assert "Файл «answers.xlsx»" in text
    assert fingerprint(ANSWER_GUARD) == before


ROADMAP = [
    ("shared-strings-150-mb.xlsx", lambda: hf.huge_shared_string(150), TOO_BIG),
    ("empty-cells-1-million.xlsx", lambda: hf.many_empty_cells(1_000_000), TOO_BIG),
    ("document-200-mb.docx", lambda: hf.huge_document_text(200), TOO_BIG),
    ("paragraphs-3-million.docx", lambda: hf.many_paragraphs(), TOO_BIG),
    ("entities.docx", lambda: hf.document_entities(), "DOCTYPE"),
    ("nested-200-thousand-deep.docx", lambda: hf.deep_document(), "глубже 100 уровней"),
    ("nested-200-thousand-deep.xlsx", lambda: hf.deep_sheet(), "глубже 100 уровней"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "make", "says"), ROADMAP, ids=[c[0] for c in ROADMAP])
def test_a_hostile_file_is_refused_by_the_roadmap_import_before_parsing(
    world: World, roadmap, never_parsed, name, make, says
):
    before = fingerprint(ROADMAP_GUARD)
    response = roadmap_import(world, make(), name)
    text = page_text(response)
    assert response.status_code == 422, text[-1500:]
    assert f"Файл «{name}»" in text and says in text
    assert fingerprint(ROADMAP_GUARD) == before


# --- the limits are those of the row limit: what the product writes, and the most it allows ----


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def mentee_limits(user):
    return xlsx_reader.sheet_limits(mentee_spec(user), 10_000)


def excel_like(rows: list[list[str]]) -> bytes:
    """A workbook as Excel writes it: every text once in the shared strings, in UTF-8."""
    strings, index = [], {}
    sheet = [b"<worksheet " + hf.MAIN + b"><sheetData>"]
    for r, row in enumerate(rows, start=1):
        sheet.append(b'<row r="%d">' % r)
        for c, text in enumerate(row):
            if text not in index:
                index[text] = len(strings)
                strings.append(text)
            letter = xlsx_writer.get_column_letter(c + 1).encode()
            sheet.append(b'<c r="%s%d" t="s"><v>%d</v></c>' % (letter, r, index[text]))
        sheet.append(b"</row>")
    sheet.append(b"</sheetData></worksheet>")
    table = [b"<sst " + hf.MAIN + b">"]
    table += [b"<si><t>" + text.encode() + b"</t></si>" for text in strings]
    table.append(b"</sst>")
    return hf.workbook(sheets={"xl/worksheets/sheet1.xml": sheet}, strings=table)


@pytest.mark.django_db
def test_a_full_registry_file_of_10000_rows_as_excel_writes_it_passes(curator_a, forms):
    """Every cell distinct and as long as the limit counts it (Cyrillic, UTF-8)."""
    spec = mentee_spec(curator_a)
    rows = [[column.header for column in spec.columns]]
    for row in range(10_000):
        rows.append([f"{row:05d}" + "Ж" * (xlsx_spec.column_chars(c) - 5) for c in spec.columns])
    content = excel_like(rows)
    check_office_file(upload("full.xlsx", content), "full.xlsx", mentee_limits(curator_a))


@pytest.mark.django_db
def test_a_registry_export_of_10000_rows_loads_back(curator_a, forms):
    """openpyxl writes every letter as «&#1046;» in the sheet: real values still fit."""
    spec = mentee_spec(curator_a)
    person = {
        "last_name": "Магомедова-Хаджиева",
        "first_name": "Хадижат",
        "patronymic": "Ахмедовна",
        "birth_date": "14.03.2010",
        "school": spec.columns[4].choices[0],
        "kind": "обучающийся",
        "class_name": "11Б",
        "position": "учитель русского языка и литературы",
        "experience_years": 12,
        "phone": "+7 928 000-00-00",
        "email": "khadizhat.magomedova@argun-school.ru",
    }
    content = xlsx_writer.rows_xlsx(spec, [person] * 10_000)
    check_office_file(upload("export.xlsx", content), "export.xlsx", mentee_limits(curator_a))


@pytest.mark.django_db
def test_the_check_refuses_one_string_more_than_the_limit_and_not_one_less(curator_a, forms):
    limits = mentee_limits(curator_a)
    strings = limits.bulk_limit("xl/sharedStrings.xml").items
    check_office_file(upload("a.xlsx", hf.many_short_strings(strings)), "a.xlsx", limits)
    with pytest.raises(ValidationError, match=TOO_BIG):
        check_office_file(upload("b.xlsx", hf.many_short_strings(strings + 100)), "b.xlsx", limits)


@pytest.mark.django_db
def test_the_products_own_files_pass_their_readers_limits(curator_a, forms, roadmap, report):
    spec = mentee_spec(curator_a)
    template = xlsx_writer.template_xlsx(spec)
    check_office_file(upload("t.xlsx", template), "t.xlsx", mentee_limits(curator_a))
    rows = [{c.key: "Ж" * 20 for c in spec.columns} for _ in range(2000)]
    exported = xlsx_writer.rows_xlsx(spec, rows)
    check_office_file(upload("e.xlsx", exported), "e.xlsx", mentee_limits(curator_a))
    answers = answers_io.answers_template(report)
    check_office_file(upload("a.xlsx", answers), "a.xlsx", answers_io._limits(report))
    docx = export_docx(roadmap)
    check_office_file(upload("r.docx", docx), "r.docx", importer.DOCX_LIMITS)
    check_office_file(upload("r.xlsx", export_xlsx(roadmap)), "r.xlsx", importer.XLSX_LIMITS)
    # and the roadmap's own export reads back through the importer, limits and all
    imported = importer.read_roadmap_file(upload("Приложение.docx", docx))
    assert len(imported.sections) == roadmap.sections.count()


def test_the_docx_table_is_read_as_python_docx_reads_it_merges_included():
    """The one-pass reader gives what python-docx's `row.cells` gives: a horizontally merged
    cell once per column, a vertically merged one in every row with its first row's text."""
    from docx import Document

    document = Document()
    table = document.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            table.cell(r, c).text = f"{r}{c}"
    table.cell(0, 0).merge(table.cell(2, 0)).paragraphs[0].add_run("\tи ещё")
    table.cell(1, 1).merge(table.cell(1, 2))
    expected, merged_up, previous = [], [], []
    for row in table.rows:
        cells = list(row.cells)
        expected.append([clean_text("\n".join(p.text for p in cell.paragraphs)) for cell in cells])
        merged_up.append(
            [i < len(previous) and cell._tc is previous[i]._tc for i, cell in enumerate(cells)]
        )
        previous = cells
    read = importer._docx_rows(table)
    assert [row.cells for row in read] == expected
    assert [row.merged_up for row in read] == merged_up
    assert [row.row for row in read] == [1, 2, 3]
    assert expected[2][0] == expected[0][0] and expected[1][1] == expected[1][2]
    assert merged_up[1][0] and merged_up[2][0] and not merged_up[1][1]
