"""The roadmap's wording as of an amendment, read back from the history of the wording.

An approved roadmap changes only through amendments (roadmap.services.guards), and every
history row written under one names it (roadmap.models.AmendmentRecord). The wording as of
amendment N is, for the roadmap's title, each section and each measure, the last history row
before the first row of a later amendment (N + 1, N + 2, …); an object whose row there is a
deletion, or whose first row is a later amendment's, is not in that wording. The original
wording (N = 0) is the roadmap as approved. Dates of the rows are not compared: a roadmap
loaded today from an order of 2020 carries today's dates.

Every printed format takes the same choice (`resolve`): «current» (the roadmap as it is, the
default), «original», or «amendment:N»; the amended wording is marked «(в редакции приказа от
ДД.ММ.ГГГГ № …)» (`Edition.mark`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from roadmap.models import Amendment, Measure, Order, ResponsibleParty, Roadmap, Section
from roadmap.selectors import NO_EXECUTORS, MeasureRow, SectionBlock, roadmap_table

ORIGINAL = 0
CURRENT = "current"
CHOICE_HELP = (
    "Редакция указывается так: original (первоначальная), current (действующая) или "
    "amendment:N (в редакции изменения № N)."
)
_CHOICE = re.compile(r"^(?:(original)|(current)|amendment:(\d{1,4}))$")


class WordingError(ValueError):
    """A wording asked for that the roadmap does not have; the message is for the user."""


# --- states of the wording -------------------------------------------------------------------


@dataclass(frozen=True)
class SectionState:
    pk: int
    number: str
    title: str
    printed_number: str
    position: int
    number_key: tuple[int, ...]

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"

    def wording(self) -> tuple:
        return (self.number, self.title)


@dataclass(frozen=True)
class MeasureState:
    pk: int
    section_id: int
    number: str
    printed_number: str
    title: str
    deadline_text: str
    deadline_kind: str
    starts_on: date | None
    due_on: date | None
    responsible_text: str
    result: str
    position: int
    number_key: tuple[int, ...]

    def wording(self) -> tuple:
        """What an amendment may change in a measure's printed wording."""
        return (
            self.number,
            self.title,
            self.deadline_text,
            self.responsible_text,
            self.result,
            self.section_id,
        )


def _section_state(row) -> SectionState:
    return SectionState(
        pk=row.id if hasattr(row, "history_id") else row.pk,
        number=row.number,
        title=row.title,
        printed_number=row.printed_number,
        position=row.position,
        number_key=tuple(row.number_key or ()),
    )


def _measure_state(row) -> MeasureState:
    return MeasureState(
        pk=row.id if hasattr(row, "history_id") else row.pk,
        section_id=row.section_id,
        number=row.number,
        printed_number=row.printed_number,
        title=row.title,
        deadline_text=row.deadline_text,
        deadline_kind=row.deadline_kind,
        starts_on=row.starts_on,
        due_on=row.due_on,
        responsible_text=row.responsible_text,
        result=row.result,
        position=row.position,
        number_key=tuple(row.number_key or ()),
    )


@dataclass
class Snapshot:
    """The roadmap's wording at one moment: its title, sections and measures in order."""

    title: str
    sections: list[SectionState]
    measures: dict[int, list[MeasureState]]  # by section id, in order

    def all_measures(self) -> dict[int, MeasureState]:
        return {m.pk: m for rows in self.measures.values() for m in rows}

    def section_map(self) -> dict[int, SectionState]:
        return {s.pk: s for s in self.sections}


def _order_key(state) -> tuple:
    return (state.position, state.number_key, state.pk)


