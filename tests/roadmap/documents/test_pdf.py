import io
import re

import pytest
from pypdf import PdfReader

from roadmap.documents.content import build_document
from roadmap.documents.pdf import export_pdf, report_pdf

pytestmark = pytest.mark.django_db
MM = 72 / 25.4


@pytest.fixture(scope="module")
def seed_pdf(django_db_setup, django_db_blocker):
    """One rendering for the module: the order with its appendix for the seed."""
    from roadmap.seed import load_seed

    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            roadmap = load_seed().roadmap
            content = export_pdf(roadmap)
            doc = build_document(roadmap)
            transaction.set_rollback(True)
    return content, doc


def words(text: str) -> list[str]:
    return re.findall(r"[\w./№«»()-]+", text)


def is_subsequence(needle: list[str], haystack: list[str], start: int = 0) -> int:
    """The index after the last matched word, or -1."""
    position = start
    for word in needle:
        try:
            position = haystack.index(word, position) + 1
        except ValueError:
            return -1
    return position


def test_pdf_is_a4_with_a_landscape_appendix(seed_pdf):
    reader = PdfReader(io.BytesIO(seed_pdf[0]))
    first = reader.pages[0].mediabox
    assert (round(float(first.width) / MM), round(float(first.height) / MM)) == (210, 297)
    second = reader.pages[1].mediabox
    assert (round(float(second.width) / MM), round(float(second.height) / MM)) == (297, 210)
    assert len(reader.pages) >= 3


def test_order_page_reads_back(seed_pdf):
    text = PdfReader(io.BytesIO(seed_pdf[0])).pages[0].extract_text()
    flat = " ".join(text.split())
    for expected in [
        "Мэрия города Аргуна",
        "«Департамент образования г. Аргун»",
        "Аргун-Палин Мэри",
        "ПРИКАЗ",
        "28.10.2020",
        "№ 172/1",
        "г. Аргун",
        "ПРИКАЗЫВАЮ:",
        "Начальник",
        "Л.В. Кагирова",
    ]:
        assert expected in flat, expected
    for number in ("1.", "2.", "3."):
        assert f"{number} " in flat
    order_words = words(flat.replace("-\n", ""))
    assert (
        is_subsequence(
            words("Контроль за исполнением настоящего приказа оставляю за собой."), order_words
        )
        > 0
    )
    assert flat.index("ПРИКАЗЫВАЮ:") < flat.index("Контроль за исполнением")
    assert "Приложение к приказу" not in flat  # the appendix starts on its own page


def test_appendix_mark_numbers_and_titles_in_order(seed_pdf):
    content, doc = seed_pdf
    pages = PdfReader(io.BytesIO(content)).pages
    appendix = " ".join(page.extract_text() for page in pages[1:])
    flat = " ".join(appendix.split())
    assert flat.startswith("Приложение к приказу Департамента образования г. Аргун")
    assert "от 28.10.2020 г. №172/1" in flat
    stream = words(flat)
    position = 0
    for section in doc.sections:
        for measure in section.measures:
            found = is_subsequence([measure.number], stream, position)
            assert found > 0, measure.number
            after_title = is_subsequence(words(measure.title), stream, found)
            assert after_title > 0, measure.number
            position = found
    assert sum(len(s.measures) for s in doc.sections) == 34


def drawn(page) -> list[tuple[str, float, float]]:
    """Text pieces with where they start on the page (x, y in points)."""
    pieces = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            pieces.append((text.strip(), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return pieces


def test_header_row_and_page_number_on_every_appendix_page(seed_pdf):
    pages = PdfReader(io.BytesIO(seed_pdf[0])).pages
    for number, page in enumerate(pages[1:], start=2):
        text = " ".join(page.extract_text().split())
        for header in ["№ п/п", "Наименование мероприятий", "Срок реализации", "Результат"]:
            assert header in text, (number, header)
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        numbers = [(x, y) for piece, x, y in drawn(page) if piece == str(number)]
        assert any(y > height - 20 * MM and abs(x - width / 2) < 20 * MM for x, y in numbers), (
            number,
            numbers,
        )
    first = pages[0]
    assert not any(
        piece == "1" and y > float(first.mediabox.height) - 20 * MM for piece, _, y in drawn(first)
    )


def test_font_is_embedded(seed_pdf):
    reader = PdfReader(io.BytesIO(seed_pdf[0]))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
    assert fonts <= {"Liberation-Serif", "Liberation-Serif-Bold"} and "Liberation-Serif" in fonts


def test_execution_report_shows_states(roadmap, school_a):
    from datetime import date

    from roadmap.models import Execution

    for execution in Execution.objects.filter(
        measure__number="1.1", measure__section__roadmap=roadmap
    ):
        execution.status, execution.completed_on = "accepted", date(2020, 10, 20)
        execution.save()
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(roadmap))).pages
    )
    flat = " ".join(text.split())
    assert "Исполнение плана мероприятий (дорожной карты) на" in flat
    assert "выполнено" in flat and "20.10.2020" in flat and "просрочено" in flat
    assert school_a.short_name in flat
