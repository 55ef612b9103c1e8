"""Writes to roadmaps: each function changes state inside one transaction.

Every write records who made it (django-simple-history); an approved roadmap's wording
changes only inside an open amendment, whose number and reason go into each history row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core import permissions
from core.files import safe_filename, sha256_of, validate_upload
from core.models import School
from roadmap.deadlines import parse_deadline
from roadmap.models import (
    Amendment,
    Evidence,
    Execution,
    Measure,
    MeasureResponsibility,
    Order,
    OrderPoint,
    Participation,
    Report,
    ResponsibleParty,
    Roadmap,
    Section,
    printed_if_different,
    roadmap_quarters,
)
from roadmap.selectors import MEASURE_TRACKED, responsible_display

FROZEN = (
    "Дорожная карта утверждена: её текст меняется только через изменение "
    "(кнопка «Внести изменение» с датой и причиной)."
)
ARCHIVED = "Дорожная карта в архиве: изменить её нельзя."


# --- helpers ---------------------------------------------------------------------------------


def _stamp(instance, user, reason: str = "") -> None:
    """Tell simple-history who makes this change and why."""
    instance._history_user = user
    if reason:
        instance._change_reason = reason


def open_amendment_of(roadmap: Roadmap) -> Amendment | None:
    return roadmap.amendments.filter(closed_at__isnull=True).first()


def ensure_wording_editable(roadmap: Roadmap) -> str:
    """Refuse wording changes to an archived or frozen roadmap; return the change reason."""
    if roadmap.status == Roadmap.Status.ARCHIVED:
        raise ValidationError(ARCHIVED)
    if roadmap.status == Roadmap.Status.APPROVED:
        amendment = open_amendment_of(roadmap)
        if amendment is None:
            raise ValidationError(FROZEN)
        return f"{amendment}: {amendment.reason}"
    return ""


def ensure_can_edit(user) -> None:
    if not permissions.can_edit_department(user):
        raise PermissionDenied("Изменять дорожную карту могут только сотрудники департамента.")


def apply_deadline(measure: Measure, roadmap: Roadmap, today: date | None = None) -> None:
    """Read the written deadline into the measure's kind and dates (no save)."""
    deadline = parse_deadline(
        measure.deadline_text,
        roadmap.school_year_start,
        period=(roadmap.period_start, roadmap.period_end),
        today=today,
        calendar=roadmap_quarters(roadmap),
    )
    measure.deadline_kind = deadline.kind
    measure.starts_on = deadline.starts_on
    measure.due_on = deadline.due_on
    measure.recurrence = deadline.recurrence or ""


@transaction.atomic
def apply_school_calendar(municipality) -> int:
    """Date again the measures whose deadline names a school quarter («III четверть»), after the
    municipality's school calendar changed; archived roadmaps keep their dates."""
    measures = list(
        Measure.objects.filter(
            section__roadmap__municipality=municipality, deadline_text__icontains="четверт"
        )
        .exclude(section__roadmap__status=Roadmap.Status.ARCHIVED)
        .select_related("section__roadmap")
    )
    for measure in measures:
        apply_deadline(measure, measure.section.roadmap)
    Measure.objects.bulk_update(measures, ["deadline_kind", "starts_on", "due_on", "recurrence"])
    return len(measures)


def set_responsible(measure: Measure, parties: Iterable[ResponsibleParty]) -> None:
    """Replace the measure's responsible parties, keeping the order given (no history row)."""
    parties = list(dict.fromkeys(parties))
    MeasureResponsibility.objects.filter(measure=measure).delete()
    MeasureResponsibility.objects.bulk_create(
        MeasureResponsibility(measure=measure, party=party, position=index)
        for index, party in enumerate(parties)
    )
    measure.responsible_text = responsible_display([p.name for p in parties])


def _wanted_executors(kinds: set[str], school_ids: set[int]) -> set[int | None]:
    """None stands for the department's own execution."""
    wanted: set[int | None] = set()
    if kinds & {ResponsibleParty.Kind.DEPARTMENT, ResponsibleParty.Kind.EXTERNAL}:
        wanted.add(None)
    if ResponsibleParty.Kind.SCHOOLS in kinds:
        wanted |= school_ids
    return wanted