@dataclass
class History:
    """Every history row of one roadmap's wording, read once (five queries); the wording as of
    any amendment comes from it without further queries."""

    roadmap: Roadmap
    amendments: list[Amendment]
    number_of: dict[int, int] = field(init=False)  # amendment id -> its number
    rows: dict[str, dict[int, list]] = field(init=False)  # kind -> object id -> rows in order
    live: dict[str, dict[int, object]] = field(init=False)

    def __post_init__(self):
        self.number_of = {a.pk: a.number for a in self.amendments}
        roadmap = self.roadmap
        order = ("history_date", "history_id")
        sections = list(Section.history.filter(roadmap_id=roadmap.pk).order_by(*order))
        live_sections = list(Section.objects.filter(roadmap=roadmap))
        section_ids = {row.id for row in sections} | {s.pk for s in live_sections}
        measures = Measure.history.filter(section_id__in=section_ids).order_by(*order)
        self.rows = {
            "roadmap": _by_object(roadmap.history.order_by(*order)),
            "section": _by_object(sections),
            "measure": _by_object(measures),
        }
        self.live = {
            "section": {s.pk: s for s in live_sections},
            "measure": {m.pk: m for m in Measure.objects.filter(section_id__in=section_ids)},
        }

    @classmethod
    def of(cls, roadmap: Roadmap) -> History:
        return cls(roadmap=roadmap, amendments=list(roadmap.amendments.order_by("number")))

    def _state(self, rows: list, as_of: int):
        """The last row before the first one of an amendment later than ``as_of``; None when
        the object is not in that wording (not created yet, or deleted)."""
        state = None
        for row in rows:
            number = self.number_of.get(row.amendment_id) if row.amendment_id else None
            if number is not None and number > as_of:
                break
            state = row
        if state is None or state.history_type == "-":
            return None
        return state

    def as_of(self, number: int) -> Snapshot:
        """The wording after amendment ``number`` (0: the original one)."""
        title_rows = self.rows["roadmap"].get(self.roadmap.pk, [])
        title_row = self._state(title_rows, number)
        title = title_row.title if title_row is not None else self.roadmap.title
        sections = []
        for pk in self._ids("section"):
            row = self._row_or_live("section", pk, number)
            if row is not None:
                sections.append(_section_state(row))
        sections.sort(key=_order_key)
        measures: dict[int, list[MeasureState]] = {s.pk: [] for s in sections}
        for pk in self._ids("measure"):
            row = self._row_or_live("measure", pk, number)
            if row is not None and row.section_id in measures:
                measures[row.section_id].append(_measure_state(row))
        for rows in measures.values():
            rows.sort(key=_order_key)
        return Snapshot(title=title, sections=sections, measures=measures)

    def _ids(self, kind: str) -> list[int]:
        return sorted(set(self.rows[kind]) | set(self.live[kind]))

    def _row_or_live(self, kind: str, pk: int, number: int):
        rows = self.rows[kind].get(pk)
        if not rows:  # made without a history row: as it is, in every wording
            return self.live[kind].get(pk)
        return self._state(rows, number)


def _by_object(rows: Iterable) -> dict[int, list]:
    found: dict[int, list] = {}
    for row in rows:
        found.setdefault(row.id, []).append(row)
    return found


# --- the choice of a wording -----------------------------------------------------------------


def _order_date_text(amendment: Amendment) -> str:
    return f"{(amendment.order_date or amendment.date):%d.%m.%Y}"


def edition_note(amendments: Sequence[Amendment]) -> str:
    """«в редакции приказа от 12.03.2021 № 45», «в редакции приказов от … № …, от … № …»;
    an amendment whose order has no requisites yet is named by its own date («изменения от
    02.11.2020»). Empty without amendments."""
    if not amendments:
        return ""
    if all(a.has_order for a in amendments):
        word = "приказа" if len(amendments) == 1 else "приказов"
        return f"в редакции {word} " + ", ".join(a.order_requisites for a in amendments)
    parts = [
        f"приказа {a.order_requisites}" if a.has_order else f"изменения от {a.date:%d.%m.%Y}"
        for a in amendments
    ]
    return "в редакции " + ", ".join(parts)


@dataclass(frozen=True)
class Edition:
    """A wording resolved for one roadmap: what to read, and how the document is marked."""

    kind: str  # "current", "original" or "amendment"
    as_of: int | None  # the amendment to read the history as of; None: the roadmap as it is
    amendments: tuple[Amendment, ...]  # the amendments whose changes the wording includes
    every_amendment: tuple[Amendment, ...] = ()  # the roadmap's, to read its history

    @property
    def note(self) -> str:
        return edition_note(self.amendments)

    @property
    def mark(self) -> str:
        """«(в редакции приказа от 12.03.2021 № 45)», or "" for a wording never amended."""
        note = self.note
        return f"({note})" if note else ""

    @property
    def last_amendment(self) -> int | None:
        return self.amendments[-1].number if self.amendments else None


