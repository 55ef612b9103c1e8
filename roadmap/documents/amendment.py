"""The amending order («О внесении изменений в приказ …») made from a recorded amendment.

What the amendment changed is the difference between the roadmap's wording before it and
after it, both read back from the history (roadmap.documents.wording): measures changed
(«пункт 2.3 изложить в следующей редакции:» with the new row of the table), added
(«дополнить пунктом 2.11 следующего содержания:»), removed («пункт 3.4 исключить»), only
renumbered («пункт 2.4 считать пунктом 2.3»), and the same for sections and the roadmap's
title. The order is the department's, on its letterhead, signed by its head; every format
(PDF, DOCX) prints this one `AmendmentOrderDocument`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from core.models import Department
from roadmap.documents.content import (
    NBSP,
    MeasureLine,
    SectionLine,
    file_stem,
    keep_together,
)
from roadmap.documents.wording import History, MeasureState, Snapshot, edition_note
from roadmap.models import Amendment, Order, Roadmap
from roadmap.text import morph

CONTROL_POINT = "Контроль за исполнением настоящего приказа оставляю за собой."

# The kinds of change, in the order an order lists them at one number.
TITLE = "title"
SECTION_REMOVED, SECTION_RENUMBERED, SECTION_CHANGED, SECTION_ADDED = (
    "section_removed",
    "section_renumbered",
    "section_changed",
    "section_added",
)
REMOVED, RENUMBERED, CHANGED, ADDED = "removed", "renumbered", "changed", "added"
_RANK = {
    kind: rank
    for rank, kind in enumerate(
        (
            TITLE,
            SECTION_REMOVED,
            SECTION_RENUMBERED,
            SECTION_CHANGED,
            SECTION_ADDED,
            REMOVED,
            RENUMBERED,
            CHANGED,
            ADDED,
        )
    )
}


class NothingToPrint(ValueError):
    """The amendment changed nothing in the wording: there is no order to make of it."""


@dataclass(frozen=True)
class Change:
    """One sub-point of the amending order: its sentence and the new wording it sets out (a
    table: a section's heading, measures' rows; empty for «исключить»)."""

    kind: str
    number: str  # the number the point names: the old one, or the new one of what is added
    text: str
    heading: str = ""
    measures: tuple[MeasureLine, ...] = ()
    key: tuple = field(default=(), compare=False, repr=False)

    @property
    def has_table(self) -> bool:
        return bool(self.heading or self.measures)


def _line(state: MeasureState) -> MeasureLine:
    kept = keep_together
    return MeasureLine(
        number=f"{state.number}.",
        title=kept(state.title),
        deadline=kept(state.deadline_text),
        responsible=kept(state.responsible_text),
        result=kept(state.result),
    )


def _quoted(text: str) -> str:
    return f"«{' '.join(text.split())}»"


def _section_changes(before: Snapshot, after: Snapshot) -> tuple[list[Change], set, set]:
    was, now = before.section_map(), after.section_map()
    changes = []
    for pk, section in now.items():
        if pk not in was:
            changes.append(
                Change(
                    SECTION_ADDED,
                    section.number,
                    f"Дополнить разделом {section.number} следующего содержания:",
                    heading=section.heading,
                    measures=tuple(_line(m) for m in after.measures[pk]),
                    key=(tuple(section.number_key), _RANK[SECTION_ADDED]),
                )
            )
    for pk, old in was.items():
        new = now.get(pk)
        key = tuple(old.number_key)
        if new is None:
            text = f"Раздел {old.number} исключить."
            changes.append(
                Change(SECTION_REMOVED, old.number, text, key=(key, _RANK[SECTION_REMOVED]))
            )
        elif new.title != old.title:
            text = (
                f"Наименование раздела {old.number} изложить в следующей редакции: "
                f"{_quoted(new.heading)}."
            )
            changes.append(
                Change(SECTION_CHANGED, old.number, text, key=(key, _RANK[SECTION_CHANGED]))
            )
        elif new.number != old.number:
            text = f"Раздел {old.number} считать разделом {new.number}."
            changes.append(
                Change(SECTION_RENUMBERED, old.number, text, key=(key, _RANK[SECTION_RENUMBERED]))
            )
    return changes, set(now) - set(was), set(was) - set(now)


def _same_but_number(old: MeasureState, new: MeasureState) -> bool:
    return (old.title, old.deadline_text, old.responsible_text, old.result) == (
        new.title,
        new.deadline_text,
        new.responsible_text,
        new.result,
    )


def _measure_changes(before: Snapshot, after: Snapshot, added_sections, removed_sections):
    was, now = before.all_measures(), after.all_measures()
    changes = []
    for pk, new in now.items():
        if pk not in was and new.section_id not in added_sections:
            text = f"Дополнить пунктом {new.number} следующего содержания:"
            key = (tuple(new.number_key), _RANK[ADDED])
            changes.append(Change(ADDED, new.number, text, measures=(_line(new),), key=key))
    for pk, old in was.items():
        new = now.get(pk)
        key = tuple(old.number_key)
        if new is None:
            if old.section_id not in removed_sections:
                text = f"Пункт {old.number} исключить."
                changes.append(Change(REMOVED, old.number, text, key=(key, _RANK[REMOVED])))
        elif new.wording() != old.wording():
            if _same_but_number(old, new):
                if new.number == old.number:
                    continue  # moved to a section of the same number: nothing to print
                text = f"Пункт {old.number} считать пунктом {new.number}."
                changes.append(Change(RENUMBERED, old.number, text, key=(key, _RANK[RENUMBERED])))
            else:
                text = f"Пункт {old.number} изложить в следующей редакции:"
                changes.append(
                    Change(
                        CHANGED,
                        old.number,
                        text,
                        measures=(_line(new),),
                        key=(key, _RANK[CHANGED]),
                    )
                )
    return changes


def amendment_changes(amendment: Amendment, history: History | None = None) -> list[Change]:
    """What ``amendment`` changed in the roadmap's wording, in the order of the document."""
    history = history or History.of(amendment.roadmap)
    before = history.as_of(amendment.number - 1)
    after = history.as_of(amendment.number)
    changes, added_sections, removed_sections = _section_changes(before, after)
    changes += _measure_changes(before, after, added_sections, removed_sections)
    if before.title != after.title:
        text = (
            f"Наименование плана мероприятий изложить в следующей редакции: {_quoted(after.title)}."
        )
        changes.append(Change(TITLE, "", text, key=((), _RANK[TITLE])))
    changes.sort(key=lambda change: change.key)
    return changes


