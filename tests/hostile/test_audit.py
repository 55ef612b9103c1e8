"""The audit log of personal data (152-ФЗ) is append-only in PostgreSQL itself.

A trigger refuses every UPDATE and DELETE of `registry_auditevent`, whoever sends them: the ORM,
raw SQL on Django's connection, another connection outside Django, a database restored from a
backup. What must go on working goes on: new entries, the destruction of withdrawn personal data
(it adds an entry), a backup restored into a new database; a user or a school that has entries
cannot be deleted (they are deactivated; the entry keeps who it was).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import InternalError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from core.audit import audit
from core.models import AuditEvent
from ops.backup import Database
from registry import services
from registry.retention import destroy_due
from tests.ops.test_backup import database_url, media_root, scratch_database, table_fingerprints

__all__ = ["media_root", "scratch_database"]  # fixtures, used by name

REFUSED = "только дополняется"


@pytest.fixture
def entries(registry_data, curator_a, staff):
    """A view of a mentee's card (through the page) and an export, as the product writes them."""
    client = Client()
    client.force_login(curator_a)
    minor = registry_data["a"]["minor"]
    assert client.get(reverse("registry:mentee", args=[minor.pk])).status_code == 200
    audit(staff, AuditEvent.Action.EXPORT, "mentee", detail="выгрузка реестра")
    assert AuditEvent.objects.count() == 2
    return list(AuditEvent.objects.order_by("pk").values_list())


def rows():
    return list(AuditEvent.objects.order_by("pk").values_list())


def refused(statement: str, params=()) -> str:
    """Run raw SQL on Django's connection in a savepoint; returns the database's refusal."""
    with pytest.raises(InternalError) as caught, transaction.atomic(), connection.cursor() as c:
        c.execute(statement, params)
    return str(caught.value)


@pytest.mark.django_db
def test_a_raw_update_of_an_entry_fails(entries):
    message = refused("UPDATE registry_auditevent SET detail = 'подчищено', user_id = NULL")
    assert REFUSED in message and "изменение" in message
    assert rows() == entries


@pytest.mark.django_db
def test_a_raw_delete_of_an_entry_fails(entries):
    message = refused("DELETE FROM registry_auditevent WHERE id = %s", [entries[0][0]])
    assert REFUSED in message and "удаление" in message
    assert rows() == entries


@pytest.mark.django_db
def test_the_orm_cannot_update_or_delete_entries_either(entries):
    event = AuditEvent.objects.order_by("pk").first()
    event.detail = "подчищено"
    with pytest.raises(InternalError, match=REFUSED), transaction.atomic():
        event.save()
    with pytest.raises(InternalError, match=REFUSED), transaction.atomic():
        AuditEvent.objects.update(ip="10.0.0.1")
    with pytest.raises(InternalError, match=REFUSED), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert rows() == entries


@pytest.mark.django_db
def test_new_entries_are_still_written(entries, staff):
    audit(staff, AuditEvent.Action.DENIED, "mentee", 1, detail="чужая ОО")
    assert len(rows()) == len(entries) + 1
    assert rows()[: len(entries)] == entries


@pytest.mark.django_db
def test_a_user_or_school_with_entries_cannot_be_deleted(entries, curator_a, school_a):
    with pytest.raises(ProtectedError), transaction.atomic():
        curator_a.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        school_a.delete()
    assert get_user_model().objects.filter(pk=curator_a.pk).exists()
    assert rows() == entries


@pytest.mark.django_db
def test_destruction_of_withdrawn_data_still_works_and_adds_an_entry(entries, staff, registry_data):
    minor = registry_data["a"]["minor"]
    services.withdraw_consent(
        user=staff, consent=minor.consents.get(), withdrawn_on=dt.date(2021, 1, 1)
    )
    assert destroy_due(dt.date(2021, 3, 1)) == 1
    assert rows()[: len(entries)] == entries
    last = AuditEvent.objects.order_by("pk").last()
    assert last.action == AuditEvent.Action.DESTROY and last.object_id == str(minor.pk)
    out = io.StringIO()
    call_command("destroy_withdrawn_personal_data", stdout=out)
    assert "Уничтожены персональные данные наставляемых: 0." in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_another_connection_outside_django_is_refused_too(entries):
    conn = Database.from_settings(connection.settings_dict).connect()
    try:
        for statement in (
            "UPDATE registry_auditevent SET detail = ''",
            "DELETE FROM registry_auditevent",
        ):
            with conn.cursor() as cursor, pytest.raises(Exception, match=REFUSED):
                cursor.execute(statement)
            conn.rollback()
    finally:
        conn.close()
    assert rows() == entries


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_keeps_the_entries_and_the_trigger(
    entries, scratch_database, media_root, tmp_path
):
    backups = tmp_path / "backups"
    call_command("backup_data", output_dir=str(backups), stdout=io.StringIO())
    (folder,) = backups.iterdir()
    call_command(
        "restore_data",
        str(folder),
        database_url=database_url(scratch_database),
        media_root=str(tmp_path / "restored-media"),
        stdout=io.StringIO(),
    )
    restored = table_fingerprints(scratch_database)["public.registry_auditevent"]
    assert (
        restored
        == table_fingerprints(Database.from_settings(connection.settings_dict))[
            "public.registry_auditevent"
        ]
    )
    assert restored[0] == len(entries)
    conn = scratch_database.connect()
    try:
        with conn.cursor() as cursor, pytest.raises(Exception, match=REFUSED):
            cursor.execute("UPDATE registry_auditevent SET detail = 'подчищено'")
        conn.rollback()
        with conn.cursor() as cursor, pytest.raises(Exception, match=REFUSED):
            cursor.execute("DELETE FROM registry_auditevent")
        conn.rollback()
        with conn.cursor() as cursor:  # and the restored log still takes new entries
            cursor.execute(
                "INSERT INTO registry_auditevent (at, action, object_type, object_id, detail) "
                "VALUES (now(), 'view', 'mentee', '1', '')"
            )
        conn.commit()
    finally:
        conn.close()
    assert table_fingerprints(scratch_database)["public.registry_auditevent"][0] == len(entries) + 1