def resolve(roadmap: Roadmap, choice: str | None = None, amendments=None) -> Edition:
    """The wording ``choice`` names («current» when None), for this roadmap; a WordingError
    for a choice that is not one, or for an amendment the roadmap does not have.
    ``amendments``: the roadmap's amendments when the caller has them (by number)."""
    match = _CHOICE.match((choice or CURRENT).strip())
    if match is None:
        raise WordingError(CHOICE_HELP)
    if amendments is None:
        amendments = list(roadmap.amendments.order_by("number"))
    amendments = sorted(amendments, key=lambda a: a.number)
    latest = amendments[-1].number if amendments else ORIGINAL
    every = tuple(amendments)
    if match[1]:
        return Edition("original", None if not amendments else ORIGINAL, (), every)
    if match[2]:
        return Edition(CURRENT, None, every, every)
    number = int(match[3])
    if number not in {a.number for a in amendments}:
        raise WordingError(f"В дорожной карте нет изменения № {number}.")
    included = tuple(a for a in amendments if a.number <= number)
    return Edition("amendment", None if number == latest else number, included, every)


@dataclass(frozen=True)
class WordingChoice:
    value: str
    label: str


def wording_choices(roadmap: Roadmap, amendments: Sequence[Amendment]) -> list[WordingChoice]:
    """What the roadmap's page offers: the wording in force, as of each earlier amendment,
    and the original one; nothing without amendments."""
    if not amendments:
        return []
    amendments = sorted(amendments, key=lambda a: a.number)
    latest = amendments[-1]
    choices = [
        WordingChoice(
            CURRENT,
            f"в действующей редакции (с изменениями от {_order_date_text(latest)})",
        )
    ]
    for amendment in reversed(amendments[:-1]):
        if amendment.has_order:
            label = f"в редакции приказа {amendment.order_requisites}"
        else:
            label = f"в редакции изменения № {amendment.number} от {amendment.date:%d.%m.%Y}"
        choices.append(WordingChoice(f"amendment:{amendment.number}", label))
    try:
        order = roadmap.order
    except Order.DoesNotExist:
        order = None
    original = "в первоначальной редакции"
    if order is not None:
        original += f" (приказ от {order.date:%d.%m.%Y} № {order.number})"
    choices.append(WordingChoice("original", original))
    return choices


# --- what the documents print ----------------------------------------------------------------


def _parties(text: str, known: dict[str, str]) -> list[str]:
    """The parties' names back from a measure's printed list («Департамент образования,
    образовательные организации»), as the parties are named where they are known."""
    names = []
    for part in (text or "").split(","):
        part = part.strip()
        if part:
            names.append(known.get(part.casefold(), part))
    return names


@dataclass
class Printed:
    """The appendix in a wording, as every format prints it."""

    title: str
    blocks: list[SectionBlock]
    edition: Edition


def printed_table(roadmap: Roadmap, edition: Edition) -> Printed:
    """The appendix's sections and rows in ``edition``: the roadmap as it is, or read back from
    the history. A measure whose wording is the one it has now prints as it does now (its
    parties and status); one changed since, or removed, prints its wording of then."""
    live_blocks = roadmap_table(roadmap)
    if edition.as_of is None:
        return Printed(title=roadmap.title, blocks=live_blocks, edition=edition)
    history = History(roadmap=roadmap, amendments=list(edition.every_amendment))
    snapshot = history.as_of(edition.as_of)
    live_rows = {row.measure.pk: row for block in live_blocks for row in block.rows}
    live_sections = {block.section.pk: block.section for block in live_blocks}
    known = {
        name.casefold(): name for name in ResponsibleParty.objects.values_list("name", flat=True)
    }
    blocks = []
    for section in snapshot.sections:
        now = live_sections.get(section.pk)
        same = now is not None and _section_state(now) == section
        block = SectionBlock(section=now if same else section)
        for state in snapshot.measures[section.pk]:
            row = live_rows.get(state.pk)
            if row is not None and _measure_state(row.measure).wording() == state.wording():
                block.rows.append(row)
                continue
            block.rows.append(
                MeasureRow(
                    measure=state,
                    responsible=_parties(state.responsible_text, known),
                    status=row.status if row is not None else NO_EXECUTORS,
                    overdue=False,
                )
            )
        blocks.append(block)
    return Printed(title=snapshot.title, blocks=blocks, edition=edition)