# --- the order -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangePoint:
    number: str  # «1.1.»
    text: str
    table: list[SectionLine]  # a section's heading with its rows, or rows alone (heading "")


@dataclass
class AmendmentOrderDocument:
    header_lines: list[str]
    header_lines_local: list[str]
    city: str
    number: str
    date: date | None
    title: str
    preamble: str
    lead: str  # point 1: «Внести в план мероприятий … следующие изменения:»
    changes: list[ChangePoint]
    closing_points: list[str]  # points 2, 3, …
    signatory_position: str
    signatory_name: str
    amendment_number: int

    @property
    def date_text(self) -> str:
        return f"{self.date:%d.%m.%Y}" if self.date else "__.__.____"

    @property
    def number_text(self) -> str:
        return f"№{NBSP}{self.number or '____'}"

    @property
    def file_stem(self) -> str:
        if self.number and self.date:
            return f"{file_stem(self.number, self.date)}_о_внесении_изменений"
        return f"Приказ_о_внесении_изменений_{self.amendment_number}"


_ISSUER = re.compile(r"к\s+приказу\s+(.+?)\s+от\s+\d", re.IGNORECASE)


def issuer_genitive(order: Order | None, department: Department | None) -> str:
    """Whose order it is, in the genitive («Департамента образования г. Аргун»): as the
    appendix mark writes it, else the department's short name with its first word declined."""
    if order is not None:
        match = _ISSUER.search(" ".join((order.appendix_mark or "").split()))
        if match:
            return match[1]
    if department is None or not department.short_name.strip():
        return ""
    first, _, rest = department.short_name.strip().partition(" ")
    parsed = morph().parse(first)[0]
    inflected = parsed.inflect({"gent"}) if parsed.tag.case == "nomn" else None
    word = inflected.word if inflected else first.lower()
    if first[:1].isupper():
        word = word[:1].upper() + word[1:]
    return f"{word} {rest}".strip()


