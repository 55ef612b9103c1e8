"""What the order and its appendix say, once, for every format (PDF, DOCX, XLSX).

The wording is the roadmap's own — as it is, or as it was originally or after an amendment
(roadmap.documents.wording), the amended one marked «(в редакции приказа от … № …)» under the
order's title and in the appendix mark; only dates are formatted (ДД.ММ.ГГГГ, ГОСТ Р
7.0.97-2025) and the spaces a line must not break at are made non-breaking (`keep_together`),
for these documents and for every other printed one (the execution report, the monitoring
summaries).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from core.models import Department
from roadmap.documents.wording import Edition, printed_table, resolve
from roadmap.models import Order, Roadmap

NBSP = "\u00a0"
_SPACE = r"[ \u00a0]+"  # spaces only: a tab or a line break is the text's own
_UPPER, _LOWER = "А-ЯЁA-Z", "а-яёa-z"
# Where a printed line must not break (the rules of Russian typesetting the standard's samples
# follow): «№ 172/1», «28.10.2020 г.», «г. Аргун», «45 дн.», «Л.В. Кагирова», «Кагирова Л.В.».
# A date and a number stay two units («от 15.10.2020 г. № 160/1» may break before «№»): bound
# into one, they would leave a gap in a justified line.
_KEEP_TOGETHER = (
    re.compile(rf"(№№?){_SPACE}(?=\S)"),  # the sign and its number
    # «г.» of a city binds its name («г. Аргун»); «г.» of a year is bound to the year below
    re.compile(rf"(?<![{_UPPER}{_LOWER}])(?<!\d[ \u00a0])(г\.){_SPACE}(?=\S)"),
    # a number and its unit: «2020 г.», «2020–2021 гг.», «45 дн.», «12 чел.», «4,0 %»
    re.compile(rf"(\d){_SPACE}(?=(?:гг?|дн|чел|мес|руб|тыс|млн)\.|%)"),
    # initials before a surname: «Л.В. Кагирова», «Л. В. Кагирова»
    re.compile(
        rf"(?<![{_UPPER}{_LOWER}])([{_UPPER}]\.){_SPACE}(?=[{_UPPER}]\.|[{_UPPER}][{_LOWER}])"
    ),
    # a surname before its initials: «Кагирова Л.В.» (not «Начальник» before «Л.В. Кагирова»)
    re.compile(
        rf"([{_UPPER}][{_LOWER}]+){_SPACE}"
        rf"(?=[{_UPPER}]\.(?:{_SPACE})?[{_UPPER}]\.(?!(?:{_SPACE})?[{_UPPER}][{_LOWER}]))"
    ),
)


def keep_together(text: str) -> str:
    """The text with non-breaking spaces where a line must not break.

    After «№» and after «г.» of a city, between a number and its unit («2020 г.», «45 дн.»),
    between initials and a surname: one function for every printed document (PDF, DOCX,
    XLSX), so that «№» never ends a line. Only spaces change; line breaks and the rest stay.
    """
    if not text:
        return text
    for pattern in _KEEP_TOGETHER:
        # each space of the run becomes a non-breaking one: the text keeps its length
        text = pattern.sub(lambda match: match[1] + NBSP * (len(match[0]) - len(match[1])), text)
    return text


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
        """«2. Title»; the title alone for a section line without a number of its own."""
        return f"{self.number}. {self.title}" if self.number else self.title


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
    # «(в редакции приказа от 12.03.2021 № 45)» under the title; "" for a wording never amended
    edition: str = ""

    @property
    def date_text(self) -> str:
        return f"{self.date:%d.%m.%Y}" if self.date else "__.__.____"

    @property
    def number_text(self) -> str:
        """«№ 172/1», never broken after the sign."""
        return f"№{NBSP}{self.number or '____'}"

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


def build_document(roadmap: Roadmap, wording: str | Edition | None = None) -> OrderDocument:
    """The order with its appendix in ``wording`` («current», «original», «amendment:N» or an
    Edition; the current one by default). A WordingError for a wording the roadmap lacks."""
    edition = wording if isinstance(wording, Edition) else resolve(roadmap, wording)
    try:
        order = roadmap.order
    except Order.DoesNotExist:
        order = None
    try:
        department = roadmap.municipality.department
    except Department.DoesNotExist:
        department = None
    kept = keep_together
    printed = printed_table(roadmap, edition)
    sections = []
    for block in printed.blocks:
        section = SectionLine(number=block.section.number, title=kept(block.section.title))
        for row in block.rows:
            measure = row.measure
            section.measures.append(
                MeasureLine(
                    number=f"{measure.number}.",
                    title=kept(measure.title),
                    deadline=kept(measure.deadline_text),
                    responsible=kept(row.responsible_text),
                    result=kept(measure.result),
                )
            )
        sections.append(section)
    mark = order.appendix_mark if order and order.appendix_mark else ""
    if not mark and order is not None:
        mark = f"Приложение к приказу от {order.date:%d.%m.%Y} г. №{order.number}"
    mark_lines = appendix_mark_lines(mark)
    if edition.mark:
        mark_lines.append(edition.mark)
    return OrderDocument(
        header_lines=[kept(line) for line in (department.header_list if department else [])],
        header_lines_local=[
            kept(line) for line in (department.header_local_list if department else [])
        ],
        city=kept(department.city) if department else "",
        number=order.number if order else "",
        date=order.date if order else None,
        title=kept(order.title if order else printed.title),
        preamble=kept(order.preamble) if order else "",
        points=[kept(p.text) for p in order.points.all()] if order else [],
        signatory_position=kept(order.signatory_position) if order else "",
        signatory_name=kept(order.signatory_name) if order else "",
        appendix_mark_lines=[kept(line) for line in mark_lines],
        roadmap_title=kept(printed.title),
        sections=sections,
        edition=kept(edition.mark),
    )
