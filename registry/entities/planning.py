"""An uploaded sheet checked row by row into a plan (what is created, updated, asked, refused),
then written in one transaction, or not at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from core import permissions
from core.models import School
from core.selectors import municipalities_for, school_of, schools_for
from core.xlsx.reader import read_sheet
from core.xlsx.spec import CellError, ParseResult
from registry import services
from registry.entities.sheets import MENTEE_KIND_LABELS, MENTOR_KIND_LABELS, PAIR_STATUSES, SPECS
from registry.models import (
    Mentee,
    Mentor,
    MentoringForm,
    MentorLinkRequest,
    Pair,
    PartnerOrganization,
    PersonKind,
    Programme,
    search_key,
)
from registry.selectors import mentees_for as selectors_mentees
from registry.selectors import mentors_for as selectors_mentors
from registry.selectors import programmes_for as selectors_programmes

PREVIEW_ROWS = 20


@dataclass
class Plan:
    """What a file will do once confirmed: rows to create and to update, or the errors."""

    entity: str
    rows: int = 0
    user: object = None
    to_create: list = field(default_factory=list)
    to_update: list = field(default_factory=list)
    # mentors of the registry a curator's file names: (mentor, as typed), asked for, not taken
    to_request: list = field(default_factory=list)
    requested: int = 0
    errors: list[CellError] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def show(self, row: int, name: str, school: str, action: str) -> None:
        """The first rows of the preview; the counts cover the rest."""
        if len(self.preview) < PREVIEW_ROWS:
            self.preview.append({"row": row, "name": name, "school": school, "action": action})

    def first_time(self, seen: dict, key, row: int, what: str) -> bool:
        """False (with an error naming both rows) when a file lists the same thing twice."""
        if key in seen:
            self.errors.append(CellError(row, None, f"{what}, что в строке {seen[key]}."))
            return False
        seen[key] = row
        return True


def _schools_by_name(user) -> dict[str, School]:
    return {s.short_name.lower(): s for s in schools_for(user)}


def _row_school(user, values, row, errors, schools) -> School | None:
    """A curator's rows are their school's whatever the column says (it must not differ)."""
    own = school_of(user)
    named = schools.get((values.get("school") or "").lower())
    if permissions.is_curator(user):
        if named is not None and named.pk != own.pk:
            errors.append(CellError(row, "ОО", f"ОО: можно загружать только свою ОО ({own})."))
            return None
        return own
    if named is None:
        errors.append(CellError(row, "ОО", "ОО: нет такой ОО в муниципалитете."))
    return named


def _identity(values) -> tuple:
    return (
        values["last_name"].lower(),
        values["first_name"].lower(),
        (values.get("patronymic") or "").lower(),
        values["birth_date"],
    )


def _existing_people(model, municipality_ids, parsed: ParseResult) -> dict[tuple, object]:
    """The registry's people that the file's rows name, in one indexed query."""
    names = {
        search_key(
            " ".join(row.values.get(k) or "" for k in ("last_name", "first_name", "patronymic"))
        )
        for row in parsed.rows
    }
    found = model.objects.annotate(
        ln=Lower("last_name"), fn=Lower("first_name"), pn=Lower("patronymic")
    ).filter(municipality_id__in=municipality_ids, search_name__in=names)
    return {(p.ln, p.fn, p.pn, p.birth_date): p for p in found}


def _apply_person(person, values, fields) -> list[str]:
    """Set the row's values; the names of the fields that changed."""
    changed = []
    for name in fields:
        value = values.get(name)
        value = "" if value is None and name not in {"experience_years", "partner"} else value
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    person.search_name = search_key(person.full_name)
    return changed


def _typed(values) -> str:
    """The person as the file's row names them."""
    return services.identity_label(
        last_name=values["last_name"],
        first_name=values["first_name"],
        patronymic=values.get("patronymic") or "",
        birth_date=values["birth_date"],
    )


PERSON_FIELDS = ("last_name", "first_name", "patronymic", "birth_date", "phone", "email")


