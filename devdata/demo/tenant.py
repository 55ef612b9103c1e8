"""The demonstration's schools of Argun and one user per role, for ``make run`` only (never
for production data). The users' passwords are kept in var/demo-credentials.json, so that
loading the demo again prints the same ones."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core import roles
from core.models import AccountState, Municipality, Profile, School

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
    # The other schools' curators send their schools' reports in the demo; nobody signs in
    # as them (no password: hashing one costs half a second of `make run`).
    signs_in: bool = True


DEMO_USERS = [
    DemoUser("staff", "Дадаева Мадина Исаевна", "Сотрудник департамента", roles.STAFF),
    DemoUser("head", "Гайрбекова Лейла Ахмедовна", "Начальник департамента", roles.HEAD),
    DemoUser("curator1", "Абубакарова Луиза Руслановна", "Куратор ОО", roles.CURATOR, 0),
    DemoUser("curator2", "Магомадов Ислам Ахмедович", "Куратор ОО", roles.CURATOR, 1),
    DemoUser("curator3", "Вахаева Хеда Исламовна", "Куратор ОО", roles.CURATOR, 2, signs_in=False),
    DemoUser("curator4", "Умаров Арби Мусаевич", "Куратор ОО", roles.CURATOR, 3, signs_in=False),
    DemoUser(
        "curator5", "Тагирова Малика Салмановна", "Куратор ОО", roles.CURATOR, 4, signs_in=False
    ),
    DemoUser("region", "Батукаев Руслан Адамович", "Региональный координатор", roles.REGION),
    DemoUser("admin", "Администратор системы", "Администратор", None, superuser=True),
]


def stored_passwords() -> dict[str, str]:
    if CREDENTIALS_FILE.exists():
        return json.loads(CREDENTIALS_FILE.read_text(encoding="utf-8"))
    return {}


def store_passwords(passwords: dict[str, str]) -> None:
    CREDENTIALS_FILE.parent.mkdir(parents=True, exist_ok=True)
    CREDENTIALS_FILE.write_text(json.dumps(passwords, ensure_ascii=False, indent=1), "utf-8")


def demo_schools(municipality: Municipality) -> list[School]:
    schools = []
    for full_name, short_name in DEMO_SCHOOLS:
        school, _ = School.objects.get_or_create(
            municipality=municipality,
            short_name=short_name,
            defaults={"full_name": full_name, "kind": School.Kind.SCHOOL},
        )
        schools.append(school)
    return schools


def demo_users(
    municipality: Municipality, schools: list[School], passwords: dict[str, str]
) -> list[tuple[DemoUser, str]]:
    """One user per role, each with the stored password (a new one for a user created or not
    yet in ``passwords``, which gains it)."""
    User = get_user_model()
    result = []
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if not demo.signs_in:
            if user is None:
                user = User(
                    username=demo.username,
                    first_name=demo.full_name,
                    email=f"{demo.username}@demo.invalid",
                )
                user.set_unusable_password()
                user.save()
        elif user is None or demo.username not in passwords:
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
        if demo.signs_in:
            result.append((demo, passwords[demo.username]))
    return result
