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
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.freeze_panes  # every part has data here


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
    assert known["c"].short_name not in _texts(schools)

    forms = book["Формы наставничества"]
    assert _row_of(forms, 1, "учитель – ученик")[1:4] == (2, 3, 2)
    assert _row_of(forms, 1, "учитель – учитель")[1:4] == (1, 4, 1)
    assert _row_of(forms, 1, "Всего")[1:4] == (3, 7, 3)

    missing = book["Не отчитались"]
    assert _row_of(missing, 2, known["c"].short_name)[2] == "не начат"
    assert known["a"].short_name not in _texts(missing)


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
    row = next(r for r in sheet.iter_rows() if r[1].value == known["a"].short_name)
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
    assert "Страница 1 из" in flat


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
