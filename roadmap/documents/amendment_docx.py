"""The amending order as an editable Word document, set as its PDF is and as the order is
(roadmap.documents.docx_export): A4 portrait, margins 20/10/20/20 mm, 14 pt text, the page
number at the top from page 2, each sub-point kept with the table of the wording it sets out.
"""

from __future__ import annotations

from docx.shared import Mm

from roadmap.documents.amendment import AmendmentOrderDocument, build_amendment_order
from roadmap.documents.docx_export import (
    finish_document,
    start_document,
    write_heading,
    write_plan_table,
    write_point,
    write_signature,
    write_text,
    write_title,
    write_verb,
)
from roadmap.models import Amendment

# The appendix's columns, on the portrait page: the number narrower, the parties wider.
COLUMN_SHARES = (8, 31, 17, 22, 22)


def amendment_order_docx(amendment: Amendment) -> bytes:
    """The order that makes ``amendment`` (NothingToPrint when it changed no wording)."""
    return amendment_docx(build_amendment_order(amendment))


def amendment_docx(doc: AmendmentOrderDocument) -> bytes:
    document, width = start_document()
    write_heading(document, doc, width)
    write_title(document, doc.title)
    if doc.preamble:
        write_text(document, doc.preamble)
    write_verb(document)
    write_point(document, f"1. {doc.lead}")
    for change in doc.changes:
        write_point(document, f"{change.number} {change.text}", keep_with_next=bool(change.table))
        if change.table:
            write_plan_table(document, change.table, width, shares=COLUMN_SHARES)
            gap = document.add_paragraph()  # the PDF's 4 mm under a table
            gap.paragraph_format.line_spacing = Mm(4)
    for number, text in enumerate(doc.closing_points, start=2):
        write_point(document, f"{number}. {text}")
    write_signature(document, doc, width)
    return finish_document(document, doc.title)
