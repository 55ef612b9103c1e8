"""Demo schools and one user per role, for ``make run`` only (never for production data)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from registry import roles
from registry.models import Municipality, Profile, School
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
    CREDENTIALS_FILE.parent.mkdir(parents=True, exist_ok=True)
    CREDENTIALS_FILE.write_text(json.dumps(passwords, ensure_ascii=False, indent=1), "utf-8")
    return result
