"""The database the project talks to: ``DATABASE_URL`` if set, else an embedded PostgreSQL.

The embedded server (the ``pgserver`` package) lives in a git-ignored folder inside the
project, so that ``make run`` and ``make test`` need nothing installed by hand. It stops
when the last process that uses it exits.

pgserver keeps the processes that use the server in ``.handle_pids.json`` inside the folder:
each process adds its pid when it starts and removes it at exit, and the one that removes the
last pid stops the server. A process that is killed never removes its pid, and a process that
is interrupted while writing the list can leave it empty; pgserver then fails on every start
with a bare ``JSONDecodeError``. So before joining the server, and again at exit, the list is
repaired under pgserver's own lock: what cannot be read is rewritten, pids of processes that
are gone are dropped. The lock files of a server that was killed (``postmaster.pid``, the lock
of its socket) are removed once no PostgreSQL process works in the folder any more. Whatever
was repaired is told in one line on stderr.

A server that another process left starting (that process killed while ``pg_ctl`` waited) or
stopping is waited for, for a bounded time, before pgserver looks at it: pgserver takes any
live server for a ready one, and fails on a ``postmaster.pid`` not yet complete.
"""

import atexit
import json
import os
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psutil

EMBEDDED_DATABASE_NAME = "argun_mentoring"
PID_LIST_NAME = ".handle_pids.json"  # pgserver's list of the processes that use the server
POSTMASTER_PID_NAME = "postmaster.pid"
LEFTOVER_WORKERS_SECONDS = 5  # how long the workers of a killed server are waited for
SETTLING_SERVER_SECONDS = 30  # how long a server left starting or stopping is waited for
POSTMASTER_PID_LINES = 8  # a complete postmaster.pid: ... socket folder, listen address, status

# The beginning of a JSON list of pids: what a write cut short leaves.
_LIST_CUT_SHORT = re.compile(r"\s*\[[\d\s,]*")

# Folders whose pid list this process repairs again at exit (before pgserver's own cleanup).
_repaired_at_exit: set[Path] = set()


def database_url(default_folder: Path) -> str:
    """Return ``DATABASE_URL`` or start the embedded server in ``EMBEDDED_PG_DIR``/default."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    folder = Path(os.environ.get("EMBEDDED_PG_DIR") or default_folder).resolve()
    return start_embedded(folder)


def start_embedded(folder: Path, database: str = EMBEDDED_DATABASE_NAME) -> str:
    """Start (or join) the embedded PostgreSQL in ``folder`` and make sure ``database`` exists."""
    folder = folder.resolve()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        folder.mkdir(parents=True, exist_ok=True)
        with _server_lock():
            repair = repair_pid_list(folder)
            wait_for_settled_server(folder)
            repair.stale_files = remove_stale_server_files(folder)
        repair.report(folder)
        server = pgserver.get_server(folder, cleanup_mode="stop")
    if folder not in _repaired_at_exit:
        # atexit runs the last registered first: this runs before pgserver's cleanup, which
        # stops the server only when this process is the last one left in the list.
        atexit.register(_repair_at_exit, folder)
        _repaired_at_exit.add(folder)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    # The socket folder goes into the host part, percent-encoded, so that every
    # libpq client (psql, pg_dump, Django) reads the same URL.
    return f"postgresql://postgres:@{quote(str(folder), safe='')}/{database}"


@dataclass
class Repair:
    """What was found wrong in an embedded server's folder and put right."""

    damaged: str = ""  # why the pid list could not be read as it was (Russian), if it could not
    dropped: list[int] = field(default_factory=list)  # pids of processes that are gone
    stale_files: list[str] = field(default_factory=list)  # lock files of a server that is gone

    def __bool__(self) -> bool:
        return bool(self.damaged or self.dropped or self.stale_files)

    def message(self, folder: Path) -> str:
        parts = []
        if self.damaged:
            parts.append(f"список процессов {PID_LIST_NAME} был испорчен ({self.damaged})")
        if self.dropped:
            parts.append(f"из списка процессов убраны завершившиеся: {len(self.dropped)}")
        if self.damaged or self.dropped:
            parts.append("список записан заново")
        if self.stale_files:
            removed = "удалён устаревший" if len(self.stale_files) == 1 else "удалены устаревшие"
            parts.append(f"{removed} {', '.join(self.stale_files)} (сервер не работает)")
        return f"Встроенная база данных {folder}: {'; '.join(parts)}."

    def report(self, folder: Path) -> None:
        if self:
            print(self.message(folder), file=sys.stderr, flush=True)


def read_pid_list(text: str) -> tuple[list[int], str]:
    """The pids in the text of a pid list and, if it is damaged, what is wrong with it.

    From a list cut short (``[101, 20``) the whole numbers are kept; the last one is dropped
    when the text ends inside it, since it may have lost digits.
    """
    if not text.strip():
        return [], "пустой файл"
    try:
        values = json.loads(text)
    except ValueError:
        if not _LIST_CUT_SHORT.fullmatch(text):
            return [], "не JSON"
        numbers = re.findall(r"\d+", text)
        if text.rstrip()[-1].isdigit():
            numbers = numbers[:-1]
        return list(dict.fromkeys(int(n) for n in numbers if _is_pid(n))), "обрезанный JSON"
    if not isinstance(values, list):
        return [], "не список"
    pids = [v for v in values if type(v) is int and _is_pid(str(v))]
    unique = list(dict.fromkeys(pids))
    if len(pids) != len(values):
        return unique, "в списке не только номера процессов"
    if len(unique) != len(pids):
        return unique, "номера процессов повторяются"
    return pids, ""


def _is_pid(digits: str) -> bool:
    return len(digits) <= 10 and 0 < int(digits) < 2**31  # pid_t is a 32-bit signed int