@transaction.atomic
def sync_executions(roadmap: Roadmap, user=None) -> int:
    """Create the executions that the measures' parties and the participating schools call for.

    Executions no longer owed are removed only while untouched (no report, no progress), so
    that nothing a school did is ever lost. Returns how many were created.
    """
    school_ids = set(roadmap.participations.values_list("school_id", flat=True))
    kinds_by_measure: dict[int, set[str]] = {}
    for measure_id, kind in MeasureResponsibility.objects.filter(
        measure__section__roadmap=roadmap
    ).values_list("measure_id", "party__kind"):
        kinds_by_measure.setdefault(measure_id, set()).add(kind)
    measure_ids = Measure.objects.filter(section__roadmap=roadmap).values_list("id", flat=True)

    existing: dict[int, set[int | None]] = {}
    for measure_id, school_id in Execution.objects.filter(
        measure__section__roadmap=roadmap
    ).values_list("measure_id", "school_id"):
        existing.setdefault(measure_id, set()).add(school_id)

    to_create = []
    stale: list[tuple[int, int | None]] = []
    for measure_id in measure_ids:
        wanted = _wanted_executors(kinds_by_measure.get(measure_id, set()), school_ids)
        have = existing.get(measure_id, set())
        to_create.extend(
            Execution(measure_id=measure_id, school_id=school_id) for school_id in wanted - have
        )
        stale.extend((measure_id, school_id) for school_id in have - wanted)
    if to_create:
        bulk_create_with_history(to_create, Execution, batch_size=1000, default_user=user)
    if stale:
        wanted_gone = set(stale)
        schools = {school_id for _, school_id in wanted_gone}
        by_executor = Q(school_id__in=schools - {None})
        if None in schools:
            by_executor |= Q(school__isnull=True)
        untouched = Execution.objects.filter(
            by_executor,
            measure_id__in={measure_id for measure_id, _ in wanted_gone},
            status=Execution.Status.NOT_STARTED,
            reports__isnull=True,
        )
        for execution in untouched:
            if (execution.measure_id, execution.school_id) in wanted_gone:
                # One by one, so that each removal leaves its history row.
                _stamp(execution, user, "Исполнитель больше не участвует")
                execution.delete()
    return len(to_create)


# --- roadmaps ---------------------------------------------------------------------------------


@transaction.atomic
def create_roadmap(
    *, user, municipality, title: str, school_year_start: int, period_start, period_end
) -> Roadmap:
    ensure_can_edit(user)
    roadmap = Roadmap(
        municipality=municipality,
        title=title,
        school_year_start=school_year_start,
        period_start=period_start,
        period_end=period_end,
    )
    roadmap.full_clean()
    _stamp(roadmap, user)
    roadmap.save()
    return roadmap


@transaction.atomic
def update_roadmap(
    *, user, roadmap: Roadmap, title: str, school_year_start: int, period_start, period_end
) -> Roadmap:
    """Change the heading and period; the measures' written deadlines are read again."""
    ensure_can_edit(user)
    roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    reason = ensure_wording_editable(roadmap)
    roadmap.title = title
    roadmap.school_year_start = school_year_start
    roadmap.period_start = period_start
    roadmap.period_end = period_end
    roadmap.full_clean()
    _stamp(roadmap, user, reason)
    roadmap.save()
    for measure in Measure.objects.filter(section__roadmap=roadmap):
        before = (measure.deadline_kind, measure.starts_on, measure.due_on)
        apply_deadline(measure, roadmap)
        if before != (measure.deadline_kind, measure.starts_on, measure.due_on):
            measure.version += 1
            _stamp(measure, user, reason or "Изменён период дорожной карты")
            measure.save()
    return roadmap


@transaction.atomic
def add_school(*, roadmap: Roadmap, school: School, user=None) -> Participation:
    """Make a school a participant and create the executions it owes. ``user`` None: a trusted
    caller without a person (the seed, the demo data)."""
    if user is not None:
        ensure_can_edit(user)
    if school.municipality_id != roadmap.municipality_id:
        raise ValidationError(
            {"school": "Образовательная организация относится к другому муниципалитету."}
        )
    if roadmap.status == Roadmap.Status.ARCHIVED:
        raise ValidationError(ARCHIVED)
    participation, _ = Participation.objects.get_or_create(roadmap=roadmap, school=school)
    sync_executions(roadmap, user)
    return participation


