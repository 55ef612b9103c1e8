"""The Р-145 questionnaires' aggregated answers through XLSX: a template, and a strict import.

One sheet per active questionnaire of the report's municipality; one row per form of mentoring
(and, for stage II, per moment: at the start and at the end), with the number of respondents
and the group's average score for every question. The template is prefilled with what the
report already holds, so export → edit → import round-trips.

The import never trusts the file: its type is checked by content, every cell is cleaned, and
every problem is reported at once with the sheet, row and column the user sees in Excel.
Then all rows are saved through `services.save_answer_set` in one transaction, or none.

The file is checked and opened by `core.xlsx.reader.read_book` and cells are cleaned by its
`clean_value`; the sheets are walked here (`read_sheet` reads only the first one). Like every
reader, this one reads the formulas themselves (not their cached values) and refuses them, as
the instruction sheet says.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.files import XLSX, safe_filename, validate_upload
from core.office_limits import xlsx_limits
from core.xlsx.reader import NUMBER_SPACES, clean_value, is_blank, is_formula, read_book
from core.xlsx.spec import (
    EXTRA_COLUMN_CHARS,
    EXTRA_COLUMNS,
    NUMBER_CHARS,
    SPACES,
    Column,
    ImportFileError,
    header_key,
)
from core.xlsx.writer import (
    BORDER,
    INSTRUCTION_SHEET,
    LISTS_SHEET,
    SHEET_TITLE_MAX,
    TEXT_FORMAT,
    WRAP_TOP,
    clean_sheet_title,
    list_formula,
    set_cell,
    style_header,
    template_comment,
)
from monitoring import services
from monitoring.models import AnswerSet, Moment, Question, Questionnaire, SchoolReport, Stage
from registry.models import MentoringForm

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 500  # data rows per sheet; a school has a handful of forms × two moments
MAX_SHEETS = 100
RESPONDENTS_MAX = 100_000
COLUMN_SHOWN = 40  # characters of a column header quoted in an error message

FORM_HEADER = "Форма наставничества"
MOMENT_HEADER = "Замер"
RESPONDENTS_HEADER = "Число ответивших"
MOMENT_LABELS = {Moment.START: "в начале", Moment.END: "в конце"}
STAGE_LABELS = {Stage.QUALITY: "I", Stage.MOTIVATION: "II"}

_TITLE_TAIL = " .,;:-–—'"
_RESERVED_TITLES = (INSTRUCTION_SHEET, LISTS_SHEET, "History")


# ---------------------------------------------------------------- sheets of questionnaires


def _title_key(title: str) -> str:
    """A sheet's title as sheets are told apart: case, «ё» and runs of spaces aside."""
    return header_key(title)


def _base_title(questionnaire: Questionnaire) -> str:
    """The questionnaire's title as Excel allows a sheet's: no \\ / ? * [ ] :, ≤ 31 chars,
    cut at a word if it is long («Этап I. Анкета наставляемого: …» → «Этап I. Анкета
    наставляемого»)."""
    text = clean_sheet_title(questionnaire.title)
    text = SPACES.sub(" ", text).strip(_TITLE_TAIL)
    if len(text) > SHEET_TITLE_MAX:
        cut = text[: SHEET_TITLE_MAX + 1].rsplit(" ", 1)[0].rstrip(_TITLE_TAIL)
        text = cut if len(cut) >= 12 else text[:SHEET_TITLE_MAX].rstrip(_TITLE_TAIL)
    return text or f"Анкета {questionnaire.pk}"


def sheet_titles(questionnaires) -> dict[int, str]:
    """Questionnaire id -> its sheet's title: Excel-safe, ≤ 31 characters, unique regardless
    of case, never the instruction's or the lists' title. Deterministic for the same list."""
    used = {_title_key(title) for title in _RESERVED_TITLES}
    titles: dict[int, str] = {}
    for questionnaire in questionnaires:
        base = title = _base_title(questionnaire)
        number = 2
        while _title_key(title) in used:
            suffix = f" ({number})"
            title = base[: SHEET_TITLE_MAX - len(suffix)].rstrip(_TITLE_TAIL) + suffix
            number += 1
        used.add(_title_key(title))
        titles[questionnaire.pk] = title
    return titles


def question_headers(questions) -> list[str]:
    """«1. Текст вопроса» — numbered by the questions' positions, or in order if they clash."""
    numbers = [q.position for q in questions]
    if len(set(numbers)) != len(numbers) or any(n < 1 for n in numbers):
        numbers = list(range(1, len(questions) + 1))
    return [f"{n}. {' '.join(q.text.split())}" for n, q in zip(numbers, questions, strict=True)]


