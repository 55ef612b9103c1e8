"""The order and its appendix as an editable Word document (ГОСТ Р 7.0.97-2025 layout).

Section 1 is the order on A4 portrait; section 2, on a new landscape page, is the appendix
with a real table, so that the department can keep editing the file in Word or LibreOffice.
It is set as the PDF is (roadmap/templates/roadmap/documents/_style.html): the same sizes,
spacing in millimetres, alignment, letter-spaced «ПРИКАЗ», the rule under the letterhead, cell
padding, a justified and hyphenated text, a section heading kept with its first measure.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from roadmap.documents.content import (
    TABLE_HEADERS,
    OrderDocument,
    build_document,
    keep_together,
)

FONT = "Times New Roman"  # metric-identical to the Liberation Serif of the PDF
TEXT_SIZE = Pt(14)
TABLE_SIZE = Pt(12)
LETTERHEAD_SIZE = Pt(13)  # two columns of 14 pt bold do not fit the department's name
KIND_SIZE = Pt(16)  # «ПРИКАЗ»
KIND_SPACING = Pt(1.5)  # its letter-spacing, as the PDF's: wider, and it reads «П Р И К А З»
RULE = 12  # the rule under the letterhead, in eighths of a point: 1.5 pt
TABLE_RULE = 6  # the appendix table's lines: 0.75 pt
MARK_WIDTH = Mm(80)  # a corner-placed requisite's lines are at most 8 cm (ГОСТ Р 7.0.97-2025)
CELL_PADDING = {"top": Mm(1), "bottom": Mm(1), "left": Mm(1.5), "right": Mm(1.5)}
INDENT = Cm(1.25)
TITLE_AFTER = Mm(8)  # under the heading to the text, as the PDF's .title
PAGE_SHORT, PAGE_LONG = Mm(210), Mm(297)
MARGINS = {"left": Mm(20), "right": Mm(10), "top": Mm(20), "bottom": Mm(20)}
COLUMN_SHARES = (7, 38, 15, 17, 23)  # per cent of the usable width, as TABLE_HEADERS
TABLE_STYLE = "Текст таблицы"


def export_docx(roadmap, wording=None) -> bytes:
    """``wording``: as `build_document` takes it (the current one by default)."""
    return order_docx(build_document(roadmap, wording))


def order_docx(doc: OrderDocument) -> bytes:
    """The order with its appendix as a DOCX, from what the document says."""
    document, width = start_document()
    _write_order(document, doc, width)

    appendix_section = document.add_section(WD_SECTION.NEW_PAGE)
    _set_page(appendix_section, landscape=True)
    # Headers stay linked to section 1: every appendix page, its first too, is numbered.
    appendix_section.different_first_page_header_footer = False
    _write_appendix(document, doc, _usable_width(appendix_section))
    return finish_document(document, doc.title)


def start_document():
    """A document whose first section is an order's page: A4 portrait, the margins, the page
    number at the top from page 2. Returns it with the text's width."""
    document = Document()
    _set_defaults(document)
    section = document.sections[0]
    _set_page(section, landscape=False)
    section.different_first_page_header_footer = True
    _page_number_header(section)
    return document, _usable_width(section)


def finish_document(document, title: str) -> bytes:
    """Hyphenation on, the properties set (no author), the file's bytes."""
    _hyphenate(document)
    properties = document.core_properties
    properties.title = property_text(title)
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
    # Words are hyphenated only in the justified text, as in the PDF (`_hyphenated`).
    _set_flag(normal.element.get_or_add_pPr(), "w:suppressAutoHyphens", True)

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


def _hyphenate(document) -> None:
    """Automatic hyphenation on (w:autoHyphenation), never of words in capitals («ЦМН»)."""
    settings = document.settings.element
    anchor = settings.find(qn("w:defaultTabStop"))
    for tag in ("w:doNotHyphenateCaps", "w:autoHyphenation"):  # each right after the tab stop
        element = OxmlElement(tag)
        if anchor is not None:
            anchor.addnext(element)
        else:
            settings.insert(0, element)


# The schema's order of a paragraph's and of a run's properties: Word refuses a file that
# breaks it. Only the elements this module writes, and those python-docx may have written.
_PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
_RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]


def _insert_in_order(parent, element, order: list[str]) -> None:
    name = element.tag.split("}")[1]
    later = order[order.index(name) + 1 :]
    for child in parent:
        if child.tag.split("}")[1] in later:
            child.addprevious(element)
            return
    parent.append(element)


