"""A roadmap read back from its appendix (DOCX or XLSX), then created as a draft.

Reading never writes: it returns what it found and the problems, in Russian, so that the user
sees a preview first. Only ``create_draft`` writes, through the services, so that history,
deadlines and executions come out exactly as for a roadmap typed in by hand.

Documents come as schools and municipalities make them: a table continued after a page break
as a second table (with its header repeated, or without one), numbers that restart in every
section, Roman section numbers, merged cells, other header words, careless spaces. Whatever
looks like a measure but could not be read is named in the preview with its place.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.files import DOCX, XLSX, safe_filename, validate_upload
from core.office_limits import check_office_file, docx_limits, xlsx_limits
from roadmap.deadlines import (
    DEFAULT_CALENDAR,
    SchoolCalendar,
    format_deadline,
    parse_deadline,
    school_year_bounds,
    school_year_of,
)
from roadmap.forms import TEXT_MAX
from roadmap.models import Measure, ResponsibleParty, Roadmap, Section
from roadmap.parties import NEW, PartyMatcher
from roadmap.services import create_measure, create_roadmap, create_section
from roadmap.text import clean_line, clean_text

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
HEADER_SCAN_ROWS = 30  # the header row is looked for this far down a sheet or table
MAX_ROWS = 1000  # a roadmap has about a hundred rows; more means a wrong file
SCAN_ROWS = 4 * MAX_ROWS  # formatted but empty rows below are not read to the sheet's end
MAX_COLUMNS = 50
MAX_MERGED_CELLS = 200_000  # cells filled from merged ranges of one sheet
MAX_UNREAD_REPORTED = 20
TABLE_COLUMNS = 6  # №, measure, deadline, responsible, result, and one more of the user's
MEASURE_RE = re.compile(r"\d+(?:\.\d+)+\.?")
PLAIN_NUMBER_RE = re.compile(r"(\d{1,3})[.)]?")
_ROMAN_CHARS = "IVXLCІХ"  # Cyrillic «І» and «Х» are typed for the Roman numerals too
SECTION_RE = re.compile(
    rf"(?:[Рр]аздел\s+)?(\d{{1,3}}|[{_ROMAN_CHARS}]{{1,7}})(?:[.:)]\s*|\s+)(\S.*)", re.DOTALL
)
SECTION_NUMBER_RE = re.compile(rf"(?:[Рр]аздел\s+)?(\d{{1,3}}|[{_ROMAN_CHARS}]{{1,7}})[.:)]?")
ROMAN_RE = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
PARAGRAPH_MEASURE_RE = re.compile(r"(\d{1,2}\.\d{1,2}\.?)\s+(\S.{3,})", re.DOTALL)
SCHOOL_YEAR_RE = re.compile(r"(?<!\d)(\d{4})\s*(?:-|–|—|/)\s*(\d{4}|\d{2})(?!\d)")
WRITTEN_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
NUMBER_MAX = Measure._meta.get_field("number").max_length
DEADLINE_MAX = Measure._meta.get_field("deadline_text").max_length
PARTY_NAME_MAX = ResponsibleParty._meta.get_field("name").max_length
RESPONSIBLE_TEXT_MAX = Measure._meta.get_field("responsible_text").max_length
ROW_CHARS = NUMBER_MAX + TEXT_MAX + DEADLINE_MAX + 4 * PARTY_NAME_MAX + TEXT_MAX + 255
DOCX_LIMITS = docx_limits(rows=MAX_ROWS, columns=TABLE_COLUMNS, chars_per_row=ROW_CHARS)
XLSX_LIMITS = xlsx_limits(
    rows=MAX_ROWS,
    columns=TABLE_COLUMNS,
    chars_per_row=ROW_CHARS,
    formatted_rows=SCAN_ROWS - MAX_ROWS,
)
NO_TABLE = (
    "не найдена таблица приложения: нужна таблица со столбцами «№ п/п», «Наименование "
    "мероприятий» (или «Мероприятия», «Содержание»), «Срок» (или «Сроки», «Дата»), "
    "«Ответственный» (или «Ответственные», «Исполнитель») и, если есть, «Результат»"
)
KIND_AS_ADDED = {
    "external": "внешняя организация",
    "department": "подразделение департамента",
    "schools": "образовательные организации (каждая участвующая)",
}


class ImportFileError(Exception):
    """The file as a whole cannot be read; str() is the Russian message."""


@dataclass
class ImportedMeasure:
    row: int
    number: str
    title: str
    deadline_text: str
    responsible: list[str]  # the list's names (existing or to be added), in order
    result: str
    place: str = ""  # «Строка 5», «Таблица 2, строка 3»
    table: int = 0  # the table (sheet) it was read from, for ordering the problems
    printed_number: str = ""  # as the document printed it, when the number was given here
    responsible_text: str = ""  # as the document wrote it
    parties: list[dict] = field(default_factory=list)  # roadmap.parties.PartyMatch as dicts
    deadline: dict = field(default_factory=dict)  # kind, starts_on, due_on, read_as, outside


@dataclass
class ImportedSection:
    row: int
    number: str
    title: str
    measures: list[ImportedMeasure] = field(default_factory=list)
    place: str = ""
    printed_number: str = ""


@dataclass
class Problem:
    """``row`` is the row as the user sees it: DOCX counts table rows from the header (1),
    XLSX gives the sheet's own row number; None is about the whole file. ``place`` names the
    table or sheet as well when the file has more than one, or a paragraph."""

    row: int | None
    message: str
    blocking: bool
    place: str = ""
    table: int = 0

    def __str__(self) -> str:
        if self.place:
            return f"{self.place}: {self.message}"
        return f"Строка {self.row}: {self.message}" if self.row is not None else self.message


@dataclass
class ImportedRoadmap:
    sections: list[ImportedSection] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    title: str = ""
    school_year_start: int | None = None  # read from the title, or else from the deadlines
    school_year_source: str = ""  # "title", "deadlines" or "" (not in the document)
    period_start: str | None = None  # ISO dates: the period the document's deadlines plan
    period_end: str | None = None
    tables: list[str] = field(default_factory=list)  # what was read: «таблица 1», …

    @property
    def ok(self) -> bool:
        return not any(p.blocking for p in self.problems)

    @property
    def measure_count(self) -> int:
        return sum(len(s.measures) for s in self.sections)

    @property
    def blocking_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.blocking]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.blocking]

    @property
    def period(self) -> tuple[date, date] | None:
        if self.period_start and self.period_end:
            return date.fromisoformat(self.period_start), date.fromisoformat(self.period_end)
        return None

    @property
    def party_review(self) -> list[dict]:
        """Every party written another way than the list's, or new: once each, for review."""
        seen: dict[tuple[str, str], dict] = {}
        for section in self.sections:
            for measure in section.measures:
                for party in measure.parties:
                    if party["status"] != "known":
                        seen.setdefault((party["text"].casefold(), party["name"]), party)
        return list(seen.values())

    def as_dict(self) -> dict:
        """Plain data (JSON-safe), e.g. to keep the preview in the session until confirmed."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportedRoadmap:
        simple = {k: v for k, v in data.items() if k not in ("sections", "problems")}
        return cls(
            sections=[
                ImportedSection(
                    **{k: v for k, v in s.items() if k != "measures"},
                    measures=[ImportedMeasure(**m) for m in s["measures"]],
                )
                for s in data["sections"]
            ],
            problems=[Problem(**p) for p in data["problems"]],
            **simple,
        )


# --- reading ------------------------------------------------------------------------------------


def read_roadmap_file(
    upload, *, max_bytes: int = MAX_BYTES, calendar: SchoolCalendar | None = None
) -> ImportedRoadmap:
    """Read the appendix table of a DOCX or XLSX (told apart by content, not by name)."""
    name = safe_filename(getattr(upload, "name", "") or "файл")
    try:
        kind = validate_upload(upload, max_bytes=max_bytes, allowed=(DOCX, XLSX))
    except ValidationError as exc:
        raise ImportFileError(" ".join(exc.messages)) from exc
    try:
        check_office_file(upload, name, DOCX_LIMITS if kind == DOCX else XLSX_LIMITS)
    except ValidationError as exc:
        raise ImportFileError(" ".join(exc.messages)) from exc
    matcher = PartyMatcher(ResponsibleParty.objects.values_list("name", "kind"))
    try:
        upload.seek(0)
        content = io.BytesIO(upload.read())
        source = _read_docx(content) if kind == DOCX else _read_xlsx(content)
    except ImportFileError:
        raise
    except Exception as exc:
        logger.info("Roadmap import: %s could not be read", name, exc_info=True)
        program = "Word" if kind == DOCX else "Excel"
        raise ImportFileError(
            f"Файл «{name}» не удаётся прочитать как документ {kind.label}. Откройте его в "
            f"{program}, сохраните заново в формате .{kind.extension} и загрузите снова."
        ) from exc
    imported = ImportedRoadmap(title=source.title)
    collector = _Collector(imported, matcher)
    collector.collect(source)
    _date_deadlines(imported, source, calendar or DEFAULT_CALENDAR)
    imported.problems.sort(key=lambda p: (p.row is not None or bool(p.place), p.table, p.row or 0))
    return imported


@dataclass
class _Row:
    row: int  # as the user sees it
    cells: list[str]
    merged_up: list[bool]  # per cell: one cell with the cell above (a vertical merge)


@dataclass
class _Table:
    """A DOCX table or an XLSX sheet, as rows of cell texts."""

    index: int  # 1-based, in the file's order
    label: str  # «таблица 2», «лист «План»»
    rows: list[_Row]
    counts_from_header: bool  # DOCX: rows are counted from the header row (1)


@dataclass
class _Source:
    title: str
    above: str  # the text above the appendix table: the school year may be there
    tables: list[_Table]
    paragraphs: list[tuple[int, str, str]]  # (number, where, text) of paragraphs (DOCX)
    main: int | None = None  # index into tables of the appendix's first table
    header: int = 0  # the header's position in that table's rows
    empty: bool = False  # nothing filled in anywhere


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _one_line(text: str) -> str:
    return " ".join(line for line in text.split("\n") if line)


def _roman(text: str) -> int | None:
    text = text.upper().replace("І", "I").replace("Х", "X")
    if not text or not ROMAN_RE.fullmatch(text):
        return None
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for char, following in zip(text, [*text[1:], ""], strict=True):
        value = values[char]
        total += -value if following and values[following] > value else value
    return total


def _section_number(text: str) -> str | None:
    """«1», «1.», «Раздел 2», «IV.» -> "1", "1", "2", "4"; None for anything else."""
    if text.isdigit():
        return str(int(text))
    value = _roman(text)
    return str(value) if value else None


def _school_year_of(text: str) -> int | None:
    for match in SCHOOL_YEAR_RE.finditer(text):
        first = int(match[1])
        second = int(match[2]) if len(match[2]) == 4 else first // 100 * 100 + int(match[2])
        if second == first + 1 and 1990 <= first <= 2100:
            return first
    return None


# --- columns


@dataclass
class _Columns:
    number: int | None
    title: int | None
    deadline: int | None
    responsible: int | None
    result: int | None

    # Header words of each column, by how schools and municipalities head them. A column is
    # given the first role whose words it has, in this order («Срок проведения мероприятия»
    # is the deadline, «Ожидаемый результат мероприятия» the result).
    WORDS = (
        ("ignored", ("отметк", "примечан", "о выполнении", "фактическ", "исполнение")),
        ("number", ("№", "номер", "п/п", "n п")),
        ("deadline", ("срок", "дата", "период", "когда")),
        ("responsible", ("ответствен", "исполнител")),
        ("result", ("результат", "вид документ", "форма отч", "итог", "показател")),
        ("title", ("наименование", "мероприяти", "содержание", "название", "вид работ")),
    )

    @classmethod
    def of_header(cls, header: list[str]) -> _Columns | None:
        """The columns of a header row; None when the row is no appendix header."""
        found: dict[str, int] = {}
        for index, text in enumerate(header):
            words = clean_line(text).casefold()
            if not words or (index > 0 and text == header[index - 1]):
                continue  # a cell merged across columns is one column
            for role, keys in cls.WORDS:
                if role not in found and any(k in words for k in keys):
                    found[role] = index
                    break
        if not {"title", "deadline", "responsible"} <= found.keys():
            return None
        return cls(
            number=found.get("number"),
            title=found["title"],
            deadline=found["deadline"],
            responsible=found["responsible"],
            result=found.get("result"),
        )

    @classmethod
    def default(cls) -> _Columns:
        """No header found: the appendix's own order."""
        return cls(number=0, title=1, deadline=2, responsible=3, result=4)

    @property
    def width(self) -> int:
        used = [self.number, self.title, self.deadline, self.responsible, self.result]
        return max(i for i in used if i is not None) + 1


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _is_column_numbers(filled: list[str]) -> bool:
    """The «1 2 3 4 5» row that many documents put under the header."""
    return len(filled) >= 3 and filled == [str(i) for i in range(1, len(filled) + 1)]


