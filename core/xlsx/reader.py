"""Reading an uploaded XLSX: the file is checked by content and against what its row limit can
need before it is opened, every cell is cleaned by its column's kind, and every problem is
reported with the row and column the user sees in Excel. Formulas are refused, never read as
their cached values."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from core import dates
from core.files import XLSX, safe_filename, validate_upload
from core.office_limits import OfficeLimits, check_office_file, xlsx_limits
from core.plural import plural
from core.xlsx.spec import (
    EXAMPLE_SHOWN,
    EXTRA_COLUMN_CHARS,
    EXTRA_COLUMNS,
    CellError,
    Column,
    ImportFileError,
    ParsedRow,
    ParseResult,
    SheetSpec,
    choice_key,
    column_chars,
    header_key,
    spaced_number,
)

logger = logging.getLogger(__name__)

COUNT_FACTOR = 10  # an oversized file is counted up to this many times the limit, then cut
_DATE_TAIL = r"(?:\s*г\.?)?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
_DATE_RU = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})" + _DATE_TAIL)
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _DATE_TAIL)
NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f]")  # spaces Excel and people put into numbers
_INT = re.compile(r"[+-]?\d{1,15}")
_TRUE = frozenset({"да", "д", "true", "1", "+", "yes", "истина"})
_FALSE = frozenset({"нет", "н", "false", "0", "-", "no", "ложь"})


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value) -> str:
    """A cell value as the user sees it: 7.0 is «7», a date is «01.09.2010»."""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    return str(value).strip()


def shown(value) -> str:
    text = as_text(value)
    return text if len(text) <= EXAMPLE_SHOWN else text[: EXAMPLE_SHOWN - 1] + "…"


def listed(options: Iterable[str], limit: int = 10) -> str:
    options = list(options)
    text = ", ".join(f"«{o}»" for o in options[:limit])
    if len(options) > limit:
        text += f" и ещё {len(options) - limit} (полный список — в шаблоне)"
    return text


# ---------------------------------------------------------------- cleaning one cell


def _clean_text(column: Column, value):
    text = as_text(value)
    if text.startswith("="):
        return None, f"{column.header}: «{shown(text)}» — формулы не принимаются; введите значение"
    if len(text) > column.max_length:
        n = len(text)
        return None, (
            f"{column.header}: слишком длинный текст — {n} "
            f"{plural(n, 'символ', 'символа', 'символов')}, "
            f"а допускается не более {column.max_length}"
        )
    return text, None


def _clean_date(column: Column, value):
    """A date in the product's range (core/dates.py): from 1900 for a birth date."""
    low, high = dates.bounds(birth=column.key.endswith("birth_date"))
    out_of_range = f"год должен быть от {low.year} до {high.year}"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if not low.year <= value.year <= high.year:
            return None, f"{column.header}: «{shown(value)}» — {out_of_range}"
        return value, None
    text = as_text(value)
    match = _DATE_RU.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _DATE_ISO.fullmatch(text)
        if not match:
            return None, (
                f"{column.header}: «{shown(text)}» — это не дата; "
                "нужен формат ДД.ММ.ГГГГ, например 01.09.2010"
            )
        year, month, day = (int(part) for part in match.groups())
    if not low.year <= year <= high.year:
        return None, f"{column.header}: «{shown(text)}» — {out_of_range}"
    try:
        return date(year, month, day), None
    except ValueError:
        return None, (f"{column.header}: «{shown(text)}» — такой даты нет; нужен формат ДД.ММ.ГГГГ")


def _clean_int(column: Column, value):
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = NUMBER_SPACES.sub("", value)
        if _INT.fullmatch(text):
            number = int(text)
    if number is None:
        return None, f"{column.header}: «{shown(value)}» — нужно целое число"
    low, high = column.min_value, column.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            bounds = f"от {low} до {high}"
        elif low is not None:
            bounds = f"не меньше {low}"
        else:
            bounds = f"не больше {high}"
        return None, f"{column.header}: {number} — число должно быть {bounds}"
    return number, None


