"""Load test on loopback (`make loadtest`): gunicorn with the production settings on the
region-scale data of `generate_region` (figures kept for the day the pages ask), driven at
increasing concurrency by `wrk` (Debian's package: C, one thread, a Lua script of the mixed
pages, bench/mixed.lua) or, with LOAD_GENERATOR=locust or without wrk, by Locust headless.

Bounded: each step runs a fixed time and the whole test stops by itself. Prints, per step,
requests per second, the median and 95th percentile, errors, the server's CPU per request
(gunicorn and PostgreSQL processes, measured from /proc) and the generator's own CPU share.
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, fresh_database, setup_django

PASSWORD = "Нагрузка-Пароль-2026"
USERS = [int(n) for n in os.environ.get("LOAD_USERS", "5 20 50").split()]
STEP_SECONDS = int(os.environ.get("LOAD_SECONDS", "30"))
# Unmeasured requests first, so that every worker has imported its views and compiled its
# templates before the steps count (a cold worker spends about a second on that).
WARMUP_SECONDS = int(os.environ.get("LOAD_WARMUP_SECONDS", "10"))
WORKERS = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
PORT = int(os.environ.get("LOAD_PORT", "8765"))
GENERATOR = os.environ.get("LOAD_GENERATOR") or ("wrk" if shutil.which("wrk") else "locust")
CONNECTIONS = [int(n) for n in os.environ.get("LOAD_CONNECTIONS", "4 8 16").split()]
DAY = "31.01.2021"
CORES = os.cpu_count() or 1


def accounts(secret_key: str) -> dict:
    """The accounts each role signs in as, each with a session made in advance (as if the
    person had logged in earlier today): the steps measure browsing, not a login storm of
    deliberately slow password hashing. Logins themselves are measured apart."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import override_settings

    users = get_user_model().objects
    chosen = {
        "head": list(users.filter(username__endswith="-head").order_by("username")),
        "staff": list(users.filter(username__endswith="-staff").order_by("username")),
        "curator": list(users.filter(username__contains="-s0").order_by("username")[:200]),
        "region": list(users.filter(username="region")),
    }
    result = {}
    with override_settings(SECRET_KEY=secret_key):
        for role, people in chosen.items():
            result[role] = []
            for user in people:
                session = SessionStore()
                session["_auth_user_id"] = str(user.pk)
                # The backend that loads the user on each request: a session naming a backend
                # not in AUTHENTICATION_BACKENDS is anonymous (every page a redirect to login).
                session["_auth_user_backend"] = "core.accounts.auth.AccountBackend"
                session["_auth_user_hash"] = user.get_session_auth_hash()
                session.create()
                result[role].append([user.username, session.session_key])
    return {"users": result}


# The mixed scenario of bench/locustfile.py as weights: role, then (page, weight).
MIX = {
    "head": (2, [("head: monitoring dashboard", 3), ("head: roadmap dashboard", 3),
                 ("head: periods", 1)]),
    "staff": (3, [("staff: mentees list", 3), ("staff: mentee search", 2),
                  ("staff: review queue", 1), ("staff: pairs list", 1)]),
    "curator": (5, [("curator: my measures", 3), ("curator: mentees", 2),
                    ("curator: monitoring", 2)]),
    "region": (1, [("region: municipalities compared", 1), ("region: regional summary", 1)]),
}  # fmt: skip


