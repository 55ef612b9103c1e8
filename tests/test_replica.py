"""A streaming replica on loopback and the router that reads from it.

The replica is a physical copy of the suite's own embedded PostgreSQL (``.pgdata-test``, where
the test database lives), taken with ``pg_basebackup -R`` into ``.pgdata-replica-test/standby``
and started by the embedded server's own ``postgres`` on 127.0.0.1 as a hot standby streaming
from it. The primary needs nothing changed: ``wal_level = replica``, ``max_wal_senders`` and the
``replication`` lines of ``pg_hba.conf`` are PostgreSQL's defaults for a new cluster. The
``replica`` database is added to the connections as ``DATABASE_REPLICA_URL`` would add it
(``argun_mentoring.replica.replica_database``).

Pages read from the replica is shown, not assumed: with the standby's replay paused
(``pg_wal_replay_pause()``), a row written on the primary is missing from a page that reads
from the replica and present on one that reads from the primary.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from types import SimpleNamespace

import psycopg2
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import DatabaseError, connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from argun_mentoring import replica
from registry.models import Mentee

FOLDER = Path(settings.BASE_DIR) / ".pgdata-replica-test"
CLUSTER_NAME = "cmn-replica-test"  # the standby's application_name in pg_stat_replication
WAIT_SECONDS = 15
with_replica = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(what: str, check, seconds: float = WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.05)


class Standby:
    """A hot standby of the test server, run by the embedded server's programs as the owner of
    the primary's data folder (pgserver runs the server as ``pgserver`` when started by root)."""

    def __init__(self, primary: dict, bin_dir: Path, owner: int, group: int):
        self.primary = primary
        self.bin = bin_dir
        self.owner, self.group = owner, group
        self.data = FOLDER / "standby"
        self.log = FOLDER / "standby.log"
        self.port = _free_port()
        self.paused = False

    def run(self, program: str, *args: str, timeout: float = 60) -> str:
        as_owner = (
            {"user": self.owner, "group": self.group, "extra_groups": []}
            if os.geteuid() != self.owner
            else {}
        )
        # Files, not pipes: the server started by pg_ctl would hold a pipe open.
        with tempfile.TemporaryFile("w+") as out:
            result = subprocess.run(
                [str(self.bin / program), *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=timeout,
                check=False,
                **as_owner,
            )
            out.seek(0)
            output = out.read()
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{program} {' '.join(args)}:\n{output}\n{log}")
        return output

    def clear(self) -> None:
        """Stop a standby left running by an interrupted run and remove the folder."""
        if (self.data / "postmaster.pid").exists():
            with suppress(RuntimeError):  # not running
                self.stop("immediate")
        shutil.rmtree(FOLDER, ignore_errors=True)

    def create(self) -> None:
        self.clear()
        FOLDER.mkdir(mode=0o700)
        os.chown(FOLDER, self.owner, self.group)
        self.run(
            "pg_basebackup",
            *("-h", self.primary["host"], "-p", str(self.primary["port"] or 5432)),
            *("-U", self.primary["user"], "-D", str(self.data)),
            *("-X", "stream", "-R", "--checkpoint=fast", "--no-sync"),
        )

    def start(self) -> None:
        self.run(
            "pg_ctl",
            *("-D", str(self.data), "-l", str(self.log), "-w", "-t", "30"),
            # A throwaway copy: no fsync (faster restart points and shutdown).
            *("-o", f"-h 127.0.0.1 -p {self.port} -k '' -c cluster_name={CLUSTER_NAME}"),
            *("-o", "-c fsync=off"),
            "start",
        )
        _wait("the standby in recovery", lambda: self.query("SELECT pg_is_in_recovery()"))
        _wait("the standby streaming", lambda: self.streaming() == "streaming")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-w", "-t", "30", "-m", mode, "stop")

    def url(self) -> str:
        return f"postgresql://{self.primary['user']}@127.0.0.1:{self.port}/{self.primary['dbname']}"

    def _connect(self, **where):
        params = {**self.primary, **where}
        connection = psycopg2.connect(**{k: v for k, v in params.items() if v not in ("", None)})
        connection.autocommit = True
        return connection

    def query(self, sql: str, *args):
        """One value from the standby."""
        connection = self._connect(host="127.0.0.1", port=self.port)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, args)
                return cursor.fetchone()[0]
        finally:
            connection.close()

    def on_primary(self, sql: str, *args):
        connection = self._connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, args)
                row = cursor.fetchone()
                return row[0] if row else None
        finally:
            connection.close()

    def streaming(self):
        return self.on_primary(
            "SELECT state FROM pg_stat_replication WHERE application_name = %s", CLUSTER_NAME
        )

    def wait_replayed(self) -> None:
        """Until the standby has replayed everything the primary has written so far."""
        assert not self.paused
        lsn = self.on_primary("SELECT pg_current_wal_lsn()::text")
        _wait(
            "the standby catching up",
            lambda: self.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", lsn),
        )

    def pause(self) -> None:
        self.query("SELECT pg_wal_replay_pause()::text")
        self.paused = True
        _wait(
            "replay paused",
            lambda: self.query("SELECT pg_get_wal_replay_pause_state()") == "paused",
        )

    def resume(self) -> None:
        self.query("SELECT pg_wal_replay_resume()::text")
        self.paused = False

    @contextmanager
    def replay_paused(self):
        """The standby has replayed everything so far, then stops replaying inside."""
        self.wait_replayed()
        self.pause()
        try:
            yield self
        finally:
            if self.paused:
                self.resume()
            replica.health.reset()


