"""The test database made from a migrated template, kept between runs while the migrations
stay the same.

Migrating a new test database takes most of a run's start (every app's migrations, the
triggers, the permissions). So the first run keeps a copy of the freshly migrated test
database as a template, named after a digest of every installed app's migration files; the
next runs create the test database from it (``CREATE DATABASE … TEMPLATE``, PostgreSQL's file
copy) and ``migrate`` finds nothing to apply. A changed, added or removed migration changes
the digest: the template is made again and the old one dropped. Nothing the tests write ever
reaches the template: it is copied before the first test and never connected to. ``pytest
--create-db`` makes it again regardless.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

TEMPLATE_PREFIX = "argun_tpl_"
LOCK_FILE = Path(__file__).resolve().parent.parent / ".pgdata-test-template.lock"


def worker() -> str:
    """The pytest-xdist worker this process is (``gw0``…), or "" when the run is not split."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


class TemplateLock:
    """An exclusive lock on a file beside the test server's folder, so that of the workers
    started together only one migrates and keeps the template; it ends with the process."""

    def __init__(self, path: Path = LOCK_FILE):
        self.path = path
        self.handle = None

    def acquire(self) -> None:
        self.handle = open(self.path, "a")  # noqa: SIM115 - held until release()
        fcntl.flock(self.handle, fcntl.LOCK_EX)

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def migrations_digest() -> str:
    """A digest of every installed app's migration files (names and contents)."""
    from django.apps import apps

    digest = hashlib.sha256()
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        digest.update(config.label.encode())
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def template_name() -> str:
    return TEMPLATE_PREFIX + migrations_digest()


def usable(connection) -> bool:
    """Whether the default database is a PostgreSQL the template can serve."""
    test = connection.settings_dict.get("TEST", {})
    return connection.vendor == "postgresql" and not test.get("MIRROR")


def exists(connection, name: str) -> bool:
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def save(connection, name: str) -> None:
    """Copy the just migrated test database into the template ``name``, dropping older ones."""
    test_name = connection.settings_dict["NAME"]
    connection.close()
    quote = connection.ops.quote_name
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
            [TEMPLATE_PREFIX + "%", name],
        )
        for (old,) in cursor.fetchall():
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(old)}")
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
        cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(test_name)}")


def drop(connection, name: str) -> None:
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
