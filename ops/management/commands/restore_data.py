"""``manage.py restore_data var/backups/<stamp>`` (``make restore BACKUP=...``): back from a copy.

Into an EMPTY database only (a new one, or ``--force``: the public schema is dropped and
recreated). pg_restore ``--no-owner --no-privileges --exit-on-error --single-transaction``:
a failure leaves the database empty, never half-restored. Then the files are unpacked into
MEDIA_ROOT (or ``--media-root``) and everything is compared with the manifest: rows in each
table and the SHA-256 of each file; any difference ends the command with an error.

``--dry-run`` checks the copy (checksum, the dump's table of contents read by pg_restore
--list), the target database and the media folder, and prints what a restore would do; it
changes nothing: no schema dropped, nothing restored, no file written.
"""

from __future__ import annotations

import json
import subprocess
import tarfile
from pathlib import Path, PurePosixPath

from django.core.management.base import BaseCommand, CommandError
from django.db.migrations.loader import MigrationLoader

from ops.backup import (
    DATABASE_FILE,
    MANIFEST,
    MEDIA_FILE,
    USER_SCHEMAS,
    Database,
    applied_migrations,
    local_media_root,
    media_files,
    pick_tool,
    row_counts,
    run_tool,
    server_version,
    sha256_of,
)


def relations_in(cursor) -> list[str]:
    """Tables, views and sequences in the database's own schemas."""
    cursor.execute(
        f"""
        SELECT n.nspname || '.' || c.relname
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND {USER_SCHEMAS}
        ORDER BY 1
        """
    )
    return [row[0] for row in cursor.fetchall()]


def safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts:
            raise CommandError(f"В архиве файлов недопустимый путь: {member.name}")
        if not (member.isfile() or member.isdir()):
            raise CommandError(f"В архиве файлов не файл: {member.name}")
        members.append(member)
    return members


