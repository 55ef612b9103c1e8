"""Roadmap exports, one function per format; the JSON's keys are a stable interface."""

from __future__ import annotations

import json
from collections.abc import Callable

from roadmap.models import Order, Roadmap
from roadmap.selectors import roadmap_table


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def roadmap_as_dict(roadmap: Roadmap) -> dict:
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
                    }
                    for row in block.rows
                ],
            }
            for block in roadmap_table(roadmap)
        ],
    }


def export_json(roadmap: Roadmap) -> bytes:
    text = json.dumps(roadmap_as_dict(roadmap), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


# Format name → (function producing the file's bytes, file extension).
EXPORTERS: dict[str, tuple[Callable[[Roadmap], bytes], str]] = {
    "json": (export_json, "json"),
}