def repair_pid_list(folder: Path, *, holder: int | None = None) -> Repair:
    """Rewrite ``folder``'s pid list without dead pids, and readable; the caller holds the lock.

    ``holder`` (a process that is using the server) is put back into a list that was damaged,
    so that pgserver still stops the server when that process is the last one to exit.
    """
    path = folder / PID_LIST_NAME
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return Repair()
    pids, damaged = read_pid_list(text)
    repair = Repair(damaged=damaged, dropped=[pid for pid in pids if not _is_alive(pid)])
    if repair:
        live = [pid for pid in pids if pid not in repair.dropped]
        if damaged and holder is not None and holder not in live:
            live.append(holder)
        # Written aside and renamed: a process interrupted here leaves the old list or the new.
        aside = path.with_name(PID_LIST_NAME + ".tmp")
        aside.write_text(json.dumps(live), encoding="utf-8")
        os.replace(aside, path)
    return repair


def wait_for_settled_server(
    folder: Path, *, timeout: float = SETTLING_SERVER_SECONDS, poll: float = 0.1
) -> str:
    """Wait until the server in ``folder`` is ready or gone; the caller holds the lock.

    A process killed while it started the server leaves PostgreSQL starting on its own, with a
    ``postmaster.pid`` that grows line by line up to the status ``ready`` (or a server left
    stopping). Returns ``"ready"`` or ``"stopped"`` (the file names no live server of this
    folder); if neither comes within ``timeout`` seconds, raises ``RuntimeError`` naming the
    folder.
    """
    owner = folder.stat().st_uid
    deadline = time.monotonic() + timeout
    while True:
        state = _server_state(folder, owner)
        if state in ("ready", "stopped"):
            return state
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"Встроенная база данных {folder}: сервер не стал готов за {timeout:g} с "
                f"(состояние: {state}); см. журнал {folder / 'log'}."
            )
        time.sleep(poll)


def _server_state(folder: Path, owner: int) -> str:
    """``ready``, ``stopped``, or what the server is doing (``starting``, ``stopping`` …)."""
    try:
        lines = (folder / POSTMASTER_PID_NAME).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        lines = ""
    lines = lines.splitlines()
    pid = lines[0].strip() if lines and lines[0].strip().isdigit() else ""
    server = None
    if pid:
        try:
            server = psutil.Process(int(pid))
        except psutil.NoSuchProcess:
            server = None
        if server is not None and not _postgres_works_in(server, folder, owner):
            server = None
    if server is None:
        # The workers a killed server leaves are waited for by remove_stale_server_files.
        return "stopped"
    if len(lines) < POSTMASTER_PID_LINES:
        return "starting"
    return lines[POSTMASTER_PID_LINES - 1].strip() or "starting"


def remove_stale_server_files(folder: Path) -> list[str]:
    """Remove the lock files of a server that is not running; the caller holds the lock.

    pgserver takes any live process with the pid written in ``postmaster.pid`` for the server:
    a killed server not yet reaped (a zombie) or its pid reused makes it connect to nothing and,
    at exit, kill that process; a file cut short stops it with an ``AssertionError``. PostgreSQL
    itself refuses to start while the lock of its socket names a live process. Both are removed
    only when no PostgreSQL process works in the folder, so a server that is running or still
    shutting down keeps them. Returns the names of the removed files.
    """
    pid_file = folder / POSTMASTER_PID_NAME
    try:
        lines = pid_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        lines = None
    locks = sorted(folder.glob(".s.PGSQL.*.lock"))
    if lines is None and not locks:
        return []  # stopped cleanly
    owner = folder.stat().st_uid
    pid = lines[0].strip() if lines and lines[0].strip().isdigit() else ""
    if pid:
        try:
            if _postgres_works_in(psutil.Process(int(pid)), folder, owner):
                return []
        except psutil.NoSuchProcess:
            pass
    # The workers of a killed server notice it and exit within moments.
    deadline = time.monotonic() + LEFTOVER_WORKERS_SECONDS
    while any(_postgres_works_in(process, folder, owner) for process in psutil.process_iter()):
        if time.monotonic() > deadline:
            return []  # PostgreSQL will tell what holds the folder
        time.sleep(0.1)
    if lines is not None and len(lines) >= 5:
        # A folder whose path is too long for a socket has it in pgserver's runtime folder.
        import pgserver

        socket_dir = Path(lines[4].strip())
        if socket_dir.parent == pgserver.PostgresServer.runtime_path:
            locks += sorted(socket_dir.glob(".s.PGSQL.*.lock"))
    removed = []
    for path in ([pid_file] if lines is not None else []) + locks:
        path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


def _server_lock():
    """pgserver's inter-process lock, under which it starts servers and writes pid lists."""
    import pgserver

    return pgserver.PostgresServer._lock


def _repair_at_exit(folder: Path) -> None:
    with _server_lock():
        repair = repair_pid_list(folder, holder=os.getpid())
    repair.report(folder)


def _is_alive(pid: int) -> bool:
    """Whether ``pid`` is a running program (a zombie or a kernel thread never used a server)."""
    try:
        process = psutil.Process(pid)
        return process.status() != psutil.STATUS_ZOMBIE and bool(process.cmdline())
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # it exists; whose it is cannot be told


def _postgres_works_in(process: psutil.Process, folder: Path, owner: int) -> bool:
    """Whether ``process`` is a live PostgreSQL process with ``folder`` as its data folder.

    Every PostgreSQL process (the server and its workers) runs in its data folder and as the
    folder's owner, which tells it from other servers and from a process that reused a pid.
    """
    try:
        if process.name() != "postgres" or process.uids().real != owner:
            return False
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return Path(process.cwd()) == folder
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # cannot be told: keep the file, as PostgreSQL itself would