def _set_flag(ppr, tag: str, on: bool) -> None:
    """An on/off paragraph property written explicitly (w:val="0" to turn a style's off)."""
    for old in ppr.findall(qn(tag)):
        ppr.remove(old)
    element = OxmlElement(tag)
    if not on:
        element.set(qn("w:val"), "0")
    _insert_in_order(ppr, element, _PPR_ORDER)


def _hyphenated(paragraph) -> None:
    _set_flag(paragraph._p.get_or_add_pPr(), "w:suppressAutoHyphens", False)


def _letter_spacing(run, spacing) -> None:
    element = OxmlElement("w:spacing")
    element.set(qn("w:val"), str(round(spacing.pt * 20)))  # twentieths of a point
    _insert_in_order(run._r.get_or_add_rPr(), element, _RPR_ORDER)


def _bottom_rule(paragraph, size: int) -> None:
    """A rule under the paragraph, across the text's width."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("val", "single"), ("sz", str(size)), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{name}"), value)
    borders.append(bottom)
    _insert_in_order(paragraph._p.get_or_add_pPr(), borders, _PPR_ORDER)


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
    container,
    text: str = "",
    *,
    bold=False,
    align=None,
    indent=None,
    size=None,
    before=None,
    after=None,
):
    """A paragraph; ``before`` and ``after`` are lengths (Mm(8)), as the PDF's margins."""
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent is not None:
        paragraph.paragraph_format.first_line_indent = indent
    if before is not None:
        paragraph.paragraph_format.space_before = before
    if after is not None:
        paragraph.paragraph_format.space_after = after
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


def _fill_cell(
    cell, lines: list[str], *, bold=False, align=None, size=None, style=None, keep=False
) -> None:
    """One paragraph per line: Word's own way to break lines inside a cell. ``keep``: the row
    stays on the page of the next one (keep-with-next on every paragraph of the cell)."""
    first = cell.paragraphs[0]
    for index, line in enumerate(lines or [""]):
        paragraph = first if index == 0 else cell.add_paragraph()
        if style is not None:
            paragraph.style = style
        if align is not None:
            paragraph.alignment = align
        if keep:
            paragraph.paragraph_format.keep_with_next = True
        if line:
            run = paragraph.add_run(line)
            run.bold = bold or None
            if size is not None:
                run.font.size = size


def write_heading(document, doc, width: int) -> None:
    """The letterhead, «ПРИКАЗ», the date and number, the place: of ``doc``, an order or an
    amending order (``header_lines``, ``header_lines_local``, ``date_text``, ``number_text``,
    ``city``)."""
    center = WD_ALIGN_PARAGRAPH.CENTER
    if doc.header_lines and doc.header_lines_local:
        letterhead = _borderless_table(document, 2, width)
        _cell_margins(letterhead, left=Mm(3), right=Mm(3), top=Mm(0), bottom=Mm(0))
        for cell, lines in zip(
            letterhead.rows[0].cells, (doc.header_lines, doc.header_lines_local), strict=True
        ):
            _fill_cell(cell, lines, bold=True, align=center, size=LETTERHEAD_SIZE)
    else:
        for line in doc.header_lines or doc.header_lines_local:
            _paragraph(document, line, bold=True, align=center, size=LETTERHEAD_SIZE)
    if doc.header_lines or doc.header_lines_local:
        # The PDF's rule: 6 mm under the letterhead, 8 mm above «ПРИКАЗ».
        rule = _paragraph(document, after=Mm(8))
        rule.paragraph_format.line_spacing = Mm(6)
        _bottom_rule(rule, RULE)

    kind = _paragraph(document, align=center, after=Mm(6))
    run = kind.add_run("ПРИКАЗ")
    run.bold = True
    run.font.size = KIND_SIZE
    _letter_spacing(run, KIND_SPACING)
    date_line = _borderless_table(document, 2, width)
    _cell_margins(date_line, left=Mm(0), right=Mm(0), top=Mm(0), bottom=Mm(0))
    left, right = date_line.rows[0].cells
    _fill_cell(left, [doc.date_text])
    _fill_cell(right, [doc.number_text], align=WD_ALIGN_PARAGRAPH.RIGHT)
    if doc.city:
        _paragraph(document, doc.city, align=center, before=Mm(2), after=Mm(8))


def write_text(document, text: str):
    """A justified, hyphenated paragraph with the first line indented (a preamble, a point)."""
    paragraph = _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT)
    _hyphenated(paragraph)
    return paragraph


def write_point(document, text: str, *, keep_with_next: bool = False):
    point = write_text(document, text)
    point.paragraph_format.space_after = Mm(2)
    if keep_with_next:
        point.paragraph_format.keep_with_next = True
    return point


