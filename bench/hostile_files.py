"""Hostile DOCX and XLSX files, made in code: the bench (bench/hostile.py) measures what they
cost a worker, and the hostile tests (tests/hostile/test_files.py) check that each is refused
or read within the limits.

Every builder returns the bytes of an upload. Big parts are written into the ZIP in chunks,
so that making a 190 MB part costs neither 190 MB of memory nor more than a second.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator

MB = 1024 * 1024
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
WORD = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SHEET_CT = b"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_CT = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
WORKBOOK_CT = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = b"http://schemas.openxmlformats.org/package/2006/relationships"


def _write(archive: zipfile.ZipFile, name: str, parts: bytes | Iterable[bytes]) -> None:
    with archive.open(name, "w") as stream:
        for chunk in [parts] if isinstance(parts, bytes) else parts:
            stream.write(chunk)


def _repeat(head: bytes, unit: bytes, count: int, tail: bytes, batch: int = 50_000):
    yield head
    block = unit * batch
    full, rest = divmod(count, batch)
    for _ in range(full):
        yield block
    yield unit * rest
    yield tail


# --- workbooks ----------------------------------------------------------------------------------


def workbook(
    *,
    sheets: dict[str, bytes | Iterable[bytes]] | None = None,
    strings: bytes | Iterable[bytes] | None = None,
    styles: bytes | Iterable[bytes] | None = None,
    sheet_targets: list[str] | None = None,
    workbook_part: str = "xl/workbook.xml",
    strings_part: str = "xl/sharedStrings.xml",
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A minimal XLSX: one sheet «Лист1» (or ``sheets``), shared strings if given."""
    sheets = sheets or {"xl/worksheets/sheet1.xml": sheet_of_rows([["Фамилия"]])}
    targets = sheet_targets or list(sheets)
    overrides = [
        b'<Override PartName="/%s" ContentType="%s"/>' % (workbook_part.encode(), WORKBOOK_CT)
    ]
    overrides += [
        b'<Override PartName="/%s" ContentType="%s"/>' % (name.encode(), SHEET_CT)
        for name in sheets
    ]
    if strings is not None:
        overrides.append(
            b'<Override PartName="/%s" ContentType="%s"/>' % (strings_part.encode(), STRINGS_CT)
        )
    content_types = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" '
        b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        + b"".join(overrides)
        + b"</Types>"
    )
    sheet_entries = b"".join(
        b'<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (f"Лист{i}".encode(), i, i)
        for i in range(1, len(targets) + 1)
    )
    book = (
        b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + MAIN + b' xmlns:r="' + REL + b'">'
        b"<sheets>" + sheet_entries + b"</sheets></workbook>"
    )
    folder = workbook_part.rsplit("/", 1)[0]
    rels = [
        b'<Relationship Id="rId%d" Type="%s/worksheet" Target="%s"/>'
        % (i, REL, target.removeprefix(folder + "/").encode())
        for i, target in enumerate(targets, start=1)
    ]
    if strings is not None:
        rels.append(
            b'<Relationship Id="rIdS" Type="%s/sharedStrings" Target="%s"/>'
            % (REL, strings_part.removeprefix(folder + "/").encode())
        )
    if styles is not None:
        rels.append(b'<Relationship Id="rIdT" Type="%s/styles" Target="styles.xml"/>' % REL)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _write(archive, "[Content_Types].xml", content_types)
        _write(
            archive,
            "_rels/.rels",
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s">'
            b'<Relationship Id="rId1" Type="%s/officeDocument" Target="%s"/></Relationships>'
            % (PKG_REL, REL, workbook_part.encode()),
        )
        _write(archive, workbook_part, book)
        _write(
            archive,
            f"{folder}/_rels/{workbook_part.rsplit('/', 1)[1]}.rels",
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s">' % PKG_REL
            + b"".join(rels)
            + b"</Relationships>",
        )
        for name, content in sheets.items():
            _write(archive, name, content)
        if strings is not None:
            _write(archive, strings_part, strings)
        if styles is not None:
            _write(archive, "xl/styles.xml", styles)
        for name, content in (extra or {}).items():
            _write(archive, name, content)
    return buffer.getvalue()


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_of_rows(rows: list[list[str]]) -> bytes:
    """A sheet with the rows' texts written in it (inline strings)."""
    out = [b"<worksheet " + MAIN + b"><sheetData>"]
    for r, row in enumerate(rows, start=1):
        out.append(b'<row r="%d">' % r)
        for c, text in enumerate(row):
            out.append(
                b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>'
                % (_column(c).encode(), r, text.encode())
            )
        out.append(b"</row>")
    out.append(b"</sheetData></worksheet>")
    return b"".join(out)


