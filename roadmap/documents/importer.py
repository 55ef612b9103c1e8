"""A roadmap read back from its appendix (DOCX or XLSX), then created as a draft.

Reading never writes: it returns what it found and the problems, in Russian, so that the user
sees a preview first; the file is held (``hold_for_preview``) until the user confirms it. Only
``create_draft`` writes the roadmap, through the services, so that history, deadlines and
executions come out exactly as for a roadmap typed in by hand.

Documents come as schools and municipalities make them: a table continued after a page break
as a second table (with its header repeated, or without one), numbers that restart in every
section, Roman section numbers, merged cells, other header words, careless spaces. Whatever
looks like a measure but could not be read is named in the preview with its place."""

from __future__ import annotations

import io
import logging
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max

from core.files import DOCX, XLSX, safe_filename, validate_upload
from core.models import ImportBatch
from core.office_limits import check_office_file
from roadmap.deadlines import (
    DEFAULT_CALENDAR,
    SchoolCalendar,
)
from roadmap.documents.imported import (
    DOCX_LIMITS,
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_MERGED_CELLS,
    MAX_ROWS,
    SCAN_ROWS,
    XLSX_LIMITS,
    ImportedMeasure,
    ImportedRoadmap,
    ImportFileError,
    Row,
    Source,
    SourceTable,
    one_line,
)
from roadmap.documents.interpret import Collector, check_deadlines, date_deadlines, find_main
from roadmap.models import ResponsibleParty, Roadmap, Section
from roadmap.parties import PartyMatcher
from roadmap.services import create_measure, create_roadmap, create_section, ensure_can_edit
from roadmap.text import clean_line, clean_text

logger = logging.getLogger(__name__)


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
    collector = Collector(imported, matcher)
    collector.collect(source)
    date_deadlines(imported, source, calendar or DEFAULT_CALENDAR)
    imported.problems.sort(key=lambda p: (p.row is not None or bool(p.place), p.table, p.row or 0))
    return imported


def _read_docx(content) -> Source:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks = list(Document(content).iter_inner_content())
    tables: list[SourceTable] = []
    paragraphs: list[tuple[int, str, str]] = []
    before: dict[int, list] = {}  # table index -> the blocks above it
    count = 0
    for position, block in enumerate(blocks):
        if isinstance(block, Table):
            index = len(tables) + 1
            tables.append(SourceTable(index, f"таблица {index}", _docx_rows(block), True))
            before[index] = blocks[:position]
        elif isinstance(block, Paragraph):
            text = clean_text(block.text)
            if text:
                count += 1
                where = f"после таблицы {len(tables)}" if tables else "перед таблицами"
                paragraphs.append((count, where, text))
    source = Source("", "", tables, paragraphs)
    find_main(source)
    if source.main is not None:
        above = before[tables[source.main].index]
        source.title = _docx_title(above)
        source.above = "\n".join(_paragraph_texts(above)[-10:])
    return source


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


_RUN_TEXT = {f"{W}t": None, f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n"}


_LINE_BREAKS = {None, "textWrapping"}  # a page or column break is no line of text


def _docx_rows(table) -> list[Row]:
    """A merged cell comes back once per column it spans (a vertically merged one, in every
    row it spans, with the text of its first, marked as merged with the cell above); its
    paragraphs become lines.

    Read straight from the XML in one pass, as python-docx's ``row.cells`` would give them: its
    own walk goes up a vertical merge cell by cell (quadratic in the rows) and makes an object
    per paragraph, which a hostile table of many rows or paragraphs turns into seconds."""
    rows: list[Row] = []
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
        rows.append(Row(number, texts, merged_up))
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


def _read_xlsx(content) -> Source:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(content, read_only=True, data_only=True, keep_links=False)
    try:
        tables = [
            SourceTable(index, f"лист «{sheet.title}»", _sheet_rows(sheet), False)
            for index, sheet in enumerate(book.worksheets, start=1)
        ]
    finally:
        book.close()
    source = Source("", "", [t for t in tables if t.rows], [])
    source.empty = not source.tables
    find_main(source)
    if source.main is not None:
        above = source.tables[source.main].rows[: source.header]
        source.title = _xlsx_title(above)
        source.above = "\n".join(one_line(" ".join(c for c in r.cells if c)) for r in above)
    return source


def _sheet_rows(sheet) -> list[Row]:
    """Non-empty rows with their sheet row numbers; merged cells filled with their value."""
    sheet.reset_dimensions()  # the stored size may be wrong; read what is really there
    rows: list[Row] = []
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
        rows.append(Row(number, cells, [False] * len(cells)))
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


def _fill_merged(sheet, rows: list[Row]) -> None:
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


def _xlsx_title(rows: list[Row]) -> str:
    """The longest line above the header that is not the «Приложение к приказу …» mark."""
    mark = ("приложение", "к приказу", "от ", "утвержд", "согласован")
    texts = [one_line(next(c for c in r.cells if c)) for r in rows if any(r.cells)]
    texts = [t for t in texts if not t.casefold().startswith(mark)]
    for index, text in enumerate(texts):
        if text.casefold().startswith(TITLE_STARTS):
            return " ".join(texts[index:])  # the title's lines down to the header
    return (sorted(texts, key=len, reverse=True) or [""])[0]


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
                party_required=False,
            )
    return roadmap


def hold_for_preview(*, user, upload, imported: ImportedRoadmap) -> ImportBatch:
    """Keep a file that was read without blocking problems while the user looks at the
    preview; ``confirm_draft`` makes the roadmap of it."""
    ensure_can_edit(user)
    upload.seek(0)
    batch = ImportBatch(
        user=user, entity="roadmap", original_name=upload.name[:255], rows=imported.measure_count
    )
    batch.file.save("roadmap.bin", ContentFile(upload.read()), save=False)
    batch.save()
    return batch


def read_held(batch: ImportBatch, *, calendar: SchoolCalendar) -> ImportedRoadmap:
    """The held file read again, as it was for the preview."""
    with batch.file.open("rb") as handle:
        upload = SimpleUploadedFile(batch.original_name, handle.read())
    return read_roadmap_file(upload, calendar=calendar)


def confirm_draft(
    *, user, batch: ImportBatch, municipality, imported: ImportedRoadmap, **draft
) -> Roadmap:
    """The draft roadmap of a held file (``draft``: its title, year and period); the batch is
    done and its file deleted."""
    with transaction.atomic():
        roadmap = create_draft(user=user, municipality=municipality, imported=imported, **draft)
        batch.status = ImportBatch.Status.DONE
        batch.created = imported.measure_count
        batch.save()
    batch.file.delete(save=False)
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
    "check_deadlines",
    "confirm_draft",
    "create_draft",
    "hold_for_preview",
    "outside_period",
    "read_held",
    "read_roadmap_file",
]
