"""Mentors: the sheet, the rows checked and written — a curator's row naming a mentor of another
school asks to link instead — and the list exported."""

from __future__ import annotations

from core import permissions
from core.selectors import municipalities_for, school_of
from core.xlsx.spec import CellError, Column, SheetSpec
from registry import filters, selectors, services
from registry.entities.base import Entity, ExportSheet, Plan
from registry.entities.common import (
    card,
    contact_columns,
    differs,
    existing_people,
    full_name,
    identity,
    person_columns,
    row_school,
    school_column,
    schools_by_name,
    typed,
)
from registry.models import Mentor, MentorLinkRequest, PartnerOrganization, PersonKind

MENTOR_KIND_LABELS = {str(label): value for value, label in PersonKind.choices}

MENTOR_IMPORT_FIELDS = (*services.PERSON_FIELDS, "kind", "position")

ASK_TO_LINK = "числится в другой ОО — будет отправлен запрос на связь"

ALREADY_ASKED = "числится в другой ОО — запрос на связь уже отправлен, ожидает решения"


def mentor_spec(user) -> SheetSpec:
    return SheetSpec(
        "Наставники",
        (
            *person_columns(),
            Column(
                "kind",
                "Кто",
                kind="choice",
                choices=tuple(MENTOR_KIND_LABELS),
                required=True,
                example="педагог",
                width=24,
            ),
            school_column(user),
            Column(
                "partner",
                "Организация-партнёр",
                width=30,
                help="Наименование, как в списке организаций-партнёров",
            ),
            Column("position", "Должность или класс", example="учитель математики", width=24),
            *contact_columns(),
        ),
    )


def plan_mentors(plan: Plan, parsed) -> None:
    """A curator's row that names a mentor of the registry not yet at their school changes
    nothing and shows nothing of that mentor: confirming sends a link request. Staff link
    the row's school directly."""
    user = plan.user
    municipality_ids = list(municipalities_for(user).values_list("id", flat=True))
    existing = existing_people(Mentor, municipality_ids, parsed)
    schools = schools_by_name(user)
    partners = {
        p.name.lower(): p
        for p in PartnerOrganization.objects.filter(municipality_id__in=municipality_ids)
    }
    links = set(
        Mentor.schools.through.objects.filter(
            mentor_id__in=[m.pk for m in existing.values()]
        ).values_list("mentor_id", "school_id")
    )
    own = school_of(user) if permissions.is_curator(user) else None
    asked = (
        set(
            MentorLinkRequest.objects.filter(
                school=own,
                mentor_id__in=[m.pk for m in existing.values()],
                state=MentorLinkRequest.State.PENDING,
            ).values_list("mentor_id", flat=True)
        )
        if own
        else set()
    )
    seen: dict[tuple, int] = {}
    for row in parsed.rows:
        values = dict(row.values)
        school = row_school(user, values, row.row, plan.errors, schools)
        if school is None:
            continue
        key = identity(values)
        if not plan.first_time(seen, key, row.row, "тот же человек"):
            continue
        partner = None
        if values.get("partner"):
            partner = partners.get(values["partner"].lower())
            if partner is None:
                plan.errors.append(
                    CellError(
                        row.row, "Организация-партнёр", "Организация-партнёр: нет такой в списке."
                    )
                )
                continue
        values["kind"] = MENTOR_KIND_LABELS[values["kind"]]
        mentor = existing.get(key)
        if own is not None and mentor is not None and (mentor.pk, own.pk) not in links:
            as_typed = typed(values)
            if mentor.pk in asked:
                plan.show(row.row, as_typed, own.short_name, ALREADY_ASKED)
            else:
                plan.to_request.append((mentor, as_typed))
                plan.show(row.row, as_typed, own.short_name, ASK_TO_LINK)
            continue
        data = card(values, MENTOR_IMPORT_FIELDS)
        changed = linking = mentor is None
        if mentor is not None:
            changed = differs(mentor, data) or mentor.partner_id != getattr(partner, "pk", None)
            linking = (mentor.pk, school.pk) not in links
        if (changed or linking) and plan.invalid(row.row, Mentor, data):
            continue
        if mentor is None:
            plan.to_create.append(services.MentorEntry(school, data, partner))
            action = "новый"
        else:
            if changed or linking:
                plan.to_update.append(services.MentorEntry(school, data, partner, mentor))
            action = ", ".join(
                a for a, done in (("обновление", changed), ("связь с ОО", linking)) if done
            )
        plan.show(row.row, full_name(values), school.short_name, action or "без изменений")


def write_mentors(plan: Plan) -> tuple[int, int]:
    """Through the service the mentor's form uses: the rows' schools linked (a curator's own,
    or the staff's choice) and the changes in each mentor's history; then a curator's link
    requests for mentors of other schools."""
    services.save_mentors(
        user=plan.user, entries=[*plan.to_create, *plan.to_update], via="загрузка из Excel"
    )
    if plan.to_request:
        outcome = services.request_mentor_links(
            user=plan.user,
            school=school_of(plan.user),
            wanted=plan.to_request,
            source="загрузка из Excel",
        )
        plan.requested = len(outcome.created)
    return len(plan.to_create), len(plan.to_update)


FULL = (
    Column("name", "ФИО", width=30),
    Column("birth", "Дата рождения", width=14),
    Column("kind", "Кто", width=24),
    Column("schools", "ОО", width=30),
    Column("partner", "Организация-партнёр", width=30),
    Column("position", "Должность"),
)
DEPERSONALISED = (
    Column("name", "Инициалы", width=30),
    Column("birth", "Год рождения", width=14),
    *FULL[2:],
)


def _row(mentor: Mentor, name: str, birth) -> dict:
    return {
        "name": name,
        "birth": birth,
        "kind": mentor.get_kind_display(),
        "schools": ", ".join(s.short_name for s in mentor.schools.all()),
        "partner": mentor.partner.name if mentor.partner else "",
        "position": mentor.position,
    }


ENTITY = Entity(
    key="mentors",
    title="Наставники",
    of_what="наставников",
    sheet=mentor_spec,
    planner=plan_mentors,
    writer=write_mentors,
    selector=selectors.mentors_for,
    filters=filters.MentorFilter,
    prefetch=("schools",),
    export=ExportSheet(SheetSpec("Наставники", FULL), lambda m: _row(m, m.full_name, m.birth_date)),
    depersonalised=ExportSheet(
        SheetSpec("Наставники", DEPERSONALISED),
        lambda m: _row(m, m.initials, m.birth_date.year),
    ),
)