@transaction.atomic
def remove_school(*, roadmap: Roadmap, school: School, user=None) -> int:
    """Remove a participant; executions it has worked on stay, with their reports.

    Returns how many of its executions were kept because they hold work.
    """
    if user is not None:
        ensure_can_edit(user)
    if roadmap.status == Roadmap.Status.ARCHIVED:
        raise ValidationError(ARCHIVED)
    Participation.objects.filter(roadmap=roadmap, school=school).delete()
    sync_executions(roadmap, user)
    return Execution.objects.filter(measure__section__roadmap=roadmap, school=school).count()


@transaction.atomic
def approve_roadmap(*, user, roadmap: Roadmap) -> Roadmap:
    if not permissions.can_approve(user):
        raise PermissionDenied("Утверждает дорожную карту начальник департамента.")
    roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    if roadmap.status != Roadmap.Status.DRAFT:
        raise ValidationError("Утвердить можно только проект дорожной карты.")
    if not Measure.objects.filter(section__roadmap=roadmap).exists():
        raise ValidationError("В дорожной карте нет ни одного мероприятия.")
    roadmap.status = Roadmap.Status.APPROVED
    roadmap.approved_at = timezone.now()
    roadmap.approved_by = user
    _stamp(roadmap, user, "Утверждение")
    roadmap.save()
    return roadmap