def _clean_choice(column: Column, value):
    text = as_text(value)
    for choice in column.choices:
        if choice_key(choice) == choice_key(text):
            return choice, None
    return None, (
        f"{column.header}: «{shown(text)}» — такого значения нет в списке; "
        f"допустимые значения: {listed(column.choices)}"
    )


def _clean_bool(column: Column, value):
    if isinstance(value, bool):
        return value, None
    key = choice_key(as_text(value))
    if key in _TRUE:
        return True, None
    if key in _FALSE:
        return False, None
    return None, f"{column.header}: «{shown(value)}» — нужно «да» или «нет»"


_CLEANERS = {
    "text": _clean_text,
    "date": _clean_date,
    "int": _clean_int,
    "choice": _clean_choice,
    "bool": _clean_bool,
}


def is_formula(value) -> bool:
    return isinstance(value, (ArrayFormula, DataTableFormula)) or (
        isinstance(value, str) and value.lstrip().startswith("=")
    )


def clean_value(column: Column, value) -> tuple[object, str | None]:
    """A raw cell value as (clean value or None, Russian error or None)."""
    if is_blank(value):
        if column.required:
            return None, f"{column.header} — обязательное поле"
        return None, None
    if is_formula(value):
        text = shown(getattr(value, "text", None) or value)
        return None, f"{column.header}: «{text}» — формулы не принимаются; введите значение"
    if isinstance(value, (time, timedelta)) and column.kind != "text":
        return None, f"{column.header}: «{shown(value)}» — в ячейке время, а не значение столбца"
    return _CLEANERS[column.kind](column, value)


# ---------------------------------------------------------------- reading