def plan_mentees(user, parsed: ParseResult) -> Plan:
    plan = Plan("mentees", rows=len(parsed.rows) + len({e.row for e in parsed.errors}))
    plan.errors.extend(parsed.errors)
    municipality_ids = list(municipalities_for(user).values_list("id", flat=True))
    existing = _existing_people(Mentee, municipality_ids, parsed)
    schools = _schools_by_name(user)
    seen: dict[tuple, int] = {}
    fields = (*PERSON_FIELDS, "kind", "class_name", "position", "experience_years")
    for row in parsed.rows:
        values = dict(row.values)
        school = _row_school(user, values, row.row, plan.errors, schools)
        if school is None:
            continue
        key = _identity(values)
        if not plan.first_time(seen, key, row.row, "тот же человек"):
            continue
        values["kind"] = MENTEE_KIND_LABELS.get(values.get("kind") or "", PersonKind.PUPIL)
        if values["birth_date"] > timezone.localdate():
            plan.errors.append(
                CellError(row.row, "Дата рождения", "Дата рождения: не может быть в будущем.")
            )
            continue
        mentee = existing.get(key)
        moving = mentee is not None and mentee.school_id != school.pk
        if moving and permissions.is_curator(user):
            message = (
                f"{_typed(values)} уже есть в муниципальном реестре; перевод в вашу ОО "
                "оформляет департамент образования."
            )
            plan.errors.append(CellError(row.row, None, message))
            continue
        if mentee is None:
            mentee = Mentee(municipality_id=school.municipality_id, school=school)
            _apply_person(mentee, values, fields)
            plan.to_create.append(mentee)
        else:
            mentee.school = school
            if _apply_person(mentee, values, fields):
                plan.to_update.append(mentee)
        plan.show(
            row.row,
            mentee.full_name,
            school.short_name,
            "новый" if mentee.pk is None else "обновление",
        )
    return plan


MENTOR_IMPORT_FIELDS = (*PERSON_FIELDS, "kind", "position")


ASK_TO_LINK = "числится в другой ОО — будет отправлен запрос на связь"


ALREADY_ASKED = "числится в другой ОО — запрос на связь уже отправлен, ожидает решения"


def plan_mentors(user, parsed: ParseResult) -> Plan:
    """A curator's row that names a mentor of the registry not yet at their school changes
    nothing and shows nothing of that mentor: confirming sends a link request. Staff link
    the row's school directly."""
    plan = Plan("mentors", rows=len(parsed.rows) + len({e.row for e in parsed.errors}))
    plan.errors.extend(parsed.errors)
    municipality_ids = list(municipalities_for(user).values_list("id", flat=True))
    existing = _existing_people(Mentor, municipality_ids, parsed)
    schools = _schools_by_name(user)
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
        school = _row_school(user, values, row.row, plan.errors, schools)
        if school is None:
            continue
        key = _identity(values)
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
        values["partner"] = partner
        mentor = existing.get(key)
        if own is not None and mentor is not None and (mentor.pk, own.pk) not in links:
            typed = _typed(values)
            if mentor.pk in asked:
                plan.show(row.row, typed, own.short_name, ALREADY_ASKED)
            else:
                plan.to_request.append((mentor, typed))
                plan.show(row.row, typed, own.short_name, ASK_TO_LINK)
            continue
        if mentor is None:
            mentor = Mentor(municipality_id=school.municipality_id)
            _apply_person(mentor, values, (*MENTOR_IMPORT_FIELDS, "partner"))
            plan.to_create.append(mentor)
            action = "новый"
        else:
            mentor._changed = _apply_person(mentor, values, (*MENTOR_IMPORT_FIELDS, "partner"))
            linking = (mentor.pk, school.pk) not in links
            if mentor._changed or linking:
                plan.to_update.append(mentor)
            action = ", ".join(
                a for a, done in (("обновление", mentor._changed), ("связь с ОО", linking)) if done
            )
        mentor._import_school = school
        plan.show(row.row, mentor.full_name, school.short_name, action or "без изменений")
    return plan


