"""The order and its appendix as an editable Word document (ГОСТ Р 7.0.97-2016 layout).

Section 1 is the order on A4 portrait; section 2, on a new landscape page, is the appendix
with a real table, so that the department can keep editing the file in Word or LibreOffice.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from roadmap.documents.content import TABLE_HEADERS, OrderDocument, build_document

FONT = "Times New Roman"  # metric-identical to the Liberation Serif of the PDF
TEXT_SIZE = Pt(14)
TABLE_SIZE = Pt(12)
LETTERHEAD_SIZE = Pt(12)  # two columns of 14 pt bold do not fit the department's name
INDENT = Cm(1.25)
PAGE_SHORT, PAGE_LONG = Mm(210), Mm(297)
MARGINS = {"left": Mm(20), "right": Mm(10), "top": Mm(20), "bottom": Mm(20)}
COLUMN_SHARES = (7, 38, 15, 17, 23)  # per cent of the usable width, as TABLE_HEADERS
TABLE_STYLE = "Текст таблицы"


def export_docx(roadmap) -> bytes:
    doc = build_document(roadmap)
    document = Document()
    _set_defaults(document)
    order_section = document.sections[0]
    _set_page(order_section, landscape=False)
    order_section.different_first_page_header_footer = True
    _page_number_header(order_section)
    _write_order(document, doc, _usable_width(order_section))

    appendix_section = document.add_section(WD_SECTION.NEW_PAGE)
    _set_page(appendix_section, landscape=True)
    # Headers stay linked to section 1: every appendix page, its first too, is numbered.
    appendix_section.different_first_page_header_footer = False
    _write_appendix(document, doc, _usable_width(appendix_section))

    properties = document.core_properties
    properties.title = property_text(doc.title)
    properties.language = "ru-RU"
    properties.author = properties.last_modified_by = properties.comments = ""
    _drop_template_thumbnail(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def property_text(text: str, limit: int = 255) -> str:
    """Document properties hold at most 255 characters; the order's title may be longer."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _drop_template_thumbnail(document) -> None:
    """The default template's preview picture would stand for our document in file managers."""
    rels = document.part.package.rels
    for r_id, rel in list(rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            rels.pop(r_id)


# --- page and styles ----------------------------------------------------------------------------


def _set_fonts(rpr) -> None:
    """Name the font for Latin, Cyrillic (hAnsi), East-Asian and complex scripts alike."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), FONT)


def _set_defaults(document) -> None:
    """Times New Roman 14 pt, single spacing, Russian language for the spelling checker."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(int(TEXT_SIZE.pt * 2)))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "ru-RU")
    lang.set(qn("w:eastAsia"), "ru-RU")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")

    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = TEXT_SIZE
    _set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    table_text = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.style_id = "TableText"  # an ASCII id under the Russian name, as Word writes
    table_text.base_style = normal
    table_text.quick_style = True
    table_text.font.size = TABLE_SIZE


def _set_page(section, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = PAGE_LONG if landscape else PAGE_SHORT
    section.page_height = PAGE_SHORT if landscape else PAGE_LONG
    section.left_margin = MARGINS["left"]
    section.right_margin = MARGINS["right"]
    section.top_margin = MARGINS["top"]
    section.bottom_margin = MARGINS["bottom"]
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)


def _usable_width(section) -> int:
    return section.page_width - section.left_margin - section.right_margin


def _page_number_header(section) -> None:
    """A centred PAGE field; the first page (the order's letterhead) has an empty header."""
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    parts = [("w:fldChar", "begin"), ("w:instrText", " PAGE "), ("w:fldChar", "separate")]
    parts += [("w:t", "2"), ("w:fldChar", "end")]  # "2": shown until the field is updated
    for tag, value in parts:  # one run per part, as Word itself writes a field
        run = paragraph.add_run()
        run.font.size = TABLE_SIZE
        element = OxmlElement(tag)
        if tag == "w:fldChar":
            element.set(qn("w:fldCharType"), value)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = value
        run._r.append(element)


# --- the order ----------------------------------------------------------------------------------


def _paragraph(
    container, text: str = "", *, bold=False, align=None, indent=None, size=None, before=0
):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent is not None:
        paragraph.paragraph_format.first_line_indent = indent
    if before:
        paragraph.paragraph_format.space_before = Pt(before)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size is not None:
            run.font.size = size
    return paragraph


def _new_table(document, columns: int, width: int):
    """A fixed-layout table as wide as the text: LibreOffice reads the grid, Word the cells."""
    table = document.add_table(rows=1, cols=columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    table_width = table._tbl.tblPr.find(qn("w:tblW"))
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(round(width / 635)))  # EMU to twentieths of a point
    return table


def _borderless_table(document, columns: int, width: int):
    table = _new_table(document, columns, width)
    _set_borders(table, "nil")
    for column in table.columns:
        column.width = width // columns
    for cell in table.rows[0].cells:
        cell.width = width // columns
    return table


def _fill_cell(cell, lines: list[str], *, bold=False, align=None, size=None, style=None) -> None:
    """One paragraph per line: Word's own way to break lines inside a cell."""
    first = cell.paragraphs[0]
    for index, line in enumerate(lines or [""]):
        paragraph = first if index == 0 else cell.add_paragraph()
        if style is not None:
            paragraph.style = style
        if align is not None:
            paragraph.alignment = align
        if line:
            run = paragraph.add_run(line)
            run.bold = bold or None
            if size is not None:
                run.font.size = size


def _write_order(document, doc: OrderDocument, width: int) -> None:
    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    if doc.header_lines and doc.header_lines_local:
        letterhead = _borderless_table(document, 2, width)
        for cell, lines in zip(
            letterhead.rows[0].cells, (doc.header_lines, doc.header_lines_local), strict=True
        ):
            _fill_cell(cell, lines, bold=True, align=center, size=LETTERHEAD_SIZE)
    else:
        for line in doc.header_lines or doc.header_lines_local:
            _paragraph(document, line, bold=True, align=center, size=LETTERHEAD_SIZE)

    _paragraph(document, "ПРИКАЗ", bold=True, align=center, before=18)
    date_line = _borderless_table(document, 2, width)
    left, right = date_line.rows[0].cells
    _fill_cell(left, [doc.date_text])
    _fill_cell(right, [f"№ {doc.number or '____'}"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    if doc.city:
        _paragraph(document, doc.city, align=center)

    _paragraph(document, doc.title, bold=True, align=center, before=14)
    if doc.preamble:
        _paragraph(document, doc.preamble, align=justify, indent=INDENT, before=14)
    _paragraph(document, "ПРИКАЗЫВАЮ:", bold=True, before=14)
    for number, text in enumerate(doc.points, start=1):
        _paragraph(document, f"{number}. {text}", align=justify, indent=INDENT)

    signature = _paragraph(document, before=42)
    signature.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    signature.add_run(f"{doc.signatory_position}\t{doc.signatory_name}")


# --- the appendix -------------------------------------------------------------------------------


_AFTER_BORDERS = ("shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")


def _set_borders(table, value: str) -> None:
    """Borders on every edge and between all cells ("single"), or none at all ("nil")."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    # The schema fixes the order of tblPr's children; Word refuses a file that breaks it.
    later = [tbl_pr.find(qn(f"w:{tag}")) for tag in _AFTER_BORDERS]
    later = [element for element in later if element is not None]
    if later:
        later[0].addprevious(borders)
    else:
        tbl_pr.append(borders)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), value)
        if value != "nil":
            element.set(qn("w:sz"), "4")
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        borders.append(element)


def _row_flags(row, *, header: bool = False) -> None:
    """Rows never break across pages; the header row repeats on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _write_appendix(document, doc: OrderDocument, width: int) -> None:
    right, center = WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.CENTER
    for line in doc.appendix_mark_lines:
        _paragraph(document, line, align=right, size=TABLE_SIZE)
    _paragraph(document, doc.roadmap_title, bold=True, align=center, before=12)
    _paragraph(document)

    widths = [width * share // 100 for share in COLUMN_SHARES]
    table = _new_table(document, len(TABLE_HEADERS), sum(widths))
    _set_borders(table, "single")
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width
    header = table.rows[0]
    _row_flags(header, header=True)
    for cell, text, column_width in zip(header.cells, TABLE_HEADERS, widths, strict=True):
        cell.width = column_width
        _fill_cell(cell, [text], bold=True, align=center, style=TABLE_STYLE)

    for section in doc.sections:
        row = table.add_row()
        _row_flags(row)
        merged = row.cells[0].merge(row.cells[-1])
        merged.width = width
        _fill_cell(merged, [section.heading], bold=True, align=center, style=TABLE_STYLE)
        for measure in section.measures:
            row = table.add_row()
            _row_flags(row)
            values = (
                measure.number,
                measure.title,
                measure.deadline,
                measure.responsible,
                measure.result,
            )
            aligns = (center, None, center, None, None)
            for cell, value, align, column_width in zip(
                row.cells, values, aligns, widths, strict=True
            ):
                cell.width = column_width
                _fill_cell(cell, value.split("\n"), align=align, style=TABLE_STYLE)