def mixed_requests(accounts_data: dict, count: int = 5000) -> list[tuple[str, str, str]]:
    """``count`` requests (name, session key, path) drawn from the mix with a fixed seed."""
    from urllib.parse import quote

    from django.contrib.auth import get_user_model
    from django.test import Client

    rng = random.Random(172)
    users = get_user_model().objects
    dashboards = {}
    for username, _key in accounts_data["users"]["head"]:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users.get(username=username))
        dashboards[username] = client.get("/roadmaps/dashboard/").url
    paths = {
        "head: monitoring dashboard": lambda user: f"/monitoring/?on={DAY}",
        "head: roadmap dashboard": lambda user: dashboards[user],
        "head: periods": lambda user: "/monitoring/periods/",
        "staff: mentees list": lambda user: f"/registry/mentees/?page={rng.randint(1, 50)}",
        "staff: mentee search": lambda user: (
            "/registry/mentees/?q=" + quote(rng.choice("АБВГДЗИКМСТХЭ"))
        ),
        "staff: review queue": lambda user: "/roadmaps/review/",
        "staff: pairs list": lambda user: "/registry/pairs/",
        "curator: my measures": lambda user: "/roadmaps/my/",
        "curator: mentees": lambda user: "/registry/mentees/",
        "curator: monitoring": lambda user: f"/monitoring/?on={DAY}",
        "region: municipalities compared": lambda user: f"/monitoring/?on={DAY}",
        "region: regional summary": lambda user: "/monitoring/region/",
    }
    roles = list(MIX)
    result = []
    for _ in range(count):
        role = rng.choices(roles, weights=[MIX[r][0] for r in roles])[0]
        pages = MIX[role][1]
        name = rng.choices([p[0] for p in pages], weights=[p[1] for p in pages])[0]
        username, key = rng.choice(accounts_data["users"][role])
        result.append((name, key, paths[name](username)))
    return result


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children, the finished ones included."""
    import psutil

    try:
        root = psutil.Process(pid)
        times = root.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        for child in root.children(recursive=True):
            try:
                child_times = child.cpu_times()
                total += child_times.user + child_times.system
            except psutil.NoSuchProcess:
                pass
        return total
    except psutil.NoSuchProcess:
        return 0.0


def postmaster_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        folder = Path(cursor.fetchone()[0])
    return int((folder / "postmaster.pid").read_text().split()[0])


def run_wrk(connections: int, env: dict, server_pids: list[int], seconds: int = 0) -> dict:
    seconds = seconds or STEP_SECONDS
    before_server = sum(_tree_cpu(pid) for pid in server_pids)
    before_self = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    finished = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench/mixed.lua"),
            f"http://127.0.0.1:{PORT}",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    wall = time.monotonic() - started
    after_self = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = sum(_tree_cpu(pid) for pid in server_pids) - before_server
    generator_cpu = (after_self.ru_utime - before_self.ru_utime) + (
        after_self.ru_stime - before_self.ru_stime
    )
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    requests = max(1, result["requests"])
    return {
        "connections": connections,
        "requests": result["requests"],
        "errors": result["socket_errors"] + result["not_ok"],
        "bad_status": result.get("bad_status", 0),
        "rps": result["requests"] / result["seconds"],
        "median": result["p50_ms"],
        "p95": result["p95_ms"],
        "server_ms_per_request": server_cpu / requests * 1000,
        "server_cores": server_cpu / wall,
        "generator_share": generator_cpu / wall / CORES,
        "generator_cores": generator_cpu / wall,
    }


def wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, headers={"Host": "127.0.0.1"})
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def check_signed_in(requests: list[tuple[str, str, str]]) -> None:
    """Each page of the mix answers 200 to its session before the steps start: a session the
    server does not accept would measure redirects to the login page."""
    seen = set()
    for name, key, path in requests:
        if name in seen:
            continue
        seen.add(name)
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}{path}",
            headers={"Host": "127.0.0.1", "Cookie": f"sessionid={key}"},
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise RuntimeError(f"{name}: {path} answered {status}, not 200")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _ms(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):  # «N/A» for a page not requested in the step
        return 0.0


def run_step(users: int, env: dict, folder: Path) -> dict:
    prefix = folder / f"u{users}"
    subprocess.run(
        [
            str(ROOT / ".venv/bin/locust"),
            "-f",
            str(ROOT / "bench/locustfile.py"),
            "--headless",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 2)),
            "--run-time",
            f"{STEP_SECONDS}s",
            "--stop-timeout",
            "5",
            "--csv",
            str(prefix),
            "--only-summary",
            "--reset-stats",
            "--exit-code-on-error",
            "0",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        check=False,
        timeout=STEP_SECONDS + 60,
        stdout=subprocess.DEVNULL,
        stderr=open(f"{prefix}.log", "w"),  # noqa: SIM115
    )
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists() and os.environ.get("LOAD_SHOW_FAILURES"):
        print(failures.read_text(encoding="utf-8")[:2000])
        print(Path(f"{prefix}.log").read_text(encoding="utf-8")[:3000])
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = sorted(
        (r for r in rows if r["Name"] != "Aggregated" and r["Type"] == "GET"),
        key=lambda r: -_ms(r["95%"]),
    )
    return {
        "users": users,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "median": _ms(total["50%"]),
        "p95": _ms(total["95%"]),
        "slowest": [(r["Name"], _ms(r["95%"])) for r in pages[:3]],
    }


def run_wrk_steps(env: dict, server_pids: list[int]) -> None:
    print(
        f"gunicorn: {WORKERS} workers on 127.0.0.1:{PORT}; wrk (1 thread, bench/mixed.lua), "
        f"each step {STEP_SECONDS} s after {WARMUP_SECONDS} s unmeasured, no think time; mixed "
        f"pages by role; {CORES} cores; load average before: {os.getloadavg()[0]:.1f}"
    )
    header = (
        f"{'conns':>6}{'requests':>10}{'errors':>8}{'req/s':>8}{'median':>9}{'p95':>9}"
        f"{'server CPU/req':>16}{'server cores':>14}{'wrk CPU':>9}"
    )
    if WARMUP_SECONDS:
        run_wrk(max(CONNECTIONS), env, server_pids, seconds=WARMUP_SECONDS)
    print(header)
    for connections in CONNECTIONS:
        step = run_wrk(connections, env, server_pids)
        print(
            f"{step['connections']:>6}{step['requests']:>10}{step['errors']:>8}"
            f"{step['rps']:>8.1f}{step['median']:>7.0f}ms{step['p95']:>7.0f}ms"
            f"{step['server_ms_per_request']:>14.1f}ms{step['server_cores']:>14.2f}"
            f"{step['generator_share']:>8.1%}"
            + (f"   (answers not 200, e.g. {step['bad_status']})" if step["bad_status"] else "")
        )
    print(
        "server CPU/req: CPU seconds of gunicorn and PostgreSQL over requests served; wrk CPU: "
        f"the generator's CPU time over the step's wall time and {CORES} cores; "
        f"load average after: {os.getloadavg()[0]:.1f}"
    )


def run_locust_steps(env: dict, folder: Path) -> None:
    print(
        f"gunicorn: {WORKERS} workers on 127.0.0.1:{PORT}; each step {STEP_SECONDS} s; "
        "mixed pages by role (head, staff, curator, region)"
    )
    header = f"{'users':>6}{'requests':>10}{'errors':>8}{'req/s':>8}{'median':>9}{'p95':>9}"
    print(header + "   slowest pages (p95)")
    for users in USERS:
        step = run_step(users, env, folder)
        slowest = "; ".join(f"{name} {p95:.0f} ms" for name, p95 in step["slowest"])
        print(
            f"{step['users']:>6}{step['requests']:>10}{step['failures']:>8}"
            f"{step['rps']:>8.1f}{step['median']:>7.0f}ms{step['p95']:>7.0f}ms   {slowest}"
        )


def main() -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    existing = os.environ.get("LOAD_DATABASE", "").strip()
    if existing:  # a database generated before (its accounts' passwords are reset below)
        connection.close()
        connection.settings_dict["NAME"] = existing
        drop = lambda: None  # noqa: E731
    else:
        drop = fresh_database()
    folder = Path(tempfile.mkdtemp(prefix="cmn-load-"))
    server = None
    try:
        if existing:
            print(f"generate_region: reused database {existing}")
        else:
            started = time.perf_counter()
            call_command("generate_region", password=PASSWORD, stdout=open(os.devnull, "w"))  # noqa: SIM115
            print(f"generate_region: {time.perf_counter() - started:.0f} s")
        call_command("refresh_figures", on=[DAY], stdout=open(os.devnull, "w"))  # noqa: SIM115
        # The bench runs with the test settings (a fast hasher); production checks PBKDF2.
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import PBKDF2PasswordHasher

        hasher = PBKDF2PasswordHasher()
        get_user_model().objects.update(password=hasher.encode(PASSWORD, hasher.salt()))
        secret_key = secrets.token_urlsafe(48)
        accounts_data = accounts(secret_key)
        (folder / "accounts.json").write_text(json.dumps(accounts_data), encoding="utf-8")
        requests = mixed_requests(accounts_data)
        (folder / "requests.tsv").write_text(
            "".join(f"{n}\t{k}\t{p}\n" for n, k, p in requests), encoding="utf-8"
        )
        db = connection.settings_dict
        host = db["HOST"] or ""
        database_url = (
            f"postgresql://{db['USER']}:@/{db['NAME']}?host={host}"
            if host.startswith("/")
            else f"postgresql://{db['USER']}:{db['PASSWORD']}@{host}:{db['PORT']}/{db['NAME']}"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "argun_mentoring.settings.production",
            "DATABASE_URL": database_url,
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": str(folder / "static"),
            "MEDIA_ROOT": str(folder / "media"),
            "GUNICORN_BIND": f"127.0.0.1:{PORT}",
            "GUNICORN_WORKERS": str(WORKERS),
            "GUNICORN_ACCESS_LOG": "",
            "LOG_STREAM": "stderr",
            "AXES_ENABLED": "0",
            "LOAD_ACCOUNTS": str(folder / "accounts.json"),
            "LOAD_PASSWORD": PASSWORD,
            "LOAD_REQUESTS": str(folder / "requests.tsv"),
            # Connections kept between requests, as deploy/env.example sets it.
            "DB_CONN_MAX_AGE": os.environ.get("LOAD_CONN_MAX_AGE", "60"),
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        log = open(folder / "gunicorn.log", "w")  # noqa: SIM115
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "argun_mentoring.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        wait_healthy(f"http://127.0.0.1:{PORT}/healthz")
        check_signed_in(requests)
        if GENERATOR == "wrk":
            run_wrk_steps(env, [server.pid, postmaster_pid()])
        else:
            run_locust_steps(env, folder)
    finally:
        if os.environ.get("LOAD_SHOW_FAILURES") and (folder / "gunicorn.log").exists():
            print((folder / "gunicorn.log").read_text(encoding="utf-8")[-3000:])
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)
        drop()


if __name__ == "__main__":
    main()