LIKELY_NUMBER_RE = re.compile(r"\d{1,2}(?:\.\d{1,2}){1,2}\.?")  # «1.5.», not «28.10.2020»
WORDS_RE = re.compile(r"[^\W\d_]{2,}(?:\s+[^\W\d_]{2,})+")


def _looks_like_measure(cells: list[str]) -> bool:
    """A row of a table that was not read which would be a measure in the appendix."""
    filled = [c for c in cells if c]
    if len(filled) < 2 or _is_column_numbers(filled):
        return False
    first = filled[0]
    if not any(WORDS_RE.search(c) for c in filled[1:]):
        return False
    if LIKELY_NUMBER_RE.fullmatch(first):
        return True
    return bool(PLAIN_NUMBER_RE.fullmatch(first)) and len(set(filled)) >= 3


# --- DOCX


def _read_docx(content) -> _Source:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks = list(Document(content).iter_inner_content())
    tables: list[_Table] = []
    paragraphs: list[tuple[int, str, str]] = []
    before: dict[int, list] = {}  # table index -> the blocks above it
    count = 0
    for position, block in enumerate(blocks):
        if isinstance(block, Table):
            index = len(tables) + 1
            tables.append(_Table(index, f"таблица {index}", _docx_rows(block), True))
            before[index] = blocks[:position]
        elif isinstance(block, Paragraph):
            text = clean_text(block.text)
            if text:
                count += 1
                where = f"после таблицы {len(tables)}" if tables else "перед таблицами"
                paragraphs.append((count, where, text))
    source = _Source("", "", tables, paragraphs)
    _find_main(source)
    if source.main is not None:
        above = before[tables[source.main].index]
        source.title = _docx_title(above)
        source.above = "\n".join(_paragraph_texts(above)[-10:])
    return source


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RUN_TEXT = {f"{W}t": None, f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n"}
_LINE_BREAKS = {None, "textWrapping"}  # a page or column break is no line of text


def _docx_rows(table) -> list[_Row]:
    """A merged cell comes back once per column it spans (a vertically merged one, in every
    row it spans, with the text of its first, marked as merged with the cell above); its
    paragraphs become lines.

    Read straight from the XML in one pass, as python-docx's ``row.cells`` would give them: its
    own walk goes up a vertical merge cell by cell (quadratic in the rows) and makes an object
    per paragraph, which a hostile table of many rows or paragraphs turns into seconds."""
    rows: list[_Row] = []
    above: dict[int, str] = {}  # grid column -> the text of the cell there in the row above
    for number, tr in enumerate(table._tbl.iterchildren(f"{W}tr"), start=1):
        column = _int_val(tr.find(f"{W}trPr/{W}gridBefore"), 0)
        texts: list[str] = []
        merged_up: list[bool] = []
        for tc in tr.iterchildren(f"{W}tc"):
            span = max(1, _int_val(tc.find(f"{W}tcPr/{W}gridSpan"), 1))
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            continued = merge is not None and merge.get(f"{W}val", "continue") == "continue"
            if continued:
                text = above.get(column, "")
            else:
                text = clean_text("\n".join(_paragraph_text(p) for p in tc.iterchildren(f"{W}p")))
            for offset in range(span):
                above[column + offset] = text
                texts.append(text)
                merged_up.append(continued)
            column += span
        rows.append(_Row(number, texts, merged_up))
    return rows


def _int_val(element, default: int) -> int:
    try:
        return int(element.get(f"{W}val")) if element is not None else default
    except (TypeError, ValueError):
        return default


def _paragraph_text(p) -> str:
    """The text of a paragraph's runs (and of runs inside its hyperlinks): tabs and breaks
    as characters, as python-docx's ``Paragraph.text`` has them."""
    parts = []
    for run in p.iterchildren(f"{W}r", f"{W}hyperlink"):
        runs = [run] if run.tag == f"{W}r" else run.iterchildren(f"{W}r")
        for r in runs:
            for child in r.iterchildren(*_RUN_TEXT):
                fixed = _RUN_TEXT[child.tag]
                if fixed is None:
                    parts.append(child.text or "")
                elif child.tag != f"{W}br" or child.get(f"{W}type") in _LINE_BREAKS:
                    parts.append(fixed)
    return "".join(parts)


def _paragraph_texts(blocks) -> list[str]:
    from docx.text.paragraph import Paragraph

    texts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            text = clean_line(block.text)
            if text:
                texts.append(text)
    return texts


TITLE_STARTS = ("план мероприятий", "план ", "дорожная карта", "«дорожная карта", "комплекс мер")


def _docx_title(blocks) -> str:
    """The paragraphs right above the table, from the one that starts «План мероприятий»."""
    from docx.text.paragraph import Paragraph

    texts: list[str] = []
    for block in reversed(blocks):
        if not isinstance(block, Paragraph):
            break
        text = clean_line(block.text)
        if not text:
            if texts:
                break
            continue
        texts.insert(0, text)
        if text.casefold().startswith(TITLE_STARTS):
            return " ".join(texts)
        if len(texts) >= 5:
            break
    return ""


# --- XLSX


def _read_xlsx(content) -> _Source:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(content, read_only=True, data_only=True, keep_links=False)
    try:
        tables = [
            _Table(index, f"лист «{sheet.title}»", _sheet_rows(sheet), False)
            for index, sheet in enumerate(book.worksheets, start=1)
        ]
    finally:
        book.close()
    source = _Source("", "", [t for t in tables if t.rows], [])
    source.empty = not source.tables
    _find_main(source)
    if source.main is not None:
        above = source.tables[source.main].rows[: source.header]
        source.title = _xlsx_title(above)
        source.above = "\n".join(_one_line(" ".join(c for c in r.cells if c)) for r in above)
    return source


def _sheet_rows(sheet) -> list[_Row]:
    """Non-empty rows with their sheet row numbers; merged cells filled with their value."""
    sheet.reset_dimensions()  # the stored size may be wrong; read what is really there
    rows: list[_Row] = []
    values_by_row = sheet.iter_rows(max_row=SCAN_ROWS, max_col=MAX_COLUMNS, values_only=True)
    for number, values in enumerate(values_by_row, start=1):
        cells = [_xlsx_text(v) for v in values]
        if not any(cells):
            continue
        if number > MAX_ROWS:
            raise ImportFileError(
                f"На листе «{sheet.title}» заполнено больше {MAX_ROWS} строк: это не похоже "
                "на приложение к приказу. Оставьте в файле только таблицу дорожной карты."
            )
        rows.append(_Row(number, cells, [False] * len(cells)))
    if rows:
        _fill_merged(sheet, rows)
    return rows


def _merged_ranges(sheet) -> list[tuple[int, int, int, int]]:
    """(first column, first row, last column, last row) of the sheet's merged cells.

    A read-only sheet does not parse them, so the sheet's XML is read once more for its
    ``mergeCell`` elements alone.
    """
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    tag = f"{{{SHEET_MAIN_NS}}}mergeCell"
    ranges = []
    with sheet._get_source() as source:
        for _event, element in iterparse(source):
            if element.tag == tag and element.get("ref"):
                ranges.append(range_boundaries(element.get("ref")))
            element.clear()
    return ranges


def _fill_merged(sheet, rows: list[_Row]) -> None:
    numbers = [r.row for r in rows]
    by_number = {r.row: r for r in rows}
    filled = 0
    for first_col, first_row, last_col, last_row in _merged_ranges(sheet):
        if first_col > MAX_COLUMNS or first_row not in by_number:
            continue  # the merged cell's value lives in its top left cell
        value = by_number[first_row].cells[first_col - 1]
        last_col = min(last_col, MAX_COLUMNS)
        for row in rows[bisect_left(numbers, first_row) : bisect_right(numbers, last_row)]:
            filled += last_col - first_col + 1
            if filled > MAX_MERGED_CELLS:
                raise ImportFileError(
                    f"На листе «{sheet.title}» слишком много объединённых ячеек: это не похоже "
                    "на приложение к приказу."
                )
            for col in range(first_col - 1, last_col):
                if not row.cells[col]:
                    row.cells[col] = value
                row.merged_up[col] = row.row != first_row
        # A merged range over empty rows leaves them out: they hold nothing of their own.


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
        if isinstance(value, datetime):
            return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value))


