"""Registry import and export through XLSX: a template to fill in, a strict reader, an export.

The reader never trusts the file: its type is checked by content first, every cell is cleaned
and every problem is reported with the row and column the user sees in Excel.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from core import dates
from core.files import XLSX, safe_filename, validate_upload
from core.office_limits import OfficeLimits, check_office_file, xlsx_limits
from roadmap.xlsx import BORDER, set_cell

logger = logging.getLogger(__name__)

KINDS = ("text", "date", "int", "choice", "bool")
DATE_FORMAT = "DD.MM.YYYY"
TEXT_FORMAT = "@"
TEMPLATE_ROWS = 10_000  # rows covered by drop-downs and formats in the template
COUNT_FACTOR = 10  # an oversized file is counted up to this many times the limit, then cut
INLINE_LIST_MAX = 255  # Excel's limit for a list typed into a data validation
LISTS_SHEET = "Списки"
INSTRUCTION_SHEET = "Инструкция"
EXAMPLE_SHOWN = 40  # characters of a cell value quoted in an error message
# A user's own columns next to the template's (ignored on import, but in the file): how many
# and how long, when the file's size limits are worked out from the sheet's spec.
EXTRA_COLUMNS = 2
EXTRA_COLUMN_CHARS = 100
CELL_CHARS_BOUND = 100
DATE_CHARS = 20  # «01.09.2010 г. 12:00»
NUMBER_CHARS = 16

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E7EEF7")
EXAMPLE_FONT = Font(italic=True, color="666666")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")

# Characters that cannot be stored in XLSX (XML 1.0) at all.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"\s*[-‐‑‒–—―−]\s*")
_SHEET_TITLE_BAD = re.compile(r"[\\/?*\[\]:]")
_DATE_TAIL = r"(?:\s*г\.?)?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
_DATE_RU = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})" + _DATE_TAIL)
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _DATE_TAIL)
_INT = re.compile(r"[+-]?\d{1,15}")
_TRUE = frozenset({"да", "д", "true", "1", "+", "yes", "истина"})
_FALSE = frozenset({"нет", "н", "false", "0", "-", "no", "ложь"})


@dataclass(frozen=True)
class Column:
    """One column of a sheet: how it is titled, cleaned on import and shown in the template."""

    key: str
    header: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    example: object = ""
    width: int = 20
    max_length: int = 255
    min_value: int | None = None
    max_value: int | None = None
    help: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.key!r}: unknown kind {self.kind!r}")
        if self.kind == "choice":
            if not self.choices:
                raise ValueError(f"Column {self.key!r}: a choice column needs choices")
            if len({_choice_key(c) for c in self.choices}) != len(self.choices):
                raise ValueError(f"Column {self.key!r}: choices differ only in case or dashes")


@dataclass(frozen=True)
class SheetSpec:
    """The sheet's name and columns; headers must be distinct once normalised."""

    title: str
    columns: tuple[Column, ...]

    def __post_init__(self):
        if len({_header_key(c.header) for c in self.columns}) != len(self.columns):
            raise ValueError(f"Sheet {self.title!r}: two columns share a header")
        if len({c.key for c in self.columns}) != len(self.columns):
            raise ValueError(f"Sheet {self.title!r}: two columns share a key")