def huge_shared_string(megabytes: int = 190) -> bytes:
    """The attack of the report: a 750 KB upload whose one shared string is 190 MB."""
    unit = b"A" * MB
    strings = (
        chunk
        for chunk in (
            b"<sst " + MAIN + b' count="1" uniqueCount="1"><si><t>',
            *(unit for _ in range(megabytes)),
            b"</t></si></sst>",
        )
    )
    return workbook(strings=strings)


def many_empty_cells(count: int = 5_000_000) -> bytes:
    """A sheet of millions of empty cells: a few hundred KB, a minute of parsing once."""
    head = b"<worksheet " + MAIN + b'><sheetData><row r="1">'
    return workbook(
        sheets={
            "xl/worksheets/sheet1.xml": _repeat(
                head, b'<c r="A1"/>', count, b"</row></sheetData></worksheet>"
            )
        }
    )


def many_short_strings(count: int = 3_000_000) -> bytes:
    """Shared strings of millions of one-letter entries: memory grows by each object."""
    return workbook(strings=_repeat(b"<sst " + MAIN + b">", b"<si><t>x</t></si>", count, b"</sst>"))


def many_styles(count: int = 300_000) -> bytes:
    """A style sheet of hundreds of thousands of cell formats."""
    head = (
        b"<styleSheet " + MAIN + b'><fonts count="1"><font/></fonts><fills count="1"><fill/>'
        b'</fills><borders count="1"><border/></borders><cellXfs count="%d">' % count
    )
    return workbook(
        styles=_repeat(
            head,
            b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>',
            count,
            b"</cellXfs></styleSheet>",
        )
    )


def deep_sheet(depth: int = 200_000) -> bytes:
    """Elements nested two hundred thousand deep inside a cell."""
    head = b"<worksheet " + MAIN + b'><sheetData><row r="1"><c r="A1">'
    return workbook(
        sheets={
            "xl/worksheets/sheet1.xml": b"".join(
                [head, b"<x>" * depth, b"</x>" * depth, b"</c></row></sheetData></worksheet>"]
            )
        }
    )


def entity_expansion() -> bytes:
    """«Billion laughs»: entities in the shared strings."""
    lol = [b'<!ENTITY a0 "lololololol">'] + [
        b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 10)
    ]
    strings = (
        b'<?xml version="1.0"?><!DOCTYPE sst [' + b"".join(lol) + b"]>"
        b"<sst " + MAIN + b"><si><t>&a9;</t></si></sst>"
    )
    return workbook(strings=strings)


def sheet_read_as_workbook(sheets: int = 1_000_000) -> bytes:
    """A part named like a sheet (so allowed a sheet's size) declared the workbook: openpyxl
    would parse it whole, as a tree, to find a million sheets."""
    body = _repeat(
        b"<workbook " + MAIN + b"><sheets>",
        b'<sheet name="x" sheetId="1"/>',
        sheets,
        b"</sheets></workbook>",
    )
    content = workbook(
        workbook_part="xl/worksheets/sheet2.xml",
        sheets={"xl/worksheets/sheet1.xml": sheet_of_rows([["Фамилия"]])},
        extra={"xl/workbook.xml": b"<workbook " + MAIN + b"/>"},  # where a reader looks first
    )
    return replace_part(content, "xl/worksheets/sheet2.xml", body)


def strings_named_as_a_sheet(megabytes: int = 27) -> bytes:
    """Shared strings stored under a sheet's name, which is allowed a sheet's (bigger) size:
    openpyxl finds them through the content types and holds them whole in memory."""
    unit = b"A" * MB
    return workbook(
        strings=[
            b"<sst " + MAIN + b"><si><t>",
            *(unit for _ in range(megabytes)),
            b"</t></si></sst>",
        ],
        strings_part="xl/worksheets/sheet9.xml",
    )


def one_sheet_many_times(times: int = 100, rows: int = 10_000) -> bytes:
    """A hundred sheets that are all the same big part: read a hundred times over."""
    sheet = sheet_of_rows([["Иванова", "Мария", "01.01.2010"]] * rows)
    return workbook(
        sheets={"xl/worksheets/sheet1.xml": sheet},
        sheet_targets=["xl/worksheets/sheet1.xml"] * times,
    )


def numbers_sheet(cells: int, headers: list[str], columns: int = 17) -> bytes:
    """A header row, then rows of numbers: ``cells`` cells in all."""
    header = sheet_of_rows([headers])
    head = header[: header.rindex(b"</sheetData>")]
    row = b"".join(b"<c><v>%d</v></c>" % c for c in range(columns))
    return workbook(
        sheets={
            "xl/worksheets/sheet1.xml": _repeat(
                head, b"<row>" + row + b"</row>", cells // columns, b"</sheetData></worksheet>"
            )
        }
    )


