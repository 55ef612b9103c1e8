import io
import zipfile

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from openpyxl import load_workbook

from roadmap.documents.content import TABLE_HEADERS, build_document, keep_together
from roadmap.documents.docx_export import export_docx
from roadmap.documents.xlsx_export import (
    WIDTHS,
    export_xlsx,
    fitted_widths,
    page_room,
    text_lines,
)

pytestmark = pytest.mark.django_db
EMU_PER_MM = 36000


@pytest.fixture(scope="module")
def seed_files(django_db_setup, django_db_blocker):
    """One export of each kind for the module: the seed order with its appendix."""
    from django.db import transaction

    from roadmap.seed import load_seed

    with django_db_blocker.unblock(), transaction.atomic():
        roadmap = load_seed().roadmap
        files = {
            "docx": export_docx(roadmap),
            "xlsx": export_xlsx(roadmap),
            "doc": build_document(roadmap),
        }
        transaction.set_rollback(True)
    return files


def mm(length) -> float:
    return round(length / EMU_PER_MM, 1)


def expected_rows(doc) -> list[tuple]:
    rows = []
    for section in doc.sections:
        rows.append((section.heading,))
        for m in section.measures:
            rows.append((m.number, m.title, m.deadline, m.responsible, m.result))
    return rows


# --- DOCX ---------------------------------------------------------------------------------------


def docx_rows(table) -> list[tuple]:
    """A merged section row reads as one cell; a cell's paragraphs as lines."""
    rows = []
    for row in table.rows[1:]:
        texts = ["\n".join(p.text for p in cell.paragraphs) for cell in row.cells]
        rows.append((texts[0],) if len(set(texts)) == 1 else tuple(texts))
    return rows


def test_docx_order_reads_back(seed_files):
    document = Document(io.BytesIO(seed_files["docx"]))
    doc = seed_files["doc"]
    texts = [p.text for p in document.paragraphs]
    assert "ПРИКАЗ" in texts
    assert "ПРИКАЗЫВАЮ:" in texts
    assert doc.title in texts
    for number, point in enumerate(doc.points, start=1):
        assert f"{number}. {point}" in texts
    assert "Начальник\tЛ.В.\u00a0Кагирова" in texts  # initials never apart from the surname
    letterhead, date_line = document.tables[0], document.tables[1]
    assert [p.text for p in letterhead.cell(0, 0).paragraphs] == doc.header_lines
    assert [p.text for p in letterhead.cell(0, 1).paragraphs] == doc.header_lines_local
    assert [c.text for c in date_line.rows[0].cells] == ["28.10.2020", "№\u00a0172/1"]
    title = document.core_properties.title  # at most 255 characters: the order's is longer
    assert len(doc.title) > 255 and len(title) == 255
    assert title.endswith("…") and doc.title.startswith(title[:-1])
    assert document.core_properties.language == "ru-RU"


def test_docx_pages_are_a4_with_gost_margins(seed_files):
    document = Document(io.BytesIO(seed_files["docx"]))
    order, appendix = document.sections
    assert (mm(order.page_width), mm(order.page_height)) == (210, 297)
    assert order.orientation == WD_ORIENT.PORTRAIT
    assert appendix.orientation == WD_ORIENT.LANDSCAPE
    assert (mm(appendix.page_width), mm(appendix.page_height)) == (297, 210)
    for section in (order, appendix):
        margins = [section.left_margin, section.right_margin]
        margins += [section.top_margin, section.bottom_margin]
        assert [mm(m) for m in margins] == [20, 10, 20, 20]
    # The page number: in the header, not on the order's first page, on every appendix page.
    assert order.different_first_page_header_footer
    assert not appendix.different_first_page_header_footer
    assert appendix.header.is_linked_to_previous
    header_xml = order.header._element.xml
    assert "PAGE" in header_xml and 'w:fldCharType="begin"' in header_xml
    assert not order.first_page_header.paragraphs[0].text


def test_docx_fonts_are_times_new_roman(seed_files):
    document = Document(io.BytesIO(seed_files["docx"]))
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 14
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        assert fonts.get(qn(f"w:{attribute}")) == "Times New Roman"
    defaults = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert defaults.get(qn("w:eastAsiaTheme")) is None
    assert defaults.get(qn("w:cs")) == "Times New Roman"
    assert document.styles["Текст таблицы"].font.size.pt == 12


