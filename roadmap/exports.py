"""Roadmap exports, one function per format; the JSON's keys are a stable interface."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from core.files import DOCX, PDF, XLSX
from roadmap.documents.content import file_stem
from roadmap.models import Order, Roadmap
from roadmap.selectors import roadmap_table


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def roadmap_as_dict(roadmap: Roadmap) -> dict:
    """``printed_number``, the last key of a section and of a measure, is the number an
    imported document printed («III», «3») when it differed from ``number``, else ""."""
    try:
        order = roadmap.order
    except Order.DoesNotExist:
        order = None
    return {
        "title": roadmap.title,
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
            for block in roadmap_table(roadmap)
        ],
    }


def export_json(roadmap: Roadmap) -> bytes:
    text = json.dumps(roadmap_as_dict(roadmap), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def export_pdf(roadmap: Roadmap) -> bytes:
    from roadmap.documents.pdf import export_pdf as render

    return render(roadmap)


def export_docx(roadmap: Roadmap) -> bytes:
    from roadmap.documents.docx_export import export_docx as render

    return render(roadmap)


def export_xlsx(roadmap: Roadmap) -> bytes:
    from roadmap.documents.xlsx_export import export_xlsx as render

    return render(roadmap)


@dataclass(frozen=True)
class Exporter:
    render: Callable[[Roadmap], bytes]
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


def file_name(roadmap: Roadmap, extension: str) -> str:
    """«Приказ_172-1_от_28.10.2020.pdf»."""
    try:
        order = roadmap.order
    except Order.DoesNotExist:
        return f"{file_stem('', None)}.{extension}"
    return f"{file_stem(order.number, order.date)}.{extension}"
