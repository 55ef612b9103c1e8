"""The demonstration data of ``make run`` (``manage.py load_demo_data``): the seed roadmap's
municipality gets demo schools taking part in the roadmap, one user per role, a small registry
(``registry``) and the monitoring's periods with reports in every state (``monitoring``).
Loading again changes nothing and prints the same passwords."""

from __future__ import annotations

from django.db import transaction

from core.models import Municipality
from devdata.demo.registry import load_registry_demo
from devdata.demo.tenant import (
    DemoUser,
    demo_schools,
    demo_users,
    store_passwords,
    stored_passwords,
)
from roadmap.models import Roadmap
from roadmap.services import add_school


@transaction.atomic
def load_demo(municipality: Municipality, roadmap: Roadmap | None) -> list[tuple[DemoUser, str]]:
    """Create the demo schools and users once; return each user with its password."""
    schools = demo_schools(municipality)
    if roadmap is not None and not roadmap.participations.exists():
        for school in schools:
            add_school(roadmap=roadmap, school=school)
    passwords = stored_passwords()
    users = demo_users(municipality, schools, passwords)
    load_registry_demo(schools[:2], municipality)
    store_passwords(passwords)
    return users
