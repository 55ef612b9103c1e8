"""What the department keeps about schools: their details, yearly counts, curators, partners
and agreements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import permissions, roles
from core.accounts.services import require_password_change
from core.models import Municipality, Profile, School
from registry.models import (
    Agreement,
    PartnerOrganization,
    SchoolYearStats,
)
from registry.services.access import ensure_writes_for
from registry.services.bulk import refuse_taken, taken, write_all


@transaction.atomic
def appoint_curator(
    *,
    user,
    school: School,
    username: str,
    last_name: str,
    first_name: str,
    email: str,
    position: str = "",
    phone: str = "",
    password: str,
):
    """Staff appoint a school's curator: an account in the curators' group, tied to the school.
    The password is the staff member's choice, so the curator must replace it at first login."""
    if not permissions.can_manage_accounts(user):
        raise PermissionDenied("Кураторов назначают сотрудники департамента.")
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "Такое имя пользователя уже занято."})
    curator = User(username=username, last_name=last_name, first_name=first_name, email=email)
    try:
        validate_password(password, curator)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    curator.set_password(password)
    curator.save()
    curator.groups.add(Group.objects.get_or_create(name=roles.CURATOR)[0])
    Profile.objects.create(
        user=curator,
        municipality=school.municipality,
        school=school,
        position=position,
        phone=phone,
    )
    require_password_change(curator)
    return curator


@transaction.atomic
def save_school(*, user, school: School, **data) -> School:
    """The school's names, kind, contacts and whether it still works (the department's)."""
    if not permissions.can_edit_department(user):
        raise PermissionDenied("Сведения об ОО изменяют сотрудники департамента.")
    for name, value in data.items():
        setattr(school, name, value)
    school.full_clean()
    school.save()
    return school


@transaction.atomic
def save_year_stats(*, user, school: School, school_year_start: int, **counts) -> SchoolYearStats:
    """The school's pupil and teacher counts for a year: one row per year, updated in place."""
    if not permissions.can_edit_department(user):
        raise PermissionDenied("Численность ОО вносят сотрудники департамента.")
    errors = {}
    if counts["pupils_10_plus"] > counts["pupils_total"]:
        errors["pupils_10_plus"] = "Обучающихся 10 лет и старше больше, чем обучающихся всего."
    if counts["young_teachers"] > counts["teachers_total"]:
        errors["young_teachers"] = "Молодых педагогов больше, чем педагогов всего."
    if errors:
        raise ValidationError(errors)
    stats, _ = SchoolYearStats.objects.update_or_create(
        school=school, school_year_start=school_year_start, defaults=counts
    )
    return stats


@dataclass
class PartnerEntry:
    """One partner organisation to save: its municipality, the fields, the record if it
    exists."""

    municipality: Municipality
    data: dict
    partner: PartnerOrganization | None = None


NAME = ("municipality", "name")  # a partner's name is unique in its municipality


@transaction.atomic
def save_partner(
    *, user, municipality, partner: PartnerOrganization | None = None, **data
) -> PartnerOrganization:
    """A partner organisation of the municipality, new or changed (the department's)."""
    return save_partners(user=user, entries=[PartnerEntry(municipality, data, partner)])[0]


@transaction.atomic
def save_partners(*, user, entries: Sequence[PartnerEntry]) -> list[PartnerOrganization]:
    """Partner organisations created or changed — a form's one or an import's many — by the
    department, one name per municipality (checked for all in one query)."""
    if not permissions.can_edit_department(user):
        raise PermissionDenied("Организации-партнёры вносят сотрудники департамента.")
    partners = []
    for entry in entries:
        partner = entry.partner
        if partner is not None and partner.municipality_id != entry.municipality.pk:
            raise PermissionDenied("Организация-партнёр другого муниципалитета.")
        partner = partner or PartnerOrganization(municipality=entry.municipality)
        for name, value in entry.data.items():
            setattr(partner, name, value)
        partner.full_clean(exclude=["municipality"], validate_constraints=False)
        partners.append(partner)
    if not partners:
        return []
    refuse_taken(PartnerOrganization, partners, NAME)
    fields = sorted({name for entry in entries for name in entry.data})
    write_all(PartnerOrganization, partners, fields, conflict=taken(partners[0], NAME))
    return partners


@transaction.atomic
def save_agreement(
    *, user, partner: PartnerOrganization, school: School | None, **data
) -> Agreement:
    """A curator's agreement is their school's; the department's has no school."""
    if school is None and not permissions.can_edit_department(user):
        raise PermissionDenied("Соглашения департамента вносят сотрудники департамента.")
    ensure_writes_for(user, school)
    agreement = Agreement(partner=partner, school=school, **data)
    agreement.full_clean()
    agreement.save()
    return agreement
