"""Sections and measures: wording, order, numbers; a change made meanwhile by someone else is
a conflict, not an overwrite."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from roadmap.history import MEASURE_TRACKED
from roadmap.models import (
    Measure,
    Report,
    ResponsibleParty,
    Roadmap,
    Section,
    printed_if_different,
)
from roadmap.numbering import number_key
from roadmap.selectors import responsible_display
from roadmap.services.guards import ensure_can_edit, ensure_wording_editable, stamp
from roadmap.services.occurrences import sync_occurrences
from roadmap.services.schedule import apply_deadline, set_responsible, sync_executions


@transaction.atomic
def create_section(
    *, user, roadmap: Roadmap, number: str, title: str, printed_number: str = ""
) -> Section:
    """``printed_number`` keeps the number a document printed («III»), when it differs."""
    ensure_can_edit(user)
    reason = ensure_wording_editable(roadmap)
    position = (roadmap.sections.aggregate(m=Max("position"))["m"] or 0) + 1
    section = Section(
        roadmap=roadmap,
        number=number.strip(),
        title=title.strip(),
        printed_number=printed_if_different(printed_number, number),
        position=position,
    )
    section.full_clean()
    stamp(section, user, reason)
    section.save()
    return section


@transaction.atomic
def update_section(*, user, section: Section, number: str, title: str) -> Section:
    ensure_can_edit(user)
    section = Section.objects.select_for_update().get(pk=section.pk)
    reason = ensure_wording_editable(section.roadmap)
    section.number = number.strip()
    section.title = title.strip()
    section.full_clean()
    stamp(section, user, reason)
    section.save()
    return section


def _has_reports(measures) -> bool:
    return Report.objects.filter(execution__measure__in=measures).exists()


@transaction.atomic
def delete_section(*, user, section: Section) -> None:
    ensure_can_edit(user)
    reason = ensure_wording_editable(section.roadmap)
    if _has_reports(section.measures.all()):
        raise ValidationError(
            "В разделе есть мероприятия с отчётами образовательных организаций: "
            "удалить раздел нельзя, чтобы не потерять отчёты."
        )
    for measure in section.measures.all():
        stamp(measure, user, reason or "Удалён раздел")
        measure.delete()
    stamp(section, user, reason)
    section.delete()


def _swap(items: Sequence, index: int, direction: str):
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(items):
        return None
    return items[other]


@transaction.atomic
def move_section(*, user, section: Section, direction: str) -> None:
    ensure_can_edit(user)
    reason = ensure_wording_editable(section.roadmap)
    siblings = list(Section.objects.select_for_update().filter(roadmap_id=section.roadmap_id))
    _renumber_positions(siblings)
    index = next(i for i, s in enumerate(siblings) if s.pk == section.pk)
    other = _swap(siblings, index, direction)
    if other is not None:
        siblings[index].position, other.position = other.position, siblings[index].position
    for item in siblings:
        stamp(item, user, reason)
    Section.objects.bulk_update(siblings, ["position"])


def _renumber_positions(items: list) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position


@transaction.atomic
def move_measure(*, user, measure: Measure, direction: str) -> None:
    """Swap the measure with its neighbour — places and numbers both, so that the numbers
    keep reading in order (2.10 moved up above 2.9 becomes 2.9, and 2.9 becomes 2.10)."""
    ensure_can_edit(user)
    reason = ensure_wording_editable(measure.section.roadmap)
    siblings = list(
        Measure.objects.select_for_update()
        .filter(section_id=measure.section_id)
        .order_by("position", "number_key", "id")
    )
    _renumber_positions(siblings)
    index = next(i for i, m in enumerate(siblings) if m.pk == measure.pk)
    other = _swap(siblings, index, direction)
    if other is None:
        return
    mine = siblings[index]
    mine.position, other.position = other.position, mine.position
    mine.number, other.number = other.number, mine.number
    # A temporary number first: a section's measure numbers are unique at every step.
    Measure.objects.filter(pk=mine.pk).update(number=f"~{mine.pk}")
    for item in (other, mine):
        item.version += 1
        stamp(item, user, reason)
        item.save()
    Measure.objects.bulk_update(siblings, ["position"])


@transaction.atomic
def renumber(*, user, roadmap: Roadmap) -> int:
    """Number sections 1, 2, … and measures N.1, N.2, … in their current order.

    Returns how many numbers changed.
    """
    ensure_can_edit(user)
    reason = ensure_wording_editable(roadmap) or "Перенумерация"
    sections = list(
        Section.objects.select_for_update()
        .filter(roadmap=roadmap)
        .order_by("position", "number_key", "id")
    )
    measures = {
        section.pk: list(
            section.measures.select_for_update().order_by("position", "number_key", "id")
        )
        for section in sections
    }
    # Temporary numbers first, so that the unique constraints hold at every step.
    for section in sections:
        for measure in measures[section.pk]:
            Measure.objects.filter(pk=measure.pk).update(number=f"~{measure.pk}")
        Section.objects.filter(pk=section.pk).update(number=f"~{section.pk}")
    changed = 0
    for section_position, section in enumerate(sections, start=1):
        new_number = str(section_position)
        changed += section.number != new_number
        section.number = new_number
        section.position = section_position
        stamp(section, user, reason)
        section.save()
        for measure_position, measure in enumerate(measures[section.pk], start=1):
            new_number = f"{section_position}.{measure_position}"
            if measure.number != new_number:
                changed += 1
                measure.version += 1
            measure.number = new_number
            measure.position = measure_position
            stamp(measure, user, reason)
            measure.save()
    return changed


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


class ConflictError(Exception):
    """Somebody saved the measure after this user opened it."""

    def __init__(self, measure: Measure, changes: list[FieldChange], by: str, at):
        self.measure = measure
        self.changes = changes
        self.by = by
        self.at = at
        super().__init__("Мероприятие уже изменено другим пользователем.")


def measure_changes_since(measure: Measure, version: int) -> list[FieldChange]:
    """What differs between the measure as it was at ``version`` and as it is now."""
    base = measure.history.filter(version=version).order_by("-history_date").first()
    if base is None:
        return [FieldChange("Мероприятие", "", "изменено")]
    changes = []
    for field, label in MEASURE_TRACKED.items():
        before, after = getattr(base, field), getattr(measure, field)
        if before != after:
            changes.append(FieldChange(label, str(before or ""), str(after or "")))
    return changes


NO_PARTY = (
    "Ответственный исполнитель: выберите хотя бы одного — мероприятие без него некому исполнять."
)


def _check_measure_values(
    *, section: Section, number: str, title: str, exclude_pk=None, responsible: bool = True
):
    errors = {}
    if not responsible:
        errors["parties"] = NO_PARTY
    if not number.strip():
        errors["number"] = "Укажите номер мероприятия, например 1.15."
    elif (
        Measure.objects.filter(section__roadmap_id=section.roadmap_id, number=number.strip())
        .exclude(pk=exclude_pk)
        .exists()
    ):
        errors["number"] = f"Мероприятие с номером {number.strip()} уже есть в дорожной карте."
    if not title.strip():
        errors["title"] = "Укажите наименование мероприятия."
    if errors:
        raise ValidationError(errors)


def _place_by_number(section: Section, key: list[int]) -> int:
    """The position for a new measure numbered ``key``: before the first measure with a
    greater number; the measures from there move one place down."""
    later = (
        section.measures.filter(number_key__gt=key).order_by("position").values("position").first()
    )
    if later is None:
        return (section.measures.aggregate(m=Max("position"))["m"] or 0) + 1
    section.measures.filter(position__gte=later["position"]).update(position=F("position") + 1)
    return later["position"]


@transaction.atomic
def create_measure(
    *,
    user,
    section: Section,
    number: str,
    title: str,
    deadline_text: str = "",
    result: str = "",
    parties: Sequence[ResponsibleParty] = (),
    responsible_text: str | None = None,
    printed_number: str = "",
    party_required: bool = True,
) -> Measure:
    """``responsible_text`` keeps a document's own wording («Директор школы») of the parties,
    ``printed_number`` the number it printed («3» in a section numbered 1, 2, 3…). A measure
    needs a responsible party; only a loaded document (``party_required=False``) is taken as
    it is — its preview and the approval warn about the gap.

    The measure takes its place by number: 4.4 goes after 4.3 and before 4.5."""
    ensure_can_edit(user)
    roadmap = section.roadmap
    reason = ensure_wording_editable(roadmap)
    _check_measure_values(
        section=section,
        number=number,
        title=title,
        responsible=bool(parties or (responsible_text or "").strip() or not party_required),
    )
    position = _place_by_number(section, number_key(number.strip()))
    measure = Measure(
        section=section,
        number=number.strip(),
        printed_number=printed_if_different(printed_number, number),
        title=title.strip(),
        deadline_text=deadline_text.strip(),
        result=result.strip(),
        position=position,
        responsible_text=(responsible_text or "").strip()
        or responsible_display([p.name for p in parties]),
    )
    apply_deadline(measure, roadmap)
    stamp(measure, user, reason)
    measure.save()
    wording = measure.responsible_text
    set_responsible(measure, parties)
    measure.responsible_text = wording
    sync_executions(roadmap, user)
    return measure


@transaction.atomic
def update_measure(
    *,
    user,
    measure_id: int,
    version: int,
    number: str,
    title: str,
    deadline_text: str,
    result: str,
    parties: Sequence[ResponsibleParty],
    section: Section | None = None,
) -> Measure:
    """Save an edit made on ``version``; a newer version in the database refuses it."""
    ensure_can_edit(user)
    measure = (
        Measure.objects.select_for_update().select_related("section__roadmap").get(pk=measure_id)
    )
    roadmap = measure.section.roadmap
    reason = ensure_wording_editable(roadmap)
    if measure.version != version:
        last = measure.history.order_by("-history_date").select_related("history_user").first()
        raise ConflictError(
            measure,
            measure_changes_since(measure, version),
            by=(last.history_user.get_full_name() or last.history_user.username)
            if last and last.history_user
            else "другой пользователь",
            at=last.history_date if last else None,
        )
    target_section = section or measure.section
    if target_section.roadmap_id != roadmap.pk:
        raise ValidationError({"section": "Раздел относится к другой дорожной карте."})
    parties = list(dict.fromkeys(parties))
    _check_measure_values(
        section=target_section,
        number=number,
        title=title,
        exclude_pk=measure.pk,
        responsible=bool(parties),
    )
    measure.section = target_section
    measure.number = number.strip()
    measure.title = title.strip()
    measure.deadline_text = deadline_text.strip()
    measure.result = result.strip()
    apply_deadline(measure, roadmap)
    # The wording a document gave the parties («Директор школы») stays until they change.
    before = list(measure.responsibilities.order_by("position").values_list("party", flat=True))
    parties_changed = [p.pk for p in parties] != before
    if parties_changed:
        measure.responsible_text = responsible_display([p.name for p in parties])
    measure.version += 1
    stamp(measure, user, reason)
    measure.save()
    if parties_changed:
        set_responsible(measure, parties)
        sync_executions(roadmap, user)
    else:
        sync_occurrences(roadmap)
    return measure


@transaction.atomic
def delete_measure(*, user, measure: Measure) -> None:
    ensure_can_edit(user)
    reason = ensure_wording_editable(measure.section.roadmap)
    if _has_reports([measure]):
        raise ValidationError(
            "По мероприятию уже есть отчёты образовательных организаций: удалить его нельзя, "
            "чтобы не потерять отчёты."
        )
    for execution in measure.executions.all():
        stamp(execution, user, "Удалено мероприятие")
        execution.delete()
    stamp(measure, user, reason)
    measure.delete()
