"""The embedded PostgreSQL survives what interrupted commands leave behind.

Real commands in subprocesses against a real embedded server in a folder of its own (inside
the project, git-ignored like .pgdata: pgserver runs the server as its own user when started
by root, and the project's folders are open to it). The server is initialised once for the
module; every test starts with it stopped and an empty pid list.
"""

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pytest
from hypothesis import given
from hypothesis import strategies as st

from argun_mentoring import embedded_db

ROOT = Path(__file__).resolve().parent.parent
REPAIRED = "Встроенная база данных"

# A process that uses the server: joins it, runs a query, says so, and keeps it until its
# input is closed (then exits normally, as a finished command does).
HOLDER = """
import sys
from pathlib import Path

import psycopg2

from argun_mentoring.embedded_db import database_url

url = database_url(Path(sys.argv[1]))
with psycopg2.connect(url) as connection, connection.cursor() as cursor:
    cursor.execute("SELECT current_database()")
    print(cursor.fetchone()[0], flush=True)
sys.stdin.read()
"""


def command_env(folder: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    env["EMBEDDED_PG_DIR"] = str(folder)
    env["DJANGO_SETTINGS_MODULE"] = "argun_mentoring.settings.dev"
    return env


def manage_check(folder: Path) -> subprocess.CompletedProcess:
    """What `make run` does first: a management command that starts the embedded server."""
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--database", "default"],
        cwd=ROOT,
        env=command_env(folder),
        capture_output=True,
        text=True,
        timeout=60,
    )


def pid_list(folder: Path) -> list[int]:
    return json.loads((folder / embedded_db.PID_LIST_NAME).read_text())


def server_pid(folder: Path) -> int | None:
    """The pid of the PostgreSQL server running in ``folder``, if one is."""
    try:
        pid = int((folder / embedded_db.POSTMASTER_PID_NAME).read_text().split("\n", 1)[0])
        process = psutil.Process(pid)
        if process.status() != psutil.STATUS_ZOMBIE and Path(process.cwd()) == folder:
            return pid
    except (FileNotFoundError, ValueError, psutil.NoSuchProcess):
        pass
    return None


def dead_pids(count: int) -> list[int]:
    """Pids of processes that have just exited."""
    processes = [subprocess.Popen(["true"]) for _ in range(count)]
    for process in processes:
        process.wait()
    return [process.pid for process in processes]


def stop_server(folder: Path) -> None:
    if server_pid(folder) is None:
        return
    import pgserver

    with contextlib.suppress(subprocess.CalledProcessError):
        pgserver.pg_ctl(
            ["-m", "immediate", "-w", "stop"],
            pgdata=folder,
            user="pgserver" if os.geteuid() == 0 else None,
        )


@pytest.fixture(scope="module")
def pg_folder():
    folder = Path(tempfile.mkdtemp(prefix=".pgdata-embedded-", dir=ROOT)).resolve()
    try:
        created = manage_check(folder)  # initialises the cluster, then stops the server
        assert created.returncode == 0, created.stderr
        assert server_pid(folder) is None
        yield folder
    finally:
        stop_server(folder)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def folder(pg_folder):
    """The module's server folder, stopped and with an empty pid list, as a clean start."""
    stop_server(pg_folder)
    (pg_folder / embedded_db.PID_LIST_NAME).write_text("[]")
    return pg_folder


