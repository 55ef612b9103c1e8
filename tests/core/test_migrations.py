"""The tenant models moved from the registry to `core` without moving a row: a database
filled before the move is migrated forward and read through the new models."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from core.models import AuditEvent, Department, Municipality, Profile, School
from registry.models import Mentee
from roadmap.models import Roadmap

BEFORE_THE_MOVE = [
    ("core", None),
    ("registry", "0011_audit_append_only"),
    ("roadmap", "0006_printed_numbers"),
    ("monitoring", "0001_initial"),
]
MOVED = ("municipality", "department", "school", "profile", "accountstate", "auditevent")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def triggers_on(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        return {row[0] for row in cursor.fetchall()}


def fill_before_the_move(old) -> dict:
    """Rows written through the models as they were before the move (historical models)."""
    User = old.get_model("auth", "User")
    OldContentType = old.get_model("contenttypes", "ContentType")
    municipality = old.get_model("registry", "Municipality").objects.create(name="г. Аргун")
    old.get_model("registry", "Department").objects.create(
        municipality=municipality,
        full_name="Департамент образования г. Аргун",
        short_name="Департамент",
        header_lines="Департамент образования",
        city="г. Аргун",
        head_position="Начальник",
        head_name="И.И. Иванов",
    )
    school = old.get_model("registry", "School").objects.create(
        municipality=municipality, full_name="Средняя школа № 1", short_name="СОШ № 1"
    )
    user = User.objects.create(username="curator-before-the-move")
    old.get_model("registry", "Profile").objects.create(
        user=user, municipality=municipality, school=school
    )
    event = old.get_model("registry", "AuditEvent").objects.create(
        user=user, action="view", object_type="mentee", object_id="1", school=school
    )
    mentee = old.get_model("registry", "Mentee").objects.create(
        municipality=municipality,
        school=school,
        last_name="Ученикова",
        first_name="Анна",
        birth_date=dt.date(2012, 5, 1),
        kind="pupil",
    )
    roadmap = old.get_model("roadmap", "Roadmap").objects.create(
        municipality=municipality,
        title="Дорожная карта",
        school_year_start=2020,
        period_start=dt.date(2020, 9, 1),
        period_end=dt.date(2021, 8, 31),
    )
    old.get_model("roadmap", "Participation").objects.create(roadmap=roadmap, school=school)
    school_type = OldContentType.objects.get(app_label="registry", model="school")
    LogEntry.objects.create(  # the admin's table is not touched by the move
        user_id=user.pk,
        content_type_id=school_type.pk,
        object_id=str(school.pk),
        object_repr="СОШ № 1",
        action_flag=2,
        change_message="[]",
        action_time=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
    )
    return {"school": school.pk, "event": event.pk, "mentee": mentee.pk, "roadmap": roadmap.pk}


@pytest.mark.django_db(transaction=True)
def test_a_populated_database_migrates_to_core():
    try:
        old = migrate(BEFORE_THE_MOVE)
        assert triggers_on("registry_auditevent") == {"pgtrigger_append_only_22869"}
        assert not ContentType.objects.filter(app_label="core").exists()
        ids = fill_before_the_move(old)

        migrate(latest())

        school = School.objects.select_related("municipality__department").get(pk=ids["school"])
        assert school.short_name == "СОШ № 1"
        assert school.municipality.department.short_name == "Департамент"
        assert Department.objects.count() == Municipality.objects.count() == 1
        assert Profile.objects.get(user__username="curator-before-the-move").school == school
        assert Mentee.objects.get(pk=ids["mentee"]).school == school
        roadmap = Roadmap.objects.get(pk=ids["roadmap"])
        assert list(roadmap.schools.all()) == [school]
        assert roadmap.municipality == school.municipality
        event = AuditEvent.objects.get(pk=ids["event"])
        assert (event.school, event.object_type) == (school, "mentee")

        # One guard on the log, under its new name, and it still refuses changes.
        assert triggers_on("registry_auditevent") == {"pgtrigger_append_only_6d6e0"}
        for change in (
            lambda: AuditEvent.objects.filter(pk=event.pk).update(detail="подчищено"),
            lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        ):
            with pytest.raises(DatabaseError, match="только дополняется"), transaction.atomic():
                change()

        # Content types, permissions and the admin's log follow the models.
        for model in MOVED:
            assert not ContentType.objects.filter(app_label="registry", model=model).exists()
        school_type = ContentType.objects.get_for_model(School)
        assert school_type.app_label == "core"
        assert Permission.objects.filter(content_type=school_type, codename="change_school")
        assert LogEntry.objects.get(object_id=str(school.pk)).content_type == school_type
    finally:
        migrate(latest())
