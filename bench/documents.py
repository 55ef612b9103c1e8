"""PDF generation time for the seed and for a 1 000-measure roadmap, each against WeasyPrint
rendering a bare HTML table of the same rows (the floor any layout of that table pays)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, setup_django, timed

REPEAT = 3


def bare_table(doc) -> str:
    rows = []
    for section in doc.sections:
        rows.append(f"<tr><td colspan=5>{section.heading}</td></tr>")
        rows.extend(
            f"<tr><td>{m.number}</td><td>{m.title}</td><td>{m.deadline}</td>"
            f"<td>{m.responsible}</td><td>{m.result}</td></tr>"
            for m in section.measures
        )
    return "<html><body><table>" + "".join(rows) + "</table></body></html>"


def grow(roadmap, total: int) -> None:
    from roadmap.models import Measure, MeasureResponsibility

    sections = list(roadmap.sections.all())
    template = list(Measure.objects.filter(section__roadmap=roadmap))
    new = []
    count = len(template)
    n = 0
    while count < total:
        source = template[n % len(template)]
        section = sections[n % len(sections)]
        new.append(
            Measure(
                section=section,
                number=f"{section.number}.{100 + n}",
                title=source.title,
                deadline_text=source.deadline_text,
                deadline_kind=source.deadline_kind,
                due_on=source.due_on,
                starts_on=source.starts_on,
                responsible_text=source.responsible_text,
                result=source.result,
                position=100 + n,
            )
        )
        n += 1
        count += 1
    created = Measure.objects.bulk_create(new, batch_size=500)
    MeasureResponsibility.objects.bulk_create(
        MeasureResponsibility(measure=m, party_id=1, position=0) for m in created
    )


def main() -> None:
    setup_django()
    import weasyprint
    from pypdf import PdfReader

    from roadmap.documents.content import build_document
    from roadmap.documents.pdf import export_pdf
    from roadmap.seed import load_seed

    drop = fresh_database()
    try:
        roadmap = load_seed().roadmap
        print(f"{'roadmap':<22}{'pages':>6}{'PDF, ms':>10}{'bare table, ms':>16}{'ratio':>8}")
        for label, size in (("seed (34 measures)", 34), ("1 000 measures", 1000)):
            if size > 34:
                grow(roadmap, size)
            doc = build_document(roadmap)
            html = bare_table(doc)
            export_pdf(roadmap)  # warm the fonts
            ours = timed(lambda: export_pdf(roadmap), REPEAT)["median_ms"]
            bare = timed(lambda h=html: weasyprint.HTML(string=h).write_pdf(), REPEAT)["median_ms"]
            pages = len(PdfReader(io.BytesIO(export_pdf(roadmap))).pages)
            print(f"{label:<22}{pages:>6}{ours:>10.0f}{bare:>16.0f}{ours / bare:>8.2f}")
    finally:
        drop()


if __name__ == "__main__":
    main()