@transaction.atomic
def open_amendment(*, user, roadmap: Roadmap, date, reason: str, basis: str = "") -> Amendment:
    ensure_can_edit(user)
    roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    if roadmap.status != Roadmap.Status.APPROVED:
        raise ValidationError("Изменения вносятся только в утверждённую дорожную карту.")
    if open_amendment_of(roadmap):
        raise ValidationError("Предыдущее изменение ещё не завершено.")
    if not reason.strip():
        raise ValidationError({"reason": "Укажите причину изменения."})
    number = (roadmap.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
    return Amendment.objects.create(
        roadmap=roadmap,
        number=number,
        date=date,
        reason=reason.strip(),
        basis=basis.strip(),
        opened_by=user,
    )


@transaction.atomic
def close_amendment(*, user, amendment: Amendment) -> Amendment:
    ensure_can_edit(user)
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.closed_at is None:
        amendment.closed_at = timezone.now()
        amendment.save(update_fields=["closed_at"])
    return amendment


_YEAR = re.compile(r"(?<!\d)(19[9]\d|20\d\d)(?!\d)")


def shift_years(text: str, years: int = 1) -> str:
    """«октябрь 2020 года» → «октябрь 2021 года»; every four-digit year moves together."""
    return _YEAR.sub(lambda m: str(int(m.group()) + years), text)


def _shift_date(value: date) -> date:
    try:
        return value.replace(year=value.year + 1)
    except ValueError:  # 29 February
        return value.replace(year=value.year + 1, day=28)


@transaction.atomic
def copy_roadmap(*, user, roadmap: Roadmap) -> Roadmap:
    """The next school year's roadmap: same structure, texts and parties; statuses reset.

    Written deadlines and the heading move one year on and are read again; the source is
    archived.
    """
    ensure_can_edit(user)
    source = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    if source.status == Roadmap.Status.ARCHIVED:
        raise ValidationError("Эта дорожная карта уже в архиве.")
    copy = Roadmap(
        municipality=source.municipality,
        title=shift_years(source.title),
        school_year_start=source.school_year_start + 1,
        period_start=_shift_date(source.period_start),
        period_end=_shift_date(source.period_end),
        copied_from=source,
    )
    _stamp(copy, user, f"Копия дорожной карты на {source.school_year_start + 1} год")
    copy.save()
    try:
        order = source.order
    except Order.DoesNotExist:
        order = None
    if order is not None:
        new_order = Order.objects.create(
            roadmap=copy,
            number="",
            date=_shift_date(order.date),
            title=shift_years(order.title),
            preamble=order.preamble,
            signatory_position=order.signatory_position,
            signatory_name=order.signatory_name,
            appendix_mark="",
        )
        OrderPoint.objects.bulk_create(
            OrderPoint(order=new_order, number=p.number, text=shift_years(p.text))
            for p in order.points.all()
        )
    parties_by_measure: dict[int, list[ResponsibleParty]] = {}
    for link in MeasureResponsibility.objects.filter(
        measure__section__roadmap=source
    ).select_related("party"):
        parties_by_measure.setdefault(link.measure_id, []).append(link.party)
    for section in source.sections.all():
        new_section = Section(
            roadmap=copy,
            number=section.number,
            title=section.title,
            printed_number=section.printed_number,
            position=section.position,
        )
        _stamp(new_section, user)
        new_section.save()
        for measure in section.measures.all():
            new_measure = Measure(
                section=new_section,
                number=measure.number,
                printed_number=measure.printed_number,
                title=measure.title,
                deadline_text=shift_years(measure.deadline_text),
                result=measure.result,
                position=measure.position,
            )
            apply_deadline(new_measure, copy)
            new_measure.responsible_text = measure.responsible_text
            _stamp(new_measure, user)
            new_measure.save()
            set_responsible(new_measure, parties_by_measure.get(measure.pk, []))
    Participation.objects.bulk_create(
        Participation(roadmap=copy, school_id=school_id)
        for school_id in source.participations.values_list("school_id", flat=True)
    )
    sync_executions(copy, user)
    source.status = Roadmap.Status.ARCHIVED
    _stamp(source, user, "Перенесена в архив при копировании на следующий учебный год")
    source.save()
    return copy


# --- sections and measures -------------------------------------------------------------------


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
    _stamp(section, user, reason)
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
    _stamp(section, user, reason)
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
        _stamp(measure, user, reason or "Удалён раздел")
        measure.delete()
    _stamp(section, user, reason)
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
        _stamp(item, user, reason)
    Section.objects.bulk_update(siblings, ["position"])


def _renumber_positions(items: list) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position


@transaction.atomic
def move_measure(*, user, measure: Measure, direction: str) -> None:
    ensure_can_edit(user)
    reason = ensure_wording_editable(measure.section.roadmap)
    siblings = list(Measure.objects.select_for_update().filter(section_id=measure.section_id))
    _renumber_positions(siblings)
    index = next(i for i, m in enumerate(siblings) if m.pk == measure.pk)
    other = _swap(siblings, index, direction)
    changed = siblings
    if other is not None:
        siblings[index].position, other.position = other.position, siblings[index].position
    for item in changed:
        _stamp(item, user, reason)
    Measure.objects.bulk_update(changed, ["position"])


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
        _stamp(section, user, reason)
        section.save()
        for measure_position, measure in enumerate(measures[section.pk], start=1):
            new_number = f"{section_position}.{measure_position}"
            if measure.number != new_number:
                changed += 1
                measure.version += 1
            measure.number = new_number
            measure.position = measure_position
            _stamp(measure, user, reason)
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


def _check_measure_values(*, section: Section, number: str, title: str, exclude_pk=None):
    errors = {}
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
) -> Measure:
    """``responsible_text`` keeps a document's own wording («Директор школы») of the parties,
    ``printed_number`` the number it printed («3» in a section numbered 1, 2, 3…)."""
    ensure_can_edit(user)
    roadmap = section.roadmap
    reason = ensure_wording_editable(roadmap)
    _check_measure_values(section=section, number=number, title=title)
    position = (section.measures.aggregate(m=Max("position"))["m"] or 0) + 1
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
    _stamp(measure, user, reason)
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
    _check_measure_values(section=target_section, number=number, title=title, exclude_pk=measure.pk)
    measure.section = target_section
    measure.number = number.strip()
    measure.title = title.strip()
    measure.deadline_text = deadline_text.strip()
    measure.result = result.strip()
    apply_deadline(measure, roadmap)
    parties = list(dict.fromkeys(parties))
    # The wording a document gave the parties («Директор школы») stays until they change.
    before = list(measure.responsibilities.order_by("position").values_list("party", flat=True))
    parties_changed = [p.pk for p in parties] != before
    if parties_changed:
        measure.responsible_text = responsible_display([p.name for p in parties])
    measure.version += 1
    _stamp(measure, user, reason)
    measure.save()
    if parties_changed:
        set_responsible(measure, parties)
        sync_executions(roadmap, user)
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
        _stamp(execution, user, "Удалено мероприятие")
        execution.delete()
    _stamp(measure, user, reason)
    measure.delete()


# --- executions and reports ------------------------------------------------------------------