@pytest.fixture(scope="module")
def standby(django_db_setup):
    """The running standby and the ``replica`` database on it, for the tests of this module."""
    if replica.REPLICA in connections.settings:
        pytest.skip("DATABASE_REPLICA_URL задан: реплика тестов — база тестов (MIRROR)")
    default = connections["default"].settings_dict
    host = default["HOST"]
    if not (host.startswith("/") and (Path(host) / "PG_VERSION").exists()):
        pytest.skip(
            "реплика снимается со встроенного сервера тестов (.pgdata-test): "
            f"база тестов на другом сервере ({host or 'localhost'})"
        )
    try:
        import pgserver
    except ImportError:
        pytest.skip("нет пакета pgserver: негде взять pg_basebackup и postgres")
    bin_dir = Path(pgserver.__file__).parent / "pginstall" / "bin"
    missing = [p for p in ("pg_basebackup", "pg_ctl", "postgres") if not (bin_dir / p).exists()]
    if missing:
        pytest.skip(f"во встроенном сервере нет {', '.join(missing)}")
    owner = Path(host).stat()
    if os.geteuid() not in (0, owner.st_uid):
        pytest.skip("сервер тестов запущен другим пользователем: реплику не от кого запустить")
    node = Standby(
        {
            "host": host,
            "port": default["PORT"],
            "user": default["USER"],
            "password": default["PASSWORD"],
            "dbname": default["NAME"],
        },
        bin_dir,
        owner.st_uid,
        owner.st_gid,
    )
    started = time.monotonic()
    node.create()
    node.backup_seconds = time.monotonic() - started
    node.start()
    node.setup_seconds = time.monotonic() - started
    alias = replica.replica_database(node.url())
    connections.settings[replica.REPLICA] = connections.configure_settings(
        {"default": dict(default), replica.REPLICA: alias}
    )[replica.REPLICA]
    try:
        yield node
    finally:
        connections[replica.REPLICA].close()
        del connections[replica.REPLICA]
        del connections.settings[replica.REPLICA]
        replica.health.reset()
        node.clear()


def _names_in(xlsx: bytes) -> set[str]:
    sheet = load_workbook(io.BytesIO(xlsx), read_only=True).active
    return {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell}


def _new_mentee(school, last_name: str) -> Mentee:
    return Mentee.objects.create(
        municipality=school.municipality,
        school=school,
        last_name=last_name,
        first_name="Ася",
        birth_date="2011-02-01",
        class_name="8В",
    )


EXPORT = "registry:export"


# --- without a replica -------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_a_replica_the_router_and_the_middleware_do_nothing(monkeypatch, client, curator_a):
    monkeypatch.delitem(connections.settings, replica.REPLICA, raising=False)
    assert "replica" not in settings.DATABASES  # as without DATABASE_REPLICA_URL
    with replica.reading(replica=True):
        assert router.db_for_read(Mentee) == "default"
        assert replica.ReplicaRouter().db_for_read(Mentee) is None
        assert replica.ReplicaRouter().db_for_write(Mentee) is None
    client.force_login(curator_a)
    response = client.post(reverse("registry:mentee_create"), {"last_name": ""})
    assert response.status_code == 422
    assert replica.STICKY_COOKIE not in response.cookies


