"""Reading a filled template back: every sheet, row and cell checked, then every row saved in
one transaction, or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from core.files import XLSX, safe_filename, validate_upload
from core.office_limits import xlsx_limits
from core.xlsx.reader import NUMBER_SPACES, clean_value, is_blank, is_formula, read_book
from core.xlsx.spec import (
    EXTRA_COLUMN_CHARS,
    EXTRA_COLUMNS,
    NUMBER_CHARS,
    Column,
    ImportFileError,
    header_key,
)
from core.xlsx.writer import (
    INSTRUCTION_SHEET,
    LISTS_SHEET,
)
from monitoring import services
from monitoring.answers_io.sheets import (
    COLUMN_SHOWN,
    FORM_HEADER,
    MAX_BYTES,
    MAX_ROWS,
    MAX_SHEETS,
    MOMENT_HEADER,
    MOMENT_LABELS,
    RESPONDENTS_HEADER,
    QuestionnaireSheet,
    fixed_columns,
    forms_of,
    sheets_of,
    title_key,
)
from monitoring.models import Moment, SchoolReport
from registry.models import MentoringForm

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


@dataclass
class _Row:
    sheet: QuestionnaireSheet
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


def _match_header(
    info: QuestionnaireSheet, header: tuple, columns, errors: list[str]
) -> dict[str, int]:
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


def _read_sheet(worksheet, info: QuestionnaireSheet, forms, errors: list[str]) -> list[_Row]:
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
    columns = fixed_columns(forms)
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
    sheets = sheets_of(report)
    by_title = {title_key(info.title): info for info in sheets}
    skipped = {title_key(INSTRUCTION_SHEET), title_key(LISTS_SHEET)}
    forms = forms_of(report)
    rows: list[_Row] = []
    found = 0
    for worksheet in worksheets:
        key = title_key(worksheet.title)
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


def _limits(report: SchoolReport):
    """What the template of this report's questionnaires can need at MAX_ROWS rows a sheet."""
    sheets = sheets_of(report)
    questions = max((len(s.questions) for s in sheets), default=0)
    forms = forms_of(report)
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
