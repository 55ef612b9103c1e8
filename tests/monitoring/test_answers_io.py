"""The Р-145 answers through XLSX: a sheet per questionnaire, a strict all-or-nothing import
that names the sheet, row and column of every problem, and an export that round-trips."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from monitoring import answers_io, services
from monitoring.models import Answer, AnswerSet, Moment, Questionnaire, Stage
from registry.models import MentoringForm

S1_MENTEE = "Этап I. Анкета наставляемого"
S1_MENTOR = "Этап I. Анкета наставника"
S2_MENTEE = "Этап II. Анкета наставляемого"
S2_MENTOR = "Этап II. Анкета наставника"
FORM = "учитель – ученик"


# ---------------------------------------------------------------- helpers


@pytest.fixture
def report(known, period, forms):
    return services.report_of(period, known["a"])


def questionnaire(municipality, stage, respondent="mentee") -> Questionnaire:
    return Questionnaire.objects.get(municipality=municipality, stage=stage, respondent=respondent)


def upload(content: bytes, name: str = "Результаты анкет.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def book_of(content: bytes):
    return load_workbook(io.BytesIO(content))


def content_of(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def headers(sheet) -> list:
    return [cell.value for cell in sheet[1]]


def snapshot(report) -> dict:
    """What the report holds: (questionnaire, form, moment) -> (respondents, averages)."""
    return {
        (a.questionnaire_id, a.form.name, a.moment): (
            a.respondents,
            {answer.question_id: answer.average for answer in a.answers.all()},
        )
        for a in AnswerSet.objects.filter(report=report)
        .select_related("form")
        .prefetch_related("answers")
    }


def save(report, q, form, moment, respondents, value):
    return services.save_answer_set(
        report=report,
        questionnaire=q,
        form=form,
        moment=moment,
        respondents=respondents,
        averages={question.pk: value for question in q.questions.all()},
    )


def refused(report, content: bytes, name: str = "Результаты анкет.xlsx") -> list[str]:
    with pytest.raises(ValidationError) as error:
        answers_io.import_answers(report, upload(content, name))
    return error.value.messages


# ---------------------------------------------------------------- the template


@pytest.mark.django_db
def test_template_has_a_sheet_per_active_questionnaire_headers_and_drop_downs(known, report, forms):
    Questionnaire.objects.create(
        municipality=known["municipality"],
        stage=Stage.QUALITY,
        respondent="mentor",
        title="Старая анкета",
        is_active=False,
    )
    book = book_of(answers_io.answers_template(report))
    assert book.sheetnames == ["Инструкция", S1_MENTEE, S1_MENTOR, S2_MENTEE, S2_MENTOR]
    assert all(len(title) <= 31 for title in book.sheetnames)

    quality = questionnaire(known["municipality"], Stage.QUALITY)
    texts = [q.text for q in quality.questions.all()]
    assert headers(book[S1_MENTEE]) == [
        "Форма наставничества",
        "Число ответивших",
        *(f"{n}. {text}" for n, text in enumerate(texts, start=1)),
    ]
    assert headers(book[S1_MENTEE])[4] == "3. Насколько наставник помог в решении ваших задач"
    growth = questionnaire(known["municipality"], Stage.MOTIVATION)
    assert headers(book[S2_MENTEE]) == [
        "Форма наставничества",
        "Замер",
        "Число ответивших",
        *(f"{q.position}. {q.text}" for q in growth.questions.all()),
    ]
    assert book[S2_MENTEE].max_row == 1  # nothing saved yet: no rows

    active_forms = list(MentoringForm.objects.filter(is_active=True).values_list("name", flat=True))
    assert len(active_forms) == 6
    stage1 = {str(v.sqref): v for v in book[S1_MENTEE].data_validations.dataValidation}
    assert stage1["A2:A501"].type == "list"
    assert stage1["A2:A501"].formula1 == '"' + ",".join(active_forms) + '"'
    assert stage1["A2:A501"].errorStyle == "stop"
    assert (stage1["B2:B501"].type, stage1["B2:B501"].formula1) == ("whole", "1")
    stage2 = {str(v.sqref): v for v in book[S2_MENTEE].data_validations.dataValidation}
    assert stage2["A2:A501"].formula1 == '"' + ",".join(active_forms) + '"'
    assert (stage2["B2:B501"].type, stage2["B2:B501"].formula1) == ("list", '"в начале,в конце"')
    assert stage2["C2:C501"].type == "whole"
    # Averages are text cells, so that Excel never turns «7.5» into a date.
    assert book[S2_MENTEE].column_dimensions["D"].number_format == "@"

    instruction = " ".join(
        str(v) for row in book["Инструкция"].iter_rows(values_only=True) for v in row if v
    )
    for phrase in (
        "средний балл группы",
        "от 1 до 10",
        "две строки на форму",
        "«в начале» и «в конце»",
        "Формулы не принимаются",
        S2_MENTOR,
        quality.title,
    ):
        assert phrase in instruction


@pytest.mark.django_db
def test_template_sheet_titles_are_excel_safe_and_unique(known, report):
    municipality = known["municipality"]
    for title in (
        "Анкета: [пилот] / 2021? *черновик*",
        "Анкета  [пилот]   2021   черновик — дополнительная очень длинная",
        "анкета: [ПИЛОТ] / 2021? *черновик*",  # the same once cleaned, in another case
        "Инструкция",
    ):
        Questionnaire.objects.create(
            municipality=municipality, stage=Stage.QUALITY, respondent="mentee", title=title
        )
    book = book_of(answers_io.answers_template(report))
    names = book.sheetnames
    assert len({n.casefold() for n in names}) == len(names)
    assert all(len(n) <= 31 and not re.search(r"[\\/?*\[\]:]", n) for n in names)
    assert names[2:6] == [  # position 0, like the first default questionnaire: by id then
        "Анкета пилот 2021 черновик",
        "Анкета пилот 2021 черновик (2)",
        "анкета ПИЛОТ 2021 черновик (3)",
        "Инструкция (2)",
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=6))
def test_any_questionnaire_titles_give_distinct_storable_sheet_names(titles):
    items = [Questionnaire(pk=n, title=title) for n, title in enumerate(titles, start=1)]
    names = answers_io.sheet_titles(items)
    shown = list(names.values())
    assert len(shown) == len(titles)
    assert len({answers_io._title_key(n) for n in shown}) == len(shown)
    reserved = {"инструкция", "списки", "history"}
    for name in shown:
        assert 1 <= len(name) <= 31
        assert name.casefold() not in reserved
        assert not name.startswith("'") and not name.endswith("'")
    book = Workbook()
    for name in shown:
        book.create_sheet(name)
    assert load_workbook(io.BytesIO(content_of(book))).sheetnames[1:] == shown


# ---------------------------------------------------------------- importing


@pytest.mark.django_db
def test_a_filled_template_is_imported(known, report, forms):
    municipality = known["municipality"]
    quality = questionnaire(municipality, Stage.QUALITY)
    growth = questionnaire(municipality, Stage.MOTIVATION)
    book = book_of(answers_io.answers_template(report))

    sheet = book[S1_MENTEE]
    # Nine questions: text with a comma, numbers, text with a point, spaces around.
    sheet.append([FORM, 12, "7,5", 8, 9.25, " 6,75 ", "10", "1", "5,5", "7.5", "8,0"])
    sheet.append(["учитель – учитель", "4", *["9"] * 9])
    sheet = book[S2_MENTEE]
    sheet.append([FORM, "в начале", 11, "5", "5,5", "6", "4,25", "5", "6"])
    sheet.append(["Учитель - ученик", "В конце", 11.0, "7", "7,5", "8", "6,75", "7", "8"])
    assert book[S2_MENTOR].max_row == 1  # left empty: skipped

    assert answers_io.import_answers(report, upload(content_of(book))) == 4

    saved = AnswerSet.objects.get(report=report, questionnaire=quality, form=forms[FORM])
    assert (saved.moment, saved.respondents) == (Moment.ONCE, 12)
    averages = [a.average for a in saved.answers.order_by("question__position")]
    expected = ["7.5", "8", "9.25", "6.75", "10", "1", "5.5", "7.5", "8"]
    assert averages == [Decimal(v).quantize(Decimal("0.01")) for v in expected]
    teachers = AnswerSet.objects.get(form=forms["учитель – учитель"])
    assert teachers.respondents == 4
    assert set(teachers.answers.values_list("average", flat=True)) == {Decimal("9.00")}
    start, end = (
        AnswerSet.objects.get(questionnaire=growth, form=forms[FORM], moment=moment)
        for moment in (Moment.START, Moment.END)
    )
    assert (start.respondents, end.respondents) == (11, 11)
    assert [a.average for a in start.answers.order_by("question__position")] == [
        Decimal(v) for v in ("5.00", "5.50", "6.00", "4.25", "5.00", "6.00")
    ]
    assert end.answers.get(question__position=4).average == Decimal("6.75")
    assert Answer.objects.filter(answer_set__report=report).count() == 9 + 9 + 6 + 6


@pytest.mark.django_db
def test_export_then_import_round_trips_unchanged(known, report, forms):
    municipality = known["municipality"]
    quality = questionnaire(municipality, Stage.QUALITY)
    growth = questionnaire(municipality, Stage.MOTIVATION, "mentor")
    save(report, quality, forms[FORM], Moment.ONCE, 25, "7,35")
    save(report, growth, forms["учитель – учитель"], Moment.END, 3, "9")
    save(report, growth, forms["учитель – учитель"], Moment.START, 3, "6.5")
    retired = forms["работодатель – студент"]
    save(report, quality, retired, Moment.ONCE, 2, "10")
    MentoringForm.objects.filter(pk=retired.pk).update(is_active=False)  # still listed: in use
    before, ids = snapshot(report), set(AnswerSet.objects.values_list("pk", flat=True))

    content = answers_io.answers_template(report)
    book = book_of(content)
    rows = list(book[S1_MENTEE].iter_rows(min_row=2, values_only=True))
    assert rows == [  # in the forms' order
        ("работодатель – студент", 2, *["10"] * 9),
        (FORM, 25, *["7,35"] * 9),
    ]
    rows = list(book[S2_MENTOR].iter_rows(min_row=2, values_only=True))
    assert rows == [
        ("учитель – учитель", "в начале", 3, *["6,5"] * 5),
        ("учитель – учитель", "в конце", 3, *["9"] * 5),
    ]

    assert answers_io.import_answers(report, upload(content)) == 4
    assert snapshot(report) == before
    assert set(AnswerSet.objects.values_list("pk", flat=True)) == ids


@pytest.mark.django_db
def test_sheets_left_out_or_empty_are_left_alone(known, report, forms):
    municipality = known["municipality"]
    mentor_quality = questionnaire(municipality, Stage.QUALITY, "mentor")
    mentor_growth = questionnaire(municipality, Stage.MOTIVATION, "mentor")
    save(report, mentor_quality, forms[FORM], Moment.ONCE, 5, "6")
    save(report, mentor_growth, forms[FORM], Moment.START, 5, "4")
    before = snapshot(report)
    book = book_of(answers_io.answers_template(report))
    del book[S1_MENTOR]
    book[S2_MENTOR].delete_rows(2, 10)  # only the headers are left
    book[S1_MENTEE].append([FORM, 7, *["8"] * 9])

    assert answers_io.import_answers(report, upload(content_of(book))) == 1
    after = snapshot(report)
    assert len(after) == 3
    assert {k: v for k, v in after.items() if k in before} == before


@pytest.mark.django_db
def test_every_problem_is_named_with_sheet_row_and_column_and_nothing_is_saved(
    known, report, forms
):
    municipality = known["municipality"]
    quality = questionnaire(municipality, Stage.QUALITY)
    save(report, quality, forms[FORM], Moment.ONCE, 30, "5")
    before, count = snapshot(report), AnswerSet.objects.count()

    book = book_of(answers_io.answers_template(report))
    sheet = book[S1_MENTEE]
    sheet.delete_rows(2)
    sheet.cell(row=1, column=12, value="Замер")  # a moment column on a stage I sheet
    sheet.append([FORM, 10, *["8"] * 9])  # row 2: fine, but the file is refused as a whole
    sheet.append(["ученик – космонавт", 0, "7", "7", "11", "семь", None, "7", "7", "7", "7"])
    sheet.append([FORM, 10, *["8"] * 9, "в начале"])  # row 4: a repeat, with a moment
    sheet = book[S2_MENTEE]
    sheet.append([FORM, None, "десять", "=1+1", "6", "6", "6", "6", "6"])
    sheet.append([FORM, "в середине", 5, "7,5", "6", "6", "6", "6", "6"])
    sheet.append([FORM, "в конце", "5", "7,5", "6", "6", "6", "6", "0,5"])
    book.create_sheet("Мои заметки")["A1"] = "черновик"

    messages = refused(report, content_of(book))

    s1, s2 = f"Лист «{S1_MENTEE}»", f"Лист «{S2_MENTEE}»"
    assert messages[0].startswith(
        f"{s1}, строка 3, столбец «Форма наставничества»: «ученик – космонавт» — такого "
        "значения нет в списке; допустимые значения: «ученик – ученик», «учитель – учитель»"
    )
    assert messages[1:] == [
        f"{s1}, строка 3, столбец «Число ответивших»: 0 — число должно быть от 1 до 100000.",
        f"{s1}, строка 3, столбец «3. Насколько наставник помог в решении…»: "
        "средний балл должен быть от 1 до 10.",
        f"{s1}, строка 3, столбец «4. Насколько полезными и интересными…»: «семь» — не число.",
        f"{s1}, строка 3, столбец «5. Насколько полезными и интересными…»: не указан средний балл.",
        f"{s1}, строка 4, столбец «Форма наставничества»: "
        "форма «учитель – ученик» уже указана в строке 2.",
        f"{s1}, строка 4, столбец «Замер»: "
        "анкета I этапа заполняется один раз, без замера; очистите ячейку.",
        f"{s2}, строка 2, столбец «Замер»: "
        "укажите замер для анкеты II этапа: «в начале» или «в конце».",
        f"{s2}, строка 2, столбец «Число ответивших»: «десять» — нужно целое число.",
        f"{s2}, строка 2, столбец «1. Мотивация к учёбе и саморазвитию»: "
        "формулы не принимаются; введите значение.",
        f"{s2}, строка 3, столбец «Замер»: «в середине» — такого значения нет в списке; "
        "допустимые значения: «в начале», «в конце».",
        f"{s2}, строка 4, столбец «6. Умение ставить цели и добиваться их»: "
        "средний балл должен быть от 1 до 10.",
        f"Лист «Мои заметки»: нет анкеты с таким названием листа (листы анкет: «{S1_MENTEE}», "
        f"«{S1_MENTOR}», «{S2_MENTEE}», «{S2_MENTOR}»). Не переименовывайте листы шаблона; "
        "лишний лист удалите.",
    ]
    assert AnswerSet.objects.count() == count
    assert snapshot(report) == before


@pytest.mark.django_db
def test_duplicate_rows_differ_by_moment_on_stage_two(known, report, forms):
    book = book_of(answers_io.answers_template(report))
    sheet = book[S2_MENTEE]
    sheet.append([FORM, "в начале", 5, *["6"] * 6])
    sheet.append([FORM, "в конце", 5, *["7"] * 6])
    sheet.append(["Учитель – Ученик", "в начале", 6, *["8"] * 6])
    messages = refused(report, content_of(book))
    assert messages == [
        f"Лист «{S2_MENTEE}», строка 4, столбец «Форма наставничества»: форма «учитель – ученик» "
        "с замером «в начале» уже указана в строке 2."
    ]
    assert not AnswerSet.objects.exists()


@pytest.mark.django_db
def test_missing_columns_are_named_per_sheet(known, report, forms):
    book = book_of(answers_io.answers_template(report))
    sheet = book[S1_MENTEE]
    sheet.delete_cols(4)  # question 2
    sheet.append([FORM, 10, *["8"] * 8])
    sheet = book[S2_MENTEE]
    sheet.delete_cols(2)  # «Замер»
    sheet.append([FORM, 10, *["8"] * 6])
    book[S2_MENTOR].delete_cols(1)  # no data: the sheet is skipped, its headers unchecked
    assert refused(report, content_of(book)) == [
        f"Лист «{S1_MENTEE}»: нет столбца «2. Насколько комфортно было общение с…». "
        "Не меняйте заголовки в первой строке; скачайте шаблон заново, если их изменили.",
        f"Лист «{S2_MENTEE}»: нет столбца «Замер». "
        "Не меняйте заголовки в первой строке; скачайте шаблон заново, если их изменили.",
    ]


@pytest.mark.django_db
def test_headers_may_move_and_differ_in_case_and_spacing(known, report, forms):
    book = book_of(answers_io.answers_template(report))
    sheet = book[S2_MENTOR]
    values = headers(sheet)
    reordered = [values[2], values[0], *reversed(values[3:]), values[1], "Примечание"]
    sheet.delete_rows(1)
    sheet.append([f"  {v.upper()} *" if v == "Число ответивших" else v for v in reordered])
    sheet.append([3, FORM, "1", "2", "3", "4", "5", "в конце", "любой текст"])
    assert answers_io.import_answers(report, upload(content_of(book))) == 1
    saved = AnswerSet.objects.get()
    assert (saved.moment, saved.respondents) == (Moment.END, 3)
    assert [a.average for a in saved.answers.order_by("question__position")] == [
        Decimal(n) for n in (5, 4, 3, 2, 1)
    ]


def _exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("setup.exe", _exe(), "Файл «setup.exe» не принят: по содержимому это не XLSX."),
        ("ответы.xlsx", _exe(), "Файл «ответы.xlsx» не принят: по содержимому это не XLSX."),
        (
            "ответы.xlsx",
            "Форма наставничества;Число ответивших\nучитель – ученик;5\n".encode(),
            "Файл «ответы.xlsx» не принят: по содержимому это не XLSX.",
        ),
        ("пустой.xlsx", b"", "Файл «пустой.xlsx» пустой."),
    ],
)
def test_not_an_xlsx_is_refused_by_content(known, report, name, content, expected):
    messages = refused(report, content, name)
    assert messages[0].startswith(expected)
    assert not AnswerSet.objects.exists()


@pytest.mark.django_db
def test_a_file_without_questionnaire_sheets_or_rows_is_refused(known, report):
    book = Workbook()
    book.active.title = "Лист1"
    assert refused(report, content_of(book)) == [
        "В файле «Результаты анкет.xlsx» нет ни одного листа анкеты. Скачайте шаблон "
        "результатов анкетирования и заполните его."
    ]
    assert refused(report, answers_io.answers_template(report)) == [
        "В файле «Результаты анкет.xlsx» не заполнено ни одной строки: загружать нечего."
    ]


@pytest.mark.django_db
def test_a_submitted_report_is_refused_and_a_returned_one_accepted(
    known, report, forms, curator_a, staff
):
    book = book_of(answers_io.answers_template(report))
    book[S1_MENTEE].append([FORM, 10, *["8"] * 9])
    content = content_of(book)
    services.submit_report(user=curator_a, report=report)
    assert refused(report, content) == [
        "Отчёт «на проверке»: изменять его нельзя. "
        "Изменить можно черновик или отчёт, возвращённый на доработку."
    ]
    assert not AnswerSet.objects.exists()
    services.review_report(user=staff, report=report, accept=False, comment="Нет анкет")
    assert answers_io.import_answers(report, upload(content)) == 1


@pytest.mark.django_db
def test_a_formula_in_an_average_is_refused(known, report, forms):
    """registry/xlsx_io opens files with cached values (data_only): a formula written by a
    program has none and reads as an empty cell, one saved by Excel reads as its result.
    Averages are read with their formulas and refused, as the instruction says."""
    book = book_of(answers_io.answers_template(report))
    sheet = book[S1_MENTEE]
    sheet.append([FORM, 10, "=1+1", *["8"] * 8])
    sheet.append(["учитель – учитель", 10, *["8"] * 8, "=1+1"])
    sheet["K3"].data_type = "s"  # typed as text, still starting with «=»
    content = content_of(book)
    cached = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    assert cached[S1_MENTEE]["C2"].value is None  # what xlsx_io would see: a blank cell
    assert cached[S1_MENTEE]["K3"].value == "=1+1"

    first, last = "1. Эффективность программы…", "9. Насколько оправдались ваши ожидания…"
    assert refused(report, content) == [
        f"Лист «{S1_MENTEE}», строка 2, столбец «{first}»: "
        "формулы не принимаются; введите значение.",
        f"Лист «{S1_MENTEE}», строка 3, столбец «{last}»: "
        "формулы не принимаются; введите значение.",
    ]
    assert not AnswerSet.objects.exists()


@pytest.mark.django_db
def test_a_date_made_by_excel_from_an_average_is_explained(known, report, forms):
    book = book_of(answers_io.answers_template(report))
    book[S1_MENTEE].append([FORM, 10, dt.datetime(2021, 5, 7), *["8"] * 8])
    (message,) = refused(report, content_of(book))
    assert "дата или время, а не число" in message
    assert "например 7,5" in message


# ---------------------------------------------------------------- parsing an average


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_average_in_range_typed_with_a_comma_or_a_point_round_trips(data):
    scale_max = data.draw(st.integers(min_value=2, max_value=100), label="scale_max")
    value = data.draw(
        st.decimals(min_value=1, max_value=scale_max, allow_nan=False, allow_infinity=False),
        label="value",
    )
    separator = data.draw(st.sampled_from([",", "."]), label="separator")
    text = format(value, "f").replace(".", separator)
    # Through a text cell of a real file, as the import reads it.
    book = Workbook()
    book.active["A1"] = text
    book.active["A1"].data_type = "s"
    cell = load_workbook(io.BytesIO(content_of(book)), read_only=True).active["A1"].value
    assert cell == text
    expected = value.quantize(Decimal("0.01"))
    assert answers_io.average_from_cell(cell, scale_max) == expected
    assert answers_io.average_from_cell(f" {text}\u00a0", scale_max) == expected


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=2, max_value=100), st.integers(min_value=100, max_value=10_000))
def test_numbers_with_two_places_read_as_numbers_stay_exact(scale_max, hundredths):
    value = Decimal(min(hundredths, scale_max * 100)) / 100
    assert answers_io.average_from_cell(float(value), scale_max) == value
    if value == value.to_integral_value():
        assert answers_io.average_from_cell(int(value), scale_max) == value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "не указан средний балл"),
        ("   ", "не указан средний балл"),
        ("0,99", "средний балл должен быть от 1 до 10"),
        ("10,01", "средний балл должен быть от 1 до 10"),
        (0, "средний балл должен быть от 1 до 10"),
        ("7,5,1", "«7,5,1» — не число"),
        ("семь", "«семь» — не число"),
        ("NaN", "средний балл должен быть от 1 до 10"),
        (True, "нужно число"),
        ("=A1*2", "формулы не принимаются; введите значение"),
    ],
)
def test_bad_averages(raw, message):
    with pytest.raises(ValidationError) as error:
        answers_io.average_from_cell(raw, 10)
    assert error.value.messages == [message]


@pytest.mark.django_db
def test_a_form_name_with_a_comma_puts_the_list_on_a_hidden_sheet(known, report, forms):
    MentoringForm.objects.create(
        name="наставник, группа", mentor_kinds=["teacher"], mentee_kinds=["pupil"], position=9
    )
    book = book_of(answers_io.answers_template(report))
    assert book.sheetnames[-1] == "Списки"
    assert book["Списки"].sheet_state == "hidden"
    assert [c.value for c in book["Списки"]["A"]][-1] == "наставник, группа"
    assert book["Списки"].max_column == 1  # one list shared by all the sheets
    for title in (S1_MENTEE, S2_MENTOR):
        (form_list,) = (
            v for v in book[title].data_validations.dataValidation if str(v.sqref) == "A2:A501"
        )
        assert form_list.formula1 == "'Списки'!$A$1:$A$7"
    book[S1_MENTEE].append(["Наставник, группа", 6, *["9"] * 9])
    assert answers_io.import_answers(report, upload(content_of(book))) == 1
    assert AnswerSet.objects.get().form.name == "наставник, группа"


@pytest.mark.django_db
def test_too_many_rows_on_a_sheet_are_refused(known, report, forms):
    book = book_of(answers_io.answers_template(report))
    for _ in range(answers_io.MAX_ROWS + 1):
        book[S2_MENTOR].append([FORM, "в начале", 1, *["5"] * 5])
    assert refused(report, content_of(book)) == [
        f"Лист «{S2_MENTOR}»: больше 500 заполненных строк; "
        "на листе нужна одна строка на форму наставничества (и замер)."
    ]