@pytest.fixture
def holders(folder):
    """Starts holders of the server; whatever is still running at the end is killed."""
    started: list[subprocess.Popen] = []

    with contextlib.ExitStack() as files:

        def start() -> subprocess.Popen:
            log = files.enter_context(tempfile.TemporaryFile())
            process = subprocess.Popen(
                [sys.executable, "-c", HOLDER, str(folder)],
                cwd=ROOT,
                env=command_env(folder),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
            process.log = log  # its stderr, read back by told()
            started.append(process)
            return process

        yield start
        for process in started:
            if process.poll() is None:
                process.kill()
                process.wait()
        stop_server(folder)


def wait_joined(process: subprocess.Popen, timeout: float = 30) -> None:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        assert selector.select(timeout), "the command did not join the server in time"
    assert process.stdout.readline().strip() == embedded_db.EMBEDDED_DATABASE_NAME, told(process)


def told(process: subprocess.Popen) -> str:
    process.log.seek(0)
    return process.log.read().decode()


def finish(process: subprocess.Popen) -> str:
    """Let a holder exit normally; what it told on stderr."""
    process.stdin.close()
    assert process.wait(timeout=30) == 0, told(process)
    return told(process)


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait()


@pytest.mark.parametrize(
    ("make_text", "told"),
    [
        (lambda dead: "", "был испорчен (пустой файл)"),
        (lambda dead: f"[{dead[0]}, {dead[1]}, 4", "был испорчен (обрезанный JSON)"),
        (lambda dead: json.dumps({"pids": dead}), "был испорчен (не список)"),
        (lambda dead: json.dumps(dead), "убраны завершившиеся: 3"),
        (lambda dead: json.dumps([*dead[:2], "x"]), "не только номера процессов"),
    ],
    ids=["empty", "truncated", "not-a-list", "dead-pids", "not-only-pids"],
)
def test_a_damaged_pid_list_is_repaired_and_the_next_command_starts(folder, make_text, told):
    (folder / embedded_db.PID_LIST_NAME).write_text(make_text(dead_pids(3)))

    result = manage_check(folder)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    repaired = [line for line in result.stderr.splitlines() if line.startswith(REPAIRED)]
    assert len(repaired) == 1, result.stderr
    assert told in repaired[0]
    assert "список записан заново" in repaired[0]
    # Nothing dead was left behind: the command was the last process and stopped the server.
    assert pid_list(folder) == []
    assert server_pid(folder) is None


def test_an_intact_pid_list_is_left_alone(folder):
    result = manage_check(folder)
    assert result.returncode == 0, result.stderr
    assert REPAIRED not in result.stderr
    assert server_pid(folder) is None


def test_commands_started_together_and_killed_leave_only_live_pids(folder, holders):
    started = [holders() for _ in range(6)]
    # Killed while the others start the server, wait for pgserver's lock or write the list.
    for process in started[:2]:
        time.sleep(0.25)
        kill(process)
    for process in started[2:]:
        wait_joined(process)
    running = server_pid(folder)
    assert running is not None
    for process in started[2:4]:
        kill(process)  # killed after joining: pgserver never takes their pids out
    assert {started[2].pid, started[3].pid} <= set(pid_list(folder))
    live = started[4:]

    newcomer = holders()
    wait_joined(newcomer)

    assert sorted(pid_list(folder)) == sorted(process.pid for process in [*live, newcomer])
    assert server_pid(folder) == running  # joined, not restarted
    # Nothing to repair when it leaves (while starting it may have taken out a pid killed
    # before it, as any command does).
    said = told(live[0])
    assert finish(live[0])[len(said) :] == ""
    assert server_pid(folder) == running  # others still use it
    finish(live[1])
    assert "убраны завершившиеся" in finish(newcomer)
    # The last live process stopped the server, in spite of the four that were killed.
    assert server_pid(folder) is None
    assert pid_list(folder) == []


def test_a_pid_list_damaged_while_running_is_repaired_at_exit(folder, holders):
    process = holders()
    wait_joined(process)
    (folder / embedded_db.PID_LIST_NAME).write_text("")

    told = finish(process)

    assert "был испорчен (пустой файл)" in told
    assert "Traceback" not in told
    assert server_pid(folder) is None  # it still knew itself the last, and stopped it
    assert pid_list(folder) == []


def test_a_killed_server_is_started_again(folder, holders):
    process = holders()
    wait_joined(process)
    os.kill(server_pid(folder), signal.SIGKILL)
    kill(process)

    result = manage_check(folder)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert server_pid(folder) is None


@pytest.mark.parametrize("truncated", [False, True], ids=["pid-reused", "truncated"])
def test_a_stale_postmaster_pid_is_removed_and_its_pid_left_alone(folder, truncated):
    """A postmaster.pid naming a live process that is not the server: pgserver alone would
    connect to nothing and then kill that process; cut short, it stops pgserver outright."""
    stranger = subprocess.Popen(["sleep", "60"])
    try:
        lines = [
            str(stranger.pid),
            str(folder),
            "1700000000",
            "5432",
            str(folder),
            "",
            "  5604423        24",
            "ready   ",
        ]
        text = "\n".join(lines[:2] if truncated else lines) + "\n"
        (folder / embedded_db.POSTMASTER_PID_NAME).write_text(text)
        (folder / ".s.PGSQL.5432.lock").write_text(f"{stranger.pid}\n{folder}\n")

        result = manage_check(folder)

        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert f"{embedded_db.POSTMASTER_PID_NAME}, .s.PGSQL.5432.lock" in result.stderr
        assert stranger.poll() is None
        assert server_pid(folder) is None
    finally:
        stranger.kill()
        stranger.wait()


def _postmaster_lines(pid: int, folder: Path, status: str) -> list[str]:
    return [str(pid), str(folder), "1700000000", "5432", str(folder), "", "  5604423 24", status]


@pytest.fixture
def pretend_server(tmp_path, monkeypatch):
    """A live process that the folder's postmaster.pid names and that counts as its server."""
    process = subprocess.Popen(["sleep", "60"])
    monkeypatch.setattr(
        embedded_db, "_postgres_works_in", lambda candidate, *_: candidate.pid == process.pid
    )
    yield process
    process.kill()
    process.wait()


def test_a_server_left_starting_is_waited_for_until_ready(tmp_path, pretend_server):
    """Another process was killed while PostgreSQL started: its postmaster.pid is written line
    by line, and only the status `ready` lets pgserver use the server."""
    lines = _postmaster_lines(pretend_server.pid, tmp_path, "ready")
    pid_file = tmp_path / embedded_db.POSTMASTER_PID_NAME
    pid_file.write_text("\n".join(lines[:3]) + "\n")

    def grow():
        time.sleep(0.3)
        pid_file.write_text("\n".join([*lines[:7], "starting"]) + "\n")
        time.sleep(0.3)
        pid_file.write_text("\n".join(lines) + "\n")

    writer = threading.Thread(target=grow)
    started = time.monotonic()
    writer.start()
    try:
        assert embedded_db.wait_for_settled_server(tmp_path, timeout=30, poll=0.02) == "ready"
    finally:
        writer.join()
    assert time.monotonic() - started >= 0.6


def test_a_server_that_never_gets_ready_is_told_after_the_timeout(tmp_path, pretend_server):
    lines = _postmaster_lines(pretend_server.pid, tmp_path, "starting")
    (tmp_path / embedded_db.POSTMASTER_PID_NAME).write_text("\n".join(lines) + "\n")
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"не стал готов за 0\.3 с"):
        embedded_db.wait_for_settled_server(tmp_path, timeout=0.3, poll=0.02)
    assert time.monotonic() - started < 10


