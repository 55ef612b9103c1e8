"""The cast: staff, head, two curators of different schools, an administrator, and a
department of another municipality; the seed roadmap with the two schools taking part.

The municipality and its department are the seed's, without the roadmap: only the tests that
ask for `roadmap` (or `seed_roadmap`) load its 34 measures.
"""

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from core import roles
from roadmap.seed import load_seed
from roadmap.services import add_school
from tests.factories import (
    ConsentFactory,
    MenteeFactory,
    MentorFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    RoadmapFactory,
    SchoolFactory,
    make_user,
    seed_municipality,
)

# The monitoring's hand-counted municipality (`known`), for its own tests and the browser's.
pytest_plugins = ["tests.monitoring.fixtures"]

TEMPLATE_KEY = pytest.StashKey[str | None]()
LOCK_KEY = pytest.StashKey[object]()

# The property tests test values, not speed: on a machine shared with other work an example
# that is slow to make or to run is no defect (a test's own @settings still wins).
hypothesis_settings.register_profile(
    "shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("shared-machine")

# --- the run split over workers (pytest -n, as `make test` runs it) ---------------------------

# Test files whose tests are independent walks of a few seconds to a minute each: their tests
# are shared out one by one. Every other file runs whole on one worker, so a module's fixtures
# (a generated region, a standby server in its own folder) are made once and never twice at
# the same time.
SHARED_OUT = {"tests/e2e/test_pages_walk.py", "tests/e2e/test_menu.py"}


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByFile(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if path in SHARED_OUT else path

    return ByFile(config, log)


# --- the test database: copied from a migrated template (tests/database.py) ------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix,
    django_db_use_migrations,
    django_db_createdb,
    django_db_blocker,
    request,
):
    """Create the test database from the migrated template when there is one."""
    from django.db import connections

    from tests import database

    connection = connections["default"]
    request.config.stash[TEMPLATE_KEY] = None
    if not django_db_use_migrations or not database.usable(connection):
        return
    name = database.template_name()
    # Several workers (pytest -n) start at once: the first migrates and keeps the template
    # while holding the lock; the others wait for it and copy the template.
    lock = database.TemplateLock()
    lock.acquire()
    with django_db_blocker.unblock():
        if django_db_createdb and not database.worker():
            database.drop(connection, name)
        elif database.exists(connection, name):
            lock.release()
            connection.settings_dict["TEST"]["TEMPLATE"] = name
            return
    request.config.stash[TEMPLATE_KEY] = name  # to be made once the database is migrated
    request.config.stash[LOCK_KEY] = lock


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, request, django_db_blocker):
    """pytest-django's set-up, then the template kept if this run had to migrate."""
    from django.db import connections

    from tests import database

    name = request.config.stash.get(TEMPLATE_KEY, None)
    if name:
        try:
            with django_db_blocker.unblock():
                database.save(connections["default"], name)
        finally:
            request.config.stash[LOCK_KEY].release()
    yield


@pytest.fixture
def municipality(db):
    """The seed's municipality and department (no roadmap)."""
    return seed_municipality()


@pytest.fixture
def seed_roadmap(municipality):
    """The seed roadmap (order № 172/1, 34 measures) of `municipality`: costly, ask for it only
    where the roadmap is what is tested."""
    roadmap = load_seed().roadmap
    assert roadmap.municipality_id == municipality.pk
    return roadmap


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


# --- the registry ------------------------------------------------------------------------------


@pytest.fixture
def forms(db):
    from registry.reference import ensure_mentoring_forms

    return {form.name: form for form in ensure_mentoring_forms()}


@pytest.fixture
def registry_data(forms, school_a, school_b, staff):
    """Each school with a teacher mentor, two pupils (one a minor with consent) and a programme."""
    import datetime

    data = {}
    for key, school in (("a", school_a), ("b", school_b)):
        mentor = MentorFactory(
            municipality=school.municipality, last_name=f"Наставник{key.upper()}", schools=[school]
        )
        minor = MenteeFactory(school=school, last_name=f"Ученик{key.upper()}")
        ConsentFactory(mentee=minor, recorded_by=staff)
        adult = MenteeFactory(
            school=school, last_name=f"Педагог{key.upper()}", first_name="Зарема", teacher=True
        )
        programme = ProgrammeFactory(
            school=school,
            form=forms["учитель – ученик"],
            title=f"Программа {key.upper()}",
            starts_on=datetime.date(2020, 11, 1),
            ends_on=datetime.date(2021, 5, 31),
        )
        data[key] = {
            "mentor": mentor,
            "minor": minor,
            "adult": adult,
            "programme": programme,
            "school": school,
        }
    return data
