"""A roadmap read back from its appendix (DOCX or XLSX), then created as a draft.

Reading never writes: it returns what it found and the problems, in Russian, so that the user
sees a preview first. Only ``create_draft`` writes, through the services, so that history,
deadlines and executions come out exactly as for a roadmap typed in by hand.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from roadmap.deadlines import parse_deadline
from roadmap.files import DOCX, XLSX, safe_filename, validate_upload
from roadmap.forms import TEXT_MAX
from roadmap.models import Measure, ResponsibleParty, Roadmap, Section
from roadmap.office_limits import check_office_file, docx_limits, xlsx_limits
from roadmap.services import create_measure, create_roadmap, create_section

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
HEADER_SCAN_ROWS = 30  # the header row is looked for this far down a sheet
MAX_ROWS = 1000  # a roadmap has about a hundred rows; more means a wrong file
SCAN_ROWS = 4 * MAX_ROWS  # formatted but empty rows below are not read to the sheet's end
MAX_COLUMNS = 50
TABLE_COLUMNS = 6  # №, measure, deadline, responsible, result, and one more of the user's
HEADER_WORDS = ("наименование", "срок", "ответствен")
MEASURE_RE = re.compile(r"\d+(?:\.\d+)+\.?")
SECTION_RE = re.compile(r"(?:раздел\s+)?(\d{1,3})(?:\.\s*|\s+)(\S.*)", re.IGNORECASE)
SECTION_NUMBER_RE = re.compile(r"(?:раздел\s+)?(\d{1,3})\.?", re.IGNORECASE)
SCHOOL_YEAR_RE = re.compile(r"(?<!\d)(\d{4})\s*(?:-|–|—|/)\s*(\d{4})(?!\d)")
NUMBER_MAX = Measure._meta.get_field("number").max_length
DEADLINE_MAX = Measure._meta.get_field("deadline_text").max_length
PARTY_NAME_MAX = ResponsibleParty._meta.get_field("name").max_length
# The longest row the appendix can have: number, wording, deadline, several parties, result.
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
    "мероприятий», «Срок реализации», «Ответственный исполнитель», «Результат»"
)


class ImportFileError(Exception):
    """The file as a whole cannot be read; str() is the Russian message."""


@dataclass
class ImportedMeasure:
    row: int
    number: str
    title: str
    deadline_text: str
    responsible: list[str]
    result: str


@dataclass
class ImportedSection:
    row: int
    number: str
    title: str
    measures: list[ImportedMeasure] = field(default_factory=list)


@dataclass
class Problem:
    """``row`` is the row as the user sees it: DOCX counts table rows from the header (1),
    XLSX gives the sheet's own row number; None is about the whole file."""

    row: int | None
    message: str
    blocking: bool

    def __str__(self) -> str:
        return f"Строка {self.row}: {self.message}" if self.row is not None else self.message


@dataclass
class ImportedRoadmap:
    sections: list[ImportedSection] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    title: str = ""
    school_year_start: int | None = None  # read from the title, when it names one

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

    def as_dict(self) -> dict:
        """Plain data (JSON-safe), e.g. to keep the preview in the session until confirmed."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportedRoadmap:
        return cls(
            sections=[
                ImportedSection(
                    row=s["row"],
                    number=s["number"],
                    title=s["title"],
                    measures=[ImportedMeasure(**m) for m in s["measures"]],
                )
                for s in data["sections"]
            ],
            problems=[Problem(**p) for p in data["problems"]],
            title=data.get("title", ""),
            school_year_start=data.get("school_year_start"),
        )


# --- reading ------------------------------------------------------------------------------------


def read_roadmap_file(upload, *, max_bytes: int = MAX_BYTES) -> ImportedRoadmap:
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
    parties = {p.name.casefold(): p.name for p in ResponsibleParty.objects.only("name")}
    try:
        upload.seek(0)
        content = io.BytesIO(upload.read())
        if kind == DOCX:
            title, rows = _read_docx(content)
        else:
            title, rows = _read_xlsx(content)
    except ImportFileError:
        raise
    except Exception as exc:
        logger.info("Roadmap import: %s could not be read", name, exc_info=True)
        program = "Word" if kind == DOCX else "Excel"
        raise ImportFileError(
            f"Файл «{name}» не удаётся прочитать как документ {kind.label}. Откройте его в "
            f"{program}, сохраните заново в формате .{kind.extension} и загрузите снова."
        ) from exc
    imported = ImportedRoadmap(title=title, school_year_start=_school_year_of(title))
    if rows is None:
        imported.problems.append(Problem(None, _capital(NO_TABLE) + ".", blocking=True))
        return imported
    _Collector(imported, parties).collect(rows)
    imported.problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    return imported


@dataclass
class _Rows:
    """The candidate table: (row as the user sees it, cell texts), the header first."""

    rows: list[tuple[int, list[str]]]
    found: bool  # False: no header looked like the appendix's; the first table is read anyway


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _clean(text: str) -> str:
    """Lines stripped, blank lines at either end dropped; inner line breaks are kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(line for line in text.split("\n") if line)


