"""The summary as XLSX and PDF: the same figures as `build_summary`, numbers kept as numbers,
user text never a formula, Russian formats, fonts embedded; empty parts still there."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from monitoring import exports, services, summary
from monitoring.models import Moment, Questionnaire, Stage
from monitoring.reference import ensure_questionnaires
from roadmap.documents.content import keep_together
from roadmap.documents.xlsx_export import page_room
from tests import documents_layout as layout

pytestmark = pytest.mark.django_db

SHEETS = [
    "Показатели",
    "По ОО",
    "Формы наставничества",
    "Анкеты I этап",
    "SWOT",
    "Анкеты II этап",
    "Не отчитались",
]
INJECTION = "=cmd|' /C calc'!A0"


def _questionnaire(municipality, stage):
    ensure_questionnaires(municipality)
    return Questionnaire.objects.filter(
        municipality=municipality, stage=stage, respondent="mentee"
    ).first()


@pytest.fixture
def built(known, period, forms, staff, curator_a, curator_b):
    """Schools A and B reported and were accepted (with answers and a SWOT); C did not."""
    quality = _questionnaire(known["municipality"], Stage.QUALITY)
    growth = _questionnaire(known["municipality"], Stage.MOTIVATION)
    form = forms["учитель – ученик"]
    for key, curator, respondents, score, start, end in (
        ("a", curator_a, 10, "8", "5", "7,5"),
        ("b", curator_b, 30, "4", "6", "6"),
    ):
        report = services.report_of(period, known[key])
        services.save_answer_set(
            report=report,
            questionnaire=quality,
            form=form,
            moment=Moment.ONCE,
            respondents=respondents,
            averages={q.pk: score for q in quality.questions.all()},
        )
        for moment, value in ((Moment.START, start), (Moment.END, end)):
            services.save_answer_set(
                report=report,
                questionnaire=growth,
                form=form,
                moment=moment,
                respondents=respondents,
                averages={q.pk: value for q in growth.questions.all()},
            )
        if key == "a":
            services.save_swot(
                report=report,
                programme=known["prog_a"],
                strengths=INJECTION,
                weaknesses="Мало времени у педагогов",
                opportunities="+ гранты",
                threats="@угроза",
            )
        services.submit_report(user=curator, report=report)
        services.review_report(user=staff, report=report, accept=True)
    return summary.build_summary(period)


def _book(data: bytes):
    return load_workbook(io.BytesIO(data))


def _row_of(sheet, column: int, text: str) -> tuple:
    """The row whose cell reads ``text`` as printed: «СОШ № 1» with a non-breaking space."""
    text = keep_together(text)
    for row in sheet.iter_rows(values_only=True):
        if row[column - 1] == text:
            return row
    raise AssertionError(f"no row with {text!r} in column {column} of {sheet.title}")


def _texts(sheet) -> list[str]:
    return [v for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]


def test_xlsx_has_one_sheet_per_part_and_the_header(built):
    book = _book(exports.summary_xlsx(built))
    assert book.sheetnames == SHEETS
    first = _texts(book["Показатели"])
    assert first[0] == exports.TITLE
    assert any("I полугодие 2020/21 (с 01.09.2020 по 31.01.2021)" in t for t in first)
    assert any("принято 2 из 3 ОО" in t for t in first)
    assert any(t.startswith("Муниципалитет: ") for t in first)
    assert any(t.startswith("Дата формирования: ") for t in first)
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.freeze_panes  # every part has data here
        # At 100 %, the columns narrowed to the page: 11 pt prints as 11 pt (6.4 pt before).
        assert int(sheet.page_setup.scale) == 100, sheet.title
        assert not sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        widths = [sheet.column_dimensions[c].width for c in sheet.column_dimensions]
        assert sum(widths) <= page_room(exports.SIZE), sheet.title
        assert sheet.HeaderFooter.differentFirst and sheet.oddHeader.center.text == "&P"
        assert not sheet.oddFooter.center.text  # no «Страница 1 из 8» at the foot
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.font.name == "Times New Roman", (sheet.title, cell.coordinate)


def test_xlsx_indicators_are_numbers(built):
    sheet = _book(exports.summary_xlsx(built))["Показатели"]
    mentees = _row_of(sheet, 2, "Наставляемые в действующих парах")
    assert mentees[2] == 7 and mentees[5] == 7  # 6 in A + 1 in B
    mentors = _row_of(sheet, 2, "Наставники в действующих парах")
    assert mentors[5] == 3  # M1 counts in A and in B
    label = "Доля обучающихся 10 лет и старше, вовлечённых в наставничество"
    pupils = _row_of(sheet, 2, label)
    assert pupils[2:5] == (2, 50, "обучающихся 10 лет и старше")
    assert pupils[5] == pytest.approx(0.04)  # 4,0 %
    assert pupils[8] == "цель не задана"
    young = _row_of(
        sheet, 2, "Доля педагогов до 35 лет со стажем до 3 лет, вовлечённых в наставничество"
    )
    assert young[2:4] == (2, 4) and young[5] == pytest.approx(0.5)
    approved = _row_of(sheet, 2, "Доля ОО с одобренной программой наставничества")
    assert approved[2:4] == (1, 2)  # B's programme was approved after the period

    for row in sheet.iter_rows():
        if row[1].value == label:
            value = row[5]
            assert value.data_type == "n" and value.number_format == "0.0%"


def test_xlsx_by_school_forms_and_missing(built, known):
    book = _book(exports.summary_xlsx(built))
    schools = book["По ОО"]
    a = _row_of(schools, 2, known["a"].short_name)
    assert a[2:5] == (2, 6, 2)
    assert a[5:8] == (1, 40, pytest.approx(0.025))
    b = _row_of(schools, 2, known["b"].short_name)
    assert b[2:5] == (1, 1, 1)
    total = _row_of(schools, 2, "Итого")
    assert total[2:8] == (3, 7, 3, 2, 50, pytest.approx(0.04))
    assert keep_together(known["c"].short_name) not in _texts(schools)

    forms = book["Формы наставничества"]
    assert _row_of(forms, 1, "учитель – ученик")[1:4] == (2, 3, 2)
    assert _row_of(forms, 1, "учитель – учитель")[1:4] == (1, 4, 1)
    assert _row_of(forms, 1, "Всего")[1:4] == (3, 7, 3)

    missing = book["Не отчитались"]
    assert _row_of(missing, 2, known["c"].short_name)[2] == "не начат"
    assert keep_together(known["a"].short_name) not in _texts(missing)


def test_xlsx_questionnaire_averages_are_weighted(built):
    book = _book(exports.summary_xlsx(built))
    quality = book["Анкеты I этап"]
    first = _row_of(quality, 2, "Эффективность программы наставничества")
    # (10 × 8 + 30 × 4) / 40 = 5: for the form and overall
    assert first[0] == 1 and first[2:4] == (5, 5)
    assert _row_of(quality, 2, "Число ответивших")[2:4] == (40, 40)
    assert any(t.startswith("Этап I. Анкета наставляемого") for t in _texts(quality))

    growth = book["Анкеты II этап"]
    row = _row_of(growth, 2, "Мотивация к учёбе и саморазвитию")
    # start (10 × 5 + 30 × 6) / 40 = 5.75; end (10 × 7.5 + 30 × 6) / 40 = 6.375 → 6.38
    assert row[2:5] == (5.75, 6.38, 0.63)
    assert row[5:8] == (5.75, 6.38, 0.63)
    for cells in growth.iter_rows():
        if cells[1].value == "Мотивация к учёбе и саморазвитию":
            assert cells[4].number_format == "+0.00;-0.00;0.00"


def test_xlsx_user_text_is_never_a_formula(built, known):
    sheet = _book(exports.summary_xlsx(built))["SWOT"]
    row = next(r for r in sheet.iter_rows() if r[1].value == keep_together(known["a"].short_name))
    assert row[2].value == "Программа А"
    assert [c.value for c in row[3:7]] == [
        INJECTION,
        "Мало времени у педагогов",
        "+ гранты",
        "@угроза",
    ]
    assert all(c.data_type != "f" for c in row[3:7])
    assert all(c.data_type == "s" for c in row[3:7])


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


def test_pdf_shows_the_parts_in_russian(built, known):
    data = exports.summary_pdf(built)
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    flat = " ".join(text.split())
    assert "Сводный отчёт о мониторинге реализации целевой модели наставничества" in flat
    assert "I полугодие 2020/21 (с 01.09.2020 по 31.01.2021)" in flat
    assert "принято 2 из 3 ОО" in flat
    assert known["a"].short_name in flat
    assert "4,0 %" in flat and "50,0 %" in flat
    assert "5,75" in flat and "6,38" in flat and "+0,63" in flat
    assert "ОО без принятого отчёта" in flat
    assert known["c"].short_name in flat and "не начат" in flat
    assert INJECTION in flat
    # The page number is a bare number at the top from page 2, as in the order (layout test).
    assert "Страница" not in flat


def test_pdf_embeds_its_fonts(built):
    reader = PdfReader(io.BytesIO(exports.summary_pdf(built)))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
            names.add(str(font["/BaseFont"]).split("+")[-1])
    assert "Liberation-Serif" in names and "Liberation-Serif-Bold" in names


def test_an_empty_summary_renders_both_formats(known, period):
    services.report_of(period, known["a"])  # a draft, not counted
    empty = summary.build_summary(period)
    assert not empty.accepted
    book = _book(exports.summary_xlsx(empty))
    assert book.sheetnames == SHEETS
    for title in SHEETS[1:6]:
        assert exports.NO_DATA in _texts(book[title]), title
    assert any("принято 0 из 3 ОО" in t for t in _texts(book["Показатели"]))
    missing = book["Не отчитались"]
    assert _row_of(missing, 2, known["a"].short_name)[2] == "черновик"
    assert _row_of(missing, 2, known["b"].short_name)[2] == "не начат"

    flat = " ".join(_pdf_text(exports.summary_pdf(empty)).split())
    assert "Нет данных" in flat and "принято 0 из 3 ОО" in flat


def test_filename_is_safe_for_a_download(built):
    assert exports.summary_filename(built, "xlsx") == "Мониторинг_ЦМН_I_полугодие_2020-21.xlsx"
    built.period.title = 'Итоги 2020/2021 \\ "II" этап'
    name = exports.summary_filename(built, "pdf")
    assert name.endswith(".pdf")
    assert not any(ch in name for ch in ' /\\"')


def test_russian_number_formats():
    assert exports.shown(Decimal("4.0"), exports.PCT) == "4,0\xa0%"
    assert exports.shown(12345, exports.INT) == "12\xa0345"
    assert exports.shown(Decimal("0.63"), exports.CHANGE) == "+0,63"
    assert exports.shown(Decimal("-0.2"), exports.CHANGE) == "\u22120,20"
    assert exports.shown(Decimal("0"), exports.CHANGE) == "0,00"
    assert exports.shown(None, exports.SCORE) == "—"
    assert exports.shown(Decimal("12.5"), exports.NUM) == "12,5"


# --- the printed page ----------------------------------------------------------------------


def test_pdf_layout_at_the_order_standard(built):
    """Margins 20/10/20/20 mm (the left was 15, the footer 6.3 mm from the edge), the page
    number at the top from page 2, text 12–14 pt and tables 10 pt at least (7.5–9.5 before),
    the chart's labels too; «№» never ends a line."""
    data = exports.summary_pdf(built)
    measured = layout.check_pdf(data, min_font=10)
    assert measured.problems == [], "\n".join(measured.problems)
    assert all(page.landscape for page in measured.layouts)
    assert not measured.layouts[0].header
    assert all(page.header for page in measured.layouts[1:])
    sizes = layout.font_sizes(data)
    body = sum(count for size, count in sizes.items() if 12 <= size <= 14)
    assert body > 0 and max(sizes) <= 16


