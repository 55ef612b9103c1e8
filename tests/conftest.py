"""The cast: staff, head, two curators of different schools, an administrator, and a
department of another municipality; the seed roadmap with the two schools taking part."""

import pytest

from registry import roles
from roadmap.seed import load_seed
from roadmap.services import add_school
from tests.factories import MunicipalityFactory, RoadmapFactory, SchoolFactory, make_user


@pytest.fixture
def seed_roadmap(db):
    return load_seed().roadmap


@pytest.fixture
def municipality(seed_roadmap):
    return seed_roadmap.municipality


@pytest.fixture
def school_a(municipality):
    return SchoolFactory(municipality=municipality, short_name="МБОУ «СОШ № 1» г. Аргун")


@pytest.fixture
def school_b(municipality):
    return SchoolFactory(municipality=municipality, short_name="МБОУ «СОШ № 2» г. Аргун")


@pytest.fixture
def roadmap(seed_roadmap, school_a, school_b):
    add_school(roadmap=seed_roadmap, school=school_a)
    add_school(roadmap=seed_roadmap, school=school_b)
    return seed_roadmap


@pytest.fixture
def staff(municipality):
    return make_user("staff", roles.STAFF, municipality=municipality)


@pytest.fixture
def head(municipality):
    return make_user("head", roles.HEAD, municipality=municipality)


@pytest.fixture
def curator_a(school_a):
    return make_user("curator_a", roles.CURATOR, school=school_a)


@pytest.fixture
def curator_b(school_b):
    return make_user("curator_b", roles.CURATOR, school=school_b)


@pytest.fixture
def admin_user(db):
    return make_user("admin", None, is_staff=True, is_superuser=True)


@pytest.fixture
def other_roadmap(db):
    """A roadmap of another municipality, with its own staff member."""
    other = MunicipalityFactory(name="городской округ Соседний")
    return RoadmapFactory(municipality=other)


@pytest.fixture
def cast(staff, head, curator_a, curator_b, admin_user):
    return {
        "staff": staff,
        "head": head,
        "curator_a": curator_a,
        "curator_b": curator_b,
        "admin": admin_user,
    }
