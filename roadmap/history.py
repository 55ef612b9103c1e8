"""The history of a measure's wording and of an execution's status, as the pages show it:
who changed what and when, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from core.permissions import can_see_personal_data
from roadmap.models import Execution, Measure

# The measure's fields shown in its history and in an edit conflict, with their labels.
MEASURE_TRACKED = {
    "number": "Номер",
    "title": "Наименование",
    "deadline_text": "Срок реализации",
    "responsible_text": "Ответственный исполнитель",
    "result": "Результат",
    "section_id": "Раздел",
}


@dataclass
class HistoryEntry:
    when: object
    who: str
    what: str
    changes: list[tuple[str, str, str]]
    reason: str


HISTORY_ACTIONS = {"+": "создано", "~": "изменено", "-": "удалено"}


def _history(records, changes_between, *, personal: bool, reasons: bool) -> list[HistoryEntry]:
    """History rows as entries, newest first; ``changes_between(previous, record)`` says what
    changed (previous is None for the first row). Without ``personal`` nobody's name is read
    (``who`` stays empty); without ``reasons`` the reasons are left out. A change that changed
    nothing shown (the same values saved again, a field the page does not show) is left out."""
    if personal:
        records = records.select_related("history_user")
    entries = []
    previous = None
    for record in records:
        changes = changes_between(previous, record)
        previous = record
        if record.history_type == "~" and not changes:
            continue  # saved without a change the page shows: no empty «изменено» row
        who = ""
        if personal:
            user = record.history_user
            who = (user.get_full_name() or user.username) if user else "система"
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=who,
                what=HISTORY_ACTIONS[record.history_type],
                changes=changes,
                reason=(record.history_change_reason or "") if reasons else "",
            )
        )
    return list(reversed(entries))


def measure_history(measure: Measure, user) -> list[HistoryEntry]:
    """Who changed what and when in the measure's wording, newest first. The reasons are the
    roadmap's amendments (its own text); who, only for those who may see personal data."""

    def changes(previous, record):
        if previous is None:
            return []
        return [
            (label, str(getattr(previous, name) or ""), str(getattr(record, name) or ""))
            for name, label in MEASURE_TRACKED.items()
            if getattr(previous, name) != getattr(record, name)
        ]

    return _history(
        measure.history.order_by("history_date", "pk"),
        changes,
        personal=can_see_personal_data(user),
        reasons=True,
    )


def execution_history(execution: Execution, user) -> list[HistoryEntry]:
    """The execution's status steps, newest first. A step's reason may be the department's
    comment on a school's report: it is shown, like who made the step, only to those who may
    see personal data."""

    def changes(previous, record):
        if previous is not None and previous.status == record.status:
            return []
        before = Execution.Status(previous.status).label if previous else ""
        return [("Статус", before, Execution.Status(record.status).label)]

    personal = can_see_personal_data(user)
    return _history(
        execution.history.order_by("history_date", "pk"),
        changes,
        personal=personal,
        reasons=personal,
    )