def test_the_replica_database_from_its_url():
    entry = replica.replica_database("postgresql://cmn_ro:secret@db2.cmn.local:5432/cmn")
    assert entry["HOST"] == "db2.cmn.local" and entry["NAME"] == "cmn"
    assert entry["OPTIONS"]["connect_timeout"] == 2  # a replica that is down answers fast
    assert entry["TEST"] == {"MIRROR": "default"}  # tests never create a database on it
    entry = replica.replica_database("postgresql://u@db2/cmn?connect_timeout=5&sslmode=require")
    assert entry["OPTIONS"] == {"connect_timeout": 5, "sslmode": "require"}


def test_the_pages_that_read_from_the_replica_exist():
    from django.urls import get_resolver

    def names(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                inner = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                yield from names(pattern, inner)
            elif pattern.name:
                yield f"{prefix}{pattern.name}"

    assert set(names(get_resolver())) >= settings.REPLICA_READ_VIEWS


# --- with the replica --------------------------------------------------------------------------


@with_replica
def test_the_replica_streams_the_primary_and_refuses_writes(standby, school_a):
    print(
        f"standby: base backup {standby.backup_seconds:.1f} s, "
        f"streaming after {standby.setup_seconds:.1f} s"
    )
    assert standby.streaming() == "streaming"
    assert standby.query("SELECT pg_is_in_recovery()") is True
    assert standby.on_primary("SHOW wal_level") == "replica"

    _new_mentee(school_a, "Новикова")
    written = time.monotonic()
    _wait(
        "the primary's row on the replica",
        lambda: Mentee.objects.using("replica").filter(last_name="Новикова").exists(),
    )
    print(f"a committed row visible on the replica after {time.monotonic() - written:.3f} s")

    with pytest.raises(DatabaseError, match="read-only"), connections["replica"].cursor() as c:
        c.execute("UPDATE registry_mentee SET first_name = 'Нет'")


@with_replica
def test_dashboards_and_exports_read_from_the_replica_other_pages_from_the_primary(
    standby, client, roadmap, registry_data, staff, school_a
):
    client.force_login(staff)
    with standby.replay_paused():
        _new_mentee(school_a, "Новикова")  # written on the primary while the replica waits

        exported = client.get(reverse(EXPORT, args=["mentees"]))
        assert exported.status_code == 200
        names = _names_in(exported.content)
        assert "УченикA" in names  # what the replica has
        assert "Новикова" not in names  # …and what it has not replayed yet

        listed = client.get(reverse("registry:mentees"))  # not a replica page: the primary
        assert "Новикова" in listed.content.decode()
        assert replica.STICKY_COOKIE not in listed.cookies  # reading is not writing

        pages = {
            "monitoring:dashboard": reverse("monitoring:dashboard"),
            "monitoring:records": reverse("monitoring:records", args=["mentees"]),
            "roadmap:dashboard": reverse("roadmap:dashboard", args=[roadmap.pk]),
            "roadmap:document": reverse("roadmap:document", args=[roadmap.pk, "xlsx"]),
        }
        for name, url in pages.items():
            with (
                CaptureQueriesContext(connections["replica"]) as on_replica,
                CaptureQueriesContext(connections["default"]) as on_primary,
            ):
                assert client.get(url).status_code == 200, name
            # The primary answers only who is asking (the session, the user and its role): the
            # page itself comes from the replica.
            assert len(on_replica) > 3, name
            tables = {q["sql"].split(" FROM ", 1)[1].split()[0] for q in on_primary}
            assert tables <= {'"django_session"', '"auth_user"', '"auth_group"'}, (name, tables)

    # Once replayed, the replica's pages show the row too.
    standby.wait_replayed()
    assert "Новикова" in _names_in(client.get(reverse(EXPORT, args=["mentees"])).content)


@with_replica
def test_a_browser_that_has_just_written_reads_from_the_primary(
    standby, client, registry_data, curator_a, monkeypatch
):
    client.force_login(curator_a)
    other = Client()  # another browser of the same school
    other.force_login(curator_a)
    with standby.replay_paused():
        response = client.post(
            reverse("registry:mentee_create"),
            {
                "last_name": "Новикова",
                "first_name": "Ася",
                "birth_date": "01.02.2011",
                "kind": "pupil",
                "class_name": "8В",
            },
        )
        assert response.status_code == 302
        marker = response.cookies[replica.STICKY_COOKIE]
        assert marker["max-age"] == settings.REPLICA_STICKY_SECONDS and marker["httponly"]

        # Right after the write the export reads the primary: what was saved is in it.
        assert "Новикова" in _names_in(client.get(reverse(EXPORT, args=["mentees"])).content)

        # Another browser, at the same moment, reads the replica.
        assert "Новикова" not in _names_in(other.get(reverse(EXPORT, args=["mentees"])).content)

        # When the window has passed, the writer's pages read the replica again.
        later = time.time() + settings.REPLICA_STICKY_SECONDS + 1
        monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))
        assert "Новикова" not in _names_in(client.get(reverse(EXPORT, args=["mentees"])).content)