def long_texts(megabytes: int, headers: list[str], columns: int = 14) -> bytes:
    """Rows of long Cyrillic texts written in the sheet as openpyxl writes them («&#1046;»,
    7 bytes a letter): a sheet of ``megabytes`` MB that is all text."""
    header = sheet_of_rows([headers])
    head = header[: header.rindex(b"</sheetData>")]
    text = b"&#1046;" * 100
    cell = b'<c t="inlineStr"><is><t>' + text + b"</t></is></c>"
    row = b"<row>" + cell * columns + b"</row>"
    return workbook(
        sheets={
            "xl/worksheets/sheet1.xml": _repeat(
                head, row, megabytes * MB // len(row), b"</sheetData></worksheet>", batch=100
            )
        }
    )


def strings_and_cells(strings: int, cells: int, headers: list[str], columns: int = 17) -> bytes:
    """Rows of cells that each point to a shared string of their own."""
    header = sheet_of_rows([headers])
    head = header[: header.rindex(b"</sheetData>")]

    def rows():
        yield head
        index = 0
        for _ in range(cells // columns):
            yield (
                b"<row>"
                + b"".join(
                    b'<c t="s"><v>%d</v></c>' % ((index + c) % strings) for c in range(columns)
                )
                + b"</row>"
            )
            index += columns
        yield b"</sheetData></worksheet>"

    def table():
        yield b"<sst " + MAIN + b">"
        for start in range(0, strings, 10_000):
            yield b"".join(
                b"<si><t>%d</t></si>" % i for i in range(start, min(strings, start + 10_000))
            )
        yield b"</sst>"

    return workbook(sheets={"xl/worksheets/sheet1.xml": rows()}, strings=table())


def too_many_entries(count: int = 5_000) -> bytes:
    return workbook(extra={f"xl/media/x{i}.bin": b"" for i in range(count)})


def replace_part(content: bytes, name: str, data: bytes | Iterable[bytes]) -> bytes:
    """The same ZIP with one part's content replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != name:
                archive.writestr(info, source.read(info))
        _write(archive, name, data)
    return buffer.getvalue()


def lying_sizes(content: bytes, name: str) -> bytes:
    """The part's uncompressed size declared as 100 bytes, in both ZIP headers."""
    data = bytearray(content)
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo(name)
    data[info.header_offset + 22 : info.header_offset + 26] = (100).to_bytes(4, "little")
    position = 0
    while True:  # the central directory record of the entry, found by its name
        position = content.find(b"PK\x01\x02", position)
        if position < 0:
            raise ValueError(name)
        length = int.from_bytes(content[position + 28 : position + 30], "little")
        if content[position + 46 : position + 46 + length] == name.encode():
            break
        position += 4
    data[position + 24 : position + 28] = (100).to_bytes(4, "little")
    return bytes(data)


# --- documents ----------------------------------------------------------------------------------


def document(body: bytes | Iterable[bytes]) -> bytes:
    """A minimal DOCX around a document body."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _write(
            archive,
            "[Content_Types].xml",
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" '
            b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/word/document.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        _write(
            archive,
            "_rels/.rels",
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s">'
            b'<Relationship Id="rId1" Type="%s/officeDocument" Target="word/document.xml"/>'
            b"</Relationships>" % (PKG_REL, REL),
        )
        _write(archive, "word/document.xml", body)
    return buffer.getvalue()


def _body(inner: Iterable[bytes]) -> Iterator[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + WORD + b"><w:body>"
    yield from inner
    yield b"</w:body></w:document>"


def huge_document_text(megabytes: int = 200) -> bytes:
    unit = b"A" * MB
    return document(
        _body([b"<w:p><w:r><w:t>", *(unit for _ in range(megabytes)), b"</w:t></w:r></w:p>"])
    )


def many_paragraphs(count: int = 3_000_000) -> bytes:
    """Millions of empty paragraphs: a DOM of millions of nodes."""
    return document(_body(_repeat(b"", b"<w:p/>", count, b"")))


def deep_document(depth: int = 200_000) -> bytes:
    return document(_body([b"<w:p>" * depth, b"</w:p>" * depth]))


def document_entities() -> bytes:
    lol = [b'<!ENTITY a0 "lololololol">'] + [
        b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 10)
    ]
    return document(
        b'<?xml version="1.0"?><!DOCTYPE w:document [' + b"".join(lol) + b"]>"
        b"<w:document " + WORD + b"><w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p>"
        b"</w:body></w:document>"
    )


def dense_table(rows: int, columns: int = 6, elements: int | None = None) -> bytes:
    """A table of empty paragraphs in cells: as many elements as allowed, no text."""
    cell = b"<w:tc>" + b"<w:p/>" * 20 + b"</w:tc>"
    row = b"<w:tr>" + cell * columns + b"</w:tr>"
    per_row = 1 + columns * 21
    if elements is not None:
        rows = max(1, elements // per_row)
    return document(_body(_repeat(b"<w:tbl>", row, rows, b"</w:tbl>", batch=100)))