@dataclass(frozen=True)
class CellError:
    """One problem in one cell (or row), numbered as the user sees the sheet."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column is None:
            return f"Строка {self.row}: {self.message}"
        detail = self.message
        for prefix in (f"{self.column}: ", f"{self.column} — "):
            if detail.startswith(prefix):
                detail = detail[len(prefix) :]
                break
        return f"Строка {self.row}, столбец «{self.column}»: {detail}"


@dataclass
class ParsedRow:
    row: int
    values: dict[str, object]


@dataclass
class ParseResult:
    """Clean rows (rows with any error are left out) and every error found."""

    rows: list[ParsedRow]
    errors: list[CellError]
    columns_found: tuple[str, ...] = field(default=())  # keys of the columns present in the file

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    """The file as a whole cannot be imported; str() is the Russian message."""


# ---------------------------------------------------------------- small helpers


def _plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _number(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _header_key(value) -> str:
    text = _SPACES.sub(" ", str(value)).strip().rstrip("*").strip()
    return text.casefold().replace("ё", "е")


def _choice_key(value: str) -> str:
    text = _DASHES.sub("-", _SPACES.sub(" ", value).strip())
    return text.casefold().replace("ё", "е")


def _sheet_title(title: str) -> str:
    return _SHEET_TITLE_BAD.sub(" ", title).strip().strip("'")[:31].strip() or "Лист1"


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value) -> str:
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


def _shown(value) -> str:
    text = _as_text(value)
    return text if len(text) <= EXAMPLE_SHOWN else text[: EXAMPLE_SHOWN - 1] + "…"


def _listed(options: Iterable[str], limit: int = 10) -> str:
    options = list(options)
    text = ", ".join(f"«{o}»" for o in options[:limit])
    if len(options) > limit:
        text += f" и ещё {len(options) - limit} (полный список — в шаблоне)"
    return text


# ---------------------------------------------------------------- cleaning one cell


def _clean_text(column: Column, value):
    text = _as_text(value)
    if text.startswith("="):
        return None, f"{column.header}: «{_shown(text)}» — формулы не принимаются; введите значение"
    if len(text) > column.max_length:
        n = len(text)
        return None, (
            f"{column.header}: слишком длинный текст — {n} "
            f"{_plural(n, 'символ', 'символа', 'символов')}, "
            f"а допускается не более {column.max_length}"
        )
    return text, None


def _clean_date(column: Column, value):
    """A date in the product's range (registry/dates.py): from 1900 for a birth date."""
    low, high = dates.bounds(birth=column.key.endswith("birth_date"))
    out_of_range = f"год должен быть от {low.year} до {high.year}"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if not low.year <= value.year <= high.year:
            return None, f"{column.header}: «{_shown(value)}» — {out_of_range}"
        return value, None
    text = _as_text(value)
    match = _DATE_RU.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _DATE_ISO.fullmatch(text)
        if not match:
            return None, (
                f"{column.header}: «{_shown(text)}» — это не дата; "
                "нужен формат ДД.ММ.ГГГГ, например 01.09.2010"
            )
        year, month, day = (int(part) for part in match.groups())
    if not low.year <= year <= high.year:
        return None, f"{column.header}: «{_shown(text)}» — {out_of_range}"
    try:
        return date(year, month, day), None
    except ValueError:
        return None, (
            f"{column.header}: «{_shown(text)}» — такой даты нет; нужен формат ДД.ММ.ГГГГ"
        )


def _clean_int(column: Column, value):
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = re.sub(r"[\s\u00a0\u202f]", "", value)
        if _INT.fullmatch(text):
            number = int(text)
    if number is None:
        return None, f"{column.header}: «{_shown(value)}» — нужно целое число"
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
    text = _as_text(value)
    for choice in column.choices:
        if _choice_key(choice) == _choice_key(text):
            return choice, None
    return None, (
        f"{column.header}: «{_shown(text)}» — такого значения нет в списке; "
        f"допустимые значения: {_listed(column.choices)}"
    )


def _clean_bool(column: Column, value):
    if isinstance(value, bool):
        return value, None
    key = _choice_key(_as_text(value))
    if key in _TRUE:
        return True, None
    if key in _FALSE:
        return False, None
    return None, f"{column.header}: «{_shown(value)}» — нужно «да» или «нет»"


_CLEANERS = {
    "text": _clean_text,
    "date": _clean_date,
    "int": _clean_int,
    "choice": _clean_choice,
    "bool": _clean_bool,
}


def _is_formula(value) -> bool:
    return isinstance(value, (ArrayFormula, DataTableFormula)) or (
        isinstance(value, str) and value.lstrip().startswith("=")
    )


def clean_value(column: Column, value) -> tuple[object, str | None]:
    """A raw cell value as (clean value or None, Russian error or None)."""
    if _is_blank(value):
        if column.required:
            return None, f"{column.header} — обязательное поле"
        return None, None
    if _is_formula(value):
        shown = _shown(getattr(value, "text", None) or value)
        return None, f"{column.header}: «{shown}» — формулы не принимаются; введите значение"
    if isinstance(value, (time, timedelta)) and column.kind != "text":
        return None, f"{column.header}: «{_shown(value)}» — в ячейке время, а не значение столбца"
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


def _match_header(header: tuple, spec: SheetSpec) -> dict[str, int]:
    """Spec key -> 0-based position in the file; missing required columns are refused."""
    wanted = {_header_key(c.header): c for c in spec.columns}
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        if _is_blank(raw):
            continue
        column = wanted.get(_header_key(raw))
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
            f"В файле нет {what}: {_listed(missing, limit=len(missing))}. "
            "Скачайте шаблон и заполните его."
        )
    if not positions:
        raise ImportFileError(
            "В первой строке файла нет ни одного столбца шаблона "
            f"({_listed((c.header for c in spec.columns), limit=len(spec.columns))}). "
            "Скачайте шаблон и заполните его."
        )
    return positions