def _xlsx_title(rows: list[_Row]) -> str:
    """The longest line above the header that is not the «Приложение к приказу …» mark."""
    mark = ("приложение", "к приказу", "от ", "утвержд", "согласован")
    texts = [_one_line(next(c for c in r.cells if c)) for r in rows if any(r.cells)]
    texts = [t for t in texts if not t.casefold().startswith(mark)]
    for index, text in enumerate(texts):
        if text.casefold().startswith(TITLE_STARTS):
            return " ".join(texts[index:])  # the title's lines down to the header
    return (sorted(texts, key=len, reverse=True) or [""])[0]


# --- which tables are the appendix


def _header_at(table: _Table) -> tuple[int, _Columns] | None:
    for position, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
        columns = _Columns.of_header(row.cells)
        if columns is not None:
            return position, columns
    return None


def _find_main(source: _Source) -> None:
    for position, table in enumerate(source.tables):
        found = _header_at(table)
        if found is not None:
            source.main, source.header = position, found[0]
            return


@dataclass
class _Block:
    table: _Table
    rows: list[_Row]
    columns: _Columns
    how: str  # shown in the preview: how the table joined the appendix
    row_offset: int = 0  # DOCX rows are counted from the header


# --- rows into sections and measures


class _Collector:
    def __init__(self, imported: ImportedRoadmap, matcher: PartyMatcher):
        self.imported = imported
        self.matcher = matcher
        self.section: ImportedSection | None = None
        self.measure: ImportedMeasure | None = None  # the last one read
        self.measure_rows: dict[str, str] = {}
        self.section_rows: dict[str, str] = {}
        self.plain_numbers = False
        self.places_with_table = False
        self.block: _Block | None = None

    def problem(self, row: _Row | None, message: str, *, blocking: bool) -> None:
        if row is None:
            self.imported.problems.append(Problem(None, message, blocking))
            return
        self.imported.problems.append(
            Problem(self.user_row(row), message, blocking, self.place(row), self.block.table.index)
        )

    def user_row(self, row: _Row) -> int:
        return row.row - self.block.row_offset

    def place(self, row: _Row) -> str:
        if not self.places_with_table:
            return f"Строка {self.user_row(row)}"
        return _capital(f"{self.block.table.label}, строка {self.user_row(row)}")

    # the document

    def collect(self, source: _Source) -> None:
        if source.empty:
            self.problem(None, "Файл пустой: в нём нет ни одной заполненной строки.", blocking=True)
            return
        if not source.tables:
            self.problem(None, _capital(NO_TABLE) + ".", blocking=True)
            self.report_unread_paragraphs(source)
            return
        blocks, unread = self.blocks_of(source)
        involved = {b.table.index for b in blocks} | {t.index for t, _ in unread}
        self.places_with_table = len(involved) > 1
        self.imported.tables = [f"{b.table.label}{b.how}" for b in blocks]
        for block in blocks:
            self.block = block
            for row in block.rows:
                self.row(row, block.columns)
        for section in self.imported.sections:
            if not section.measures:
                self.imported.problems.append(
                    Problem(
                        section.row,
                        f"В разделе {section.number} нет мероприятий.",
                        False,
                        section.place,
                    )
                )
        if self.plain_numbers:
            self.problem(
                None,
                "Мероприятия пронумерованы внутри разделов (1, 2, 3…): им даны номера вида "
                "«раздел.номер» (1.1, 1.2…); номер из документа показан в скобках и "
                "сохранится в проекте («в документе: 3»).",
                blocking=False,
            )
        self.report_unread(unread)
        self.report_unread_paragraphs(source)
        if self.imported.measure_count == 0:
            self.problem(None, "В таблице нет ни одного мероприятия.", blocking=True)

    def blocks_of(self, source: _Source) -> tuple[list[_Block], list[tuple[_Table, list[_Row]]]]:
        """The appendix's tables in order, and the rows of the others that look like measures."""
        unread: list[tuple[_Table, list[_Row]]] = []
        if source.main is None:
            self.problem(
                None, f"{_capital(NO_TABLE)}. Прочитана первая таблица файла.", blocking=True
            )
            table = next(t for t in source.tables if t.rows)
            return [_Block(table, table.rows, _Columns.default(), "")], unread
        main = source.tables[source.main]
        header = main.rows[source.header]
        columns = _Columns.of_header(header.cells)
        offset = header.row - 1 if main.counts_from_header else 0
        blocks = [_Block(main, main.rows[source.header + 1 :], columns, "", offset)]
        above = [r for r in main.rows[: source.header] if _looks_like_measure(r.cells)]
        for table in source.tables[: source.main]:
            unread.append((table, [r for r in table.rows if _looks_like_measure(r.cells)]))
        unread.append((main, above))
        for table in source.tables[source.main + 1 :]:
            found = _header_at(table)
            if found is not None:
                position, own = found
                offset = table.rows[position].row - 1 if table.counts_from_header else 0
                rows = table.rows[position + 1 :]
                blocks.append(_Block(table, rows, own, " (продолжение, шапка повторена)", offset))
                unread.append(
                    (table, [r for r in table.rows[:position] if _looks_like_measure(r.cells)])
                )
            elif self.continues(table, columns):
                blocks.append(_Block(table, table.rows, columns, " (продолжение без шапки)"))
            else:
                unread.append((table, [r for r in table.rows if _looks_like_measure(r.cells)]))
        return blocks, [(t, rows) for t, rows in unread if rows]

    def continues(self, table: _Table, columns: _Columns) -> bool:
        """A table without a header continues the appendix when its first row is one of it."""
        for row in table.rows[:HEADER_SCAN_ROWS]:
            filled = [c for c in row.cells if c]
            if not filled or _is_column_numbers(filled):
                continue
            if len(row.cells) < columns.width:
                return False
            kind = self.kind_of(row.cells, columns)
            return kind in ("measure", "plain", "section")
        return False

    def report_unread(self, unread: list[tuple[_Table, list[_Row]]]) -> None:
        reported = 0
        for table, rows in unread:
            self.block = _Block(table, rows, _Columns.default(), "")
            if table.counts_from_header:
                self.block.row_offset = 0
            for row in rows:
                reported += 1
                if reported > MAX_UNREAD_REPORTED:
                    break
                text = next(c for c in row.cells if c)
                title = next((c for c in row.cells if c and c != text), "")
                self.problem(
                    row,
                    f"похоже на мероприятие («{_short(text)} {_short(title)}»), но не прочитано: "
                    "эта таблица не продолжает таблицу приложения. Перенесите строку в таблицу "
                    "приложения или дайте таблице такую же шапку.",
                    blocking=False,
                )
        if reported > MAX_UNREAD_REPORTED:
            self.problem(
                None,
                f"Ещё {reported - MAX_UNREAD_REPORTED} строк вне таблицы приложения похожи на "
                "мероприятия и не прочитаны.",
                blocking=False,
            )

    def report_unread_paragraphs(self, source: _Source) -> None:
        for number, where, text in source.paragraphs:
            match = PARAGRAPH_MEASURE_RE.fullmatch(_one_line(text))
            if match is None:
                continue
            self.imported.problems.append(
                Problem(
                    None,
                    f"похоже на мероприятие («{_short(_one_line(text))}»), но не прочитано: "
                    "мероприятия читаются только из таблицы приложения.",
                    False,
                    f"Абзац {number} ({where})",
                    10_000 + number,
                )
            )

    # one row

    def kind_of(self, cells: list[str], columns: _Columns) -> str:
        filled = [c for c in cells if c]
        if not filled or _is_column_numbers(filled):
            return "skip"
        if _Columns.of_header(cells) is not None:
            return "skip"  # the header repeated inside the table
        number = _cell(cells, columns.number)
        if MEASURE_RE.fullmatch(number):
            return "measure"
        first = cells[0]
        if first and all(c == first for c in filled):
            return "section"
        rest = [c for c in cells[1:] if c]
        numbered = SECTION_NUMBER_RE.fullmatch(first)
        if numbered and _section_number(numbered[1]) and rest and all(c == rest[0] for c in rest):
            plain = PLAIN_NUMBER_RE.fullmatch(first)
            if not (plain and self.continues_plain(int(plain[1]))):
                return "section_split"
        title = _cell(cells, columns.title)
        if columns.number is None:
            return "plain" if title else "unknown"
        plain = PLAIN_NUMBER_RE.fullmatch(number)
        if plain and title:
            return "plain"
        return "unknown"

    def continues_plain(self, number: int) -> bool:
        """Inside a section numbered 1, 2, 3…, «4» with a title alone is the next measure."""
        section = self.section
        if section is None or not section.measures or not self.plain_numbers:
            return False
        printed = section.measures[-1].printed_number.rstrip(".)")
        return printed.isdigit() and number == int(printed) + 1

    def row(self, row: _Row, columns: _Columns) -> None:
        cells = row.cells
        if self.measure is not None and columns.number is not None:
            index = columns.number
            if index < len(cells) and row.merged_up[index] and cells[index]:
                self.extend_measure(row, columns)
                return
        kind = self.kind_of(cells, columns)
        if kind == "skip":
            return
        if kind == "measure":
            self.add_measure(row, columns, _cell(cells, columns.number).rstrip("."), "")
        elif kind == "section":
            self.add_section(row, *_section_parts(cells[0], len(self.imported.sections) + 1))
        elif kind == "section_split":
            printed = SECTION_NUMBER_RE.fullmatch(cells[0])[1]
            rest = next(c for c in cells[1:] if c)
            self.add_section(row, _section_number(printed), _one_line(rest), True, printed)
        elif kind == "plain":
            printed = _cell(cells, columns.number)
            if self.section is None:
                number = printed.rstrip(".)") or str(self.imported.measure_count + 1)
            else:
                number = f"{self.section.number}.{len(self.section.measures) + 1}"
            if printed:
                self.plain_numbers = True
            self.add_measure(row, columns, number, printed)
        else:
            self.problem(
                row,
                "Строка не распознана: в первом столбце должен быть номер мероприятия "
                "(например, «1.1.» или «1») или строка раздела, объединённая на всю ширину "
                "таблицы.",
                blocking=True,
            )

    def add_section(
        self, row: _Row, number: str, title: str, numbered: bool, printed: str = ""
    ) -> None:
        self.measure = None
        if not numbered:
            self.problem(
                row,
                f"У раздела «{title[:80]}» нет номера: он получит номер {number}.",
                blocking=False,
            )
        if not title:
            self.problem(row, f"У раздела {number} не заполнено наименование.", blocking=True)
        if number in self.section_rows:
            self.problem(
                row,
                f"Номер раздела {number} повторяется (впервые — {self.section_rows[number]}).",
                blocking=True,
            )
        self.section_rows.setdefault(number, self.where(row))
        self.section = ImportedSection(
            row=self.user_row(row),
            number=number,
            title=title,
            place=self.place(row),
            printed_number=printed if printed and printed != number else "",
        )
        self.imported.sections.append(self.section)

    def where(self, row: _Row) -> str:
        """«в строке 5», «в таблице 2, строке 3», «на листе «План», строке 3»."""
        place = self.place(row)
        place = (place[:1].lower() + place[1:]).replace("строка", "строке")
        if place.startswith("лист "):
            return "на листе " + place.removeprefix("лист ")
        return "в " + place.replace("таблица", "таблице")

    def add_measure(self, row: _Row, columns: _Columns, number: str, printed: str) -> None:
        cells = row.cells
        responsible_text = _one_line(_cell(cells, columns.responsible))
        measure = ImportedMeasure(
            row=self.user_row(row),
            number=number,
            title=_cell(cells, columns.title),
            deadline_text=_one_line(_cell(cells, columns.deadline)),
            responsible=[],
            result=_cell(cells, columns.result),
            place=self.place(row),
            table=self.block.table.index,
            printed_number=printed,
            responsible_text=responsible_text,
        )
        self.check_measure(row, measure, explicit=not printed and columns.number is not None)
        self.add_parties(row, measure, _cell(cells, columns.responsible))
        if self.section is None:
            self.problem(
                row,
                f"Мероприятие {number} стоит выше первого раздела: добавьте над ним строку "
                "раздела.",
                blocking=True,
            )
            self.measure = None
            return
        self.section.measures.append(measure)
        self.measure = measure

    def add_parties(self, row: _Row, measure: ImportedMeasure, text: str) -> None:
        for match in self.matcher.match_cell(text):
            if len(match.name) > PARTY_NAME_MAX:
                self.problem(
                    row,
                    f"Ответственный «{match.name[:80]}…» — слишком длинное наименование.",
                    blocking=True,
                )
                continue
            if match.status == NEW and not any(
                p["name"] == match.name for p in self.reported_new()
            ):
                self.problem(
                    row,
                    f"Ответственного исполнителя «{match.name}» нет в справочнике: он будет "
                    f"добавлен в справочник как {KIND_AS_ADDED[match.kind]}.",
                    blocking=False,
                )
            measure.parties.append(asdict(match))
            if match.name not in measure.responsible:
                measure.responsible.append(match.name)
        if not measure.responsible:
            self.problem(
                row,
                f"У мероприятия {measure.number} не указан ответственный исполнитель: исполнения "
                "по нему не будут созданы, пока его не укажут.",
                blocking=False,
            )

    def reported_new(self) -> Iterable[dict]:
        for section in self.imported.sections:
            for measure in section.measures:
                yield from (p for p in measure.parties if p["status"] == NEW)

    def extend_measure(self, row: _Row, columns: _Columns) -> None:
        """A row whose number cell is merged with the one above: more of the same measure."""
        measure = self.measure
        cells = row.cells

        def more(index: int | None) -> str:
            if index is None or index >= len(cells) or row.merged_up[index]:
                return ""
            return cells[index]

        if more(columns.title):
            measure.title = f"{measure.title}\n{more(columns.title)}".strip()
        if more(columns.deadline):
            measure.deadline_text = f"{measure.deadline_text}, {more(columns.deadline)}".strip(", ")
        if more(columns.result):
            measure.result = f"{measure.result}\n{more(columns.result)}".strip()
        if more(columns.responsible):
            measure.responsible_text = ", ".join(
                t for t in (measure.responsible_text, _one_line(more(columns.responsible))) if t
            )
            self.add_parties(row, measure, more(columns.responsible))

    def check_measure(self, row: _Row, measure: ImportedMeasure, *, explicit: bool) -> None:
        number = measure.number
        section = self.section
        if explicit and section is not None and not number.startswith(f"{section.number}."):
            self.problem(
                row,
                f"Номер мероприятия {number} не начинается с номера раздела {section.number}.",
                blocking=False,
            )
        if number in self.measure_rows:
            self.problem(
                row,
                f"Номер мероприятия {number} повторяется (впервые — {self.measure_rows[number]}).",
                blocking=True,
            )
        self.measure_rows.setdefault(number, self.where(row))
        if len(number) > NUMBER_MAX:
            self.problem(row, f"Номер мероприятия {number} слишком длинный.", blocking=True)
        if not measure.title:
            self.problem(row, f"У мероприятия {number} не заполнено наименование.", blocking=True)
        if len(measure.deadline_text) > DEADLINE_MAX:
            self.problem(
                row,
                f"Срок мероприятия {number} длиннее {DEADLINE_MAX} знаков: сократите его.",
                blocking=True,
            )
        if len(measure.responsible_text) > RESPONSIBLE_TEXT_MAX:
            measure.responsible_text = ""  # the parties' names are written instead


