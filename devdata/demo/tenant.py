"""Demo schools and one user per role, for ``make run`` only (never for production data)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from core import roles
from core.models import AccountState, Municipality, Profile, School
from registry.models import (
    Consent,
    Mentee,
    Mentor,
    Pair,
    PairMentee,
    PersonKind,
    Programme,
    SchoolYearStats,
)
from registry.reference import ensure_mentoring_forms
from roadmap.models import Roadmap
from roadmap.services import add_school

CREDENTIALS_FILE = Path(settings.BASE_DIR) / "var" / "demo-credentials.json"

DEMO_SCHOOLS = [
    ("МБОУ «Средняя общеобразовательная школа № 1» г. Аргун", "МБОУ «СОШ № 1» г. Аргун"),
    ("МБОУ «Средняя общеобразовательная школа № 2» г. Аргун", "МБОУ «СОШ № 2» г. Аргун"),
    ("МБОУ «Средняя общеобразовательная школа № 3» г. Аргун", "МБОУ «СОШ № 3» г. Аргун"),
    ("МБОУ «Средняя общеобразовательная школа № 4» г. Аргун", "МБОУ «СОШ № 4» г. Аргун"),
    ("МБОУ «Гимназия № 5» г. Аргун", "МБОУ «Гимназия № 5» г. Аргун"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    group: str | None
    school_index: int | None = None
    superuser: bool = False


DEMO_USERS = [
    DemoUser("staff", "Сотрудник Департамента (демо)", "Сотрудник департамента", roles.STAFF),
    DemoUser("head", "Начальник Департамента (демо)", "Начальник департамента", roles.HEAD),
    DemoUser("curator1", "Куратор СОШ № 1 (демо)", "Куратор ОО", roles.CURATOR, school_index=0),
    DemoUser("curator2", "Куратор СОШ № 2 (демо)", "Куратор ОО", roles.CURATOR, school_index=1),
    DemoUser("region", "Региональный координатор (демо)", "Региональный координатор", roles.REGION),
    DemoUser("admin", "Администратор (демо)", "Администратор", None, superuser=True),
]


def _stored_passwords() -> dict[str, str]:
    if CREDENTIALS_FILE.exists():
        return json.loads(CREDENTIALS_FILE.read_text(encoding="utf-8"))
    return {}


@transaction.atomic
def load_demo(municipality: Municipality, roadmap: Roadmap | None) -> list[tuple[DemoUser, str]]:
    """Create the demo schools and users once; return each user with its password."""
    schools = []
    for full_name, short_name in DEMO_SCHOOLS:
        school, _ = School.objects.get_or_create(
            municipality=municipality,
            short_name=short_name,
            defaults={"full_name": full_name, "kind": School.Kind.SCHOOL},
        )
        schools.append(school)
    if roadmap is not None and not roadmap.participations.exists():
        for school in schools:
            add_school(roadmap=roadmap, school=school)

    passwords = _stored_passwords()
    User = get_user_model()
    result = []
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None or demo.username not in passwords:
            password = secrets.token_urlsafe(12)
            if user is None:
                user = User(
                    username=demo.username,
                    first_name=demo.full_name,
                    email=f"{demo.username}@demo.invalid",
                )
            user.is_staff = demo.superuser
            user.is_superuser = demo.superuser
            user.set_password(password)
            user.save()
            passwords[demo.username] = password
        # Demo users are for trying the product: never asked to change the printed password,
        # and access switched off while trying the accounts pages comes back.
        AccountState.objects.filter(user=user).update(
            must_change_password=False, deactivated_at=None
        )
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        if demo.group:
            user.groups.add(Group.objects.get_or_create(name=demo.group)[0])
        school = schools[demo.school_index] if demo.school_index is not None else None
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "municipality": municipality,
                "school": school,
                "position": demo.role,
            },
        )
        result.append((demo, passwords[demo.username]))
    _demo_registry(schools[:2], municipality)
    CREDENTIALS_FILE.parent.mkdir(parents=True, exist_ok=True)
    CREDENTIALS_FILE.write_text(json.dumps(passwords, ensure_ascii=False, indent=1), "utf-8")
    return result


DEMO_PEOPLE = [
    ("Дудаева", "Амина", "Руслановна", date(2011, 4, 12), "7А"),
    ("Магомадов", "Ислам", "Адамович", date(2010, 9, 3), "8Б"),
    ("Хасанова", "Седа", "Ибрагимовна", date(2012, 1, 27), "6В"),
]


def _demo_registry(schools, municipality) -> None:
    """A mentor, three pupils with consent, a programme and one pair per demo school."""
    forms = {form.name: form for form in ensure_mentoring_forms()}
    for number, school in enumerate(schools, start=1):
        if Mentee.objects.filter(school=school).exists():
            continue
        mentor = Mentor.objects.create(
            municipality=municipality,
            last_name="Исаева" if number == 1 else "Алиев",
            first_name="Марьям" if number == 1 else "Хамзат",
            patronymic="Саидовна" if number == 1 else "Русланович",
            birth_date=date(1986 + number, 5, 14),
            kind=PersonKind.TEACHER,
            position="учитель математики",
        )
        mentor.schools.add(school)
        programme = Programme.objects.create(
            school=school,
            form=forms["учитель – ученик"],
            title=f"Программа наставничества «Шаг вперёд» ({school.short_name})",
            starts_on=date(2020, 11, 1),
            ends_on=date(2021, 5, 31),
        )
        pupils = []
        for last, first, middle, born, class_name in DEMO_PEOPLE:
            pupil = Mentee.objects.create(
                municipality=municipality,
                school=school,
                last_name=f"{last}",
                first_name=first,
                patronymic=middle,
                birth_date=born.replace(year=born.year + number - 1),
                class_name=class_name,
            )
            Consent.objects.create(
                mentee=pupil,
                representative_name=f"{last} (законный представитель)",
                relation=Consent.Relation.MOTHER,
                document="паспорт (демо)",
                given_on=date(2020, 9, 1),
                recorded_by=get_user_model().objects.get(username="staff"),
            )
            pupils.append(pupil)
        pair = Pair.objects.create(
            programme=programme,
            mentor=mentor,
            starts_on=date(2020, 11, 2),
            status=Pair.Status.ACTIVE,
            goals="Подготовка к олимпиаде",
        )
        PairMentee.objects.create(pair=pair, mentee=pupils[0], form=programme.form, is_active=True)
        SchoolYearStats.objects.get_or_create(
            school=school,
            school_year_start=2020,
            defaults={
                "pupils_total": 640,
                "pupils_10_plus": 410,
                "teachers_total": 48,
                "young_teachers": 6,
            },
        )