def plan_programmes(user, parsed: ParseResult) -> Plan:
    plan = Plan("programmes", rows=len(parsed.rows) + len({e.row for e in parsed.errors}))
    plan.errors.extend(parsed.errors)
    schools = _schools_by_name(user)
    forms = {f.name: f for f in MentoringForm.objects.all()}
    existing = {
        (p.school_id, p.title.lower()): p
        for p in Programme.objects.filter(school__in=schools_for(user))
    }
    seen: dict[tuple, int] = {}
    for row in parsed.rows:
        values = row.values
        school = _row_school(user, values, row.row, plan.errors, schools)
        if school is None:
            continue
        if values["ends_on"] < values["starts_on"]:
            plan.errors.append(CellError(row.row, "Окончание", "Окончание: раньше начала."))
            continue
        key = (school.pk, values["title"].lower())
        if not plan.first_time(seen, key, row.row, "та же программа"):
            continue
        programme = existing.get(key) or Programme(school=school)
        is_new = programme.pk is None
        wanted = {
            "title": values["title"],
            "form": forms[values["form"]],
            "starts_on": values["starts_on"],
            "ends_on": values["ends_on"],
        }
        changed = is_new or any(getattr(programme, k) != v for k, v in wanted.items())
        for name, value in wanted.items():
            setattr(programme, name, value)
        if is_new:
            plan.to_create.append(programme)
        elif changed:
            plan.to_update.append(programme)
        plan.show(row.row, programme.title, school.short_name, "новая" if is_new else "обновление")
    return plan


def plan_partners(user, parsed: ParseResult) -> Plan:
    plan = Plan("partners", rows=len(parsed.rows) + len({e.row for e in parsed.errors}))
    plan.errors.extend(parsed.errors)
    if not permissions.can_edit_department(user):
        plan.errors.append(CellError(1, None, "организации-партнёров загружает департамент."))
        return plan
    municipality = municipalities_for(user).first()
    existing = {
        p.name.lower(): p for p in PartnerOrganization.objects.filter(municipality=municipality)
    }
    seen: dict[str, int] = {}
    fields = ("name", "inn", "address", "contact_person", "phone", "email")
    for row in parsed.rows:
        values = row.values
        key = values["name"].lower()
        if not plan.first_time(seen, key, row.row, "та же организация"):
            continue
        partner = existing.get(key) or PartnerOrganization(municipality=municipality)
        changed = partner.pk is None or any(
            getattr(partner, f) != (values.get(f) or "") for f in fields
        )
        for name in fields:
            setattr(partner, name, values.get(name) or "")
        if partner.pk is None:
            plan.to_create.append(partner)
        elif changed:
            plan.to_update.append(partner)
        plan.show(row.row, partner.name, "", "новая" if partner.pk is None else "обновление")
    return plan


@dataclass
class PairRows:
    """Rows that together make one pair or group: same programme, mentor and start."""

    rows: list[int]
    programme: Programme
    mentor: Mentor
    starts_on: dt.date
    activate: bool
    mentees: list = field(default_factory=list)
    pair: object = None


def plan_pairs(user, parsed: ParseResult) -> Plan:
    plan = Plan("pairs", rows=len(parsed.rows) + len({e.row for e in parsed.errors}))
    plan.errors.extend(parsed.errors)
    programmes = {p.title.lower(): p for p in selectors_programmes(user)}
    mentors = {
        (m.last_name.lower(), m.first_name.lower(), m.patronymic.lower(), m.birth_date): m
        for m in selectors_mentors(user)
    }
    mentees = {
        (m.last_name.lower(), m.first_name.lower(), m.patronymic.lower(), m.birth_date): m
        for m in selectors_mentees(user).filter(
            birth_date__in={r.values["birth_date"] for r in parsed.rows}
        )
    }
    groups: dict[tuple, PairRows] = {}
    for row in parsed.rows:
        values = row.values
        programme = programmes.get(values["programme"].lower())
        mentor = mentors.get(
            (
                values["mentor_last_name"].lower(),
                values["mentor_first_name"].lower(),
                (values.get("mentor_patronymic") or "").lower(),
                values["mentor_birth_date"],
            )
        )
        mentee = mentees.get(_identity(values))
        if programme is None:
            plan.errors.append(CellError(row.row, "Программа", "Программа: нет такой."))
        if mentor is None:
            plan.errors.append(
                CellError(
                    row.row, "Наставник: фамилия", "Наставник: нет такого наставника в реестре ОО."
                )
            )
        if mentee is None:
            plan.errors.append(
                CellError(
                    row.row,
                    "Наставляемый: фамилия",
                    "Наставляемый: нет такого наставляемого в реестре ОО.",
                )
            )
        if programme is None or mentor is None or mentee is None:
            continue
        key = (programme.pk, mentor.pk, values["starts_on"])
        group = groups.setdefault(
            key, PairRows([], programme, mentor, values["starts_on"], activate=False)
        )
        group.rows.append(row.row)
        group.mentees.append(mentee)
        group.activate = group.activate or PAIR_STATUSES.get(values.get("status") or "") == "active"
    existing = {
        (p.programme_id, p.mentor_id, p.starts_on): p
        for p in Pair.objects.filter(programme__in=[g.programme for g in groups.values()])
    }
    for key, group in groups.items():
        group.pair = existing.get(key)
        probe = group.pair or Pair(
            programme=group.programme, mentor=group.mentor, starts_on=group.starts_on
        )
        everyone = (
            list({*group.pair.mentees.all(), *group.mentees}) if group.pair else group.mentees
        )
        errors = services.pair_errors(probe, everyone, activate=group.activate)
        for messages in errors.values():
            for message in messages:
                plan.errors.append(CellError(group.rows[0], None, message))
        if errors:
            continue
        (plan.to_update if group.pair else plan.to_create).append(group)
        plan.show(
            group.rows[0],
            f"{group.mentor.full_name}: " + ", ".join(m.full_name for m in group.mentees),
            group.programme.school.short_name,
            "обновление" if group.pair else "новая пара",
        )
    return plan