@dataclass(frozen=True)
class _Sheet:
    questionnaire: Questionnaire
    title: str
    questions: tuple[Question, ...]
    headers: tuple[str, ...]  # one per question

    @property
    def has_moments(self) -> bool:
        return self.questionnaire.stage == Stage.MOTIVATION


def _sheets(report: SchoolReport) -> list[_Sheet]:
    questionnaires = list(
        Questionnaire.objects.filter(
            municipality_id=report.period.municipality_id, is_active=True
        ).prefetch_related("questions")
    )
    titles = sheet_titles(questionnaires)
    sheets = []
    for questionnaire in questionnaires:
        questions = tuple(questionnaire.questions.all())
        sheets.append(
            _Sheet(
                questionnaire,
                titles[questionnaire.pk],
                questions,
                tuple(question_headers(questions)),
            )
        )
    return sheets


def _forms(report: SchoolReport) -> dict[str, MentoringForm]:
    """Name -> form: the active forms, and any form the report already has answers for."""
    forms = {f.name: f for f in MentoringForm.objects.filter(is_active=True)}
    used = MentoringForm.objects.filter(pk__in=report.answer_sets.values("form_id"))
    for form in used.order_by("position", "name"):
        forms.setdefault(form.name, form)
    return forms


def _columns(forms: dict[str, MentoringForm]) -> tuple[Column, Column, Column]:
    form = Column(
        "form",
        FORM_HEADER,
        kind="choice",
        choices=tuple(forms) or ("—",),
        required=True,
        width=26,
    )
    moment = Column(
        "moment", MOMENT_HEADER, kind="choice", choices=tuple(MOMENT_LABELS.values()), width=12
    )
    respondents = Column(
        "respondents",
        RESPONDENTS_HEADER,
        kind="int",
        required=True,
        min_value=1,
        max_value=RESPONDENTS_MAX,
        width=13,
    )
    return form, moment, respondents


# ---------------------------------------------------------------- the template