def open_book(upload, name: str, *, data_only: bool = True):
    """The workbook, read-only; a file that is not one is an ImportFileError naming it.
    ``data_only=False`` keeps formulas as formulas, for readers that refuse them."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(upload, read_only=True, data_only=data_only, keep_links=False)
    except Exception as exc:
        logger.info("XLSX import: %s could not be opened", name, exc_info=True)
        raise ImportFileError(unreadable(name)) from exc


def unreadable(name: str) -> str:
    return (
        f"Файл «{name}» не удаётся прочитать как таблицу Excel (.xlsx). Откройте его в Excel, "
        "сохраните как «Книга Excel (*.xlsx)» и загрузите снова."
    )


def match_header(header: tuple, spec: SheetSpec) -> dict[str, int]:
    """Spec key -> 0-based position in the file; missing required columns are refused."""
    wanted = {header_key(c.header): c for c in spec.columns}
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        if is_blank(raw):
            continue
        column = wanted.get(header_key(raw))
        if column is None:
            continue
        if column.key in positions:
            raise ImportFileError(
                f"Столбец «{column.header}» встречается в файле дважды. "
                "Оставьте один и загрузите файл снова."
            )
        positions[column.key] = index
    missing = [c.header for c in spec.columns if c.required and c.key not in positions]
    if missing:
        what = "обязательных столбцов" if len(missing) > 1 else "обязательного столбца"
        raise ImportFileError(
            f"В файле нет {what}: {listed(missing, limit=len(missing))}. "
            "Скачайте шаблон и заполните его."
        )
    if not positions:
        raise ImportFileError(
            "В первой строке файла нет ни одного столбца шаблона "
            f"({listed((c.header for c in spec.columns), limit=len(spec.columns))}). "
            "Скачайте шаблон и заполните его."
        )
    return positions


def _too_many(count: int, max_rows: int, cut: bool) -> ImportFileError:
    if cut:
        amount = f"больше {spaced_number(count - 1)} строк"
    else:
        amount = f"{spaced_number(count)} {plural(count, 'строка', 'строки', 'строк')}"
    return ImportFileError(
        f"В файле {amount} с данными, а за один раз можно загрузить не более "
        f"{spaced_number(max_rows)}. Разделите файл на части."
    )


def _parse(book, spec: SheetSpec, name: str, max_rows: int) -> ParseResult:
    if not book.worksheets:
        raise ImportFileError(f"Файл «{name}» пустой: в нём нет ни одного листа.")
    sheet = book.worksheets[0]
    sheet.reset_dimensions()  # the stored size may be wrong; read what is really there
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
    if header is None or all(is_blank(v) for v in header):
        rest = sheet.iter_rows(min_row=2, values_only=True)
        if any(not is_blank(v) for row in rest for v in row):
            raise ImportFileError(
                "В первой строке файла нет заголовков столбцов. Скачайте шаблон и заполните его."
            )
        raise ImportFileError(f"Файл пустой: в «{name}» нет ни заголовков, ни данных.")
    positions = match_header(header, spec)
    width = max(positions.values()) + 1
    present = [c for c in spec.columns if c.key in positions]
    rows: list[ParsedRow] = []
    errors: list[CellError] = []
    count = 0
    cap = max_rows * COUNT_FACTOR
    data = sheet.iter_rows(min_row=2, max_col=width, values_only=True)
    for row_number, cells in enumerate(data, start=2):
        raw = {
            c.key: cells[positions[c.key]] if positions[c.key] < len(cells) else None
            for c in present
        }
        if all(is_blank(v) for v in raw.values()):
            continue
        count += 1
        if count > max_rows:
            if count > cap:
                raise _too_many(count, max_rows, cut=True)
            continue
        values = dict.fromkeys((c.key for c in spec.columns), None)
        row_errors = []
        for column in spec.columns:
            value, error = clean_value(column, raw.get(column.key))
            values[column.key] = value
            if error:
                row_errors.append(CellError(row_number, column.header, error))
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(ParsedRow(row_number, values))
    if count > max_rows:
        raise _too_many(count, max_rows, cut=False)
    if count == 0:
        raise ImportFileError("В файле нет ни одной строки с данными: заполнены только заголовки.")
    return ParseResult(rows, errors, tuple(c.key for c in present))


def sheet_limits(spec: SheetSpec, max_rows: int) -> OfficeLimits:
    """What a file of ``max_rows`` rows of the spec's columns (and a few of the user's own)
    can need: rows × columns × the longest cells, with a margin."""
    return xlsx_limits(
        rows=max_rows,
        columns=len(spec.columns) + EXTRA_COLUMNS,
        chars_per_row=sum(column_chars(c) for c in spec.columns)
        + EXTRA_COLUMNS * EXTRA_COLUMN_CHARS,
    )


def read_sheet(
    upload, spec: SheetSpec, *, max_rows: int = 10_000, max_bytes: int = 10 * 1024 * 1024
) -> ParseResult:
    """Check, open and clean the first sheet of an uploaded XLSX; whole-file problems raise."""
    name = safe_filename(getattr(upload, "name", "") or "файл")
    try:
        validate_upload(upload, max_bytes=max_bytes, allowed=(XLSX,))
    except ValidationError as exc:
        raise ImportFileError(" ".join(exc.messages)) from exc
    return read_book(
        upload,
        name,
        lambda book: _parse(book, spec, name, max_rows),
        limits=sheet_limits(spec, max_rows),
    )


def read_book(upload, name: str, read, *, limits: OfficeLimits):
    """Check what the archive unpacks to against ``limits`` (nothing is parsed before), open
    the workbook in streaming (read-only) mode with formulas as written (a formula is refused,
    never read as empty) and return ``read(book)``. A malformed sheet fails while streaming,
    not while opening: that too is an ImportFileError naming the file. The user's own errors
    pass through."""
    try:
        check_office_file(upload, name, limits)
    except ValidationError as exc:
        raise ImportFileError(" ".join(exc.messages)) from exc
    book = open_book(upload, name, data_only=False)
    try:
        return read(book)
    except (ImportFileError, ValidationError):
        raise
    except Exception as exc:
        logger.warning("XLSX import: %s could not be read", name, exc_info=True)
        raise ImportFileError(unreadable(name)) from exc
    finally:
        book.close()
        upload.seek(0)