def test_docx_appendix_table_equals_the_roadmap(seed_files):
    document = Document(io.BytesIO(seed_files["docx"]))
    doc = seed_files["doc"]
    table = document.tables[-1]
    assert [c.text for c in table.rows[0].cells] == [keep_together(h) for h in TABLE_HEADERS]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    rows = docx_rows(table)
    assert rows == expected_rows(doc)
    assert sum(len(r) == 1 for r in rows) == 4
    assert sum(len(r) == 5 for r in rows) == 34
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {e.get(qn("w:val")) for e in borders} == {"single"}
    # Lines of a result are paragraphs of the cell.
    measure_2_3 = next(r for r in table.rows if r.cells[0].text == "2.3.")
    assert len(measure_2_3.cells[4].paragraphs) == 5
    # Appendix mark on the right, the roadmap title right above the table.
    texts = [p.text for p in document.paragraphs]
    start = texts.index(doc.appendix_mark_lines[0])
    assert texts[start : start + len(doc.appendix_mark_lines)] == doc.appendix_mark_lines
    assert doc.roadmap_title in texts[start:]


def test_docx_widths_follow_the_shares(seed_files):
    document = Document(io.BytesIO(seed_files["docx"]))
    table = document.tables[-1]
    widths = [mm(column.width) for column in table.columns]
    usable = 297 - 30
    assert [round(100 * w / usable) for w in widths] == [7, 38, 15, 17, 23]


# --- XLSX ---------------------------------------------------------------------------------------


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content))["Приложение"]


HEADERS = [keep_together(text) for text in TABLE_HEADERS]  # «№ п/п» never apart


def header_row_of(sheet) -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == HEADERS[0])


def xlsx_rows(sheet) -> list[tuple]:
    rows = []
    for values in sheet.iter_rows(min_row=header_row_of(sheet) + 1, values_only=True):
        filled = tuple(v or "" for v in values)
        rows.append((filled[0],) if not any(filled[1:]) else filled)
    return rows


def test_xlsx_equals_the_roadmap(seed_files):
    sheet = sheet_of(seed_files["xlsx"])
    doc = seed_files["doc"]
    header = header_row_of(sheet)
    assert [c.value for c in sheet[header]] == HEADERS
    assert xlsx_rows(sheet) == expected_rows(doc)
    assert all(sheet.cell(header, c).font.b for c in range(1, 6))
    # Section rows are merged across A:E and bold; the mark and title sit above the header.
    merged = {str(r) for r in sheet.merged_cells.ranges}
    first_section = header + 1
    assert f"A{first_section}:E{first_section}" in merged
    assert sheet.cell(first_section, 1).font.b
    # The appendix mark: top right, in the last column, its lines wrapped there.
    marks = [sheet.cell(r, 5).value for r in range(1, len(doc.appendix_mark_lines) + 1)]
    assert marks == doc.appendix_mark_lines
    assert sheet["E1"].alignment.wrap_text
    titles = [sheet.cell(r, 1).value for r in range(1, header)]
    assert doc.roadmap_title in titles
    measure = sheet.cell(first_section + 1, 2)
    assert measure.alignment.wrap_text and measure.alignment.vertical == "top"
    assert measure.border.left.style == "thin"


def test_xlsx_print_setup(seed_files):
    """A4 landscape at 100 %: the columns fit the 267 mm between the margins, no shrinking."""
    sheet = sheet_of(seed_files["xlsx"])
    header = header_row_of(sheet)
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.print_title_rows == f"${header}:${header}"
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert str(setup.paperSize) == sheet.PAPERSIZE_A4
    assert int(setup.scale) == 100 and not sheet.sheet_properties.pageSetUpPr.fitToPage
    widths = [sheet.column_dimensions[c].width for c in "ABCDE"]
    assert widths == list(WIDTHS)
    # A digit of Times New Roman 12 pt is 8 px at 96 dpi: the columns' pixels are the page's.
    assert sum(widths) * 8 * 25.4 / 96 <= 297 - 20 - 10
    margins = sheet.page_margins
    in_mm = [round(getattr(margins, side) * 25.4) for side in ("left", "right", "top", "bottom")]
    assert in_mm == [20, 10, 20, 20]
    assert round(margins.header * 25.4) >= 10  # the page number 10 mm from the edge or more


def test_xlsx_page_number_from_page_2(seed_files):
    sheet = sheet_of(seed_files["xlsx"])
    assert sheet.HeaderFooter.differentFirst
    assert sheet.oddHeader.center.text == "&P"
    assert sheet.oddHeader.center.font == "Times New Roman,Regular"
    assert not sheet.firstHeader.center.text and not sheet.firstFooter.center.text


