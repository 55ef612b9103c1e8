"""The rows of a table into sections and measures: which columns hold what, which tables are the
appendix, numbering that restarts or goes Roman, and what the deadlines say about the year."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from django.utils import timezone

from roadmap.deadlines import (
    SchoolCalendar,
    format_deadline,
    parse_deadline,
    school_year_bounds,
    school_year_of,
)
from roadmap.documents.imported import (
    DEADLINE_MAX,
    HEADER_SCAN_ROWS,
    KIND_AS_ADDED,
    MAX_UNREAD_REPORTED,
    MEASURE_RE,
    NO_TABLE,
    NUMBER_MAX,
    PARAGRAPH_MEASURE_RE,
    PARTY_NAME_MAX,
    PLAIN_NUMBER_RE,
    RESPONSIBLE_TEXT_MAX,
    SECTION_NUMBER_RE,
    SECTION_RE,
    WRITTEN_YEAR_RE,
    ImportedMeasure,
    ImportedRoadmap,
    ImportedSection,
    Problem,
    Row,
    Source,
    SourceTable,
    capital,
    one_line,
    school_year_in,
    section_number,
)
from roadmap.parties import NEW, PartyMatcher
from roadmap.text import clean_line


@dataclass
class Columns:
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
    def of_header(cls, header: list[str]) -> Columns | None:
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
    def default(cls) -> Columns:
        """No header found: the appendix's own order."""
        return cls(number=0, title=1, deadline=2, responsible=3, result=4)

    @property
    def width(self) -> int:
        used = [self.number, self.title, self.deadline, self.responsible, self.result]
        return max(i for i in used if i is not None) + 1