def _short(text: str, limit: int = 60) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _section_parts(text: str, next_number: int) -> tuple[str, str, bool, str]:
    """(number, title, numbered, printed number when it differs from the number)."""
    text = _one_line(text)
    match = SECTION_RE.fullmatch(text)
    if match:
        number = _section_number(match[1])
        if number is not None:
            return number, match[2], True, match[1] if match[1] != number else ""
    return str(next_number), text, False, ""


# --- dates: the school year, the period and each deadline


def _date_deadlines(imported: ImportedRoadmap, source: _Source, calendar: SchoolCalendar) -> None:
    """The school year and period from the document; every deadline read in them."""
    measures = [m for s in imported.sections for m in s.measures]
    year = _school_year_of(imported.title) or _school_year_of(source.above)
    if year is not None:
        imported.school_year_source = "title"
    else:
        year = _school_year_from_deadlines(measures, calendar)
        imported.school_year_source = "deadlines" if year is not None else ""
    if year is None:
        if not measures:
            return
        year = school_year_of(timezone.localdate())
        imported.problems.append(
            Problem(
                None,
                "Учебный год не указан ни в наименовании, ни в сроках: сроки прочитаны для "
                f"{year}–{year + 1} учебного года. Проверьте год перед созданием проекта.",
                False,
            )
        )
    imported.school_year_start = year
    period = _period_of(measures, year, calendar)
    imported.period_start, imported.period_end = period[0].isoformat(), period[1].isoformat()
    for problem in check_deadlines(imported, year, period, calendar, record=True):
        imported.problems.append(problem)