def test_pdf_chart_text_prints_at_10_pt_or_more(built):
    """The chart is an SVG drawn inside a form XObject: its labels are measured there too."""
    data = exports.summary_pdf(built)
    in_forms = [t for t in layout.printed_texts(data) if t.page == 1]
    assert len(in_forms) > 20
    assert min(t.size for t in in_forms) >= 10 - 0.05


def test_respondents_total_is_a_dash_when_no_form_has_them(known, period, forms, staff, curator_a):
    """Answers at the start of the programme only: «Число ответивших (в конце)» reads «—» for
    the form and «—» in total (it read «0»), in the PDF's cells and as an empty XLSX cell."""
    growth = _questionnaire(known["municipality"], Stage.MOTIVATION)
    report = services.report_of(period, known["a"])
    services.save_answer_set(
        report=report,
        questionnaire=growth,
        form=forms["учитель – ученик"],
        moment=Moment.START,
        respondents=10,
        averages={q.pk: "5" for q in growth.questions.all()},
    )
    services.submit_report(user=curator_a, report=report)
    services.review_report(user=staff, report=report, accept=True)
    built = summary.build_summary(period)
    stage2 = next(part for part in exports.parts(built) if part.key == "stage2")
    total = next(row for row in stage2.rows if row.kind == "total")
    assert total.cells[1].value == "Число ответивших (в конце)"
    assert [cell.shown for cell in total.cells[2:]] == ["", "—", "", "", "—", ""]
    sheet = _book(exports.summary_xlsx(built))["Анкеты II этап"]
    assert _row_of(sheet, 2, "Число ответивших (в конце)")[2:] == (None,) * 6


def test_school_names_keep_their_number(built, known):
    """«МБОУ «СОШ № 1» г. Аргун» is printed with non-breaking spaces, in both formats."""
    name = known["a"].short_name
    assert "№ " in name  # the fixture's name has the space to bind
    assert exports.shown(name) == keep_together(name) != name
    texts = _texts(_book(exports.summary_xlsx(built))["По ОО"])
    assert keep_together(name) in texts and name not in texts


@pytest.mark.skipif(layout.LIBREOFFICE is None, reason=layout.LIBREOFFICE_MISSING)
def test_xlsx_layout_in_libreoffice(built):
    """Printed by LibreOffice: margins 20/10/20/20 mm, every sheet's text at its 11 pt."""
    pdf = layout.libreoffice_pdf(exports.summary_xlsx(built), "xlsx")
    measured = layout.check_pdf(pdf, min_font=11)
    assert measured.problems == [], "\n".join(measured.problems)
    assert not measured.layouts[0].header
    flat = layout.flat(" ".join(layout.page_texts(pdf)))
    for part in exports.parts(built):
        assert layout.flat(part.title) in flat, part.title  # every sheet printed