PLANNERS = {
    "mentees": plan_mentees,
    "mentors": plan_mentors,
    "programmes": plan_programmes,
    "pairs": plan_pairs,
    "partners": plan_partners,
}


def plan_file(user, entity: str, upload) -> Plan:
    """Read and check the whole file; raises ImportFileError for whole-file problems."""
    parsed = read_sheet(upload, SPECS[entity](user))
    plan = PLANNERS[entity](user, parsed)
    plan.user = user
    return plan


@transaction.atomic
def apply(plan: Plan) -> tuple[int, int]:
    """Write every row of a checked plan, or none; returns (created, updated)."""
    if not plan.ok:
        raise ValueError("a plan with errors is never applied")
    if plan.entity == "pairs":
        return _apply_pairs(plan)
    model = {
        "mentees": Mentee,
        "mentors": Mentor,
        "programmes": Programme,
        "partners": PartnerOrganization,
    }[plan.entity]
    fields = {
        "mentees": [
            *PERSON_FIELDS,
            "school",
            "kind",
            "class_name",
            "position",
            "experience_years",
            "search_name",
        ],
        "mentors": [*PERSON_FIELDS, "kind", "position", "partner", "search_name"],
        "programmes": ["title", "form", "starts_on", "ends_on"],
        "partners": ["name", "inn", "address", "contact_person", "phone", "email"],
    }[plan.entity]
    model.objects.bulk_create(plan.to_create, batch_size=1000)
    if plan.to_update:
        model.objects.bulk_update(plan.to_update, fields, batch_size=1000)
    if plan.entity == "mentors":
        _apply_mentor_links(plan)
    return len(plan.to_create), len(plan.to_update)


def _apply_mentor_links(plan: Plan) -> None:
    """The rows' schools (a curator's own, or the staff's choice), the changes in each
    mentor's history, and a curator's link requests for mentors of other schools."""
    links = Mentor.schools.through
    links.objects.bulk_create(
        (
            links(mentor_id=m.pk, school_id=m._import_school.pk)
            for m in [*plan.to_create, *plan.to_update]
        ),
        ignore_conflicts=True,
    )
    services.record_mentor_changes(
        plan.user,
        [
            (m.pk, [str(Mentor._meta.get_field(f).verbose_name) for f in m._changed])
            for m in plan.to_update
        ],
        via="загрузка из Excel",
    )
    if plan.to_request:
        outcome = services.request_mentor_links(
            user=plan.user,
            school=school_of(plan.user),
            wanted=plan.to_request,
            source="загрузка из Excel",
        )
        plan.requested = len(outcome.created)


def _apply_pairs(plan: Plan) -> tuple[int, int]:
    for group in [*plan.to_create, *plan.to_update]:
        mentees = group.mentees
        if group.pair is not None:
            mentees = list({*group.pair.mentees.all(), *mentees})
        services.save_pair(
            user=plan.user,
            programme=group.programme,
            mentor=group.mentor,
            mentees=mentees,
            starts_on=group.starts_on,
            ends_on=group.pair.ends_on if group.pair else None,
            goals=group.pair.goals if group.pair else "",
            pair=group.pair,
            activate=group.activate,
        )
    return len(plan.to_create), len(plan.to_update)
