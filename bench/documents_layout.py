"""Every printed document measured on the rendered page: margins, page number, font sizes and
«№» at a line end, for the seed roadmap with the demonstration data (`make run`'s).

    .venv/bin/python bench/documents_layout.py [--screenshots docs/screenshots]

Margins are the least over all pages (left/right/top/bottom, mm, the page number's zone
apart), measured at 200 dpi (±0.06 mm); DOCX and XLSX are measured as LibreOffice prints
them, when it is installed. The limits: margins 20/10/20/20 mm, fonts 10 pt in the PDFs and
DOCX (12 pt in the order's table), 9 pt in the XLSX (tests/documents_layout.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, setup_django

REPORT_DAY = dt.date(2021, 1, 15)  # mid-period: some measures due, some not yet
SCREENSHOTS = {  # document: [(page, file name)]
    "order.pdf": [
        (1, "order-page-1.png"),
        (2, "order-appendix-page-2.png"),
        (5, "order-page-5.png"),
        (6, "order-page-6.png"),
    ],
    "order.docx": [
        (1, "order-docx-libreoffice-page-1.png"),
        (6, "order-docx-libreoffice-page-6.png"),
    ],
    "order.xlsx": [(1, "order-xlsx-libreoffice-page-1.png")],
    "execution-report.pdf": [(1, "execution-report-page-1.png")],
    "monitoring-summary.pdf": [
        (1, "monitoring-summary-page-1.png"),
        (2, "monitoring-summary-page-2.png"),
    ],
    "monitoring-summary.xlsx": [(2, "monitoring-summary-xlsx-libreoffice-page-2.png")],
    "regional-summary.xlsx": [(1, "regional-summary-xlsx-libreoffice-page-1.png")],
    "regional-summary.pdf": [(1, "regional-summary-page-1.png", 100)],
    # After the amendment (2.3 reworded, 2.11 added, 3.4 removed): its order, and the order
    # printed in the wording of it; at 100 dpi.
    "amendment-order.pdf": [(1, "amendment-order-page-1.png", 100)],
    "order-amended.pdf": [(1, "order-amended-page-1.png", 100)],
}


def documents() -> dict[str, tuple[bytes, float]]:
    """Each document's bytes and the least font size it must keep."""
    from devdata.demo import load_demo
    from devdata.demo.monitoring import load_monitoring_demo
    from devdata.region import RegionOptions, generate_region
    from monitoring import exports, regional
    from monitoring.models import Period, SchoolReport
    from monitoring.summary import build_summary
    from registry.models import Municipality
    from roadmap.documents.docx_export import export_docx
    from roadmap.documents.pdf import export_pdf, report_pdf
    from roadmap.documents.xlsx_export import export_xlsx
    from roadmap.seed import load_seed

    # A small generated region beside the seed's municipality: the regional summary compares
    # several municipalities over the same period titles (the seed's school year).
    generate_region(RegionOptions(municipalities=3, schools=4, mentees=400, seed=172))
    roadmap = load_seed().roadmap
    load_demo(roadmap.municipality, roadmap)
    schools = list(roadmap.schools.order_by("pk"))
    load_monitoring_demo(roadmap.municipality, schools, dt.date.today())
    period = max(
        Period.objects.filter(municipality=roadmap.municipality),
        key=lambda p: p.reports.filter(status=SchoolReport.Status.ACCEPTED).count(),
    )
    built = build_summary(period)
    region = regional.build_regional(Municipality.objects.order_by("name"), period.title)
    made = {
        "order.pdf": (export_pdf(roadmap), 10),
        "order.docx": (export_docx(roadmap), 10),
        "order.xlsx": (export_xlsx(roadmap), 9),
        "execution-report.pdf": (report_pdf(roadmap, REPORT_DAY), 10),
        "monitoring-summary.pdf": (exports.summary_pdf(built), 10),
        "monitoring-summary.xlsx": (exports.summary_xlsx(built), 9),
        "regional-summary.xlsx": (regional.regional_xlsx(region), 9),
        "regional-summary.pdf": (regional.regional_pdf(region), 10),
    }
    return made | amended(roadmap)


def amended(roadmap) -> dict[str, tuple[bytes, float]]:
    """The seed's order amended as tests/roadmap/documents/amendment_data.py tells it: the
    amending order (PDF, DOCX) and the order printed after it."""
    from django.contrib.auth import get_user_model

    from core import roles
    from roadmap.documents.amendment_docx import amendment_order_docx
    from roadmap.documents.pdf import amendment_order_pdf, export_pdf
    from tests.roadmap.documents.amendment_data import amend_seed

    staff = (
        get_user_model()
        .objects.filter(groups__name=roles.STAFF, profile__municipality=roadmap.municipality)
        .order_by("pk")
        .first()
    )
    amendment = amend_seed(roadmap, staff)
    return {
        "amendment-order.pdf": (amendment_order_pdf(amendment), 12),
        "amendment-order.docx": (amendment_order_docx(amendment), 12),
        "order-amended.pdf": (export_pdf(roadmap), 10),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--screenshots", type=Path, help="folder for the pages as PNG pictures")
    parser.add_argument("--keep", type=Path, help="folder to keep the files and their PDFs in")
    parser.add_argument("--dpi", type=int, default=200, help="rendering for the ink box")
    args = parser.parse_args()
    setup_django()
    from tests import documents_layout as layout

    drop = fresh_database()
    try:
        made = documents()
    finally:
        drop()
    print(f"{'document':<26}{'figures'}")
    for name, (data, min_font) in made.items():
        started = time.perf_counter()
        suffix = name.rsplit(".", 1)[1]
        if suffix != "pdf":
            if layout.LIBREOFFICE is None:
                print(f"{name:<26}не измерен: {layout.LIBREOFFICE_MISSING}")
                continue
            pdf = layout.libreoffice_pdf(data, suffix)
        else:
            pdf = data
        measured = layout.check_pdf(pdf, min_font=min_font, dpi=args.dpi)
        seconds = time.perf_counter() - started
        print(f"{name:<26}{measured.summary()} ({seconds:.1f} с)")
        sizes = ", ".join(f"{size:g} ({count})" for size, count in layout.font_sizes(pdf).items())
        print(f"{'':<26}размеры, пт (знаков): {sizes}")
        for problem in measured.problems[:8]:
            print(f"{'':<26}! {problem}")
        if len(measured.problems) > 8:
            print(f"{'':<26}! … и ещё {len(measured.problems) - 8}")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / name).write_bytes(data)
            if suffix != "pdf":
                (args.keep / f"{name}.pdf").write_bytes(pdf)
        if args.screenshots:
            for page, file_name, *dpi in SCREENSHOTS.get(name, []):
                if page <= measured.pages:
                    target = args.screenshots / file_name
                    layout.save_page_png(pdf, page, target, dpi=dpi[0] if dpi else 90)


if __name__ == "__main__":
    main()
