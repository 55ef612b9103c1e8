"""The order (PDF, DOCX, XLSX) and the execution report measured on their rendered pages.

Margins 20/10/20/20 mm on the ink, the page number inside the top margin from page 2, the
smallest printed font, «№» never at a line end, a section heading on the page of its first
measure, the last measure never alone, the appendix mark at most 8 cm wide (ГОСТ Р 7.0.97-2025).
The DOCX and the XLSX are measured as LibreOffice prints them; without LibreOffice those tests
are skipped with the reason. The helpers are in tests/documents_layout.py: a new document
(the amendment order) takes one `check_pdf` call.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from pypdf import PdfReader

from roadmap.documents.content import MeasureLine, OrderDocument, SectionLine, build_document
from roadmap.documents.docx_export import export_docx, order_docx
from roadmap.documents.pdf import document_html, export_pdf, html_to_pdf, report_pdf
from roadmap.documents.xlsx_export import export_xlsx
from tests import documents_layout as layout

pytestmark = pytest.mark.django_db
REPORT_DAY = dt.date(2021, 1, 15)  # mid-period: some measures due, some not yet
SCHOOLS = [f"МБОУ «СОШ № {n}» г. Аргун" for n in range(1, 5)] + ["МБОУ «Гимназия № 5» г. Аргун"]
needs_libreoffice = pytest.mark.skipif(
    layout.LIBREOFFICE is None, reason=layout.LIBREOFFICE_MISSING
)


@pytest.fixture(scope="module")
def made(django_db_setup, django_db_blocker):
    """The seed order with five schools taking part, in every format, rendered once."""
    from django.db import transaction

    from roadmap.seed import load_seed
    from roadmap.services import add_school
    from tests.factories import SchoolFactory

    with django_db_blocker.unblock(), transaction.atomic():
        roadmap = load_seed().roadmap
        for name in SCHOOLS:
            school = SchoolFactory(municipality=roadmap.municipality, short_name=name)
            add_school(roadmap=roadmap, school=school)
        files = {
            "doc": build_document(roadmap),
            "pdf": export_pdf(roadmap),
            "report": report_pdf(roadmap, REPORT_DAY),
            "docx": export_docx(roadmap),
            "xlsx": export_xlsx(roadmap),
        }
        transaction.set_rollback(True)
    return files


@pytest.fixture(scope="module")
def printed(made):
    """The DOCX and the XLSX as LibreOffice prints them (one LibreOffice run)."""
    if layout.LIBREOFFICE is None:
        pytest.skip(layout.LIBREOFFICE_MISSING)
    pdfs = layout.libreoffice_pdfs({"order.docx": made["docx"], "order.xlsx": made["xlsx"]})
    return {"docx": pdfs["order.docx"], "xlsx": pdfs["order.xlsx"]}


def assert_laid_out(measured: layout.Measured) -> None:
    assert measured.problems == [], "\n".join(measured.problems)
    pages = measured.layouts
    assert not pages[0].header, "the first page carries no page number"
    assert all(page.header for page in pages[1:]), "every later page is numbered at the top"


# --- the order as a PDF ---------------------------------------------------------------------


def test_order_pdf_layout(made):
    measured = layout.check_pdf(made["pdf"], min_font=12)
    assert_laid_out(measured)
    assert measured.pages >= 3
    assert not measured.layouts[0].landscape and measured.layouts[1].landscape
    sizes = layout.font_sizes(made["pdf"])
    assert min(sizes) == 12 and max(sizes) == 16  # the table 12 pt, «ПРИКАЗ» 16 pt
    assert sizes[14] > sizes[13]  # the order's text at 14 pt, the letterhead at 13 pt


def test_order_pdf_sections_stay_with_their_first_measure(made):
    texts = layout.page_texts(made["pdf"])
    assert layout.broken_sections(texts, made["doc"].sections) == []
    # «3. Внедрение ЦМН…» used to end page 5 alone: now it opens a page, with 3.1.
    third = made["doc"].sections[2]
    page = layout.page_of(texts, third.heading)
    assert page == layout.measure_page(texts, "3.1.")
    assert layout.measure_page(texts, third.measures[0].number) == page


def test_order_pdf_keeps_kind_and_name_searchable(made):
    """«ПРИКАЗ» is letter-spaced, yet a search for the word finds it (pypdf and poppler, the
    viewers' reader, alike); initials stay joined."""
    first = PdfReader(io.BytesIO(made["pdf"])).pages[0].extract_text()
    assert "ПРИКАЗ" in first.split()
    assert "ПРИКАЗ" in layout.poppler_texts(made["pdf"])[0].split()
    assert "Л.В.\u00a0Кагирова" in first or "Л.В. Кагирова" in layout.flat(first)
    assert "№\u00a0160/1" in first.replace(" ", "\u00a0")  # the preamble's «№ 160/1» whole


def test_appendix_mark_is_at_most_8_cm(made):
    """The corner-placed mark «Приложение к приказу … от … № …»: lines of 80 mm or less,
    flush with the right margin's side of the page."""
    page = layout.layout_of(made["pdf"])[1]
    image = layout.render_pages(made["pdf"], first=2, last=2)[0]
    lines = []
    for band in layout.bands(layout.ink_mask(image)):
        if band.bottom <= layout.GOST.top:
            continue  # the page number
        if band.left < page.width / 2:
            break  # the appendix's title, centred: the mark is above it
        lines.append(band)
    assert len(lines) >= len(made["doc"].appendix_mark_lines)
    assert max(band.right - band.left for band in lines) <= 80
    assert min(band.left for band in lines) >= page.width - layout.GOST.right - 80 - 0.5


def forced_document(first: int, second: int = 3) -> OrderDocument:
    """An order whose appendix has ``first`` one-line measures, then a section of ``second``."""

    def measures(section: int, count: int, deadline: str) -> list[MeasureLine]:
        return [
            MeasureLine(f"{section}.{n}.", f"Мероприятие {n}", deadline, "Департамент", "Приказ")
            for n in range(1, count + 1)
        ]

    sections = [
        SectionLine("1", "Первый раздел", measures(1, first, "октябрь 2020 года")),
        SectionLine("2", "Второй раздел", measures(2, second, "ноябрь 2020 года")),
    ]
    return OrderDocument(
        header_lines=[],
        header_lines_local=[],
        city="",
        number="1",
        date=dt.date(2020, 10, 28),
        title="О плане",
        preamble="",
        points=[],
        signatory_position="",
        signatory_name="",
        appendix_mark_lines=["Приложение"],
        roadmap_title="План",
        sections=sections,
    )


# The rules under test, each turned off: what the table does without it.
WITHOUT_HEADING_RULE = "<style>table.plan tr.section { break-after: auto; }</style></head>"
WITHOUT_TAIL_RULE = "<style>table.plan tbody tr:last-child { break-before: auto; }</style></head>"


def first_breaking(count, render, sections_of, check):
    """The first size in ``count`` at which the rendered table fails ``check``."""
    for size in count:
        if check(layout.page_texts(render(size)), sections_of(size)):
            return size
    return None


def test_pdf_heading_is_kept_with_its_row_where_the_page_breaks():
    """A table that forces the break: without `break-after: avoid` the heading «2. Второй
    раздел» would end a page alone at some length of section 1; with it, it never does."""
    sizes = range(12, 26)
    bare = first_breaking(
        sizes,
        lambda n: html_to_pdf(
            document_html(forced_document(n)).replace("</head>", WITHOUT_HEADING_RULE)
        ),
        lambda n: forced_document(n).sections,
        layout.headings_apart,
    )
    assert bare is not None, "no length of section 1 puts the heading at a page's foot"
    ruled = layout.page_texts(html_to_pdf(document_html(forced_document(bare))))
    assert layout.broken_sections(ruled, forced_document(bare).sections) == []
    # The page breaks right before the heading: it opens the next page with its row.
    heading = layout.page_of(ruled, "2. Второй раздел")
    assert heading == layout.measure_page(ruled, "2.1.")
    assert heading == layout.measure_page(ruled, f"1.{bare}.") + 1


def test_pdf_last_measure_never_alone_on_a_page():
    sizes = range(12, 26)
    bare = first_breaking(
        sizes,
        lambda n: html_to_pdf(
            document_html(forced_document(1, n)).replace("</head>", WITHOUT_TAIL_RULE)
        ),
        lambda n: forced_document(1, n).sections,
        layout.last_alone,
    )
    assert bare is not None, "no length of the table leaves its last row alone on a page"
    ruled = layout.page_texts(html_to_pdf(document_html(forced_document(1, bare))))
    assert layout.broken_sections(ruled, forced_document(1, bare).sections) == []


# --- the execution report -------------------------------------------------------------------


def test_execution_report_layout(made):
    """The table inside the right margin (it ran 2.8 mm from the edge), 12 pt, no «№» or
    «дн.» torn from its number."""
    measured = layout.check_pdf(made["report"], min_font=12)
    assert_laid_out(measured)
    assert all(page.landscape for page in measured.layouts)
    assert min(page.body.right for page in measured.layouts) >= 10 - layout.TOLERANCE_MM
    texts = layout.page_texts(made["report"])
    assert layout.broken_sections(texts, made["doc"].sections) == []
    for text in texts:
        assert "\nдн." not in text  # «45 дн.» whole


def test_execution_report_lists_laggards_only_for_measures_due(made):
    """On 15.01.2021 the October measures are overdue, the May ones not yet due: the schools
    appear against the first, never against the second."""
    text = layout.flat(" ".join(layout.page_texts(made["report"])))

    def row(number: str, following: str) -> str:
        start = text.index(f"{number} ")
        return text[start : text.index(following, start)]

    overdue = row("1.2.", "1.3. ")  # октябрь 2020: the department and every school
    assert "просрочено" in overdue
    assert all(name in overdue for name in SCHOOLS)
    not_due = row("3.7.", "4. Содействие")  # май 2021: the schools, not yet due
    assert "май 2021" in not_due and "не начато" in not_due
    assert "МБОУ" not in not_due


# --- the DOCX and the XLSX as LibreOffice prints them -----------------------------------------


@needs_libreoffice
def test_docx_layout_in_libreoffice(made, printed):
    measured = layout.check_pdf(printed["docx"], min_font=12)
    assert_laid_out(measured)
    texts = layout.page_texts(printed["docx"])
    assert layout.broken_sections(texts, made["doc"].sections) == []
    assert "ПРИКАЗ" in texts[0].split()  # letter-spaced, still one word
    assert "ПРИКАЗ" in layout.poppler_texts(printed["docx"])[0].split()
    sizes = layout.font_sizes(printed["docx"])
    assert {12, 13, 14, 16} <= set(sizes)  # table, letterhead, text, «ПРИКАЗ» as in the PDF
    # Paged as the PDF, give or take a row: Word's and WeasyPrint's lines differ a little.
    pdf_texts = layout.page_texts(made["pdf"])
    assert abs(len(texts) - len(pdf_texts)) <= 1
    for section in made["doc"].sections:
        for measure in section.measures:
            in_docx = layout.measure_page(texts, measure.number)
            assert abs(in_docx - layout.measure_page(pdf_texts, measure.number)) <= 1


@needs_libreoffice
def test_docx_heading_is_kept_with_its_row_where_the_page_breaks():
    """The forced break of the PDF test, in Word's terms: keep-with-next on the heading row."""
    sizes = range(12, 26)
    files = {}
    for n in sizes:
        data = order_docx(forced_document(n))
        files[f"kept-{n}.docx"] = data
        files[f"bare-{n}.docx"] = without_keep(data)
    pdfs = layout.libreoffice_pdfs(files)
    bare = first_breaking(
        sizes,
        lambda n: pdfs[f"bare-{n}.docx"],
        lambda n: forced_document(n).sections,
        layout.headings_apart,
    )
    assert bare is not None, "no length of section 1 puts the heading at a page's foot"
    texts = layout.page_texts(pdfs[f"kept-{bare}.docx"])
    assert layout.broken_sections(texts, forced_document(bare).sections) == []


def without_keep(docx: bytes) -> bytes:
    """The DOCX with every keep-with-next taken out."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:keepNext/>", b"")
            target.writestr(item, data)
    return buffer.getvalue()


@needs_libreoffice
def test_xlsx_layout_in_libreoffice(made, printed):
    """Printed at 100 %: the table's 12 pt stays 12 pt (fitting to the width made it 7.5)."""
    measured = layout.check_pdf(printed["xlsx"], min_font=12)
    assert_laid_out(measured)
    assert all(page.landscape for page in measured.layouts)
    texts = layout.page_texts(printed["xlsx"])
    assert layout.broken_sections(texts, made["doc"].sections) == []
    # Every measure printed, the last too (LibreOffice left to break pages itself dropped it).
    for section in made["doc"].sections:
        for measure in section.measures:
            assert layout.measure_page(texts, measure.number), measure.number