REPORTABLE = {
    Execution.Status.NOT_STARTED,
    Execution.Status.IN_PROGRESS,
    Execution.Status.RETURNED,
}


def ensure_executor(user, execution: Execution) -> None:
    """Curators act for their own school's part; staff for the department's part."""
    if permissions.can_act_on(user, execution):
        return
    if execution.school_id is None:
        raise PermissionDenied("Исполнение департамента отмечают сотрудники департамента.")
    raise PermissionDenied("Отчёт по образовательной организации сдаёт её куратор.")


@transaction.atomic
def start_execution(*, user, execution: Execution) -> Execution:
    execution = Execution.objects.select_for_update().get(pk=execution.pk)
    ensure_executor(user, execution)
    if execution.status not in {Execution.Status.NOT_STARTED, Execution.Status.RETURNED}:
        raise ValidationError("Взять в работу можно только не начатое или возвращённое.")
    execution.status = Execution.Status.IN_PROGRESS
    execution.version += 1
    _stamp(execution, user, "Взято в работу")
    execution.save()
    return execution


@transaction.atomic
def submit_report(
    *, user, execution: Execution, text: str, completed_on: date, files: Sequence = ()
) -> Report:
    """A school's report goes to review; the department's own report completes it at once."""
    execution = Execution.objects.select_for_update().get(pk=execution.pk)
    ensure_executor(user, execution)
    if execution.status not in REPORTABLE:
        label = Execution.Status(execution.status).label
        raise ValidationError(f"Отчёт уже отправлен или принят (статус: {label}).")
    errors = {}
    if not text.strip():
        errors["text"] = "Опишите, что сделано."
    today = timezone.localdate()
    if completed_on is None:
        errors["completed_on"] = "Укажите дату выполнения."
    elif completed_on > today:
        errors["completed_on"] = "Дата выполнения не может быть позже сегодняшней."
    checked = []
    for upload in files:
        try:
            checked.append((upload, validate_upload(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)))
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    own_department = execution.school_id is None
    now = timezone.now()
    report = Report.objects.create(
        execution=execution,
        text=text.strip(),
        completed_on=completed_on,
        submitted_by=user,
        submitted_at=now,
        decision=Report.Decision.ACCEPTED if own_department else Report.Decision.PENDING,
        reviewed_by=user if own_department else None,
        reviewed_at=now if own_department else None,
    )
    stored = []
    try:
        for upload, kind in checked:
            evidence = Evidence(
                report=report,
                original_name=safe_filename(upload.name, kind.extension),
                content_type=kind.content_type,
                size=upload.size,
                sha256=sha256_of(upload),
            )
            evidence.file.save(f"upload.{kind.extension}", upload, save=False)
            stored.append(evidence.file)
            evidence.save()
    except Exception:
        for file in stored:  # the rows roll back; the files must go with them
            file.delete(save=False)
        raise
    if own_department:
        execution.status = Execution.Status.ACCEPTED
        execution.completed_on = completed_on
        reason = "Отмечено выполненным"
    else:
        execution.status = Execution.Status.SUBMITTED
        reason = "Отчёт отправлен на проверку"
    execution.version += 1
    _stamp(execution, user, reason)
    execution.save()
    return report


@transaction.atomic
def review_report(*, user, report: Report, accept: bool, comment: str = "") -> Report:
    if not permissions.can_review(user):
        raise PermissionDenied("Отчёты проверяют сотрудники департамента.")
    report = Report.objects.select_for_update().select_related("execution").get(pk=report.pk)
    execution = Execution.objects.select_for_update().get(pk=report.execution_id)
    if report.decision != Report.Decision.PENDING:
        raise ValidationError("Этот отчёт уже проверен.")
    if not accept and not comment.strip():
        raise ValidationError({"comment": "Напишите, что нужно доработать."})
    report.decision = Report.Decision.ACCEPTED if accept else Report.Decision.RETURNED
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.review_comment = comment.strip()
    report.save()
    if accept:
        execution.status = Execution.Status.ACCEPTED
        execution.completed_on = report.completed_on
        reason = "Отчёт принят"
    else:
        execution.status = Execution.Status.RETURNED
        execution.completed_on = None
        reason = "Отчёт возвращён на доработку"
    execution.comment = comment.strip()
    execution.version += 1
    _stamp(execution, user, reason)
    execution.save()
    return report