class Command(BaseCommand):
    help = (
        "Восстанавливает резервную копию (папку из var/backups) в ПУСТУЮ базу данных: "
        "pg_restore, затем файлы пользователей и сверка с manifest.json (строки по таблицам, "
        "SHA-256 файлов)."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="Папка копии, например var/backups/20250301-023000.")
        parser.add_argument(
            "--database", default="default", help="Псевдоним базы из настроек (default)."
        )
        parser.add_argument(
            "--database-url",
            default=None,
            help="Восстановить в эту базу (например, новую, для проверки копии).",
        )
        parser.add_argument(
            "--media-root",
            default=None,
            help="Куда распаковать файлы (по умолчанию MEDIA_ROOT из настроек).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Удалить всё в схеме public целевой базы и восстановить поверх; "
            "распаковать файлы в непустую папку.",
        )
        parser.add_argument(
            "--no-media", action="store_true", help="Только база данных, без файлов."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Пробный запуск: проверить копию, базу и папку файлов и показать, что будет "
            "сделано, ничего не изменяя.",
        )

    def handle(self, *args, **options):
        folder = Path(options["backup"]).resolve()
        manifest = self.read_manifest(folder)
        database = Database.resolve(alias=options["database"], url=options["database_url"])
        media = manifest.get("media") or {}
        media_root = None
        restore_media = not options["no_media"] and media.get("storage") == "filesystem"
        if restore_media:
            media_root = (
                Path(options["media_root"]).resolve()
                if options["media_root"]
                else local_media_root()
            )
            if media_root is None:
                raise CommandError(
                    "В копии есть файлы пользователей, а файлы сейчас хранятся в S3: "
                    "укажите --media-root для распаковки или --no-media."
                )
            if media_files(media_root) and not options["force"]:
                raise CommandError(
                    f"Папка файлов {media_root} не пуста. Распакуйте копию в пустую папку "
                    "(--media-root) или запустите с --force, чтобы записать файлы поверх."
                )
        elif media.get("storage") == "s3":
            self.stdout.write(self.style.WARNING(media.get("note", "")))

        if options["dry_run"]:
            self.dry_run(database, folder, manifest, media_root, force=options["force"])
            return
        self.restore_database(database, folder, manifest, force=options["force"])
        if restore_media:
            self.restore_media(folder, media_root)
        ok = self.verify(database, manifest, media_root if restore_media else None)
        if not ok:
            raise CommandError(
                "Проверка не пройдена: восстановленные данные не совпадают с копией."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Копия {folder.name} восстановлена в базу {database.describe()}.")
        )

    # --- steps ---------------------------------------------------------------------------------

    def read_manifest(self, folder: Path) -> dict:
        path = folder / MANIFEST
        if not path.is_file():
            raise CommandError(f"В папке {folder} нет {MANIFEST}: это не резервная копия.")
        manifest = json.loads(path.read_text(encoding="utf-8"))
        dump = folder / manifest["database"].get("file", DATABASE_FILE)
        if not dump.is_file():
            raise CommandError(f"В копии нет файла базы данных {dump.name}.")
        if sha256_of(dump) != manifest["database"]["sha256"]:
            raise CommandError(
                f"Файл {dump.name} повреждён: его SHA-256 не совпадает с записанным в манифесте."
            )
        media = manifest.get("media", {})
        if (
            media.get("storage") == "filesystem"
            and not (folder / media.get("file", MEDIA_FILE)).is_file()
        ):
            raise CommandError(f"В копии нет архива файлов {MEDIA_FILE}.")
        self.stdout.write(
            f"Копия от {manifest.get('created_at_local', manifest.get('created_at'))}: "
            f"база {manifest['database'].get('server', '')}, "
            f"приложение {manifest.get('versions', {}).get('application', '?')}."
        )
        return manifest

    def check_target(self, cursor, database: Database, force: bool) -> list[str]:
        """The relations already in the target; refused unless empty (or --force on public)."""
        existing = relations_in(cursor)
        if existing and not force:
            examples = ", ".join(existing[:5]) + (" …" if len(existing) > 5 else "")
            raise CommandError(
                f"База {database.describe()} не пуста: в ней уже есть таблицы и другие "
                f"объекты (всего {len(existing)}: {examples}). Восстановление "
                "выполняется только в пустую базу: создайте новую (CREATE DATABASE) и "
                "укажите её в DATABASE_URL или --database-url. Чтобы удалить всё в "
                "схеме public этой базы и восстановить поверх, запустите с --force."
            )
        others = [name for name in existing if not name.startswith("public.")]
        if others:
            raise CommandError(
                f"В базе {database.describe()} есть объекты вне схемы public "
                f"({', '.join(others[:5])}); --force удаляет только public. "
                "Удалите их вручную или восстановите в новую базу."
            )
        return existing

    def restore_database(self, database: Database, folder: Path, manifest: dict, force: bool):
        conn = database.connect()
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                major, _ = server_version(cursor)
                existing = self.check_target(cursor, database, force)
                if existing:
                    self.stdout.write(
                        self.style.WARNING(
                            f"--force: схема public базы {database.describe()} удаляется "
                            f"(объектов в ней: {len(existing)}) и создаётся заново."
                        )
                    )
                    cursor.execute("DROP SCHEMA public CASCADE")
                    cursor.execute("CREATE SCHEMA public")
        finally:
            conn.close()

        tool = pick_tool(
            "pg_restore",
            server_major=major,
            at_least=manifest["database"].get("pg_dump_major"),
        )
        self.stdout.write(
            f"Восстановление базы {database.describe()}: {Path(tool.path).name} {tool.major}…"
        )
        run_tool(
            tool,
            [
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={database.name}",
                str(folder / manifest["database"].get("file", DATABASE_FILE)),
            ],
            database.env(),
            "Восстановление базы данных",
        )
        conn = database.connect()
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute("ANALYZE")  # pg_restore leaves the planner without statistics
        finally:
            conn.close()

    def dry_run(
        self, database: Database, folder: Path, manifest: dict, media_root: Path | None, force
    ) -> None:
        """What a restore would do, with every check it makes first; nothing is changed."""
        conn = database.connect()
        try:
            conn.set_session(readonly=True)
            with conn.cursor() as cursor:
                major, _ = server_version(cursor)
                existing = self.check_target(cursor, database, force)
        finally:
            conn.close()
        tool = pick_tool(
            "pg_restore", server_major=major, at_least=manifest["database"].get("pg_dump_major")
        )
        dump = folder / manifest["database"].get("file", DATABASE_FILE)
        listing = subprocess.run(
            [tool.path, "--list", str(dump)], capture_output=True, text=True, check=False
        )
        if listing.returncode != 0:
            raise CommandError(
                f"Файл {dump.name} не читается программой pg_restore: {listing.stderr.strip()}"
            )
        entries = [line for line in listing.stdout.splitlines() if line and line[0] != ";"]
        tables = manifest["database"]["tables"]
        lines = [
            "Пробный запуск (--dry-run): ничего не изменено.",
            f"Восстановление в базу {database.describe()} выполнило бы:",
        ]
        if existing:
            lines.append(
                f"  — удаление схемы public со всем содержимым (объектов: {len(existing)}) "
                "и создание её заново (--force);"
            )
        lines.append(
            f"  — {Path(tool.path).name} {tool.major}: {len(entries)} объектов копии, "
            f"таблиц {len(tables)}, строк {sum(tables.values())}:"
        )
        width = max((len(name) for name in tables), default=10)
        lines += [f"      {name.ljust(width)}  {rows:>9}" for name, rows in sorted(tables.items())]
        if media_root is not None:
            files = manifest["media"]["files"]
            size = sum(info.get("size", 0) for info in files.values())
            lines.append(
                f"  — распаковку файлов пользователей в {media_root}: {len(files)} "
                f"(всего {size} байт)"
                + (", поверх имеющихся (--force)" if media_files(media_root) else "")
                + ";"
            )
        else:
            lines.append("  — файлы пользователей не восстанавливаются;")
        lines.append("  — сверку строк по таблицам и SHA-256 файлов с manifest.json.")
        self.stdout.write("\n".join(lines))

    def restore_media(self, folder: Path, media_root: Path) -> None:
        self.stdout.write(f"Распаковка файлов в {media_root}…")
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / MEDIA_FILE, "r:gz") as archive:
            archive.extractall(media_root, members=safe_members(archive), filter="data")

    # --- the comparison ------------------------------------------------------------------------

    def verify(self, database: Database, manifest: dict, media_root: Path | None) -> bool:
        expected = manifest["database"]["tables"]
        conn = database.connect()
        try:
            with conn.cursor() as cursor:
                actual = row_counts(cursor)
                migrations = applied_migrations(cursor)
        finally:
            conn.close()
        ok = True
        width = max((len(name) for name in {*expected, *actual}), default=10)
        self.stdout.write("\nСверка с манифестом: строки по таблицам")
        self.stdout.write(f"  {'таблица'.ljust(width)}  {'в копии':>9}  {'в базе':>9}")
        for name in sorted({*expected, *actual}):
            want, got = expected.get(name), actual.get(name)
            same = want == got
            ok &= same
            mark = "ok" if same else "РАСХОЖДЕНИЕ"
            self.stdout.write(
                f"  {name.ljust(width)}  {'—' if want is None else want:>9}  "
                f"{'—' if got is None else got:>9}  {mark}"
            )
        self.stdout.write(
            f"  всего: таблиц {len(expected)} / {len(actual)}, строк "
            f"{sum(expected.values())} / {sum(actual.values())}"
        )

        if media_root is not None:
            files = manifest["media"]["files"]
            matched, problems = 0, []
            for relative, info in sorted(files.items()):
                path = media_root / relative
                if not path.is_file():
                    problems.append(f"  нет файла: {relative}")
                elif sha256_of(path) != info["sha256"]:
                    problems.append(f"  SHA-256 не совпадает: {relative}")
                else:
                    matched += 1
            self.stdout.write(
                f"\nСверка с манифестом: файлы — в копии {len(files)}, совпали {matched}"
            )
            for line in problems:
                self.stdout.write(self.style.ERROR(line))
            ok &= not problems

        self.report_migrations(migrations)
        return ok

    def report_migrations(self, applied: dict[str, str]) -> None:
        """Whether this code matches the restored data: migrate, or install another release."""
        disk: dict[str, str] = {}
        for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations:
            disk[app] = max(disk.get(app, ""), name)
        newer = [f"{app}.{name}" for app, name in applied.items() if name > disk.get(app, name)]
        older = [app for app, name in disk.items() if name > applied.get(app, "")]
        if newer:
            self.stdout.write(
                self.style.WARNING(
                    "Копия сделана более новой версией приложения (миграции "
                    f"{', '.join(newer)} этой версии неизвестны): установите тот же выпуск."
                )
            )
        elif older:
            self.stdout.write(
                self.style.WARNING(
                    "Копия сделана более старой версией приложения: выполните "
                    "manage.py migrate перед запуском."
                )
            )