def _too_many(count: int, max_rows: int, cut: bool) -> ImportFileError:
    if cut:
        amount = f"больше {_number(count - 1)} строк"
    else:
        amount = f"{_number(count)} {_plural(count, 'строка', 'строки', 'строк')}"
    return ImportFileError(
        f"В файле {amount} с данными, а за один раз можно загрузить не более "
        f"{_number(max_rows)}. Разделите файл на части."
    )


def _parse(book, spec: SheetSpec, name: str, max_rows: int) -> ParseResult:
    if not book.worksheets:
        raise ImportFileError(f"Файл «{name}» пустой: в нём нет ни одного листа.")
    sheet = book.worksheets[0]
    sheet.reset_dimensions()  # the stored size may be wrong; read what is really there
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
    if header is None or all(_is_blank(v) for v in header):
        rest = sheet.iter_rows(min_row=2, values_only=True)
        if any(not _is_blank(v) for row in rest for v in row):
            raise ImportFileError(
                "В первой строке файла нет заголовков столбцов. Скачайте шаблон и заполните его."
            )
        raise ImportFileError(f"Файл пустой: в «{name}» нет ни заголовков, ни данных.")
    positions = _match_header(header, spec)
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
        if all(_is_blank(v) for v in raw.values()):
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


def column_chars(column: Column) -> int:
    """The text a cell of the column counts for in the file's size limit: its longest, but no
    more than CELL_CHARS_BOUND. The limit is on the whole table, so a few cells may still be as
    long as the column allows (a partner's full name); not every cell of 10 000 rows."""
    if column.kind == "text":
        return min(column.max_length, CELL_CHARS_BOUND)
    if column.kind == "choice":
        return max(len(choice) for choice in column.choices)
    if column.kind == "date":
        return DATE_CHARS
    if column.kind == "bool":
        return 6
    return NUMBER_CHARS


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


# ---------------------------------------------------------------- writing


