"""A roadmap's life: created, its details and participants changed, approved, amended, copied
to the next school year."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core import permissions
from core.models import School
from roadmap.evidence import copy_bindings
from roadmap.models import (
    Amendment,
    EventKeeping,
    Execution,
    Measure,
    MeasureResponsibility,
    Order,
    OrderPoint,
    Participation,
    ResponsibleParty,
    Roadmap,
    Section,
)
from roadmap.services.guards import (
    ARCHIVED,
    ensure_can_edit,
    ensure_wording_editable,
    open_amendment_of,
    stamp,
)
from roadmap.services.occurrences import sync_occurrences
from roadmap.services.schedule import apply_deadline, set_responsible, sync_executions


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
    stamp(roadmap, user)
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
    stamp(roadmap, user, reason)
    roadmap.save()
    for measure in Measure.objects.filter(section__roadmap=roadmap):
        before = (measure.deadline_kind, measure.starts_on, measure.due_on)
        apply_deadline(measure, roadmap)
        if before != (measure.deadline_kind, measure.starts_on, measure.due_on):
            measure.version += 1
            stamp(measure, user, reason or "Изменён период дорожной карты")
            measure.save()
    sync_occurrences(roadmap)
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
    stamp(roadmap, user, "Утверждение")
    roadmap.save()
    return roadmap


def _check_amendment_order(roadmap: Roadmap, order_date, order_number: str) -> None:
    """The amending order has both its date and its number, or neither yet; it is not dated
    before the order it amends."""
    errors = {}
    if order_date and not order_number:
        errors["order_number"] = "Укажите номер приказа о внесении изменений (или уберите дату)."
    if order_number and not order_date:
        errors["order_date"] = "Укажите дату приказа о внесении изменений (или уберите номер)."
    try:
        order = roadmap.order
    except Order.DoesNotExist:
        order = None
    if order_date and order is not None and order_date < order.date:
        errors["order_date"] = (
            f"Приказ о внесении изменений не может быть раньше изменяемого приказа "
            f"от {order.date:%d.%m.%Y} № {order.number}."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def open_amendment(
    *,
    user,
    roadmap: Roadmap,
    date,
    reason: str,
    basis: str = "",
    order_date=None,
    order_number: str = "",
) -> Amendment:
    """``order_date`` and ``order_number``: the amending order, when it is known already."""
    ensure_can_edit(user)
    roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    if roadmap.status != Roadmap.Status.APPROVED:
        raise ValidationError("Изменения вносятся только в утверждённую дорожную карту.")
    if open_amendment_of(roadmap):
        raise ValidationError("Предыдущее изменение ещё не завершено.")
    if not reason.strip():
        raise ValidationError({"reason": "Укажите причину изменения."})
    order_number = (order_number or "").strip()
    _check_amendment_order(roadmap, order_date, order_number)
    number = (roadmap.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
    amendment = Amendment(
        roadmap=roadmap,
        number=number,
        date=date,
        reason=reason.strip(),
        basis=basis.strip(),
        order_date=order_date,
        order_number=order_number,
        opened_by=user,
    )
    amendment.full_clean()
    amendment.save()
    return amendment


@transaction.atomic
def set_amendment_order(*, user, amendment: Amendment, order_date, order_number: str) -> Amendment:
    """The amending order's date and number, given (or corrected) once it is signed: they are
    requisites, not the roadmap's wording, so a closed amendment takes them too."""
    ensure_can_edit(user)
    amendment = Amendment.objects.select_for_update().select_related("roadmap").get(pk=amendment.pk)
    if amendment.roadmap.status == Roadmap.Status.ARCHIVED:
        raise ValidationError(ARCHIVED)
    order_number = (order_number or "").strip()
    _check_amendment_order(amendment.roadmap, order_date, order_number)
    amendment.order_date = order_date
    amendment.order_number = order_number
    amendment.full_clean()
    amendment.save(update_fields=["order_date", "order_number"])
    return amendment


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


def _shift_date(value: date, years: int = 1) -> date:
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return value.replace(year=value.year + years, day=28)


@transaction.atomic
def copy_roadmap(*, user, roadmap: Roadmap, years: int = 1) -> Roadmap:
    """The next school year's roadmap: same structure, texts and parties; statuses reset.

    Written deadlines and the heading move one year on (``years`` on: a plan taken up again
    after a pause) and are read again; the source is archived.
    """
    if years < 1:
        raise ValidationError("Копия — на следующий или более поздний учебный год.")
    ensure_can_edit(user)
    source = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    if source.status == Roadmap.Status.ARCHIVED:
        raise ValidationError("Эта дорожная карта уже в архиве.")
    copy = Roadmap(
        municipality=source.municipality,
        title=shift_years(source.title, years),
        school_year_start=source.school_year_start + years,
        period_start=_shift_date(source.period_start, years),
        period_end=_shift_date(source.period_end, years),
        copied_from=source,
    )
    stamp(copy, user, f"Копия дорожной карты на {source.school_year_start + years} год")
    copy.save()
    try:
        order = source.order
    except Order.DoesNotExist:
        order = None
    if order is not None:
        new_order = Order.objects.create(
            roadmap=copy,
            number="",
            date=_shift_date(order.date, years),
            title=shift_years(order.title, years),
            preamble=order.preamble,
            signatory_position=order.signatory_position,
            signatory_name=order.signatory_name,
            appendix_mark="",
        )
        OrderPoint.objects.bulk_create(
            OrderPoint(order=new_order, number=p.number, text=shift_years(p.text, years))
            for p in order.points.all()
        )
    parties_by_measure: dict[int, list[ResponsibleParty]] = {}
    for link in MeasureResponsibility.objects.filter(
        measure__section__roadmap=source
    ).select_related("party"):
        parties_by_measure.setdefault(link.measure_id, []).append(link.party)
    copies: list[tuple[int, Measure]] = []
    for section in source.sections.all():
        new_section = Section(
            roadmap=copy,
            number=section.number,
            title=section.title,
            printed_number=section.printed_number,
            position=section.position,
        )
        stamp(new_section, user)
        new_section.save()
        for measure in section.measures.all():
            new_measure = Measure(
                section=new_section,
                number=measure.number,
                printed_number=measure.printed_number,
                title=measure.title,
                deadline_text=shift_years(measure.deadline_text, years),
                result=measure.result,
                position=measure.position,
            )
            apply_deadline(new_measure, copy)
            new_measure.responsible_text = measure.responsible_text
            stamp(new_measure, user)
            new_measure.save()
            set_responsible(new_measure, parties_by_measure.get(measure.pk, []))
            copies.append((measure.pk, new_measure))
    copy_bindings(copies)
    # Event-type measures keep a list of events in the new year too (the events stay behind).
    keeping = set(
        EventKeeping.objects.filter(measure__section__roadmap=source).values_list(
            "measure_id", flat=True
        )
    )
    EventKeeping.objects.bulk_create(
        EventKeeping(measure=new) for old_pk, new in copies if old_pk in keeping
    )
    Participation.objects.bulk_create(
        Participation(roadmap=copy, school_id=school_id)
        for school_id in source.participations.values_list("school_id", flat=True)
    )
    sync_executions(copy, user)
    source.status = Roadmap.Status.ARCHIVED
    stamp(source, user, "Перенесена в архив при копировании на следующий учебный год")
    source.save()
    return copy