def _decimal_text(value: Decimal) -> str:
    """7.50 -> «7,5», 8.00 -> «8»: as a person types it in a Russian Excel."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _moment_order(moment: str) -> int:
    return {Moment.ONCE: 0, Moment.START: 1, Moment.END: 2}.get(moment, 3)


def _validation(sheet, letter: str, **options) -> None:
    validation = DataValidation(
        allow_blank=True, showErrorMessage=True, showInputMessage=True, **options
    )
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(validation)


def _write_sheet(book, sheet_info: _Sheet, forms, answer_sets, lists_state: dict) -> None:
    questionnaire = sheet_info.questionnaire
    scale_max = questionnaire.scale_max
    form_column, moment_column, respondents_column = _columns(forms)
    fixed = [form_column, moment_column] if sheet_info.has_moments else [form_column]
    fixed.append(respondents_column)
    sheet = book.create_sheet(sheet_info.title)
    hints = {
        FORM_HEADER: "Выберите форму наставничества из списка. Одна строка — одна форма."
        if not sheet_info.has_moments
        else "Выберите форму наставничества из списка. Для каждой формы — две строки: "
        "замер в начале и замер в конце программы.",
        MOMENT_HEADER: "Когда проводилось анкетирование: «в начале» или «в конце» программы.",
        RESPONDENTS_HEADER: "Сколько человек этой группы заполнили анкету: целое число, "
        "не меньше 1.",
    }
    headers = [c.header for c in fixed] + list(sheet_info.headers)
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        set_cell(cell, header)
        style_header(cell)
        cell.comment = template_comment(
            hints.get(
                header,
                f"Средний балл группы по этому вопросу: число от 1 до {scale_max}, "
                "например 7,5. Дробную часть отделяйте запятой или точкой.",
            ),
            width=280,
            height=120,
        )
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        if index <= len(fixed):
            column = fixed[index - 1]
            dimension.width = column.width
            if column.kind == "choice":
                dimension.number_format = TEXT_FORMAT
                _validation(
                    sheet,
                    letter,
                    type="list",
                    formula1=list_formula(book, column.choices, lists_state),
                    errorStyle="stop",
                    errorTitle="Нет такого значения",
                    error="Выберите значение из выпадающего списка.",
                )
            else:
                dimension.number_format = "0"
                _validation(
                    sheet,
                    letter,
                    type="whole",
                    operator="between",
                    formula1="1",
                    formula2=str(RESPONDENTS_MAX),
                    errorStyle="stop",
                    errorTitle="Число ответивших",
                    error="Введите целое число не меньше 1.",
                )
        else:
            # Text, so that Excel never turns «7.5» into the 7th of May; «7,5» and «7.5» are
            # both read as numbers on import.
            dimension.width = 18
            dimension.number_format = TEXT_FORMAT
    sheet.row_dimensions[1].height = 90
    sheet.freeze_panes = sheet.cell(row=2, column=len(fixed) + 1).coordinate

    mine = sorted(
        (a for a in answer_sets if a.questionnaire_id == questionnaire.pk),
        key=lambda a: (a.form.position, a.form.name, _moment_order(a.moment)),
    )
    for row, answer_set in enumerate(mine, start=2):
        averages = {a.question_id: a.average for a in answer_set.answers.all()}
        values: list[object] = [answer_set.form.name]
        if sheet_info.has_moments:
            values.append(MOMENT_LABELS.get(answer_set.moment, answer_set.moment))
        values.append(answer_set.respondents)
        for question in sheet_info.questions:
            average = averages.get(question.pk)
            values.append(None if average is None else _decimal_text(average))
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=index)
            set_cell(cell, value)
            cell.number_format = "0" if index == len(fixed) else TEXT_FORMAT
            cell.border = BORDER


def _write_instruction(sheet, sheets: list[_Sheet]) -> None:
    lines = [
        "Каждый лист — одна анкета. Названия листов и первую строку с заголовками "
        "не меняйте: по ним анкеты и вопросы узнаются при загрузке.",
        "Одна строка — результаты одной группы опрошенных по одной форме наставничества. "
        "Для анкет I этапа — одна строка на форму. Для анкет II этапа — две строки на "
        "форму: «в начале» и «в конце» программы (столбец «Замер»).",
        "«Число ответивших» — сколько человек этой группы заполнили анкету: целое число, "
        "не меньше 1.",
        "В столбцах вопросов укажите средний балл группы по вопросу: сумму баллов всех "
        "ответивших, делённую на их число. Не ответы одного человека, а среднее по группе.",
        "Средний балл — число от 1 до наибольшего балла шкалы анкеты (см. таблицу ниже), "
        "например 7,5. Дробную часть можно отделять запятой или точкой; хранятся два знака "
        "после запятой, остальные округляются.",
        "В заполненной строке обязательны все ячейки: форма, замер (для II этапа), число "
        "ответивших и средний балл по каждому вопросу.",
        "Одна форма (и один замер) — не больше одной строки на листе.",
        "Формулы не принимаются: вводите сами значения.",
        "Строки, уже внесённые в отчёт, в шаблоне заполнены: их можно исправить. Загруженная "
        "строка заменяет прежние результаты той же анкеты, формы и замера.",
        "Пустой лист пропускается; анкеты, листов которых нет в файле, не меняются. "
        "Загрузка ничего не удаляет: строку, убранную из файла, удалите в отчёте.",
        "Файл загружается целиком или не загружается совсем: если найдутся ошибки, вы увидите "
        "их список с названием листа, номером строки и столбцом; исправьте их и загрузите "
        "файл снова.",
        "Сохраните файл в формате «Книга Excel (*.xlsx)».",
    ]
    title = sheet.cell(row=1, column=1)
    set_cell(title, "Как заполнить результаты анкетирования (Р-145)")
    title.font = Font(bold=True, size=14)
    for offset, line in enumerate(lines, start=1):
        set_cell(sheet.cell(row=offset + 2, column=1), f"{offset}.")
        cell = sheet.cell(row=offset + 2, column=2)
        set_cell(cell, line)
        cell.alignment = WRAP_TOP
    row = len(lines) + 4
    heads = ("Лист", "Анкета", "Этап", "Кто отвечает", "Шкала", "Вопросов", "Строк на форму")
    for index, text in enumerate(heads, start=2):
        style_header(sheet.cell(row=row, column=index))
        set_cell(sheet.cell(row=row, column=index), text)
    for info in sheets:
        row += 1
        questionnaire = info.questionnaire
        values = (
            info.title,
            questionnaire.title,
            STAGE_LABELS.get(questionnaire.stage, str(questionnaire.stage)),
            questionnaire.get_respondent_display(),
            f"от 1 до {questionnaire.scale_max}",
            len(info.questions),
            "2 (в начале, в конце)" if info.has_moments else "1",
        )
        for index, value in enumerate(values, start=2):
            cell = sheet.cell(row=row, column=index)
            set_cell(cell, value)
            cell.alignment = WRAP_TOP
            cell.border = BORDER
    if not sheets:
        set_cell(sheet.cell(row=row + 1, column=2), "В муниципалитете нет действующих анкет.")
    for letter, width in zip("ABCDEFGH", (4, 80, 50, 6, 16, 12, 10, 16), strict=True):
        sheet.column_dimensions[letter].width = width


def answers_template(report: SchoolReport) -> bytes:
    """An XLSX with the instruction and one sheet per active questionnaire of the report's
    municipality, prefilled with the answers the report already holds."""
    report = SchoolReport.objects.select_related("period").get(pk=report.pk)
    sheets = _sheets(report)
    forms = _forms(report)
    answer_sets = list(
        AnswerSet.objects.filter(report=report).select_related("form").prefetch_related("answers")
    )
    book = Workbook()
    _write_instruction(book.active, sheets)
    book.active.title = INSTRUCTION_SHEET
    lists_state: dict = {}
    for info in sheets:
        _write_sheet(book, info, forms, answer_sets, lists_state)
    if "sheet" in lists_state:  # the hidden lists go last
        book.move_sheet(
            LISTS_SHEET, offset=len(book.sheetnames) - 1 - book.index(book[LISTS_SHEET])
        )
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- reading one cell


FORMULA_REFUSED = "формулы не принимаются; введите значение"


def average_from_cell(value, scale_max: int) -> Decimal:
    """A cell's average score: 7.5, 8, «7,5» or «7.5», from 1 to ``scale_max``, to 0.01.

    Raises ValidationError with a message that does not name the column."""
    if is_blank(value):
        raise ValidationError("не указан средний балл")
    if is_formula(value):
        raise ValidationError(FORMULA_REFUSED)
    if isinstance(value, (datetime, date, time, timedelta)):
        raise ValidationError(
            "в ячейке дата или время, а не число (Excel мог превратить «7.5» в дату); "
            "введите средний балл как текст, например 7,5"
        )
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise ValidationError("нужно число")
    if isinstance(value, float):
        text = f"{value:.15g}"
    elif isinstance(value, str):
        text = NUMBER_SPACES.sub("", value)
    else:
        text = str(value)
    label = "Средний балл"  # parse_average prefixes its messages with it; the place is named
    try:
        return services.parse_average(text, scale_max, label)
    except ValidationError as error:
        messages = [m.removeprefix(f"{label}: ").rstrip(".") for m in error.messages]
        if isinstance(value, str) and len(messages) == 1 and "не число" in messages[0]:
            shown = value.strip()
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            messages = [f"«{shown}» — не число"]
        raise ValidationError(messages) from None


def _clean(column: Column, value) -> tuple[object, str | None]:
    """xlsx_io's cleaning, without the column's name in the message (the place names it)."""
    if is_formula(value):
        return None, FORMULA_REFUSED
    clean, error = clean_value(column, value)
    if error:
        for prefix in (f"{column.header}: ", f"{column.header} — "):
            error = error.removeprefix(prefix)
    return clean, error


def _shorten(header: str) -> str:
    if len(header) <= COLUMN_SHOWN:
        return header
    cut = header[: COLUMN_SHOWN - 1].rsplit(" ", 1)[0].rstrip(" ,.;:—–-")
    return cut + "…"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _at(sheet: str, row: int | None = None, column: str | None = None) -> str:
    place = f"Лист «{sheet}»"
    if row is not None:
        place += f", строка {row}"
    if column is not None:
        place += f", столбец «{_shorten(column)}»"
    return place


# ---------------------------------------------------------------- reading the workbook


@dataclass
class _Row:
    sheet: _Sheet
    row: int
    form: MentoringForm
    moment: str
    respondents: int
    averages: dict[int, Decimal]


def _has_content(worksheet) -> bool:
    for count, cells in enumerate(worksheet.iter_rows(values_only=True)):
        if any(not is_blank(v) for v in cells):
            return True
        if count > MAX_ROWS * 10:
            return False
    return False


def _match_header(info: _Sheet, header: tuple, columns, errors: list[str]) -> dict[str, int]:
    """Column key -> 0-based position; missing columns are reported and yield {}."""
    form_column, moment_column, respondents_column = columns
    wanted = {
        header_key(form_column.header): "form",
        header_key(moment_column.header): "moment",
        header_key(respondents_column.header): "respondents",
    }
    for index, text in enumerate(info.headers):
        wanted[header_key(text)] = f"q{index}"
    positions: dict[str, int] = {}
    shown = {"form": FORM_HEADER, "moment": MOMENT_HEADER, "respondents": RESPONDENTS_HEADER}
    shown.update({f"q{i}": text for i, text in enumerate(info.headers)})
    problems = []
    for index, raw in enumerate(header):
        if is_blank(raw):
            continue
        key = wanted.get(header_key(raw))
        if key is None:
            continue
        if key in positions:
            problems.append(
                f"{_at(info.title, column=shown[key])}: столбец встречается дважды; оставьте один."
            )
        positions[key] = index
    required = ["form", "moment", "respondents"] if info.has_moments else ["form", "respondents"]
    required += [f"q{i}" for i in range(len(info.headers))]
    missing = [shown[k] for k in required if k not in positions]
    if missing:
        what = "столбцов" if len(missing) > 1 else "столбца"
        listed = ", ".join(f"«{_shorten(m)}»" for m in missing)
        problems.append(
            f"{_at(info.title)}: нет {what} {listed}. Не меняйте заголовки в первой строке; "
            "скачайте шаблон заново, если их изменили."
        )
    errors.extend(problems)
    return {} if problems else positions


def _read_sheet(worksheet, info: _Sheet, forms, errors: list[str]) -> list[_Row]:
    rows_iter = worksheet.iter_rows(values_only=True)
    header = next(rows_iter, None)
    data: list[tuple[int, tuple]] = []
    for number, cells in enumerate(rows_iter, start=2):
        if all(is_blank(v) for v in cells):
            continue
        data.append((number, cells))
        if len(data) > MAX_ROWS:
            errors.append(
                f"{_at(info.title)}: больше {MAX_ROWS} заполненных строк; "
                "на листе нужна одна строка на форму наставничества (и замер)."
            )
            return []
    if not data:
        return []  # an empty sheet is skipped
    if header is None or all(is_blank(v) for v in header):
        errors.append(
            f"{_at(info.title)}: в первой строке нет заголовков столбцов. "
            "Скачайте шаблон и заполните его."
        )
        return []
    if not info.questions:
        errors.append(f"{_at(info.title)}: в анкете нет вопросов — заполнять нечего.")
        return []
    columns = _columns(forms)
    form_column, moment_column, respondents_column = columns
    positions = _match_header(info, header, columns, errors)
    if not positions:
        return []

    def cell(cells, key):
        index = positions.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    rows: list[_Row] = []
    seen: dict[tuple[int, str], int] = {}
    for number, cells in data:
        problems: list[tuple[str, str]] = []
        raw = cell(cells, "form")
        form = None
        if is_blank(raw):
            problems.append((FORM_HEADER, "укажите форму наставничества"))
        else:
            name, error = _clean(form_column, raw)
            if error:
                problems.append((FORM_HEADER, error))
            else:
                form = forms[name]
        raw = cell(cells, "moment")
        moment = Moment.ONCE if not info.has_moments else None
        if info.has_moments:
            if is_blank(raw):
                problems.append(
                    (MOMENT_HEADER, "укажите замер для анкеты II этапа: «в начале» или «в конце»")
                )
            else:
                label, error = _clean(moment_column, raw)
                if error:
                    problems.append((MOMENT_HEADER, error))
                else:
                    moment = {v: k for k, v in MOMENT_LABELS.items()}[label]
        elif not is_blank(raw):
            problems.append(
                (MOMENT_HEADER, "анкета I этапа заполняется один раз, без замера; очистите ячейку")
            )
        raw = cell(cells, "respondents")
        respondents = None
        if is_blank(raw):
            problems.append((RESPONDENTS_HEADER, "укажите число ответивших"))
        else:
            respondents, error = _clean(respondents_column, raw)
            if error:
                problems.append((RESPONDENTS_HEADER, error))
        averages: dict[int, Decimal] = {}
        for index, (question, header_text) in enumerate(
            zip(info.questions, info.headers, strict=True)
        ):
            try:
                averages[question.pk] = average_from_cell(
                    cell(cells, f"q{index}"), info.questionnaire.scale_max
                )
            except ValidationError as error:
                problems.extend((header_text, m) for m in error.messages)
        if form is not None and moment is not None:
            key = (form.pk, moment)
            if key in seen:
                what = f"форма «{form.name}»"
                if moment:
                    what += f" с замером «{MOMENT_LABELS[moment]}»"
                problems.insert(0, (FORM_HEADER, f"{what} уже указана в строке {seen[key]}"))
            else:
                seen[key] = number
        if problems:
            errors.extend(
                f"{_at(info.title, number, column)}: {_sentence(message)}"
                for column, message in problems
            )
        else:
            rows.append(_Row(info, number, form, moment, respondents, averages))
    return rows


def _read_book(book, report: SchoolReport, name: str, errors: list[str]) -> list[_Row]:
    worksheets = book.worksheets
    if not worksheets:
        raise ValidationError(f"Файл «{name}» пустой: в нём нет ни одного листа.")
    if len(worksheets) > MAX_SHEETS:
        raise ValidationError(
            f"В файле «{name}» {len(worksheets)} листов — это не шаблон результатов анкет. "
            "Скачайте шаблон и заполните его."
        )
    sheets = _sheets(report)
    by_title = {_title_key(info.title): info for info in sheets}
    skipped = {_title_key(INSTRUCTION_SHEET), _title_key(LISTS_SHEET)}
    forms = _forms(report)
    rows: list[_Row] = []
    found = 0
    for worksheet in worksheets:
        key = _title_key(worksheet.title)
        if key in skipped:
            continue
        worksheet.reset_dimensions()  # the stored size may be wrong; read what is really there
        info = by_title.get(key)
        if info is None:
            if _has_content(worksheet):
                known = ", ".join(f"«{s.title}»" for s in sheets) or "нет действующих анкет"
                errors.append(
                    f"{_at(worksheet.title)}: нет анкеты с таким названием листа "
                    f"(листы анкет: {known}). Не переименовывайте листы шаблона; "
                    "лишний лист удалите."
                )
            continue
        found += 1
        rows.extend(_read_sheet(worksheet, info, forms, errors))
    if not found and not errors:
        errors.append(
            f"В файле «{name}» нет ни одного листа анкеты. Скачайте шаблон результатов "
            "анкетирования и заполните его."
        )
    elif not rows and not errors:
        errors.append(f"В файле «{name}» не заполнено ни одной строки: загружать нечего.")
    return rows


# ---------------------------------------------------------------- the import


def _limits(report: SchoolReport):
    """What the template of this report's questionnaires can need at MAX_ROWS rows a sheet."""
    sheets = _sheets(report)
    questions = max((len(s.questions) for s in sheets), default=0)
    forms = _forms(report)
    form_chars = max((len(name) for name in forms), default=0)
    return xlsx_limits(
        rows=MAX_ROWS,
        columns=3 + questions + EXTRA_COLUMNS,
        chars_per_row=form_chars
        + 20  # the moment
        + NUMBER_CHARS * (1 + questions)
        + EXTRA_COLUMNS * EXTRA_COLUMN_CHARS,
        sheets=len(sheets) + 2,  # and the instruction and the hidden lists
    )


