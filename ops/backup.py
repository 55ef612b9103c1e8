"""Backup and restore of the database and the uploaded files (``backup_data``,
``restore_data``): where to connect, PostgreSQL's own programs of the server's version, what a
copy holds.

    var/backups/20250301-023000/
        database.dump    pg_dump -Fc of the configured database (DATABASE_URL or the embedded one)
        media.tar.gz     MEDIA_ROOT (files on the local disk or NFS; not with S3 storage)
        manifest.json    rows per table, SHA-256 of every file, versions, when

The connection is the one Django uses (``settings.DATABASES``); the embedded server's socket
folder is the host. pg_dump is the one matching the server's major version: ``PG_BIN_DIR`` if
set, else the embedded server's own binaries (pgserver), the one on PATH and
/usr/lib/postgresql/*/bin.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import platform
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import django
import psycopg2
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import CommandError
from django.db import connections
from psycopg2 import sql

MANIFEST = "manifest.json"
DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"
FORMAT_VERSION = 1
S3_NOTE = (
    "Файлы пользователей хранятся в S3 (S3_BUCKET): их сохранность обеспечивают версионирование "
    "и репликация бакета, эта копия содержит только базу данных."
)

# libpq's own keywords that may come in OPTIONS (``?sslmode=require`` in DATABASE_URL) and the
# environment variables pg_dump and pg_restore read them from.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "sslpassword": None,
    "channel_binding": "PGCHANNELBINDING",
    "gssencmode": "PGGSSENCMODE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "passfile": "PGPASSFILE",
    "options": "PGOPTIONS",
}
# What must not leak into pg_dump from the caller's environment.
PG_CONNECTION_ENV = (
    "PGHOST",
    "PGHOSTADDR",
    "PGPORT",
    "PGDATABASE",
    "PGUSER",
    "PGPASSWORD",
    "PGSERVICE",
    "PGOPTIONS",
)


# --- the database ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """Where to connect, as Django's settings say (NAME, USER, PASSWORD, HOST, PORT, OPTIONS)."""

    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, settings_dict: dict) -> Database:
        if "postgresql" not in settings_dict.get("ENGINE", "postgresql"):
            raise CommandError("Резервное копирование поддерживается только для PostgreSQL.")
        options = tuple(
            (key, str(value))
            for key, value in (settings_dict.get("OPTIONS") or {}).items()
            if key in LIBPQ_OPTIONS and value not in (None, "")
        )
        return cls(
            name=settings_dict["NAME"],
            user=settings_dict.get("USER") or "",
            password=settings_dict.get("PASSWORD") or "",
            host=str(settings_dict.get("HOST") or ""),
            port=str(settings_dict.get("PORT") or ""),
            options=options,
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls.from_settings(dj_database_url.parse(url))

    @classmethod
    def resolve(cls, *, alias: str = "default", url: str | None = None) -> Database:
        """``--database-url`` if given, else the Django connection ``alias``."""
        if url:
            return cls.from_url(url)
        if alias not in connections:
            raise CommandError(f"В настройках нет базы данных «{alias}».")
        return cls.from_settings(connections[alias].settings_dict)

    def connect(self):
        kwargs = {"dbname": self.name, **dict(self.options)}
        for key, value in (
            ("user", self.user),
            ("password", self.password),
            ("host", self.host),
            ("port", self.port),
        ):
            if value:
                kwargs[key] = value
        kwargs.setdefault("application_name", "cmn-backup")
        try:
            return psycopg2.connect(**kwargs)
        except psycopg2.OperationalError as exc:
            raise CommandError(
                f"Не удалось подключиться к базе {self.describe()}: {exc}".strip()
            ) from exc

    def env(self) -> dict[str, str]:
        """The environment for pg_dump / pg_restore: the password never on the command line."""
        env = {k: v for k, v in os.environ.items() if k not in PG_CONNECTION_ENV}
        for var, value in (
            ("PGDATABASE", self.name),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGHOST", self.host),
            ("PGPORT", self.port),
        ):
            if value:
                env[var] = value
        for key, value in self.options:
            if LIBPQ_OPTIONS.get(key):
                env[LIBPQ_OPTIONS[key]] = value
        env["PGAPPNAME"] = "cmn-backup"
        return env

    def describe(self) -> str:
        where = self.host or "localhost"
        if self.port:
            where += f":{self.port}"
        return f"«{self.name}» ({where})"


def server_version(cursor) -> tuple[int, str]:
    cursor.execute("SELECT current_setting('server_version_num')::int, version()")
    number, text = cursor.fetchone()
    return number // 10000, text


USER_SCHEMAS = """
    n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_%'
"""


def user_tables(cursor) -> list[tuple[str, str]]:
    cursor.execute(
        f"""
        SELECT n.nspname, c.relname
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND {USER_SCHEMAS}
        ORDER BY 1, 2
        """
    )
    return cursor.fetchall()


def row_counts(cursor) -> dict[str, int]:
    """Rows in every table of the database, as ``{"schema.table": count}``."""
    counts = {}
    for schema, table in user_tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table)))
        counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def applied_migrations(cursor) -> dict[str, str]:
    """The last applied migration of each app (what code version the data is for)."""
    cursor.execute("SELECT to_regclass('public.django_migrations') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return {}
    cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
    return dict(cursor.fetchall())


# --- PostgreSQL's programs --------------------------------------------------------------------


@dataclass(frozen=True)
class Tool:
    path: str
    major: int
    version: str


def _candidate_dirs() -> list[Path]:
    explicit = os.environ.get("PG_BIN_DIR", "").strip()
    if explicit:
        return [Path(explicit)]
    dirs = []
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.origin:
        dirs.append(Path(spec.origin).parent / "pginstall" / "bin")
    dirs.extend(Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p)
    dirs.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    return dirs


def find_tools(name: str) -> list[Tool]:
    tools, seen = [], set()
    for folder in _candidate_dirs():
        path = folder / name
        if not path.is_file() or not os.access(path, os.X_OK):
            continue
        real = path.resolve()
        if real in seen:
            continue
        seen.add(real)
        try:
            out = subprocess.run(
                [str(path), "--version"], capture_output=True, text=True, timeout=30
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        match = re.search(r"(\d+)(?:\.(\d+))?", out)
        if match:
            tools.append(Tool(str(path), int(match.group(1)), out.strip()))
    return tools


def pick_tool(name: str, *, server_major: int, at_least: int | None = None) -> Tool:
    """The program of the server's major version; else the oldest newer one."""
    at_least = max(server_major, at_least or 0)
    tools = find_tools(name)
    for tool in tools:
        if tool.major == server_major and tool.major >= at_least:
            return tool
    newer = sorted((t for t in tools if t.major >= at_least), key=lambda t: t.major)
    if newer:
        return newer[0]
    found = ", ".join(f"{t.path} ({t.major})" for t in tools) or "ни одного"
    raise CommandError(
        f"Не найден {name} версии PostgreSQL {at_least} или новее (найдены: {found}). "
        "Установите клиентские программы этой версии или укажите их папку в PG_BIN_DIR."
    )


def run_tool(tool: Tool, args: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run([tool.path, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise CommandError(f"{what}: {Path(tool.path).name} завершился с ошибкой:\n{detail}")


# --- files ---------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def local_media_root() -> Path | None:
    """MEDIA_ROOT when the files are on the local disk (or NFS); None with S3."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location)
    return None


def versions(tool: Tool, server_text: str) -> dict[str, str]:
    try:
        from importlib.metadata import version

        application = version("argun-mentoring")
    except Exception:
        application = "unknown"
    return {
        "application": application,
        "django": django.get_version(),
        "python": platform.python_version(),
        "psycopg2": psycopg2.__version__.split()[0],
        "postgresql": server_text,
        "pg_dump": tool.version,
    }