def test_xlsx_every_cell_names_its_font(seed_files):
    book = load_workbook(io.BytesIO(seed_files["xlsx"]))
    sheet = book["Приложение"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert cells
    for cell in cells:
        assert cell.font.name == "Times New Roman", cell.coordinate
        assert cell.font.sz >= 12, cell.coordinate
    header = header_row_of(sheet)
    assert all(sheet.cell(header, c).font.b for c in range(1, 6))
    # The workbook's default font (unstyled cells, the unit of the column widths) too.
    with zipfile.ZipFile(io.BytesIO(seed_files["xlsx"])) as archive:
        styles = archive.read("xl/styles.xml").decode()
    first_font = styles[styles.index("<font>") : styles.index("</font>")]
    assert '<name val="Times New Roman"/>' in first_font and '<sz val="12"/>' in first_font
    assert "Calibri" not in styles


def test_xlsx_rows_are_fitted_not_fixed(seed_files):
    """Each row is as tall as its longest cell's wrapped lines, and left automatic."""
    sheet = sheet_of(seed_files["xlsx"])
    with zipfile.ZipFile(io.BytesIO(seed_files["xlsx"])) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "customHeight" not in xml
    header = header_row_of(sheet)
    for row in sheet.iter_rows(min_row=header + 1):
        height = sheet.row_dimensions[row[0].row].height
        texts = [c.value or "" for c in row]
        merged = not any(texts[1:])
        cells = [(texts[0], sum(WIDTHS))] if merged else list(zip(texts, WIDTHS, strict=True))
        lines = max(text_lines(text, width, bold=merged) for text, width in cells)
        assert height >= lines * 15, (texts[0], height, lines)
    # The «Результат» of 3.7 and 4.3 was clipped by a fixed height: several lines, all inside.
    for number in ("3.7.", "4.3."):
        row = next(r for r in sheet.iter_rows(min_row=header) if r[0].value == number)
        lines = text_lines(row[4].value, WIDTHS[4])
        assert lines >= 3 and sheet.row_dimensions[row[0].row].height >= lines * 15


def test_text_lines_wraps_as_a_spreadsheet_does():
    assert text_lines("", 10) == 1
    assert text_lines("Приказ", 48) == 1
    assert text_lines("Приказ\nПротокол", 48) == 2
    words = " ".join(["наставничество"] * 20)
    assert text_lines(words, 48) > text_lines(words, 96) >= 2
    # A non-breaking space joins: «№ 1» is never split, so it may take a line more.
    assert text_lines("аааа № 1", 6) >= text_lines("аааа №\u00a01", 6)
    assert text_lines("а" * 200, 10) > 3  # a word longer than the column is cut


def test_xlsx_formula_looking_text_stays_text(roadmap):
    from roadmap.models import Measure

    evil = '=HYPERLINK("http://example.com","нажмите")'
    Measure.objects.filter(section__roadmap=roadmap, number="1.1").update(title=evil)
    sheet = sheet_of(export_xlsx(roadmap))
    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == "1.1.")
    assert cell.value == evil
    assert cell.data_type == "s"


def test_xlsx_pages_break_as_the_pdf(seed_files):
    """Page breaks of its own: never after a section heading, never before the last row, and
    pages filled short of their height (so that no application breaks elsewhere)."""
    sheet = sheet_of(seed_files["xlsx"])
    header = header_row_of(sheet)
    breaks = [b.id for b in sheet.row_breaks.brk]
    assert len(breaks) >= 4
    headings = {
        row[0].row
        for row in sheet.iter_rows(min_row=header + 1)
        if row[0].value and not any(c.value for c in row[1:])
    }
    assert len(headings) == 4
    assert not headings & set(breaks)  # a heading never ends a page
    assert sheet.max_row - 1 not in breaks  # the last row never alone
    room = (210 - 40) / 25.4 * 72
    starts = [header + 1] + [b + 1 for b in breaks]
    ends = [*breaks, sheet.max_row]
    for first, last in zip(starts, ends, strict=True):
        rows = range(first, last + 1)
        used = sum(sheet.row_dimensions[r].height for r in rows)
        used += sheet.row_dimensions[header].height
        if first == header + 1:
            used += sum(sheet.row_dimensions[r].height or 15 for r in range(1, header))
        assert used <= room, (first, last, used)


# --- DOCX set as the PDF --------------------------------------------------------------------