def _school_year_from_deadlines(
    measures: list[ImportedMeasure], calendar: SchoolCalendar
) -> int | None:
    """The school year most deadlines with a written year fall in."""
    votes: Counter[int] = Counter()
    for measure in measures:
        years = WRITTEN_YEAR_RE.findall(measure.deadline_text)
        if not years:
            continue
        deadline = parse_deadline(measure.deadline_text, int(years[0]), calendar=calendar)
        day = deadline.starts_on or deadline.due_on
        if day is not None:
            votes[school_year_of(day)] += 1
    if not votes:
        return None
    best = max(votes.values())
    return min(year for year, count in votes.items() if count == best)


def _period_of(
    measures: list[ImportedMeasure], year: int, calendar: SchoolCalendar
) -> tuple[date, date]:
    """The school year (1 September - 31 May), widened to deadlines in its own summers."""
    start, end = school_year_bounds(year)
    earliest, latest = date(year, 6, 1), date(year + 1, 8, 31)
    for measure in measures:
        deadline = parse_deadline(measure.deadline_text, year, calendar=calendar)
        if deadline.kind in ("recurring", "throughout") or deadline.due_on is None:
            continue
        first = deadline.starts_on or deadline.due_on
        if earliest <= first < start:
            start = first.replace(day=1)
        if end < deadline.due_on <= latest:
            end = deadline.due_on
    return start, end


