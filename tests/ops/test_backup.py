"""``backup_data`` and ``restore_data``: a copy of the test database and its files, restored into
a new database on the same server, is the same table by table and byte by byte."""

from __future__ import annotations

import dataclasses
import datetime
import io
import json
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg2 import sql

from ops.backup import Database, user_tables
from registry import services as registry_services
from roadmap import services as roadmap_services
from roadmap.models import Evidence, Execution
from tests.roadmap.files_helpers import PDF_BYTES, PNG_BYTES, docx_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)


def database_url(db: Database) -> str:
    port = f":{db.port}" if db.port else ""
    return (
        f"postgresql://{quote(db.user)}:{quote(db.password)}@{quote(db.host, safe='')}{port}/"
        f"{db.name}"
    )


def table_fingerprints(db: Database) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its whole content."""
    conn = db.connect()
    try:
        with conn.cursor() as cursor:
            found = {}
            for schema, table in user_tables(cursor):
                cursor.execute(
                    sql.SQL(
                        "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' "
                        "ORDER BY t::text), '')) FROM {} AS t"
                    ).format(sql.Identifier(schema, table))
                )
                found[f"{schema}.{table}"] = cursor.fetchone()
            return found
    finally:
        conn.close()


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def scratch_database():
    """A new, empty database on the test server, dropped afterwards."""
    this = Database.from_settings(connection.settings_dict)
    scratch = Database(
        name=f"cmn_restore_{uuid.uuid4().hex[:10]}",
        user=this.user,
        password=this.password,
        host=this.host,
        port=this.port,
        options=this.options,
    )
    admin = dataclasses.replace(scratch, name="postgres").connect()
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch.name)))
        yield scratch
    finally:
        with admin.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(scratch.name)
                )
            )
        admin.close()


@pytest.fixture
def data_with_files(roadmap, registry_data, staff, curator_a, school_a, media_root):
    """The seed roadmap, the registry, a school's report with two files and a consent scan."""
    execution = Execution.objects.get(
        measure__section__roadmap=roadmap, measure__number="1.7", school=school_a
    )
    roadmap_services.submit_report(
        user=curator_a,
        execution=execution,
        text="Приказ издан, положение утверждено",
        completed_on=datetime.date(2020, 10, 20),
        files=[upload("Приказ.pdf", PDF_BYTES), upload("Положение.docx", docx_bytes())],
    )
    registry_services.record_consent(
        user=staff,
        mentee=registry_data["b"]["minor"],
        representative_name="Отец О. О.",
        relation="father",
        document="паспорт 96 00 111111",
        given_on=datetime.date(2020, 9, 2),
        scan=upload("скан согласия.png", PNG_BYTES),
    )
    assert Evidence.objects.count() == 2
    return roadmap


def test_backup_restores_into_a_new_database_table_by_table_and_byte_by_byte(
    data_with_files, media_root, scratch_database, tmp_path
):
    backups = tmp_path / "backups"
    out = io.StringIO()
    call_command("backup_data", output_dir=str(backups), stdout=out)
    (folder,) = backups.iterdir()
    assert "Резервная копия готова" in out.getvalue()
    assert {p.name for p in folder.iterdir()} == {"database.dump", "media.tar.gz", "manifest.json"}
    assert (folder.stat().st_mode & 0o077) == 0  # personal data: the owner's only

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    this = Database.from_settings(connection.settings_dict)
    source = table_fingerprints(this)
    assert manifest["database"]["tables"] == {name: rows for name, (rows, _) in source.items()}
    assert manifest["database"]["tables"]["public.roadmap_evidence"] == 2
    assert manifest["database"]["tables"]["public.roadmap_measure"] > 30
    originals = files_under(media_root)
    assert len(originals) == 3
    assert set(manifest["media"]["files"]) == set(originals)
    assert manifest["database"]["migrations"]["roadmap"]
    assert manifest["versions"]["pg_dump"] and manifest["versions"]["django"]
    assert manifest["created_at"]

    restored_media = tmp_path / "restored-media"
    out = io.StringIO()
    call_command(
        "restore_data",
        str(folder),
        database_url=database_url(scratch_database),
        media_root=str(restored_media),
        stdout=out,
    )
    report = out.getvalue()
    assert "Сверка с манифестом: строки по таблицам" in report
    assert "public.roadmap_evidence" in report and "РАСХОЖДЕНИЕ" not in report
    assert "файлы — в копии 3, совпали 3" in report

    # Independently of the command's own check: every table equal, every file byte-identical.
    restored = table_fingerprints(scratch_database)
    assert restored.keys() == source.keys()
    differing = [name for name in source if source[name] != restored[name]]
    assert not differing, differing
    assert files_under(restored_media) == originals

    # A second restore into the now non-empty database is refused, and changes nothing.
    with pytest.raises(CommandError, match=r"не пуста.*только в пустую базу.*--force"):
        call_command(
            "restore_data",
            str(folder),
            database_url=database_url(scratch_database),
            media_root=str(tmp_path / "elsewhere"),
            stdout=io.StringIO(),
        )
    assert table_fingerprints(scratch_database) == restored

    # --force drops the public schema and restores again, just as equal.
    out = io.StringIO()
    call_command(
        "restore_data",
        str(folder),
        database_url=database_url(scratch_database),
        media_root=str(restored_media),
        force=True,
        stdout=out,
    )
    assert "--force: схема public" in out.getvalue()
    assert table_fingerprints(scratch_database) == source


def test_restore_into_the_working_database_is_refused(roadmap, media_root, tmp_path):
    backups = tmp_path / "backups"
    call_command("backup_data", output_dir=str(backups), stdout=io.StringIO())
    (folder,) = backups.iterdir()
    before = table_fingerprints(Database.from_settings(connection.settings_dict))
    with pytest.raises(CommandError, match="не пуста"):
        call_command(
            "restore_data", str(folder), media_root=str(tmp_path / "m"), stdout=io.StringIO()
        )
    assert table_fingerprints(Database.from_settings(connection.settings_dict)) == before


def test_a_damaged_copy_is_refused_before_touching_the_database(
    roadmap, media_root, scratch_database, tmp_path
):
    backups = tmp_path / "backups"
    call_command("backup_data", output_dir=str(backups), stdout=io.StringIO())
    (folder,) = backups.iterdir()
    dump = folder / "database.dump"
    dump.chmod(0o600)
    dump.write_bytes(dump.read_bytes()[:-10])
    with pytest.raises(CommandError, match="повреждён"):
        call_command(
            "restore_data",
            str(folder),
            database_url=database_url(scratch_database),
            media_root=str(tmp_path / "m"),
            stdout=io.StringIO(),
        )
    assert table_fingerprints(scratch_database) == {}


def test_with_s3_storage_only_the_database_is_copied(roadmap, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "cmn-media", "endpoint_url": "http://127.0.0.1:9"},
        },
    }
    backups = tmp_path / "backups"
    out = io.StringIO()
    call_command("backup_data", output_dir=str(backups), stdout=out)
    (folder,) = backups.iterdir()
    assert "версионирование и репликация бакета" in out.getvalue()
    assert {p.name for p in folder.iterdir()} == {"database.dump", "manifest.json"}
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["media"]["storage"] == "s3"