@with_replica
def test_transactions_writes_and_access_read_from_the_primary(standby, school_a, staff):
    assert router.allow_migrate("replica", "registry") is False
    assert router.allow_migrate("default", "registry") is True
    assert router.db_for_read(Mentee) == "default"  # outside a request: the primary
    with standby.replay_paused():
        _new_mentee(school_a, "Новикова")
        pending = Mentee.objects.filter(last_name="Новикова")
        with replica.reading(replica=True) as state:
            assert router.db_for_read(Mentee) == "replica"
            assert not pending.exists()
            with transaction.atomic():
                assert router.db_for_read(Mentee) == "default"
                assert pending.exists()
            # The session and the user decide access: never a moment old.
            assert router.db_for_read(Session) == "default"
            assert router.db_for_read(get_user_model()) == "default"
            # After a write in the same request, its reads stay on the primary.
            staff.save(update_fields=["last_name"])
            assert state.wrote
            assert router.db_for_read(Mentee) == "default"
            assert pending.exists()
        # The replica holds the primary's rows: objects of the two may be related.
        from_replica = type(school_a).objects.using("replica").get(pk=school_a.pk)
        assert router.allow_relation(from_replica, school_a) is True


@with_replica
def test_a_replica_down_or_far_behind_leaves_the_pages_to_the_primary(
    standby, client, registry_data, staff, school_a, caplog, settings
):
    client.force_login(staff)
    export = reverse(EXPORT, args=["mentees"])
    with standby.replay_paused():
        _new_mentee(school_a, "Новикова")
        assert "Новикова" not in _names_in(client.get(export).content)  # the replica, paused

        # Far behind: the row not replayed yet is older than REPLICA_MAX_LAG_SECONDS.
        settings.REPLICA_MAX_LAG_SECONDS = 1
        time.sleep(1.2)
        with caplog.at_level(logging.WARNING, logger="argun_mentoring.replica"):
            assert "Новикова" in _names_in(client.get(export).content)
        assert re.search(r"Read replica is \d+\.\d s behind \(more than 1 s\)", caplog.text)
        settings.REPLICA_MAX_LAG_SECONDS = 30

    # Down: the page is served by the primary, a warning logged once, then the primary only.
    standby.stop()
    try:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="argun_mentoring.replica"):
            for _ in range(2):
                response = client.get(export)
                assert response.status_code == 200
                assert "Новикова" in _names_in(response.content)
        warnings = [r for r in caplog.records if r.name == "argun_mentoring.replica"]
        assert len(warnings) == 1
        assert "does not answer" in warnings[0].getMessage()
        assert "for the next 30 s" in warnings[0].getMessage()
    finally:
        standby.start()
    standby.wait_replayed()

    def from_replica() -> bool:
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            assert "Новикова" in _names_in(client.get(export).content)
        return len(on_replica) > 1

    # Once the retry window has passed, the replica serves the pages again, and the log says so.
    replica.health.down_until = 0.0
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="argun_mentoring.replica"):
        assert from_replica()
    assert "Read replica answers again" in caplog.text

    # A restart of the replica breaks the kept connection: it is opened again, not given up.
    standby.stop()
    standby.start()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="argun_mentoring.replica"):
        assert from_replica()
    assert caplog.text == ""
