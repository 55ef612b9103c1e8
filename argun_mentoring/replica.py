"""Reading from a PostgreSQL streaming replica: the ``replica`` database's settings, the router
and the middleware that decides, request by request, where the reads go.

Without ``DATABASE_REPLICA_URL`` there is no ``replica`` database and nothing here does
anything: every query goes to ``default`` (development, the tests, a single server).

With it:

- the pages named in ``REPLICA_READ_VIEWS`` (dashboards, summaries, exports: figures that may
  be a moment old) read from the replica when asked for with GET or HEAD;
- everything else, and every write, goes to the primary (``default``);
- a browser that has just written (a POST, PUT, PATCH or DELETE, or a write to the database
  during a request other than the session's renewal and the access journal) stays on the
  primary for ``REPLICA_STICKY_SECONDS``: a signed cookie carries the moment of the write, so
  the page after «Сохранено» shows what was saved, on whichever app server it lands;
- inside a transaction on the primary (``transaction.atomic``), after a write in the same
  request, and for the session, the user and its groups (``PRIMARY_APPS``: what access is
  decided by), reads stay on the primary;
- a replica that does not answer, or lags more than ``REPLICA_MAX_LAG_SECONDS`` behind, is left
  alone for ``REPLICA_RETRY_SECONDS``: the pages are served by the primary and a warning is
  logged.

The replica is checked once in each request that reads from it: one query, which also opens
the connection. Raw SQL is routed by its code: ``connections[router.db_for_read(Model)]``
(``monitoring.indicators``), never ``django.db.connection``, which is always the primary.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import dj_database_url
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"
STICKY_COOKIE = "cmn_primary"
_STICKY_SALT = "argun_mentoring.replica.recent-write"
READ_METHODS = frozenset({"GET", "HEAD"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Read from the primary always: the session, the user, its groups and permissions decide who
# may see what, and must never be a moment old; the admin and the login lockout likewise.
PRIMARY_APPS = frozenset({"sessions", "auth", "contenttypes", "admin", "axes"})
# Writes that do not keep a user on the primary (nothing the user reads back): the session's
# renewal, the access journal that reading personal data and exporting append to, the login
# lockout's counters.
UNMARKED_WRITES = frozenset(
    {
        "sessions.session",
        "core.auditevent",
        "axes.accessattempt",
        "axes.accesslog",
        "axes.accessfailurelog",
    }
)
# How far the replica is behind, in seconds: 0 when it has replayed all it received (an idle
# primary sends nothing, and the last replayed commit may be old without any lag).
LAG_SQL = """
SELECT CASE
    WHEN pg_last_wal_receive_lsn() IS NULL
        OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""

logger = logging.getLogger("argun_mentoring.replica")


def replica_database(url: str, *, conn_max_age: int = 0) -> dict:
    """The ``DATABASES["replica"]`` entry for ``DATABASE_REPLICA_URL``.

    A replica that is down must not hold a page for long: ``connect_timeout`` is 2 seconds
    unless the URL says otherwise. Tests use the primary's test database for it (``MIRROR``):
    a replica cannot have a test database of its own.
    """
    database = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    database.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    database["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}
    return database


def configured() -> bool:
    return REPLICA in settings.DATABASES


@dataclass
class Reads:
    """Where one request's reads may go."""

    replica: bool = False  # the view reads from the replica
    wrote: bool = False  # something was written to the database in this request
    checked: bool = False  # the replica answered, close enough behind, in this request


_reads: ContextVar[Reads | None] = ContextVar("replica_reads", default=None)


@contextmanager
def reading(*, replica: bool) -> Iterator[Reads]:
    """Route the reads of the code inside like those of one request (the middleware's, or a
    command's that may read from the replica)."""
    state = Reads(replica=replica)
    token = _reads.set(state)
    try:
        yield state
    finally:
        _reads.reset(token)


class Health:
    """Whether this process leaves the replica alone for a while, and why (logged once)."""

    def __init__(self) -> None:
        self.down_until = 0.0
        self.failed = False
        self._lock = threading.Lock()

    def available(self) -> bool:
        return time.monotonic() >= self.down_until

    def fail(self, reason: str) -> None:
        seconds = settings.REPLICA_RETRY_SECONDS
        with self._lock:
            news = self.available()
            self.down_until = time.monotonic() + seconds
            self.failed = True
        if news:
            logger.warning(
                "Read replica %s: pages read from the primary for the next %s s", reason, seconds
            )

    def passed(self) -> None:
        if self.failed:
            self.failed = False
            logger.info("Read replica answers again: pages read from it")

    def reset(self) -> None:
        self.down_until = 0.0
        self.failed = False


health = Health()


def replica_usable(state: Reads) -> bool:
    """Whether the replica answers and is not too far behind; asked once per request."""
    if state.checked:
        return True
    if not health.available():
        return False
    connection = connections[REPLICA]
    # A kept connection (DB_CONN_MAX_AGE) may be one the replica closed when it restarted:
    # then it is opened again once before the replica counts as down.
    attempts = 2 if connection.connection is not None else 1
    for attempt in range(attempts):
        try:
            with connection.cursor() as cursor:
                cursor.execute(LAG_SQL)
                lag = float(cursor.fetchone()[0])
            break
        except DatabaseError as error:
            connection.close()
            if attempt + 1 == attempts:
                first_line = (str(error).strip() or type(error).__name__).splitlines()[0]
                health.fail(f"does not answer ({first_line})")
                return False
    if lag > settings.REPLICA_MAX_LAG_SECONDS:
        health.fail(f"is {lag:.1f} s behind (more than {settings.REPLICA_MAX_LAG_SECONDS} s)")
        return False
    health.passed()
    state.checked = True
    return True


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads of the views that opted in go to the replica, the rest and
    every write to the primary; migrations only on the primary."""

    def db_for_read(self, model, **hints):
        if not configured():
            return None
        state = _reads.get()
        if (
            state is None
            or not state.replica
            or state.wrote
            or model._meta.app_label in PRIMARY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
            or not replica_usable(state)
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        if not configured():
            return None
        state = _reads.get()
        if state is not None and model._meta.label_lower not in UNMARKED_WRITES:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read from one may point at the other.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


def recent_write(request) -> bool:
    """Whether this browser wrote within the last ``REPLICA_STICKY_SECONDS``."""
    seconds = settings.REPLICA_STICKY_SECONDS
    if seconds <= 0 or STICKY_COOKIE not in request.COOKIES:
        return False
    marker = request.get_signed_cookie(
        STICKY_COOKIE, default=None, salt=_STICKY_SALT, max_age=seconds
    )
    return marker is not None


class ReplicaMiddleware:
    """Opens each request's routing (``Reads``), lets the views of ``REPLICA_READ_VIEWS`` read
    from the replica unless the browser has just written, and marks a browser that writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        with reading(replica=False) as state:
            response = self.get_response(request)
        seconds = settings.REPLICA_STICKY_SECONDS
        if seconds > 0 and (request.method not in SAFE_METHODS or state.wrote):
            response.set_signed_cookie(
                STICKY_COOKIE,
                "1",
                salt=_STICKY_SALT,
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = _reads.get()
        match = request.resolver_match
        if (
            state is None
            or request.method not in READ_METHODS
            or match is None
            or match.view_name not in settings.REPLICA_READ_VIEWS
            or recent_write(request)
        ):
            return None
        # The session and the user are read now, from the primary, before anything else.
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018
        state.replica = True
        return None