def _is_header(cells: list[str]) -> bool:
    text = " ".join(cells).casefold()
    return all(word in text for word in HEADER_WORDS)


def _school_year_of(title: str) -> int | None:
    for match in SCHOOL_YEAR_RE.finditer(title):
        first, second = int(match[1]), int(match[2])
        if second == first + 1 and 1990 <= first <= 2100:
            return first
    return None


# --- DOCX


def _read_docx(content) -> tuple[str, _Rows | None]:
    from docx import Document
    from docx.table import Table

    blocks = list(Document(content).iter_inner_content())
    tables = [(index, block) for index, block in enumerate(blocks) if isinstance(block, Table)]
    if not tables:
        return "", None
    for index, table in tables:
        rows = _docx_rows(table)
        header = next(
            (i for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]) if _is_header(cells)), None
        )
        if header is not None:
            numbered = list(enumerate(rows[header:], start=1))  # the header is row 1
            return _docx_title(blocks[:index]), _Rows(numbered, True)
    index, table = tables[0]
    return _docx_title(blocks[:index]), _Rows(list(enumerate(_docx_rows(table), start=1)), False)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RUN_TEXT = {f"{W}t": None, f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n"}
_LINE_BREAKS = {None, "textWrapping"}  # a page or column break is no line of text


def _docx_rows(table) -> list[list[str]]:
    """A merged cell comes back once per column it spans (a vertically merged one, in every
    row it spans, with the text of its first); its paragraphs become lines.

    Read straight from the XML in one pass, as python-docx's ``row.cells`` would give them: its
    own walk goes up a vertical merge cell by cell (quadratic in the rows) and makes an object
    per paragraph, which a hostile table of many rows or paragraphs turns into seconds."""
    rows = []
    above: dict[int, str] = {}  # grid column -> the text of the cell there in the row above
    for tr in table._tbl.iterchildren(f"{W}tr"):
        column = _int_val(tr.find(f"{W}trPr/{W}gridBefore"), 0)
        cells = []
        for tc in tr.iterchildren(f"{W}tc"):
            span = max(1, _int_val(tc.find(f"{W}tcPr/{W}gridSpan"), 1))
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            if merge is not None and merge.get(f"{W}val", "continue") == "continue":
                text = above.get(column, "")
            else:
                text = _clean("\n".join(_paragraph_text(p) for p in tc.iterchildren(f"{W}p")))
            for offset in range(span):
                above[column + offset] = text
                cells.append(text)
            column += span
        rows.append(cells)
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


def _docx_title(blocks) -> str:
    """The paragraphs right above the table, from the one that starts «План мероприятий»."""
    from docx.text.paragraph import Paragraph

    texts: list[str] = []
    for block in reversed(blocks):
        if not isinstance(block, Paragraph):
            break
        text = _one_line(_clean(block.text))
        if not text:
            if texts:
                break
            continue
        texts.insert(0, text)
        if text.casefold().startswith("план мероприятий"):
            return " ".join(texts)
        if len(texts) >= 3:
            break
    return ""


# --- XLSX


def _read_xlsx(content) -> tuple[str, _Rows | None]:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(content, read_only=True, data_only=True, keep_links=False)
    try:
        sheets = [_sheet_rows(sheet) for sheet in book.worksheets]
    finally:
        book.close()
    if not any(rows for rows in sheets):
        return "", _Rows([], False)
    for rows in sheets:
        header = next(
            (i for i, (_, cells) in enumerate(rows[:HEADER_SCAN_ROWS]) if _is_header(cells)),
            None,
        )
        if header is not None:
            return _xlsx_title(rows[:header]), _Rows(rows[header:], True)
    rows = next(rows for rows in sheets if rows)
    return "", _Rows(rows, False)


def _sheet_rows(sheet) -> list[tuple[int, list[str]]]:
    """Non-empty rows with their sheet row numbers (hidden gaps keep their numbers)."""
    sheet.reset_dimensions()  # the stored size may be wrong; read what is really there
    rows = []
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
        rows.append((number, cells))
    return rows


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
    return _clean(str(value))


def _xlsx_title(rows) -> str:
    """The longest line above the header that is not the «Приложение к приказу …» mark."""
    mark = ("приложение", "к приказу", "от ", "утвержден")
    texts = [_one_line(next(c for c in cells if c)) for _, cells in rows]
    texts = [t for t in texts if not t.casefold().startswith(mark)]
    planned = [t for t in texts if t.casefold().startswith("план мероприятий")]
    return (planned or sorted(texts, key=len, reverse=True) or [""])[0]


# --- rows into sections and measures


@dataclass
class _Columns:
    number: int
    title: int | None
    deadline: int | None
    responsible: int | None
    result: int | None

    @classmethod
    def of(cls, header: list[str]) -> _Columns:
        """Columns by their header words; a column not named keeps its place in the appendix."""
        words = {
            "title": ("наименование",),
            "deadline": ("срок",),
            "responsible": ("ответствен", "исполнител"),
            "result": ("результат",),
            "number": ("№", "номер", "п/п"),
        }
        found: dict[str, int] = {}
        for key, keys in words.items():
            for index, text in enumerate(header):
                if index not in found.values() and any(k in text.casefold() for k in keys):
                    found[key] = index
                    break
        defaults = {"number": 0, "title": 1, "deadline": 2, "responsible": 3, "result": 4}
        for key, index in defaults.items():
            fits = not header or index < len(header)  # no header: the appendix's own order
            if key not in found and fits and index not in found.values():
                found[key] = index
        return cls(
            number=found.get("number", 0),
            title=found.get("title"),
            deadline=found.get("deadline"),
            responsible=found.get("responsible"),
            result=found.get("result"),
        )


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _split_parties(text: str) -> Iterator[str]:
    """«Департамент образования, образовательные организации» -> two directory names.

    A part without a letter or digit («—», «-») names nobody and is left out.
    """
    for part in re.split(r"[,;]", _one_line(text)):
        part = " ".join(part.split())
        if any(ch.isalnum() for ch in part):
            yield part[0].upper() + part[1:]


class _Collector:
    def __init__(self, imported: ImportedRoadmap, parties: dict[str, str]):
        self.imported = imported
        self.parties = parties  # casefolded name -> name as in the directory
        self.school_year = imported.school_year_start or _current_school_year()
        self.section: ImportedSection | None = None
        self.measure_rows: dict[str, int] = {}
        self.section_rows: dict[str, int] = {}
        self.unknown: set[str] = set()

    def problem(self, row: int | None, message: str, *, blocking: bool) -> None:
        self.imported.problems.append(Problem(row, message, blocking))

    def collect(self, table: _Rows) -> None:
        rows = table.rows
        if not rows:
            self.problem(None, "Файл пустой: в нём нет ни одной заполненной строки.", blocking=True)
            return
        if not table.found:
            self.problem(
                None, f"{_capital(NO_TABLE)}. Прочитана первая таблица файла.", blocking=True
            )
            columns = _Columns.of([])
        else:
            columns = _Columns.of(rows[0][1])
            rows = rows[1:]
        for row, cells in rows:
            self.row(row, cells, columns)
        for section in self.imported.sections:
            if not section.measures:
                self.problem(
                    section.row, f"В разделе {section.number} нет мероприятий.", blocking=False
                )
        if self.imported.measure_count == 0:
            self.problem(None, "В таблице нет ни одного мероприятия.", blocking=True)

    def row(self, row: int, cells: list[str], columns: _Columns) -> None:
        filled = [c for c in cells if c]
        if not filled or _is_column_numbers(filled):
            return
        number = _cell(cells, columns.number)
        if MEASURE_RE.fullmatch(number):
            self.add_measure(row, cells, columns)
            return
        first = cells[0]
        if first and all(c == first for c in filled):
            self.add_section(row, *_section_parts(first, len(self.imported.sections) + 1))
            return
        rest = [c for c in cells[1:] if c]
        numbered = SECTION_NUMBER_RE.fullmatch(first)
        if numbered and rest and all(c == rest[0] for c in rest):
            self.add_section(row, numbered[1], _one_line(rest[0]), True)
            return
        self.problem(
            row,
            "Строка не распознана: в первом столбце должен быть номер мероприятия "
            "(например, «1.1.») или строка раздела, объединённая на всю ширину таблицы.",
            blocking=True,
        )

    def add_section(self, row: int, number: str, title: str, numbered: bool) -> None:
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
                f"Номер раздела {number} повторяется (впервые — в строке "
                f"{self.section_rows[number]}).",
                blocking=True,
            )
        self.section_rows.setdefault(number, row)
        self.section = ImportedSection(row=row, number=number, title=title)
        self.imported.sections.append(self.section)

    def add_measure(self, row: int, cells: list[str], columns: _Columns) -> None:
        number = _cell(cells, columns.number).rstrip(".")
        measure = ImportedMeasure(
            row=row,
            number=number,
            title=_one_line(_cell(cells, columns.title)),
            deadline_text=_one_line(_cell(cells, columns.deadline)),
            responsible=[],
            result=_cell(cells, columns.result),
        )
        self.check_measure(measure)
        for name in _split_parties(_cell(cells, columns.responsible)):
            known = self.parties.get(name.casefold())
            if known is None:
                known = name
                self.check_new_party(row, name)
            if known not in measure.responsible:
                measure.responsible.append(known)
        if not measure.responsible:
            self.problem(
                row,
                f"У мероприятия {number} не указан ответственный исполнитель: исполнения по "
                "нему не будут созданы, пока его не укажут.",
                blocking=False,
            )
        if self.section is None:
            self.problem(
                row,
                f"Мероприятие {number} стоит выше первого раздела: добавьте над ним строку "
                "раздела.",
                blocking=True,
            )
            return
        self.section.measures.append(measure)

    def check_measure(self, measure: ImportedMeasure) -> None:
        row, number = measure.row, measure.number
        if self.section is not None and not number.startswith(f"{self.section.number}."):
            self.problem(
                row,
                f"Номер мероприятия {number} не начинается с номера раздела {self.section.number}.",
                blocking=False,
            )
        if number in self.measure_rows:
            self.problem(
                row,
                f"Номер мероприятия {number} повторяется (впервые — в строке "
                f"{self.measure_rows[number]}).",
                blocking=True,
            )
        self.measure_rows.setdefault(number, row)
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
        elif parse_deadline(measure.deadline_text, self.school_year).kind == "unknown":
            self.problem(
                row,
                f"Срок мероприятия {number} «{measure.deadline_text}» не распознан: даты срока "
                "останутся пустыми, их можно будет уточнить после загрузки.",
                blocking=False,
            )

    def check_new_party(self, row: int, name: str) -> None:
        if len(name) > PARTY_NAME_MAX:
            self.problem(
                row, f"Ответственный «{name[:80]}…» — слишком длинное наименование.", blocking=True
            )
        elif name.casefold() not in self.unknown:
            self.unknown.add(name.casefold())
            self.problem(
                row,
                f"Ответственного исполнителя «{name}» нет в справочнике: он будет добавлен в "
                "справочник как внешняя организация.",
                blocking=False,
            )


