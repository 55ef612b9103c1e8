"""What reading a roadmap's appendix gives: the sections and measures found, the problems named
by their place, and the limits of what is read."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from core.office_limits import docx_limits, xlsx_limits
from roadmap.models import TEXT_MAX, Measure, ResponsibleParty

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


ROMAN_CHARS = "IVXLCІХ"  # Cyrillic «І» and «Х» are typed for the Roman numerals too


SECTION_RE = re.compile(
    rf"(?:[Рр]аздел\s+)?(\d{{1,3}}|[{ROMAN_CHARS}]{{1,7}})(?:[.:)]\s*|\s+)(\S.*)", re.DOTALL
)


SECTION_NUMBER_RE = re.compile(rf"(?:[Рр]аздел\s+)?(\d{{1,3}}|[{ROMAN_CHARS}]{{1,7}})[.:)]?")


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


@dataclass
class Row:
    row: int  # as the user sees it
    cells: list[str]
    merged_up: list[bool]  # per cell: one cell with the cell above (a vertical merge)


@dataclass
class SourceTable:
    """A DOCX table or an XLSX sheet, as rows of cell texts."""

    index: int  # 1-based, in the file's order
    label: str  # «таблица 2», «лист «План»»
    rows: list[Row]
    counts_from_header: bool  # DOCX: rows are counted from the header row (1)


@dataclass
class Source:
    title: str
    above: str  # the text above the appendix table: the school year may be there
    tables: list[SourceTable]
    paragraphs: list[tuple[int, str, str]]  # (number, where, text) of paragraphs (DOCX)
    main: int | None = None  # index into tables of the appendix's first table
    header: int = 0  # the header's position in that table's rows
    empty: bool = False  # nothing filled in anywhere


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def one_line(text: str) -> str:
    return " ".join(line for line in text.split("\n") if line)


def roman(text: str) -> int | None:
    text = text.upper().replace("І", "I").replace("Х", "X")
    if not text or not ROMAN_RE.fullmatch(text):
        return None
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for char, following in zip(text, [*text[1:], ""], strict=True):
        value = values[char]
        total += -value if following and values[following] > value else value
    return total


def section_number(text: str) -> str | None:
    """«1», «1.», «Раздел 2», «IV.» -> "1", "1", "2", "4"; None for anything else."""
    if text.isdigit():
        return str(int(text))
    value = roman(text)
    return str(value) if value else None


def school_year_in(text: str) -> int | None:
    for match in SCHOOL_YEAR_RE.finditer(text):
        first = int(match[1])
        second = int(match[2]) if len(match[2]) == 4 else first // 100 * 100 + int(match[2])
        if second == first + 1 and 1990 <= first <= 2100:
            return first
    return None