def check_deadlines(
    imported: ImportedRoadmap,
    school_year_start: int,
    period: tuple[date, date],
    calendar: SchoolCalendar,
    *,
    record: bool = False,
) -> list[Problem]:
    """Deadlines unread or outside the period, as warnings; ``record`` keeps each reading."""
    problems = []
    for section in imported.sections:
        for measure in section.measures:
            deadline = parse_deadline(
                measure.deadline_text, school_year_start, period=period, calendar=calendar
            )
            outside = bool(
                deadline.due_on
                and (
                    deadline.due_on > period[1]
                    or (deadline.starts_on or deadline.due_on) < period[0]
                )
            )
            if record:
                measure.deadline = {
                    "kind": deadline.kind,
                    "starts_on": deadline.starts_on.isoformat() if deadline.starts_on else None,
                    "due_on": deadline.due_on.isoformat() if deadline.due_on else None,
                    "read_as": format_deadline(deadline),
                    "outside": outside,
                }
            where = {"row": measure.row, "place": measure.place, "table": measure.table}
            if deadline.kind == "unknown":
                problems.append(
                    Problem(
                        message=f"Срок мероприятия {measure.number} «{measure.deadline_text}» не "
                        "распознан: даты срока останутся пустыми, их можно будет уточнить после "
                        "загрузки.",
                        blocking=False,
                        **where,
                    )
                )
            elif outside:
                problems.append(
                    Problem(
                        message=f"Срок мероприятия {measure.number} «{measure.deadline_text}» "
                        f"({format_deadline(deadline)}) выходит за период дорожной карты "
                        f"{period[0]:%d.%m.%Y} – {period[1]:%d.%m.%Y}.",
                        blocking=False,
                        **where,
                    )
                )
    return problems