def test_docx_letterhead_kind_and_rule_as_the_pdf(seed_files):
    document = Document(io.BytesIO(seed_files["docx"]))
    letterhead = document.tables[0]
    sizes = {
        r.font.size.pt for cell in letterhead.rows[0].cells for p in cell.paragraphs for r in p.runs
    }
    assert sizes == {13}
    rule = next(p for p in document.paragraphs if p._p.find(".//" + qn("w:pBdr")) is not None)
    bottom = rule._p.find(".//" + qn("w:bottom"))
    assert bottom.get(qn("w:val")) == "single" and bottom.get(qn("w:sz")) == "12"  # 1.5 pt
    kind = next(p for p in document.paragraphs if p.text == "ПРИКАЗ")
    order = [paragraph._p for paragraph in document.paragraphs]
    assert order.index(kind._p) > order.index(rule._p)  # the rule under the letterhead
    run = kind.runs[0]
    assert run.bold and run.font.size.pt == 16
    assert kind.alignment == WD_ALIGN_PARAGRAPH.CENTER
    spacing = run._r.rPr.find(qn("w:spacing"))
    assert spacing is not None and int(spacing.get(qn("w:val"))) == 30  # 1.5 pt, as the PDF
    # The schema's order of a run's properties: w:spacing after w:b, before w:sz.
    tags = [child.tag.split("}")[1] for child in run._r.rPr]
    assert tags.index("b") < tags.index("spacing") < tags.index("sz")


def test_docx_text_is_justified_and_hyphenated(seed_files):
    document = Document(io.BytesIO(seed_files["docx"]))
    settings = document.settings.element
    assert settings.find(qn("w:autoHyphenation")) is not None
    assert settings.find(qn("w:doNotHyphenateCaps")) is not None
    preamble = next(p for p in document.paragraphs if p.text.startswith("Во исполнении"))
    assert preamble.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    suppress = preamble._p.pPr.find(qn("w:suppressAutoHyphens"))
    assert suppress is not None and suppress.get(qn("w:val")) == "0"
    # Everything else keeps its words whole, as in the PDF (the Normal style suppresses).
    normal = document.styles["Normal"].element.pPr.find(qn("w:suppressAutoHyphens"))
    assert normal is not None and normal.get(qn("w:val")) is None


def test_docx_table_cells_as_the_pdf(seed_files):
    """Left-aligned numbers, deadlines and headings; 1 mm above and below, 1.5 mm aside."""
    document = Document(io.BytesIO(seed_files["docx"]))
    table = document.tables[-1]
    margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
    twips = {child.tag.split("}")[1]: int(child.get(qn("w:w"))) for child in margins}
    assert twips == {"top": 57, "left": 85, "bottom": 57, "right": 85}
    header = table.rows[0].cells
    assert all(c.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER for c in header)
    for row in table.rows[1:]:
        for cell in row.cells:
            assert all(p.alignment in (None, WD_ALIGN_PARAGRAPH.LEFT) for p in cell.paragraphs)
    assert {b.get(qn("w:sz")) for b in table._tbl.tblPr.find(qn("w:tblBorders"))} == {"6"}


def test_docx_heading_rows_keep_with_their_first_row(seed_files):
    document = Document(io.BytesIO(seed_files["docx"]))
    table = document.tables[-1]
    rows = table.rows[1:]
    texts = [{c.text for c in row.cells} for row in rows]
    for row, cells in zip(rows, texts, strict=True):
        heading = len(cells) == 1
        kept = all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        if heading:
            assert kept, cells
    # The row before the last keeps with it: the last measure never alone on a page.
    assert all(p.paragraph_format.keep_with_next for c in rows[-2].cells for p in c.paragraphs)
    assert not any(p.paragraph_format.keep_with_next for c in rows[-1].cells for p in c.paragraphs)
    # Ordinary rows do not: the table breaks between them.
    assert not any(p.paragraph_format.keep_with_next for c in rows[2].cells for p in c.paragraphs)


def test_docx_appendix_mark_within_8_cm(seed_files):
    document = Document(io.BytesIO(seed_files["docx"]))
    doc = seed_files["doc"]
    appendix = document.sections[1]
    usable = appendix.page_width - appendix.left_margin - appendix.right_margin
    marks = [p for p in document.paragraphs if p.text in doc.appendix_mark_lines]
    assert len(marks) == len(doc.appendix_mark_lines)
    for paragraph in marks:
        width = usable - paragraph.paragraph_format.left_indent
        assert mm(width) <= 80
        assert paragraph.alignment in (None, WD_ALIGN_PARAGRAPH.LEFT)


def test_fitted_widths_narrow_the_columns_to_the_page():
    room = page_room(11)
    assert fitted_widths((10, 20), size=11) == [10, 20]  # it fits: unchanged
    wide = (5, 40, 12, 13, 22, 11, 12, 8, 16, 12, 12)
    fitted = fitted_widths(wide, size=11)
    assert sum(fitted) <= room < sum(wide)
    assert fitted[0] == 5 and fitted[1] > fitted[2]  # a narrow column keeps its width
    assert all(f >= min(w, max(7, w / 2)) for f, w in zip(fitted, wide, strict=True))
    # Too many columns to be that narrow: each at its floor, printed over several pages.
    many = fitted_widths((5, 34, *(9, 9, 11) * 6), size=11)
    assert sum(many) > room and min(many[2:]) == 7