def import_answers(report: SchoolReport, uploaded_file, *, user=None) -> int:
    """Check the whole file, then save every row through `services.save_answer_set` in one
    transaction. Returns the number of answer sets saved; raises ValidationError with every
    problem found (each naming the sheet, row and column), and then nothing is saved."""
    report = SchoolReport.objects.select_related("period").get(pk=report.pk)
    services.ensure_school_fills(user, report)
    services.ensure_editable(report)
    name = safe_filename(getattr(uploaded_file, "name", "") or "файл")
    validate_upload(uploaded_file, max_bytes=MAX_BYTES, allowed=(XLSX,))
    errors: list[str] = []
    try:
        rows = read_book(
            uploaded_file,
            name,
            lambda book: _read_book(book, report, name, errors),
            limits=_limits(report),
        )
    except ImportFileError as error:
        raise ValidationError(str(error)) from error
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for row in rows:
            try:
                services.save_answer_set(
                    report=report,
                    questionnaire=row.sheet.questionnaire,
                    form=row.form,
                    moment=row.moment,
                    respondents=row.respondents,
                    averages=row.averages,
                    user=user,
                )
            except ValidationError as error:
                errors.extend(
                    f"{_at(row.sheet.title, row.row)}: {_sentence(m)}" for m in error.messages
                )
        if errors:
            raise ValidationError(errors)  # inside the transaction: everything is rolled back
    return len(rows)


__all__ = [
    "FORM_HEADER",
    "MOMENT_HEADER",
    "MOMENT_LABELS",
    "RESPONDENTS_HEADER",
    "answers_template",
    "average_from_cell",
    "import_answers",
    "question_headers",
    "sheet_titles",
]