def cell_text(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def is_column_numbers(filled: list[str]) -> bool:
    """The «1 2 3 4 5» row that many documents put under the header."""
    return len(filled) >= 3 and filled == [str(i) for i in range(1, len(filled) + 1)]


LIKELY_NUMBER_RE = re.compile(r"\d{1,2}(?:\.\d{1,2}){1,2}\.?")  # «1.5.», not «28.10.2020»


WORDS_RE = re.compile(r"[^\W\d_]{2,}(?:\s+[^\W\d_]{2,})+")


def looks_like_measure(cells: list[str]) -> bool:
    """A row of a table that was not read which would be a measure in the appendix."""
    filled = [c for c in cells if c]
    if len(filled) < 2 or is_column_numbers(filled):
        return False
    first = filled[0]
    if not any(WORDS_RE.search(c) for c in filled[1:]):
        return False
    if LIKELY_NUMBER_RE.fullmatch(first):
        return True
    return bool(PLAIN_NUMBER_RE.fullmatch(first)) and len(set(filled)) >= 3


def header_at(table: SourceTable) -> tuple[int, Columns] | None:
    for position, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
        columns = Columns.of_header(row.cells)
        if columns is not None:
            return position, columns
    return None


def find_main(source: Source) -> None:
    for position, table in enumerate(source.tables):
        found = header_at(table)
        if found is not None:
            source.main, source.header = position, found[0]
            return


@dataclass
class Block:
    table: SourceTable
    rows: list[Row]
    columns: Columns
    how: str  # shown in the preview: how the table joined the appendix
    row_offset: int = 0  # DOCX rows are counted from the header


class Collector:
    def __init__(self, imported: ImportedRoadmap, matcher: PartyMatcher):
        self.imported = imported
        self.matcher = matcher
        self.section: ImportedSection | None = None
        self.measure: ImportedMeasure | None = None  # the last one read
        self.measure_rows: dict[str, str] = {}
        self.section_rows: dict[str, str] = {}
        self.plain_numbers = False
        self.places_with_table = False
        self.block: Block | None = None

    def problem(self, row: Row | None, message: str, *, blocking: bool) -> None:
        if row is None:
            self.imported.problems.append(Problem(None, message, blocking))
            return
        self.imported.problems.append(
            Problem(self.user_row(row), message, blocking, self.place(row), self.block.table.index)
        )

    def user_row(self, row: Row) -> int:
        return row.row - self.block.row_offset

    def place(self, row: Row) -> str:
        if not self.places_with_table:
            return f"Строка {self.user_row(row)}"
        return capital(f"{self.block.table.label}, строка {self.user_row(row)}")

    # the document

    def collect(self, source: Source) -> None:
        if source.empty:
            self.problem(None, "Файл пустой: в нём нет ни одной заполненной строки.", blocking=True)
            return
        if not source.tables:
            self.problem(None, capital(NO_TABLE) + ".", blocking=True)
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

    def blocks_of(self, source: Source) -> tuple[list[Block], list[tuple[SourceTable, list[Row]]]]:
        """The appendix's tables in order, and the rows of the others that look like measures."""
        unread: list[tuple[SourceTable, list[Row]]] = []
        if source.main is None:
            self.problem(
                None, f"{capital(NO_TABLE)}. Прочитана первая таблица файла.", blocking=True
            )
            table = next(t for t in source.tables if t.rows)
            return [Block(table, table.rows, Columns.default(), "")], unread
        main = source.tables[source.main]
        header = main.rows[source.header]
        columns = Columns.of_header(header.cells)
        offset = header.row - 1 if main.counts_from_header else 0
        blocks = [Block(main, main.rows[source.header + 1 :], columns, "", offset)]
        above = [r for r in main.rows[: source.header] if looks_like_measure(r.cells)]
        for table in source.tables[: source.main]:
            unread.append((table, [r for r in table.rows if looks_like_measure(r.cells)]))
        unread.append((main, above))
        for table in source.tables[source.main + 1 :]:
            found = header_at(table)
            if found is not None:
                position, own = found
                offset = table.rows[position].row - 1 if table.counts_from_header else 0
                rows = table.rows[position + 1 :]
                blocks.append(Block(table, rows, own, " (продолжение, шапка повторена)", offset))
                unread.append(
                    (table, [r for r in table.rows[:position] if looks_like_measure(r.cells)])
                )
            elif self.continues(table, columns):
                blocks.append(Block(table, table.rows, columns, " (продолжение без шапки)"))
            else:
                unread.append((table, [r for r in table.rows if looks_like_measure(r.cells)]))
        return blocks, [(t, rows) for t, rows in unread if rows]

    def continues(self, table: SourceTable, columns: Columns) -> bool:
        """A table without a header continues the appendix when its first row is one of it."""
        for row in table.rows[:HEADER_SCAN_ROWS]:
            filled = [c for c in row.cells if c]
            if not filled or is_column_numbers(filled):
                continue
            if len(row.cells) < columns.width:
                return False
            kind = self.kind_of(row.cells, columns)
            return kind in ("measure", "plain", "section")
        return False

    def report_unread(self, unread: list[tuple[SourceTable, list[Row]]]) -> None:
        reported = 0
        for table, rows in unread:
            self.block = Block(table, rows, Columns.default(), "")
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
                    f"похоже на мероприятие («{short(text)} {short(title)}»), но не прочитано: "
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

    def report_unread_paragraphs(self, source: Source) -> None:
        for number, where, text in source.paragraphs:
            match = PARAGRAPH_MEASURE_RE.fullmatch(one_line(text))
            if match is None:
                continue
            self.imported.problems.append(
                Problem(
                    None,
                    f"похоже на мероприятие («{short(one_line(text))}»), но не прочитано: "
                    "мероприятия читаются только из таблицы приложения.",
                    False,
                    f"Абзац {number} ({where})",
                    10_000 + number,
                )
            )

    # one row

    def kind_of(self, cells: list[str], columns: Columns) -> str:
        filled = [c for c in cells if c]
        if not filled or is_column_numbers(filled):
            return "skip"
        if Columns.of_header(cells) is not None:
            return "skip"  # the header repeated inside the table
        number = cell_text(cells, columns.number)
        if MEASURE_RE.fullmatch(number):
            return "measure"
        first = cells[0]
        if first and all(c == first for c in filled):
            return "section"
        rest = [c for c in cells[1:] if c]
        numbered = SECTION_NUMBER_RE.fullmatch(first)
        if numbered and section_number(numbered[1]) and rest and all(c == rest[0] for c in rest):
            plain = PLAIN_NUMBER_RE.fullmatch(first)
            if not (plain and self.continues_plain(int(plain[1]))):
                return "section_split"
        title = cell_text(cells, columns.title)
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

    def row(self, row: Row, columns: Columns) -> None:
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
            self.add_measure(row, columns, cell_text(cells, columns.number).rstrip("."), "")
        elif kind == "section":
            self.add_section(row, *section_parts(cells[0], len(self.imported.sections) + 1))
        elif kind == "section_split":
            printed = SECTION_NUMBER_RE.fullmatch(cells[0])[1]
            rest = next(c for c in cells[1:] if c)
            self.add_section(row, section_number(printed), one_line(rest), True, printed)
        elif kind == "plain":
            printed = cell_text(cells, columns.number)
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
        self, row: Row, number: str, title: str, numbered: bool, printed: str = ""
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

    def where(self, row: Row) -> str:
        """«в строке 5», «в таблице 2, строке 3», «на листе «План», строке 3»."""
        place = self.place(row)
        place = (place[:1].lower() + place[1:]).replace("строка", "строке")
        if place.startswith("лист "):
            return "на листе " + place.removeprefix("лист ")
        return "в " + place.replace("таблица", "таблице")

    def add_measure(self, row: Row, columns: Columns, number: str, printed: str) -> None:
        cells = row.cells
        responsible_text = one_line(cell_text(cells, columns.responsible))
        measure = ImportedMeasure(
            row=self.user_row(row),
            number=number,
            title=cell_text(cells, columns.title),
            deadline_text=one_line(cell_text(cells, columns.deadline)),
            responsible=[],
            result=cell_text(cells, columns.result),
            place=self.place(row),
            table=self.block.table.index,
            printed_number=printed,
            responsible_text=responsible_text,
        )
        self.check_measure(row, measure, explicit=not printed and columns.number is not None)
        self.add_parties(row, measure, cell_text(cells, columns.responsible))
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

    def add_parties(self, row: Row, measure: ImportedMeasure, text: str) -> None:
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

    def extend_measure(self, row: Row, columns: Columns) -> None:
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
                t for t in (measure.responsible_text, one_line(more(columns.responsible))) if t
            )
            self.add_parties(row, measure, more(columns.responsible))

    def check_measure(self, row: Row, measure: ImportedMeasure, *, explicit: bool) -> None:
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


def short(text: str, limit: int = 60) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def section_parts(text: str, next_number: int) -> tuple[str, str, bool, str]:
    """(number, title, numbered, printed number when it differs from the number)."""
    text = one_line(text)
    match = SECTION_RE.fullmatch(text)
    if match:
        number = section_number(match[1])
        if number is not None:
            return number, match[2], True, match[1] if match[1] != number else ""
    return str(next_number), text, False, ""


def date_deadlines(imported: ImportedRoadmap, source: Source, calendar: SchoolCalendar) -> None:
    """The school year and period from the document; every deadline read in them."""
    measures = [m for s in imported.sections for m in s.measures]
    year = school_year_in(imported.title) or school_year_in(source.above)
    if year is not None:
        imported.school_year_source = "title"
    else:
        year = school_year_from_deadlines(measures, calendar)
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
    period = period_of(measures, year, calendar)
    imported.period_start, imported.period_end = period[0].isoformat(), period[1].isoformat()
    for problem in check_deadlines(imported, year, period, calendar, record=True):
        imported.problems.append(problem)


def school_year_from_deadlines(
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


def period_of(
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
