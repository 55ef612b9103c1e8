"""What an uploaded DOCX or XLSX may unpack to, checked before any parser opens it.

A DOCX or XLSX is a ZIP of XML parts, and the parsers hold some parts whole in memory (the
shared strings of a workbook, every part of a document). A 750 KB upload can inflate to
hundreds of megabytes of XML and tie up a worker for many seconds. So each reader states the
most its own row limit can need — rows × columns × the longest cell, with a margin
(`xlsx_limits`, `docx_limits`) — and `check_office_file` refuses, before any XML parser starts:

1. too many entries, or entries that the ZIP's central directory declares bigger than the
   limits (nothing is unpacked for that; the ZIP reader never yields more than declared);
2. XML parts that, streamed once through zlib, hold more elements than the limits (elements are
   what parsing costs in time and memory), or a DOCTYPE (entities: XXE, «billion laughs»);
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

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

MB = 1024 * 1024
MARGIN = 1.25
CHUNK = 1024 * 1024
DOCTYPES = tuple(
    "<!DOCTYPE".encode(encoding)
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")

# How the table's text is stored, per cell and per character (Cyrillic is 2 bytes in UTF-8).
BYTES_PER_CHAR = 2
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
    bytes: int
    elements: int

    def scaled(self, factor: float) -> PartLimit:
        return PartLimit(int(self.bytes * factor), int(self.elements * factor))

    def __add__(self, other: PartLimit) -> PartLimit:
        return PartLimit(self.bytes + other.bytes, self.elements + other.elements)


@dataclass(frozen=True)
class OfficeLimits:
    """What one reader accepts; ``advice`` (Russian) tells the user what to do when refused."""

    label: str  # DOCX / XLSX
    bulk: re.Pattern[str]  # the parts that carry the table
    bulk_each: PartLimit
    bulk_total: PartLimit
    advice: str
    bulk_roles: tuple[str, ...] = ()  # relationship and content types a bulk part may have
    other_each: PartLimit = PartLimit(1 * MB, 20_000)
    other_total: PartLimit = PartLimit(4 * MB, 50_000)
    binary_each: int = 10 * MB
    binary_total: int = 20 * MB
    entries: int = 500

    @property
    def declared_most(self) -> int:
        return self.bulk_total.bytes + self.other_total.bytes + self.binary_total


XLSX_BULK = re.compile(r"xl/(?:worksheets/sheet\d{1,4}\.xml|sharedStrings\.xml)")
XLSX_BULK_ROLES = (
    "/relationships/worksheet",
    "/relationships/sharedStrings",
    "spreadsheetml.worksheet+xml",
    "spreadsheetml.sharedStrings+xml",
)
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
    text = rows * chars_per_row * BYTES_PER_CHAR
    all_rows = rows + formatted_rows
    all_cells = all_rows * columns
    sheet = PartLimit(
        all_rows * XLSX_ROW_XML + all_cells * XLSX_CELL_XML + text,
        all_rows + all_cells * XLSX_CELL_ELEMENTS,
    ).scaled(MARGIN) + PartLimit(*SHEET_FIXED)
    strings = PartLimit(cells * XLSX_STRING_XML + text, cells * XLSX_STRING_ELEMENTS).scaled(
        MARGIN
    ) + PartLimit(64 * 1024, 100)
    each = PartLimit(max(sheet.bytes, strings.bytes), max(sheet.elements, strings.elements))
    total = PartLimit(
        sheet.bytes * sheets + strings.bytes, sheet.elements * sheets + strings.elements
    )
    return OfficeLimits(
        label="XLSX",
        bulk=XLSX_BULK,
        bulk_each=each,
        bulk_total=total,
        bulk_roles=XLSX_BULK_ROLES,
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
        cells * DOCX_CELL_XML + rows * chars_per_row * BYTES_PER_CHAR,
        cells * DOCX_CELL_ELEMENTS,
    ).scaled(MARGIN) + PartLimit(*DOCX_FIXED)
    return OfficeLimits(
        label="DOCX",
        bulk=DOCX_BULK,
        bulk_each=body,
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


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, most: int) -> int | None:
    """The entry's element count (stopping once over ``most``), or None if not XML.
    A DOCTYPE anywhere raises."""
    elements = 0
    tail = b""
    with archive.open(info) as stream:
        chunk = stream.read(CHUNK)
        if not _sniff_xml(chunk[:64]):
            return None
        while chunk:
            # "</" split between chunks counts as one more element: never fewer.
            elements += chunk.count(b"<") - chunk.count(b"</")
            window = tail + chunk
            if any(pattern in window for pattern in DOCTYPES):
                raise _Doctype
            tail = window[-48:]
            if elements > most:
                return elements
            chunk = stream.read(CHUNK)
    return elements


class _Doctype(Exception):
    pass


def _roles_of_bulk(archive: zipfile.ZipFile, limits: OfficeLimits, name: str) -> None:
    """Every way a parser can reach a bulk part names it as a sheet or the shared strings,
    and no more than once."""
    reached: dict[str, int] = {}
    refused = ValidationError(
        f"Файл «{name}» не принят: части книги ссылаются друг на друга необычным образом. "
        "Откройте его в Excel, сохраните как «Книга Excel (*.xlsx)» и загрузите снова."
    )

    def role_ok(role: str) -> bool:
        return any(role.endswith(allowed) for allowed in limits.bulk_roles)

    for info in archive.infolist():
        entry = info.filename
        if entry == "[Content_Types].xml":
            root = ElementTree.fromstring(archive.read(info))
            for node in root:
                part = (node.get("PartName") or "").lstrip("/")
                if limits.bulk.fullmatch(part) and not role_ok(node.get("ContentType") or ""):
                    raise refused
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
                if limits.bulk.fullmatch(path):
                    if not role_ok(node.get("Type") or ""):
                        raise refused
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
                most = max(limits.bulk_each.bytes, limits.other_each.bytes, limits.binary_each)
                if info.file_size > most:
                    raise _too_big(
                        name, f"{_part_label(info.filename)} — {_size(info.file_size)}", limits
                    )
            _check_parts(archive, entries, name, limits)
            if limits.bulk_roles:
                _roles_of_bulk(archive, limits, name)
    except zipfile.BadZipFile as exc:
        raise ValidationError(f"Файл «{name}» повреждён: не удаётся прочитать его.") from exc
    except _Doctype as exc:
        raise ValidationError(
            f"Файл «{name}» не принят: в нём есть объявление DOCTYPE, которого не бывает в "
            "документах Word и Excel."
        ) from exc
    except ElementTree.ParseError as exc:
        raise ValidationError(
            f"Файл «{name}» повреждён: служебные части архива не читаются."
        ) from exc
    finally:
        upload.seek(0)


def _check_parts(archive, entries, name: str, limits: OfficeLimits) -> None:
    bulk = PartLimit(0, 0)
    other = PartLimit(0, 0)
    binary = 0
    for info in entries:
        if info.is_dir():
            continue
        is_bulk = bool(limits.bulk.fullmatch(info.filename))
        each = limits.bulk_each if is_bulk else limits.other_each
        total = limits.bulk_total if is_bulk else limits.other_total
        so_far = bulk if is_bulk else other
        label = _part_label(info.filename)
        most_elements = min(each.elements, total.elements - so_far.elements)
        elements = _scan(archive, info, most_elements)
        if elements is None:  # a picture or another binary part: only its size matters
            binary += info.file_size
            if info.file_size > limits.binary_each or binary > limits.binary_total:
                raise _too_big(name, f"вложение «{info.filename[:60]}»", limits)
            continue
        part = PartLimit(info.file_size, elements)
        if part.bytes > each.bytes or so_far.bytes + part.bytes > total.bytes:
            raise _too_big(name, f"{label} — {_size(part.bytes)}", limits)
        if elements > most_elements:
            raise _too_big(name, f"{label} — более {_rows(most_elements)} элементов", limits)
        if is_bulk:
            bulk = bulk + part
        else:
            other = other + part