def test_no_server_or_a_stale_file_is_not_waited_for(tmp_path):
    assert embedded_db.wait_for_settled_server(tmp_path, timeout=0) == "stopped"
    (tmp_path / embedded_db.POSTMASTER_PID_NAME).write_text(f"{dead_pids(1)[0]}\n{tmp_path}\n")
    assert embedded_db.wait_for_settled_server(tmp_path, timeout=0) == "stopped"


def test_a_damaged_list_keeps_the_process_that_repairs_it_at_exit(tmp_path):
    (tmp_path / embedded_db.PID_LIST_NAME).write_text(f"[{dead_pids(1)[0]}, 1")
    repair = embedded_db.repair_pid_list(tmp_path, holder=os.getpid())
    assert repair.damaged == "обрезанный JSON"
    assert pid_list(tmp_path) == [os.getpid()]


def test_a_healthy_list_is_not_rewritten(tmp_path):
    path = tmp_path / embedded_db.PID_LIST_NAME
    path.write_text(json.dumps([os.getpid()]))
    before = path.stat().st_mtime_ns
    time.sleep(0.01)
    assert not embedded_db.repair_pid_list(tmp_path)
    assert path.stat().st_mtime_ns == before


@given(st.one_of(st.text(), st.from_regex(r"\s*\[[\d\s,]*", fullmatch=True)))
def test_any_text_reads_as_distinct_pids(text):
    pids, damaged = embedded_db.read_pid_list(text)
    assert all(type(pid) is int and 0 < pid < 2**31 for pid in pids)
    assert len(set(pids)) == len(pids)
    if not damaged:
        assert json.loads(text) == pids


@given(st.lists(st.integers(min_value=1, max_value=2**22), unique=True), st.data())
def test_a_list_cut_short_keeps_only_whole_pids(pids, data):
    text = json.dumps(pids)
    assert embedded_db.read_pid_list(text) == (pids, "")
    cut = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    salvaged, damaged = embedded_db.read_pid_list(text[:cut])
    assert damaged
    assert salvaged == pids[: len(salvaged)]
    # Only the numbers followed by a comma are known whole; one cut mid-digits is never kept.
    assert len(salvaged) == text[:cut].count(",")