_FROM_DATE = re.compile(r"(?<![\w-])от (?=\d{2}\.\d{2}\.\d{4})")


def _bound(text: str) -> str:
    """``keep_together``, and «от» kept with the date that follows it: a reference to an
    order («от 28.10.2020 № 172/1») never leaves «от» at a line's end."""
    return _FROM_DATE.sub(f"от{NBSP}", keep_together(text))


_PLAN = re.compile(r"^план\s+мероприятий\s*\(\s*дорожная\s+карта\s*\)", re.IGNORECASE)
_ROADMAP = re.compile(r"^дорожная\s+карта", re.IGNORECASE)


def plan_accusative(title: str) -> str:
    """«План мероприятий (дорожная карта) внедрения …» as what one amends: «план мероприятий
    (дорожную карту) внедрения …»; another title is quoted after those words."""
    title = " ".join(title.split())
    if _PLAN.match(title):
        return _PLAN.sub("план мероприятий (дорожную карту)", title)
    if _ROADMAP.match(title):
        return _ROADMAP.sub("дорожную карту", title)
    return f"план мероприятий (дорожную карту) {_quoted(title)}"


def _order_reference(order: Order | None) -> str:
    if order is None:
        return ""
    return f"от {order.date:%d.%m.%Y} № {order.number}"


def build_amendment_order(amendment: Amendment) -> AmendmentOrderDocument:
    """The amending order of ``amendment``; NothingToPrint when it changed no wording."""
    roadmap: Roadmap = amendment.roadmap
    history = History.of(roadmap)
    changes = amendment_changes(amendment, history)
    if not changes:
        raise NothingToPrint(
            f"{amendment} не изменило текст дорожной карты: приказ о внесении изменений "
            "составить не из чего."
        )
    try:
        order = roadmap.order
    except Order.DoesNotExist:
        order = None
    try:
        department = roadmap.municipality.department
    except Department.DoesNotExist:
        department = None
    kept = keep_together
    issuer = issuer_genitive(order, department)
    act = " ".join(part for part in ("приказ", issuer, _order_reference(order)) if part)
    earlier = [a for a in history.amendments if a.number < amendment.number]
    note = edition_note(earlier)
    approved_by = " ".join(part for part in ("приказом", issuer, _order_reference(order)) if part)
    if note:
        approved_by += f" ({note})"
    before_title = history.as_of(amendment.number - 1).title
    lead = (
        f"Внести в {plan_accusative(before_title)}, утверждённый {approved_by}, "
        "следующие изменения:"
    )
    points = []
    for index, change in enumerate(changes, start=1):
        table = []
        if change.has_table:
            table.append(
                SectionLine(number="", title=kept(change.heading), measures=list(change.measures))
            )
        points.append(ChangePoint(number=f"1.{index}.", text=kept(change.text), table=table))
    if department is not None:
        position, name = department.head_position, department.head_name
    elif order is not None:
        position, name = order.signatory_position, order.signatory_name
    else:
        position, name = "", ""
    return AmendmentOrderDocument(
        header_lines=[kept(line) for line in (department.header_list if department else [])],
        header_lines_local=[
            kept(line) for line in (department.header_local_list if department else [])
        ],
        city=kept(department.city) if department else "",
        number=amendment.order_number.strip() if amendment.has_order else "",
        date=amendment.order_date if amendment.has_order else None,
        title=_bound(f"О внесении изменений в {act}"),
        preamble=kept(amendment.reason.strip().rstrip(".;,")),
        lead=_bound(lead),
        changes=points,
        closing_points=[CONTROL_POINT],
        signatory_position=kept(position),
        signatory_name=kept(name),
        amendment_number=amendment.number,
    )