def _is_column_numbers(filled: list[str]) -> bool:
    """The «1 2 3 4 5» row that many documents put under the header."""
    return len(filled) >= 3 and filled == [str(i) for i in range(1, len(filled) + 1)]


def _section_parts(text: str, next_number: int) -> tuple[str, str, bool]:
    text = _one_line(text)
    match = SECTION_RE.fullmatch(text)
    if match:
        return match[1], match[2], True
    return str(next_number), text, False


def _current_school_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


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
    """A draft roadmap with the file's sections and measures; unknown parties become external."""
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
    parties = _parties_for(m.responsible for s in imported.sections for m in s.measures)
    for section_data in imported.sections:
        section: Section = create_section(
            user=user, roadmap=roadmap, number=section_data.number, title=section_data.title
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
            )
    return roadmap


def _parties_for(names_lists: Iterable[list[str]]) -> dict[str, ResponsibleParty]:
    """Casefolded name -> party; a name not in the directory is added as external."""
    parties = {p.name.casefold(): p for p in ResponsibleParty.objects.all()}
    position = ResponsibleParty.objects.aggregate(m=Max("position"))["m"] or 0
    for names in names_lists:
        for name in names:
            if name.casefold() in parties:
                continue
            position += 1
            party, _ = ResponsibleParty.objects.get_or_create(
                name=name,
                defaults={"kind": ResponsibleParty.Kind.EXTERNAL, "position": position},
            )
            parties[name.casefold()] = party
    return parties
