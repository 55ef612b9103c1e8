"""Roadmap exports, one function per format; the JSON's keys are a stable interface.

Every format takes the same ``wording`` («current» by default, «original», «amendment:N»:
roadmap.documents.wording); a roadmap with amendments adds the key ``wording`` to its JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from core.files import DOCX, PDF, XLSX
from roadmap.documents.content import file_stem
from roadmap.documents.wording import Edition, printed_table, resolve
from roadmap.models import Order, Roadmap


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def roadmap_as_dict(roadmap: Roadmap, wording: str | Edition | None = None) -> dict:
    """``printed_number``, the last key of a section and of a measure, is the number an
    imported document printed («III», «3») when it differed from ``number``, else "".

    A roadmap with amendments ends with ``wording``: which wording this is («current»,
    «original» or «amendment»), the last amendment it includes (its number, or null) and its
    mark («(в редакции приказа от 12.03.2021 № 45)», or "" for the original).
    """
    edition = wording if isinstance(wording, Edition) else resolve(roadmap, wording)
    printed = printed_table(roadmap, edition)
    try:
        order = roadmap.order
    except Order.DoesNotExist:
        order = None
    data = {
        "title": printed.title,
        "school_year": roadmap.school_year,
        "order": {"number": order.number, "date": _iso(order.date)} if order else None,
        "sections": [
            {
                "number": block.section.number,
                "title": block.section.title,
                "measures": [
                    {
                        "number": row.measure.number,
                        "title": row.measure.title,
                        "deadline_text": row.measure.deadline_text,
                        "deadline_kind": row.measure.deadline_kind,
                        "starts_on": _iso(row.measure.starts_on),
                        "due_on": _iso(row.measure.due_on),
                        "responsible": row.responsible,
                        "result": row.measure.result,
                        "status": row.status,
                        "printed_number": row.measure.printed_number,
                    }
                    for row in block.rows
                ],
                "printed_number": block.section.printed_number,
            }
            for block in printed.blocks
        ],
    }
    if edition.every_amendment:
        data["wording"] = {
            "kind": edition.kind,
            "amendment": edition.last_amendment,
            "mark": edition.mark,
        }
    return data


def export_json(roadmap: Roadmap, wording=None) -> bytes:
    text = json.dumps(roadmap_as_dict(roadmap, wording), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def export_pdf(roadmap: Roadmap, wording=None) -> bytes:
    from roadmap.documents.pdf import export_pdf as render

    return render(roadmap, wording)


def export_docx(roadmap: Roadmap, wording=None) -> bytes:
    from roadmap.documents.docx_export import export_docx as render

    return render(roadmap, wording)


def export_xlsx(roadmap: Roadmap, wording=None) -> bytes:
    from roadmap.documents.xlsx_export import export_xlsx as render

    return render(roadmap, wording)


@dataclass(frozen=True)
class Exporter:
    render: Callable[..., bytes]  # (roadmap, wording=None)
    extension: str
    content_type: str
    label: str


# One place lists the formats; the command and the download view take them from here.
EXPORTERS: dict[str, Exporter] = {
    "pdf": Exporter(export_pdf, "pdf", PDF.content_type, "PDF"),
    "docx": Exporter(export_docx, "docx", DOCX.content_type, "Word"),
    "xlsx": Exporter(export_xlsx, "xlsx", XLSX.content_type, "Excel"),
    "json": Exporter(export_json, "json", "application/json", "JSON"),
}


def file_name(roadmap: Roadmap, extension: str, edition: Edition | None = None) -> str:
    """«Приказ_172-1_от_28.10.2020.pdf»; a wording other than the current one says which
    («…_первоначальная_редакция.pdf», «…_в_редакции_изменения_1.pdf»)."""
    try:
        order = roadmap.order
    except Order.DoesNotExist:
        stem = file_stem("", None)
    else:
        stem = file_stem(order.number, order.date)
    if edition is not None and edition.as_of is not None:
        if edition.kind == "original":
            stem += "_первоначальная_редакция"
        else:
            stem += f"_в_редакции_изменения_{edition.as_of}"
    return f"{stem}.{extension}"