def _export_value(column: Column, value):
    """A python value as a cell can store it; odd objects become text, bools «да»/«нет»."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, datetime) and column.kind == "date":
        return value.date()
    if isinstance(value, str):
        return _UNSTORABLE.sub("", value)
    if isinstance(value, (int, float, Decimal, date, time, timedelta)):
        return value
    return _UNSTORABLE.sub("", str(value))


def _hint(column: Column) -> str:
    parts = [column.help.strip()] if column.help.strip() else []
    if column.kind == "date":
        parts.append("Дата в формате ДД.ММ.ГГГГ, например 01.09.2010.")
    elif column.kind == "int":
        low, high = column.min_value, column.max_value
        if low is not None and high is not None:
            parts.append(f"Целое число от {low} до {high}.")
        elif low is not None:
            parts.append(f"Целое число не меньше {low}.")
        elif high is not None:
            parts.append(f"Целое число не больше {high}.")
        else:
            parts.append("Целое число.")
    elif column.kind == "choice":
        listed = "; ".join(column.choices)
        shown = f": {listed}" if len(listed) <= 200 else ""
        parts.append(f"Выберите значение из выпадающего списка{shown}.")
    elif column.kind == "bool":
        parts.append("«да» или «нет».")
    else:
        n = column.max_length
        parts.append(f"Текст, не более {n} {_plural(n, 'символа', 'символов', 'символов')}.")
    if column.required:
        parts.append("Обязательное поле.")
    return " ".join(parts)


def _style_header(cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = WRAP_TOP
    cell.border = BORDER


def _add_list(book, sheet, letter: str, options: tuple[str, ...], state: dict) -> None:
    """A drop-down for the column; a long list goes to the hidden «Списки» sheet."""
    inline = ",".join(options)
    if len(inline) <= INLINE_LIST_MAX and not any("," in o or '"' in o for o in options):
        formula = f'"{inline}"'
    else:
        lists = state.get("sheet")
        if lists is None:
            lists = state["sheet"] = book.create_sheet(LISTS_SHEET)
            lists.sheet_state = "hidden"
        state["column"] = state.get("column", 0) + 1
        target = get_column_letter(state["column"])
        for row, option in enumerate(options, start=1):
            set_cell(lists.cell(row=row, column=state["column"]), option)
        formula = f"'{lists.title}'!${target}$1:${target}${len(options)}"
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Нет такого значения",
        error="Выберите значение из выпадающего списка.",
    )
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(validation)


def _instruction(sheet, spec: SheetSpec) -> None:
    lines = [
        f"Лист «{_sheet_title(spec.title)}»: одна строка — одна запись. "
        "Первую строку с заголовками не меняйте; столбцы можно переставлять, "
        "лишние столбцы при загрузке не учитываются.",
        "Столбцы, отмеченные звёздочкой (*), обязательны: строка с пустой обязательной "
        "ячейкой не загрузится.",
        "Даты вводите в формате ДД.ММ.ГГГГ, например 01.09.2010.",
        "Где в ячейке есть выпадающий список, выберите значение из него.",
        "Формулы не принимаются: вводите сами значения.",
        "Строка 2 — образец заполнения. Замените её своими данными или удалите: "
        "если её оставить, она загрузится как обычная запись.",
        f"За один раз можно загрузить не более {_number(TEMPLATE_ROWS)} строк; "
        "больший список разделите на несколько файлов.",
        "Сохраните файл в формате «Книга Excel (*.xlsx)».",
        "Если в файле найдутся ошибки, вы увидите их список с номерами строк и названиями "
        "столбцов; исправьте их и загрузите файл снова.",
    ]
    title = sheet.cell(row=1, column=1)
    set_cell(title, f"Как заполнить шаблон «{spec.title}»")
    title.font = Font(bold=True, size=14)
    for offset, line in enumerate(lines, start=1):
        set_cell(sheet.cell(row=offset + 2, column=1), f"{offset}.")
        cell = sheet.cell(row=offset + 2, column=2)
        set_cell(cell, line)
        cell.alignment = WRAP_TOP
    row = len(lines) + 4
    for index, text in enumerate(("Столбец", "Обязательный", "Что вводить"), start=1):
        cell = sheet.cell(row=row, column=index + 1)
        set_cell(cell, text)
        _style_header(cell)
    for column in spec.columns:
        row += 1
        for index, text in enumerate(
            (column.header, "да" if column.required else "нет", _hint(column)), start=2
        ):
            cell = sheet.cell(row=row, column=index)
            set_cell(cell, text)
            cell.alignment = WRAP_TOP
            cell.border = BORDER
    sheet.column_dimensions["A"].width = 4
    sheet.column_dimensions["B"].width = 90
    sheet.column_dimensions["C"].width = 14
    sheet.column_dimensions["D"].width = 60


def template_xlsx(spec: SheetSpec) -> bytes:
    """An empty form to fill in: headers with hints, an example row, drop-downs, instructions."""
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(spec.title)
    _instruction(book.create_sheet(INSTRUCTION_SHEET), spec)
    lists_state: dict = {}
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        set_cell(header, f"{column.header} *" if column.required else column.header)
        _style_header(header)
        comment = Comment(_hint(column), "Шаблон")
        comment.width, comment.height = 260, 110
        header.comment = comment
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.kind == "date":
            dimension.number_format = DATE_FORMAT
        elif column.kind in ("text", "choice", "bool"):
            dimension.number_format = TEXT_FORMAT  # Excel must not turn «9.1» into a date
        example = sheet.cell(row=2, column=index)
        set_cell(example, _export_value(column, column.example if column.example != "" else None))
        example.font = EXAMPLE_FONT
        if column.kind != "int":
            example.number_format = DATE_FORMAT if column.kind == "date" else TEXT_FORMAT
        if column.kind == "choice":
            _add_list(book, sheet, letter, column.choices, lists_state)
        elif column.kind == "bool":
            _add_list(book, sheet, letter, ("да", "нет"), lists_state)
    sheet.freeze_panes = "A2"
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rows_xlsx(
    spec: SheetSpec, rows: Iterable[Mapping[str, object]], *, title: str | None = None
) -> bytes:
    """Export rows with the spec's headers, ready to print; streams, so large lists fit."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(title or spec.title))
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    headers = []
    for column in spec.columns:
        cell = WriteOnlyCell(sheet)
        set_cell(cell, column.header)
        _style_header(cell)
        headers.append(cell)
    sheet.append(headers)
    for row in rows:
        cells = []
        for column in spec.columns:
            cell = WriteOnlyCell(sheet)
            set_cell(cell, _export_value(column, row.get(column.key)))
            cell.alignment = WRAP_TOP
            cell.border = BORDER
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
