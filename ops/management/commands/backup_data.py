"""``manage.py backup_data`` (``make backup``): the database and the uploaded files, in one folder
(its layout: ops/backup.py).

The row counts are taken in the very snapshot pg_dump dumps (``pg_export_snapshot`` /
``pg_dump --snapshot``), so ``restore_data`` can compare them exactly, even if users kept
working during the backup. Works against a streaming replica too (PostgreSQL 10+).
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import shutil
import tarfile
from pathlib import Path

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from ops.backup import (
    DATABASE_FILE,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_FILE,
    S3_NOTE,
    Database,
    applied_migrations,
    local_media_root,
    media_files,
    pick_tool,
    row_counts,
    run_tool,
    server_version,
    sha256_of,
    versions,
)


class Command(BaseCommand):
    help = (
        "Резервная копия: база данных (pg_dump -Fc) и файлы пользователей (MEDIA_ROOT, tar.gz) "
        "в var/backups/<дата-время>/ с manifest.json (строки по таблицам, SHA-256 файлов, "
        "версии). Восстановление — manage.py restore_data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=str(Path(settings.BASE_DIR) / "var" / "backups"),
            help="Куда складывать копии (по умолчанию var/backups).",
        )
        parser.add_argument(
            "--database", default="default", help="Псевдоним базы из настроек (default)."
        )
        parser.add_argument(
            "--database-url",
            default=None,
            help="Копировать эту базу, а не базу из настроек (например, с реплики).",
        )
        parser.add_argument(
            "--no-media", action="store_true", help="Только база данных, без файлов."
        )

    def handle(self, *args, **options):
        database = Database.resolve(alias=options["database"], url=options["database_url"])
        out_root = Path(options["output_dir"]).resolve()
        out_root.mkdir(parents=True, exist_ok=True)
        created = timezone.now()
        stamp = timezone.localtime(created).strftime("%Y%m%d-%H%M%S")
        final = out_root / stamp
        suffix = 1
        while final.exists() or final.with_name(final.name + ".partial").exists():
            suffix += 1
            final = out_root / f"{stamp}-{suffix}"
        partial = final.with_name(final.name + ".partial")
        # Personal data (152-ФЗ): the copy is readable by its owner only.
        partial.mkdir(mode=0o700)
        try:
            manifest = self.make_backup(database, partial, created, options)
            (partial / MANIFEST).write_text(
                json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            for path in partial.iterdir():
                path.chmod(0o600)
            partial.rename(final)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        tables = manifest["database"]["tables"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Резервная копия готова: {final}\n"
                f"  база {database.describe()}: таблиц {len(tables)}, "
                f"строк {sum(tables.values())}, "
                f"{manifest['database']['size']} байт"
                + (
                    f"\n  файлов: {len(manifest['media']['files'])}"
                    if manifest["media"]["storage"] == "filesystem"
                    else ""
                )
            )
        )
        return None

    def make_backup(self, database: Database, folder: Path, created, options) -> dict:
        dump_path = folder / DATABASE_FILE
        conn = database.connect()
        try:
            conn.set_session(
                isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ,
                readonly=True,
            )
            with conn.cursor() as cursor:
                major, server_text = server_version(cursor)
                cursor.execute("SELECT pg_is_in_recovery()")
                standby = cursor.fetchone()[0]
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                # In the exported snapshot: exactly the rows pg_dump will write.
                counts = row_counts(cursor)
                migrations = applied_migrations(cursor)
                tool = pick_tool("pg_dump", server_major=major)
                self.stdout.write(
                    f"Копирование базы {database.describe()}"
                    f"{' (реплика)' if standby else ''}: {Path(tool.path).name} {tool.major}…"
                )
                run_tool(
                    tool,
                    [
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        f"--file={dump_path}",
                        database.name,
                    ],
                    database.env(),
                    "Копирование базы данных",
                )
            conn.rollback()
        finally:
            conn.close()

        media: dict = {"storage": "filesystem", "file": MEDIA_FILE, "files": {}}
        root = None if options["no_media"] else local_media_root()
        if options["no_media"]:
            media = {
                "storage": "skipped",
                "files": {},
                "note": "Файлы не копировались (--no-media).",
            }
        elif root is None:
            media = {"storage": "s3", "files": {}, "note": S3_NOTE}
            self.stdout.write(self.style.WARNING(S3_NOTE))
        else:
            media["root"] = str(root)
            self.stdout.write(f"Копирование файлов из {root}…")
            with tarfile.open(folder / MEDIA_FILE, "w:gz", compresslevel=6) as archive:
                for path in media_files(root):
                    relative = path.relative_to(root).as_posix()
                    media["files"][relative] = {
                        "sha256": sha256_of(path),
                        "size": path.stat().st_size,
                    }
                    archive.add(path, arcname=relative, recursive=False)

        return {
            "format": FORMAT_VERSION,
            "created_at": created.isoformat(),
            "created_at_local": timezone.localtime(created).isoformat(),
            "host": platform.node(),
            "database": {
                "file": DATABASE_FILE,
                "sha256": sha256_of(dump_path),
                "size": dump_path.stat().st_size,
                "name": database.name,
                "server": database.describe(),
                "standby": standby,
                "server_major": major,
                "pg_dump_major": tool.major,
                "tables": counts,
                "migrations": migrations,
            },
            "media": media,
            "versions": versions(tool, server_text),
            "finished_at": dt.datetime.now(dt.UTC).isoformat(),
        }