def write_title(document, text: str, *, after=TITLE_AFTER) -> None:
    """The heading to the text: bold, centred."""
    _paragraph(
        document, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=Mm(0), after=after
    )


def write_verb(document) -> None:
    _paragraph(document, "ПРИКАЗЫВАЮ:", bold=True, before=Mm(6), after=Mm(4))


def write_signature(document, doc, width: int) -> None:
    """The position on the left, «И.О. Фамилия» at the right margin."""
    signature = _paragraph(document, before=Mm(16))
    signature.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    signature.add_run(f"{doc.signatory_position}\t{doc.signatory_name}")


def _write_order(document, doc: OrderDocument, width: int) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    write_heading(document, doc, width)
    amended = bool(doc.edition)
    write_title(document, doc.title, after=Mm(2) if amended else Mm(8))
    if amended:
        _paragraph(document, doc.edition, align=center, after=Mm(8))
    if doc.preamble:
        write_text(document, doc.preamble)
    write_verb(document)
    for number, text in enumerate(doc.points, start=1):
        write_point(document, f"{number}. {text}")
    write_signature(document, doc, width)


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
            element.set(qn("w:sz"), str(TABLE_RULE))
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        borders.append(element)


def _cell_margins(table, **margins) -> None:
    """The table's cell padding (w:tblCellMar), as the PDF's ``padding`` of the cells."""
    tbl_pr = table._tbl.tblPr
    element = OxmlElement("w:tblCellMar")
    for edge in ("top", "left", "bottom", "right"):
        side = OxmlElement(f"w:{edge}")
        side.set(qn("w:w"), str(round(margins[edge] / 635)))  # EMU to twentieths of a point
        side.set(qn("w:type"), "dxa")
        element.append(side)
    later = [tbl_pr.find(qn(f"w:{tag}")) for tag in ("tblLook", "tblCaption", "tblDescription")]
    later = [e for e in later if e is not None]
    if later:
        later[0].addprevious(element)
    else:
        tbl_pr.append(element)


def _row_flags(row, *, header: bool = False) -> None:
    """Rows never break across pages; the header row repeats on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _write_appendix(document, doc: OrderDocument, width: int) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    # The appendix mark: top right, its lines left-aligned and at most 8 cm long.
    for index, line in enumerate(doc.appendix_mark_lines):
        mark = _paragraph(document, line, size=TABLE_SIZE)
        mark.paragraph_format.left_indent = width - MARK_WIDTH
        if index == len(doc.appendix_mark_lines) - 1:
            mark.paragraph_format.space_after = Mm(6)
    _paragraph(document, doc.roadmap_title, bold=True, align=center, after=Mm(5))

    write_plan_table(document, doc.sections, width)


def write_plan_table(document, sections, width: int, shares=COLUMN_SHARES) -> None:
    """The appendix's table of ``sections`` (SectionLine): the header row repeated on every
    page, a section's heading with its first measure, the last measure not alone on a page;
    a section without a heading (``title`` empty) gives its rows alone."""
    center = WD_ALIGN_PARAGRAPH.CENTER
    widths = [width * share // 100 for share in shares]
    table = _new_table(document, len(TABLE_HEADERS), sum(widths))
    _set_borders(table, "single")
    _cell_margins(table, **CELL_PADDING)
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width
    header = table.rows[0]
    _row_flags(header, header=True)
    for cell, text, column_width in zip(header.cells, TABLE_HEADERS, widths, strict=True):
        cell.width = column_width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _fill_cell(cell, [keep_together(text)], bold=True, align=center, style=TABLE_STYLE)

    last = sections[-1].measures[-1] if sections and sections[-1].measures else None
    for section in sections:
        if section.number or section.title:
            row = table.add_row()
            _row_flags(row)
            merged = row.cells[0].merge(row.cells[-1])
            merged.width = width
            # A heading never ends a page: it stays with its first measure.
            _fill_cell(merged, [section.heading], bold=True, style=TABLE_STYLE, keep=True)
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
            # The last measure never stands alone on a page: the one before keeps with it.
            keep = last is not None and _is_before(section, measure, last)
            for cell, value, column_width in zip(row.cells, values, widths, strict=True):
                cell.width = column_width
                _fill_cell(cell, value.split("\n"), style=TABLE_STYLE, keep=keep)


def _is_before(section, measure, last) -> bool:
    """Whether ``measure`` comes right before the table's last measure, in the same section."""
    measures = section.measures
    return len(measures) >= 2 and measures[-1] is last and measures[-2] is measure
