"""PDF of the order with its appendix, of the amending order and of the execution report,
through WeasyPrint.

The font (Liberation Serif, Times-metric, with Cyrillic) is shipped in ``static/fonts`` so the
PDF looks the same on every server; it is embedded in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from roadmap.dashboard import Filters, build_dashboard
from roadmap.documents.amendment import AmendmentOrderDocument, build_amendment_order
from roadmap.documents.content import OrderDocument, build_document, keep_together
from roadmap.models import Amendment, Roadmap

STATIC_BASE = Path(settings.BASE_DIR) / "static"


def html_to_pdf(html: str) -> bytes:
    import weasyprint  # loaded on first use: it pulls in Pango

    fonts = weasyprint.text.fonts.FontConfiguration()
    document = weasyprint.HTML(string=html, base_url=str(STATIC_BASE) + "/")
    return document.write_pdf(font_config=fonts)


def order_html(roadmap: Roadmap, wording=None) -> str:
    return document_html(build_document(roadmap, wording))


def document_html(doc: OrderDocument) -> str:
    """The order with its appendix as HTML for WeasyPrint, from what the document says."""
    return render_to_string("roadmap/documents/order.html", {"doc": doc})


def export_pdf(roadmap: Roadmap, wording=None) -> bytes:
    """``wording``: as `build_document` takes it (the current one by default)."""
    return html_to_pdf(order_html(roadmap, wording))


def amendment_order_html(doc: AmendmentOrderDocument) -> str:
    return render_to_string("roadmap/documents/amendment_order.html", {"doc": doc})


def amendment_order_pdf(amendment: Amendment) -> bytes:
    """The order that makes ``amendment`` (NothingToPrint when it changed no wording)."""
    return html_to_pdf(amendment_order_html(build_amendment_order(amendment)))


@dataclass(frozen=True)
class MeasureOutcome:
    label: str
    done_on: date | None
    lagging: str


def report_pdf(roadmap: Roadmap, as_of: date | None = None) -> bytes:
    """The appendix with each measure's state on a day: status, date done, and who lags on
    the measures already due that day (a measure not yet due has no one lagging)."""
    as_of = as_of or timezone.localdate()
    board = build_dashboard(roadmap, Filters(as_of=as_of))
    states = {}
    for measure in board.measures:
        finished = [e.completed_on for e in measure.executions if e.completed_on]
        label = measure.status_label
        if measure.overdue:
            label += f", {measure.days_overdue} дн."
        states[f"{measure.number}."] = MeasureOutcome(
            label=keep_together(label),
            done_on=max(finished) if measure.status == "done" and finished else None,
            lagging=keep_together(measure.lagging_preview) if measure.overdue else "",
        )
    html = render_to_string(
        "roadmap/documents/report.html",
        {
            "doc": build_document(roadmap),
            "report": True,
            "states": states,
            "as_of": as_of,
            "figures": board.figures,
            "entered_on": board.entered_on,
        },
    )
    return html_to_pdf(html)