# --- creating the draft -------------------------------------------------------------------------


@transaction.atomic
def create_draft(
    *,
    user,
    municipality,
    imported: ImportedRoadmap,
    title: str,
    school_year_start: int,
    period_start,
    period_end,
) -> Roadmap:
    """A draft roadmap with the file's sections and measures; new parties join the list now."""
    if not imported.ok:
        raise ValidationError(
            ["В файле есть ошибки, из-за которых загрузить его нельзя."]
            + [str(p) for p in imported.blocking_problems]
        )
    roadmap = create_roadmap(
        user=user,
        municipality=municipality,
        title=title,
        school_year_start=school_year_start,
        period_start=period_start,
        period_end=period_end,
    )
    parties = _parties_for(m for s in imported.sections for m in s.measures)
    for section_data in imported.sections:
        section: Section = create_section(
            user=user,
            roadmap=roadmap,
            number=section_data.number,
            title=section_data.title,
            printed_number=section_data.printed_number,
        )
        for measure in section_data.measures:
            create_measure(
                user=user,
                section=section,
                number=measure.number,
                title=measure.title,
                deadline_text=measure.deadline_text,
                result=measure.result,
                parties=[parties[name.casefold()] for name in measure.responsible],
                responsible_text=measure.responsible_text or None,
                printed_number=_printed_number(measure.printed_number),
            )
    return roadmap


