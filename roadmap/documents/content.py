"""What the order and its appendix say, once, for every format (PDF, DOCX, XLSX).

The wording is the roadmap's own; only dates are formatted (ДД.ММ.ГГГГ, ГОСТ Р 7.0.97-2016).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from core.models import Department
from roadmap.models import Order, Roadmap
from roadmap.selectors import roadmap_table

TABLE_HEADERS = (
    "№ п/п",
    "Наименование мероприятий",
    "Срок реализации",
    "Ответственный исполнитель",
    "Результат",
)


@dataclass(frozen=True)
class MeasureLine:
    number: str
    title: str
    deadline: str
    responsible: str
    result: str


@dataclass
class SectionLine:
    number: str
    title: str
    measures: list[MeasureLine] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass
class OrderDocument:
    header_lines: list[str]
    header_lines_local: list[str]
    city: str
    number: str
    date: date | None
    title: str
    preamble: str
    points: list[str]
    signatory_position: str
    signatory_name: str
    appendix_mark_lines: list[str]
    roadmap_title: str
    sections: list[SectionLine]

    @property
    def date_text(self) -> str:
        return f"{self.date:%d.%m.%Y}" if self.date else "__.__.____"

    @property
    def file_stem(self) -> str:
        return file_stem(self.number, self.date)

    @property
    def measure_count(self) -> int:
        return sum(len(s.measures) for s in self.sections)


def file_stem(number: str, day: date | None) -> str:
    """«Приказ_172-1_от_28.10.2020»: a name that survives every file system."""
    number = re.sub(r"[^\w.-]+", "-", number or "").strip("-") or "б-н"
    return f"Приказ_{number}_от_{day:%d.%m.%Y}" if day else f"Приказ_{number}"


def appendix_mark_lines(mark: str) -> list[str]:
    """«Приложение к приказу … от 28.10.2020 г. №172/1» as the document sets it: three lines."""
    mark = " ".join(mark.split())
    lines = []
    head, sep, rest = mark.partition(" ")
    if head.lower() == "приложение" and sep:
        lines.append(head)
        mark = rest
    before, sep, after = mark.rpartition(" от ")
    if sep and before:
        lines.extend([before, f"от {after}"])
    elif mark:
        lines.append(mark)
    return lines


def build_document(roadmap: Roadmap) -> OrderDocument:
    try:
        order = roadmap.order
    except Order.DoesNotExist:
        order = None
    try:
        department = roadmap.municipality.department
    except Department.DoesNotExist:
        department = None
    sections = []
    for block in roadmap_table(roadmap):
        section = SectionLine(number=block.section.number, title=block.section.title)
        for row in block.rows:
            measure = row.measure
            section.measures.append(
                MeasureLine(
                    number=f"{measure.number}.",
                    title=measure.title,
                    deadline=measure.deadline_text,
                    responsible=row.responsible_text,
                    result=measure.result,
                )
            )
        sections.append(section)
    mark = order.appendix_mark if order and order.appendix_mark else ""
    if not mark and order is not None:
        mark = f"Приложение к приказу от {order.date:%d.%m.%Y} г. №{order.number}"
    return OrderDocument(
        header_lines=department.header_list if department else [],
        header_lines_local=department.header_local_list if department else [],
        city=department.city if department else "",
        number=order.number if order else "",
        date=order.date if order else None,
        title=order.title if order else roadmap.title,
        preamble=order.preamble if order else "",
        points=[p.text for p in order.points.all()] if order else [],
        signatory_position=order.signatory_position if order else "",
        signatory_name=order.signatory_name if order else "",
        appendix_mark_lines=appendix_mark_lines(mark),
        roadmap_title=roadmap.title,
        sections=sections,
    )
