"""What an uploaded DOCX or XLSX may unpack to, checked before any parser opens it.

A DOCX or XLSX is a ZIP of XML parts, and the parsers hold some parts whole in memory (the
shared strings of a workbook, every part of a document). A 750 KB upload can inflate to
hundreds of megabytes of XML and tie up a worker for many seconds. So each reader states the
most its own row limit can need — rows × columns × the longest cell, with a margin
(`xlsx_limits`, `docx_limits`) — and `check_office_file` refuses, before any XML parser starts:

1. too many entries, or entries that the ZIP's central directory declares bigger than the
   limits (nothing is unpacked for that; the ZIP reader never yields more than declared);
2. XML parts that, streamed once through expat (nothing is built), hold more elements than
   the limits (elements are what parsing costs in time and memory), are nested deeper than
   MAX_DEPTH, are malformed, or declare a DOCTYPE (entities: XXE, «billion laughs»);
3. in a workbook, a part of the size allowed to the table (a sheet, the shared strings)
   reached in another role: openpyxl finds parts through [Content_Types].xml and the
   relationships, so a big sheet could otherwise be read whole as the workbook or a drawing.

The table's parts ("bulk": the sheets and shared strings of a workbook, the body of a document)
get the table's limits; every other XML part (styles, workbook, relationships, properties,
headers…) small ones; binary parts (pictures) a size limit.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

MB = 1024 * 1024
MARGIN = 1.1  # over the row limit: a file a little over it is still read, and told its rows
CHUNK = 1024 * 1024
MAX_DEPTH = 100  # Word nests tables, text boxes and drawings some 40 levels deep at most
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")

# How the table's text is stored, per character: Cyrillic is 2 bytes in UTF-8 (3 for «—»).
# (openpyxl writes it as «&#1046;», 7 bytes, in a sheet: our exports, edited and loaded back,
# hold short values and fit.)
XLSX_BYTES_PER_CHAR = 2
STRINGS_BYTES_PER_CHAR = 2  # the shared strings, held whole in memory
DOCX_BYTES_PER_CHAR = 3
XLSX_ROW_XML = 60  # <row r="10000" spans="1:12" …>…</row>
XLSX_CELL_XML = 60  # <c r="AB10000" s="12" t="s"><v>123456</v></c>
XLSX_CELL_ELEMENTS = 3  # c + v, or c + is + t for a string written in the sheet
XLSX_STRING_XML = 20  # <si><t xml:space="preserve">…</t></si>
XLSX_STRING_ELEMENTS = 2  # si + t; rich text (runs) needs more and is refused at the limit
SHEET_FIXED = (1 * MB, 10_000)  # columns, views, validations, merged cells
DOCX_CELL_ELEMENTS = 30  # tc, its properties, paragraphs, runs with their properties, text
DOCX_CELL_XML = 1500  # the same, in bytes
DOCX_FIXED = (2 * MB, 20_000)  # the order's text above the table, section properties


@dataclass(frozen=True)
class PartLimit:
    """Uncompressed bytes and XML elements; ``items``: elements named ``item`` (a sheet's
    cells ``c``, the shared strings' ``si``), what a reader spends most on."""

    bytes: int
    elements: int
    items: int = 0
    item: str = ""

    def scaled(self, factor: float) -> PartLimit:
        return PartLimit(
            int(self.bytes * factor),
            int(self.elements * factor),
            int(self.items * factor),
            self.item,
        )

    def __add__(self, other: PartLimit) -> PartLimit:
        return PartLimit(
            self.bytes + other.bytes,
            self.elements + other.elements,
            self.items + other.items,
            self.item or other.item,
        )


@dataclass(frozen=True)
class OfficeLimits:
    """What one reader accepts; ``advice`` (Russian) tells the user what to do when refused."""

    label: str  # DOCX / XLSX
    readable_as: str  # «не удаётся прочитать как …»
    program: str  # where to open and save it again
    # each kind of bulk part: its names, its limit, and the relationship and content types it
    # may be reached by (none listed: not checked)
    bulk_parts: tuple[tuple[re.Pattern[str], PartLimit, tuple[str, ...]], ...]
    bulk_total: PartLimit
    advice: str
    other_each: PartLimit = PartLimit(1 * MB, 20_000)
    other_total: PartLimit = PartLimit(4 * MB, 50_000)
    binary_each: int = 10 * MB
    binary_total: int = 20 * MB
    entries: int = 500

    @property
    def declared_most(self) -> int:
        return self.bulk_total.bytes + self.other_total.bytes + self.binary_total

    def bulk_limit(self, entry: str) -> PartLimit | None:
        for pattern, limit, _ in self.bulk_parts:
            if pattern.fullmatch(entry):
                return limit
        return None

    def bulk_roles(self, entry: str) -> tuple[str, ...] | None:
        for pattern, _, roles in self.bulk_parts:
            if pattern.fullmatch(entry):
                return roles
        return None

    @property
    def largest_part(self) -> int:
        return max(
            self.other_each.bytes, self.binary_each, *(part[1].bytes for part in self.bulk_parts)
        )


XLSX_SHEET = re.compile(r"xl/worksheets/sheet\d{1,4}\.xml")
XLSX_STRINGS = re.compile(r"xl/sharedStrings\.xml")
SHEET_ROLES = ("/relationships/worksheet", "spreadsheetml.worksheet+xml")
STRINGS_ROLES = ("/relationships/sharedStrings", "spreadsheetml.sharedStrings+xml")
DOCX_BULK = re.compile(r"word/document\.xml")


def _rows(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def xlsx_limits(
    *,
    rows: int,
    columns: int,
    chars_per_row: int,
    sheets: int = 1,
    formatted_rows: int = 0,
) -> OfficeLimits:
    """A workbook whose table has at most ``rows`` rows of ``columns`` cells holding at most
    ``chars_per_row`` characters in all, on ``sheets`` sheets read; ``formatted_rows`` more
    rows may carry formatted empty cells (borders drawn far below the table)."""
    cells = rows * columns
    text = rows * chars_per_row * XLSX_BYTES_PER_CHAR
    all_rows = rows + formatted_rows
    all_cells = all_rows * columns
    sheet = PartLimit(
        all_rows * XLSX_ROW_XML + all_cells * XLSX_CELL_XML + text,
        all_rows + all_cells * XLSX_CELL_ELEMENTS,
        all_cells,
        "c",
    ).scaled(MARGIN) + PartLimit(*SHEET_FIXED)
    strings_text = rows * chars_per_row * STRINGS_BYTES_PER_CHAR
    strings = PartLimit(
        cells * XLSX_STRING_XML + strings_text, cells * XLSX_STRING_ELEMENTS, cells, "si"
    ).scaled(MARGIN) + PartLimit(64 * 1024, 100)
    others = PartLimit(*SHEET_FIXED).scaled(3)  # a few small sheets besides (instructions…)
    total = (
        PartLimit(sheet.bytes * sheets + strings.bytes, sheet.elements * sheets + strings.elements)
        + others
    )
    return OfficeLimits(
        label="XLSX",
        readable_as="таблицу Excel (.xlsx)",
        program="Excel",
        bulk_parts=((XLSX_SHEET, sheet, SHEET_ROLES), (XLSX_STRINGS, strings, STRINGS_ROLES)),
        bulk_total=total,
        advice=(
            f"В таблице может быть не более {_rows(rows)} строк. Если строк меньше, в книге "
            "много лишнего (оформление, пустые ячейки, форматированный текст): скопируйте "
            "данные на новый лист через «Специальная вставка → Значения», сохраните как "
            "«Книга Excel (*.xlsx)» и загрузите снова."
        ),
    )


def docx_limits(*, rows: int, columns: int, chars_per_row: int) -> OfficeLimits:
    """A document whose table has at most ``rows`` rows of ``columns`` cells holding at most
    ``chars_per_row`` characters in all (and a page or two of text around it)."""
    cells = rows * columns
    body = PartLimit(
        cells * DOCX_CELL_XML + rows * chars_per_row * DOCX_BYTES_PER_CHAR,
        cells * DOCX_CELL_ELEMENTS,
    ).scaled(MARGIN) + PartLimit(*DOCX_FIXED)
    return OfficeLimits(
        label="DOCX",
        readable_as="документ DOCX",
        program="Word",
        bulk_parts=((DOCX_BULK, body, ()),),
        bulk_total=body,
        advice=(
            f"В таблице может быть не более {_rows(rows)} строк. Оставьте в документе только "
            "приказ с таблицей приложения (без картинок и лишнего оформления), сохраните как "
            "«Документ Word (*.docx)» и загрузите снова."
        ),
    )


# --- the check ---------------------------------------------------------------------------------


def _too_big(name: str, what: str, limits: OfficeLimits) -> ValidationError:
    return ValidationError(
        f"Файл «{name}»: архив распаковывается в слишком большой объём ({what}); такой "
        f"документ не принимается. {limits.advice}"
    )


def _broken(name: str, entry: str, limits: OfficeLimits) -> ValidationError:
    return ValidationError(
        f"Файл «{name}» не удаётся прочитать как {limits.readable_as}: часть «{entry[:60]}» "
        f"повреждена. Откройте его в {limits.program}, сохраните заново в формате "
        f".{limits.label.lower()} и загрузите снова."
    )


def _part_label(entry: str) -> str:
    if entry.endswith("sharedStrings.xml"):
        return "текст ячеек"
    if entry.startswith("xl/worksheets/"):
        return "лист"
    if entry == "word/document.xml":
        return "текст документа"
    return f"служебная часть «{entry[:60]}»"


def _size(n: int) -> str:
    return filesizeformat(n).replace("\xa0", " ")


def _sniff_xml(head: bytes) -> bool:
    """Whether an entry is XML (in any encoding a parser would detect), not a picture."""
    for bom in BOMS:
        if head.startswith(bom):
            return True
    return b"<" in head.lstrip()[:4]


class _Doctype(Exception):
    pass


class _TooDeep(Exception):
    pass


class _TooMany(Exception):
    pass


class _TooManyItems(Exception):
    pass


ITEM_WORDS = {"c": "ячеек", "si": "строк текста"}


def _scan(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, most: int, item: str = "", most_items=0
) -> tuple[int, int] | None:
    """The entry's elements and items (elements named ``item``, any prefix), streamed through
    expat without building anything (about half a microsecond an element), or None if it is not
    XML. Raises at a DOCTYPE, at more than ``most`` elements, ``most_items`` items or MAX_DEPTH
    levels, and (ExpatError) at malformed XML."""
    with archive.open(info) as stream:
        chunk = stream.read(CHUNK)
        if not _sniff_xml(chunk[:64]):
            return None
        parser = expat.ParserCreate()
        parser.ordered_attributes = True
        state = [0, 0, 0]  # elements, depth, items
        prefixed = ":" + item

        def start(name, attributes):
            state[0] += 1
            state[1] += 1
            if state[1] > MAX_DEPTH:
                raise _TooDeep
            if state[0] > most:
                raise _TooMany
            if item and (name == item or name.endswith(prefixed)):
                state[2] += 1
                if state[2] > most_items:
                    raise _TooManyItems

        def end(name):
            state[1] -= 1

        def doctype(*args):
            raise _Doctype

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.StartDoctypeDeclHandler = doctype
        parser.EntityDeclHandler = doctype
        while chunk:
            parser.Parse(chunk, False)
            chunk = stream.read(CHUNK)
        parser.Parse(b"", True)
    return state[0], state[2]


def _roles_of_bulk(archive: zipfile.ZipFile, limits: OfficeLimits, name: str) -> None:
    """Every way a parser can reach a bulk part names it in its own role (a sheet as a sheet,
    the shared strings as the shared strings), and no more than once."""
    reached: dict[str, int] = {}
    refused = ValidationError(
        f"Файл «{name}» не принят: части книги ссылаются друг на друга необычным образом. "
        f"Откройте его в {limits.program}, сохраните заново и загрузите снова."
    )

    def check(path: str, role: str) -> bool:
        """Whether ``path`` is a bulk part (and then its role must be its own)."""
        roles = limits.bulk_roles(path)
        if roles is None:
            return False
        if not any(role.endswith(own) for own in roles):
            raise refused
        return True

    for info in archive.infolist():
        entry = info.filename
        if entry == "[Content_Types].xml":
            root = ElementTree.fromstring(archive.read(info))
            for node in root:
                check((node.get("PartName") or "").lstrip("/"), node.get("ContentType") or "")
        elif entry.endswith(".rels"):
            folder = posixpath.dirname(posixpath.dirname(entry))  # x/_rels/y.rels → x
            root = ElementTree.fromstring(archive.read(info))
            for node in root:
                if node.get("TargetMode") == "External":
                    continue
                target = node.get("Target") or ""
                if target.startswith("/"):
                    path = posixpath.normpath(target.lstrip("/"))
                else:
                    path = posixpath.normpath(posixpath.join(folder, target))
                if check(path, node.get("Type") or ""):
                    reached[path] = reached.get(path, 0) + 1
                    if reached[path] > 1:
                        raise refused


def check_office_file(upload, name: str, limits: OfficeLimits) -> None:
    """Refuse (ValidationError, naming the file and the part) an upload that would cost more
    to parse than its reader's row limit can need. Nothing is parsed before this passes."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > limits.entries:
                raise _too_big(name, f"частей в архиве {len(entries)}", limits)
            declared = sum(info.file_size for info in entries)
            if declared > limits.declared_most:
                raise _too_big(name, f"всего {_size(declared)}", limits)
            for info in entries:
                if info.file_size > limits.largest_part:
                    raise _too_big(
                        name, f"{_part_label(info.filename)} — {_size(info.file_size)}", limits
                    )
            _check_parts(archive, entries, name, limits)
            if any(roles for _, _, roles in limits.bulk_parts):
                _roles_of_bulk(archive, limits, name)
    except zipfile.BadZipFile as exc:
        raise ValidationError(f"Файл «{name}» повреждён: не удаётся прочитать его.") from exc
    except _Doctype as exc:
        raise ValidationError(
            f"Файл «{name}» не принят: в нём есть объявление DOCTYPE, которого не бывает в "
            "документах Word и Excel."
        ) from exc
    except _TooDeep as exc:
        raise ValidationError(
            f"Файл «{name}» не принят: в нём элементы вложены друг в друга глубже "
            f"{MAX_DEPTH} уровней, чего не бывает в документах Word и Excel."
        ) from exc
    except ElementTree.ParseError as exc:
        raise _broken(name, "[Content_Types].xml", limits) from exc
    finally:
        upload.seek(0)


def _check_parts(archive, entries, name: str, limits: OfficeLimits) -> None:
    bulk = PartLimit(0, 0)
    other = PartLimit(0, 0)
    binary = 0
    for info in entries:
        if info.is_dir():
            continue
        bulk_limit = limits.bulk_limit(info.filename)
        is_bulk = bulk_limit is not None
        each = bulk_limit if is_bulk else limits.other_each
        total = limits.bulk_total if is_bulk else limits.other_total
        so_far = bulk if is_bulk else other
        label = _part_label(info.filename)
        most_elements = min(each.elements, total.elements - so_far.elements)
        try:
            scanned = _scan(archive, info, most_elements, each.item, each.items)
        except expat.ExpatError as exc:
            raise _broken(name, info.filename, limits) from exc
        except _TooMany:
            raise _too_big(
                name, f"{label} — более {_rows(most_elements)} элементов", limits
            ) from None
        except _TooManyItems:
            what = ITEM_WORDS.get(each.item, "элементов")
            raise _too_big(name, f"{label} — более {_rows(each.items)} {what}", limits) from None
        if scanned is None:  # a picture or another binary part: only its size matters
            binary += info.file_size
            if info.file_size > limits.binary_each or binary > limits.binary_total:
                raise _too_big(name, f"вложение «{info.filename[:60]}»", limits)
            continue
        elements, _items = scanned
        part = PartLimit(info.file_size, elements)
        if part.bytes > each.bytes or so_far.bytes + part.bytes > total.bytes:
            raise _too_big(name, f"{label} — {_size(part.bytes)}", limits)
        if is_bulk:
            bulk = bulk + part
        else:
            other = other + part
