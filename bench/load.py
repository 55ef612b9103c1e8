"""Load test on loopback (`make loadtest`): gunicorn with the production settings on the
region-scale data of `generate_region`, driven by Locust headless at increasing concurrency.

Bounded: each step runs a fixed time and the whole test stops by itself. Prints, per step,
requests per second, the 95th percentile, errors, and the slowest pages.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, fresh_database, setup_django

PASSWORD = "Нагрузка-Пароль-2026"
USERS = [int(n) for n in os.environ.get("LOAD_USERS", "5 20 50").split()]
STEP_SECONDS = int(os.environ.get("LOAD_SECONDS", "30"))
WORKERS = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
PORT = int(os.environ.get("LOAD_PORT", "8765"))


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
                session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
                session["_auth_user_hash"] = user.get_session_auth_hash()
                session.create()
                result[role].append([user.username, session.session_key])
    return {"users": result}


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


def main() -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    drop = fresh_database()
    folder = Path(tempfile.mkdtemp(prefix="cmn-load-"))
    server = None
    try:
        started = time.perf_counter()
        call_command("generate_region", password=PASSWORD, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"generate_region: {time.perf_counter() - started:.0f} s")
        # The bench runs with the test settings (a fast hasher); production checks PBKDF2.
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import PBKDF2PasswordHasher

        hasher = PBKDF2PasswordHasher()
        get_user_model().objects.update(password=hasher.encode(PASSWORD, hasher.salt()))
        secret_key = secrets.token_urlsafe(48)
        (folder / "accounts.json").write_text(json.dumps(accounts(secret_key)), encoding="utf-8")
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