def _printed_number(printed: str) -> str:
    """The number a document printed, kept without the dot or bracket after it («3.» -> «3»),
    as section numbers are."""
    return printed.strip().rstrip(".)")


def _parties_for(measures: Iterable[ImportedMeasure]) -> dict[str, ResponsibleParty]:
    """Casefolded name -> party; a name not in the list is added with the kind it was read as."""
    parties = {p.name.casefold(): p for p in ResponsibleParty.objects.all()}
    position = ResponsibleParty.objects.aggregate(m=Max("position"))["m"] or 0
    for measure in measures:
        kinds = {p["name"].casefold(): p["kind"] for p in measure.parties}
        for name in measure.responsible:
            if name.casefold() in parties:
                continue
            position += 1
            kind = kinds.get(name.casefold(), ResponsibleParty.Kind.EXTERNAL)
            party, _ = ResponsibleParty.objects.get_or_create(
                name=name, defaults={"kind": kind, "position": position}
            )
            parties[name.casefold()] = party
    return parties


def outside_period(
    imported: ImportedRoadmap,
    school_year_start: int,
    period: tuple[date, date],
    calendar: SchoolCalendar,
) -> list[str]:
    """The measures whose deadlines fall outside a period the user chose, for the draft form."""
    return [
        p.message
        for p in check_deadlines(imported, school_year_start, period, calendar)
        if "выходит за период" in p.message
    ]


__all__ = [
    "ImportFileError",
    "ImportedMeasure",
    "ImportedRoadmap",
    "ImportedSection",
    "Problem",
    "check_deadlines",
    "create_draft",
    "outside_period",
    "read_roadmap_file",
]
