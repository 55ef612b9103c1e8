"""Writing many rows fast: PostgreSQL's COPY for the rows of a model (``Copy``), primary keys
taken from a table's sequence in blocks so that rows can refer to each other before they are
written (``Ids``), an UPDATE from copied rows, the deferred foreign key checks and ANALYZE.

Rows written this way skip ``save()`` and the services: the scripts that use it write exactly
what the services would, and tests/devdata/test_generate_region.py checks the rules on them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import queue
import threading
from collections import deque

from django.db import connection


def _escaped(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


_BY_TYPE = {  # the common types, without walking the checks below
    str: _escaped,
    int: str,
    bool: lambda value: "t" if value else "f",
    type(None): lambda value: r"\N",
    dt.date: dt.date.isoformat,
    dt.datetime: dt.datetime.isoformat,
}


def copy_text(value) -> str:
    convert = _BY_TYPE.get(type(value))
    if convert is not None:
        return convert(value)
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return _escaped(value)
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    if isinstance(value, dict):
        return copy_text(json.dumps(value, ensure_ascii=False))
    if isinstance(value, list | tuple):
        return "{" + ",".join(str(item) for item in value) + "}"
    return str(value)


class Copy:
    """Rows of one model written to PostgreSQL with COPY; omitted fields take their defaults."""

    def __init__(self, model, *, with_pk: bool = True):
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.table = model._meta.db_table
        self.columns = [f.column for f in fields]
        self.names = [f.attname for f in fields]
        self.defaults: list[str | None] = []
        for f in fields:
            if f.has_default():
                self.defaults.append(copy_text(f.get_default()))
            elif f.null:
                self.defaults.append(r"\N")
            elif f.empty_strings_allowed:  # what Django itself saves: ""
                self.defaults.append("")
            else:
                self.defaults.append(None)  # must be given
        self.fields = list(zip(self.names, self.defaults, strict=True))
        self.buffer = io.StringIO()
        self.write = self.buffer.write
        self.rows = 0
        self.checked = False

    def add(self, **values) -> None:
        if not self.checked:
            unknown = set(values) - set(self.names)
            if unknown:
                raise KeyError(f"{self.table}: нет полей {sorted(unknown)}")
            self.checked = True
        parts = []
        append = parts.append
        for name, default in self.fields:
            if name in values:
                append(copy_text(values[name]))
            elif default is None:
                raise KeyError(f"{self.table}.{name} не задано")
            else:
                append(default)
        self.write("\t".join(parts) + "\n")
        self.rows += 1

    def flush(self, cursor) -> int:
        written = self.rows
        if written:
            self.buffer.seek(0)
            cursor.copy_expert(
                f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN", self.buffer
            )
        self.buffer = io.StringIO()
        self.write = self.buffer.write
        self.rows = 0
        return written


class Behind:
    """COPY in a thread of its own, on the same connection and in the same transaction, while
    Python makes the next rows: the database's work and Python's overlap on two cores.
    ``send(copy)`` hands over the copy's rows so far; ``wait()`` returns once all are written
    (and raises what failed). Nothing may read the tables before ``wait()``, and anything else
    on the connection meanwhile holds ``lock`` (a query sent during a COPY breaks it)."""

    def __init__(self):
        self.raw = connection.connection  # the DB-API connection: shared by the threads
        self.lock = threading.Lock()
        self.queue: queue.Queue = queue.Queue(maxsize=16)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="bulk-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            job = self.queue.get()
            try:
                if job is None:
                    return
                if self.failure is None:
                    statement, buffer = job
                    buffer.seek(0)
                    with self.lock, self.raw.cursor() as cursor:
                        cursor.copy_expert(statement, buffer)
            except BaseException as error:  # reported by wait()
                self.failure = error
            finally:
                self.queue.task_done()

    def send(self, copy: Copy) -> int:
        if self.failure is not None:
            raise self.failure
        written = copy.rows
        if written:
            statement = f"COPY {copy.table} ({', '.join(copy.columns)}) FROM STDIN"
            self.queue.put((statement, copy.buffer))
            copy.buffer = io.StringIO()
            copy.write = copy.buffer.write
            copy.rows = 0
        return written

    def wait(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.failure is not None:
            raise self.failure


class Ids:
    """Primary keys taken from a table's sequence in blocks, so rows can refer to each other
    before they are written."""

    def __init__(self, cursor, model, block: int = 5000, lock=None):
        self.cursor = cursor
        self.block = block
        self.lock = lock or contextlib.nullcontext()
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column]
        )
        self.sequence = cursor.fetchone()[0]
        self.free: deque[int] = deque()

    def take(self, count: int) -> list[int]:
        if len(self.free) < count:
            with self.lock:
                self.cursor.execute(
                    "SELECT nextval(%s) FROM generate_series(1, %s)",
                    [self.sequence, max(self.block, count - len(self.free))],
                )
                self.free.extend(row[0] for row in self.cursor.fetchall())
        return [self.free.popleft() for _ in range(count)]

    def next(self) -> int:
        return self.take(1)[0]


class Update:
    """New values for some columns of rows already written: COPY into a scratch table, then one
    UPDATE. ``columns`` maps each column to its SQL type; the first is the key."""

    def __init__(self, table: str, columns: dict[str, str]):
        self.table = table
        self.columns = columns
        self.buffer = io.StringIO()
        self.rows = 0

    def add(self, *values) -> None:
        self.buffer.write("\t".join(copy_text(value) for value in values))
        self.buffer.write("\n")
        self.rows += 1

    def flush(self, cursor) -> int:
        written = self.rows
        if written:
            key, *changed = self.columns
            scratch = f"bulk_{self.table}"
            definition = ", ".join(f"{name} {kind}" for name, kind in self.columns.items())
            cursor.execute(f"CREATE TEMP TABLE {scratch} ({definition}, PRIMARY KEY ({key}))")
            self.buffer.seek(0)
            cursor.copy_expert(f"COPY {scratch} FROM STDIN", self.buffer)
            assignments = ", ".join(f"{name} = r.{name}" for name in changed)
            cursor.execute(
                f"UPDATE {self.table} t SET {assignments} FROM {scratch} r "
                f"WHERE t.{key} = r.{key}; DROP TABLE {scratch};"
            )
        self.buffer = io.StringIO()
        self.rows = 0
        return written


def check_references() -> None:
    """Run the deferred foreign key checks now rather than hidden in the commit."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def analyze(models) -> None:
    """Fresh planner statistics for the tables just filled."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


class ForeignKeysAfter:
    """The foreign keys of the tables to be filled, dropped before the rows are written and
    added back after: adding a key checks all the rows in one join, where a deferred key
    checks each row on its own at the commit (minutes for millions of rows)."""

    def __init__(self, models):
        self.tables = [model._meta.db_table for model in models]
        self.dropped: list[tuple[str, str, str]] = []

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                FROM pg_constraint c
                WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[])
                ORDER BY 1, 2
                """,
                [self.tables],
            )
            self.dropped = cursor.fetchall()
            for table, name, _definition in self.dropped:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')

    def restore(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the other keys' pending checks
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table, name, definition in self.dropped:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        self.dropped = []


class TriggersOff:
    """Statement triggers of the tables (the monitoring's kept figures) off while a new
    region is written: no day is kept for its municipalities yet."""

    def __init__(self, tables: list[str], prefix: str = "monitoring_touch_"):
        self.tables = tables
        self.prefix = prefix

    def _switch(self, action: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
                "WHERE NOT tgisinternal AND tgname LIKE %s AND tgrelid = ANY(%s::regclass[])",
                [self.prefix + "%", self.tables],
            )
            for table, name in cursor.fetchall():
                cursor.execute(f'ALTER TABLE {table} {action} TRIGGER "{name}"')

    def disable(self) -> None:
        self._switch("DISABLE")

    def enable(self) -> None:
        self._switch("ENABLE")
