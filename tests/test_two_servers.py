"""Two real gunicorn servers (as behind nginx's upstream) on one database, one Redis and one
MEDIA_ROOT: a session started on one works on the other, a file uploaded through one is
downloaded through the other, and two people editing one measure through different servers
lose nothing.

The servers run the production profile unchanged; the requests carry what nginx adds
(``X-Forwarded-Proto: https``, ``X-Forwarded-For``, ``X-Request-ID``), so there is no HTTPS
redirect and the CSRF check sees an HTTPS origin. The cookies are Secure: this test keeps them
itself and sends them over plain HTTP on the loopback, as nginx would after ending TLS.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse

from core import roles
from roadmap.models import Evidence, Execution, Measure, Roadmap
from tests.factories import make_user

BASE_DIR = Path(django_settings.BASE_DIR)
GUNICORN = BASE_DIR / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"
ORIGIN = f"https://{HOST}"
PASSWORD = "Пароль-двух-серверов-7"
REDIS_DB = 11
START_TIMEOUT = 60
REQUEST_TIMEOUT = 30

pytestmark = pytest.mark.django_db(transaction=True)


# --- helpers ------------------------------------------------------------------------------------


def redis_reachable() -> bool:
    try:
        with socket.create_connection((HOST, 6379), timeout=1) as sock:
            sock.settimeout(1)
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def database_url_of_this_run() -> str:
    """The test database, as the servers must reach it (the embedded server: its socket dir)."""
    params = connection.settings_dict
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return (
        f"postgresql://{quote(params['USER'] or '')}:{quote(params['PASSWORD'] or '')}"
        f"@{quote(params['HOST'] or '', safe='')}{port}/{params['NAME']}"
    )


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        key: os.environ[key]
        for key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
        if key in os.environ
    }
    env.update(PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]):
    boundary = f"----cmn{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """One person's browser: its own cookies, sent to whichever server it talks to."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, body=None, headers=None) -> Response:
        sent = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "127.0.0.1",
            "X-Request-ID": uuid.uuid4().hex,
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            sent.setdefault("Origin", ORIGIN)
            sent.setdefault("Referer", f"{ORIGIN}{path}")
        conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            response = Response(raw.status, raw.getheaders(), raw.read())
        finally:
            conn.close()
        for name, value in response.headers:
            if name.lower() == "set-cookie":
                for key, morsel in SimpleCookie(value).items():
                    if morsel.value:
                        self.cookies[key] = morsel.value
                    else:
                        self.cookies.pop(key, None)
        return response

    def get(self, port: int, path: str, **headers) -> Response:
        return self.request(port, "GET", path, headers=headers)

    def post(self, port: int, path: str, data: dict, headers=None) -> Response:
        pairs = [(k, v) for k, values in data.items() for v in _as_list(values)]
        body = urlencode(pairs).encode()
        return self.request(
            port,
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )

    def log_in(self, port: int, username: str) -> Response:
        page = self.get(port, "/login/")
        assert page.status == 200, page.text[:500]
        return self.post(
            port,
            "/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_of(page)},
        )


def _as_list(value) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def csrf_of(page: Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


class Server:
    def __init__(self, name: str, port: int, env: dict[str, str], log: Path):
        self.name, self.port, self.log = name, port, log
        self._log_handle = log.open("wb")
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "argun_mentoring.wsgi"],
            cwd=BASE_DIR,
            # Each instance its own control socket (gunicorn.ctl in XDG_RUNTIME_DIR).
            env={
                **env,
                "GUNICORN_BIND": f"{HOST}:{port}",
                "XDG_RUNTIME_DIR": str(log.parent / name),
            },
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
        )

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return f"--- server {self.name} ---\n" + "\n".join(text.splitlines()[-lines:])

    def wait_healthy(self, deadline: float) -> None:
        last = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn {self.name} exited\n{self.tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                try:
                    conn.request("GET", "/healthz", headers={"Host": HOST})
                    raw = conn.getresponse()
                    last = (raw.status, raw.read())
                finally:
                    conn.close()
                if last[0] == 200:
                    assert json.loads(last[1]) == {"status": "ok", "database": "ok", "cache": "ok"}
                    return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"gunicorn {self.name} not healthy in time: {last}\n{self.tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_handle.close()


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic with the production storage (hashed names, the manifest) once."""
    if not GUNICORN.exists():
        pytest.skip(f"нет {GUNICORN}")
    root = tmp_path_factory.mktemp("static")
    result = subprocess.run(
        # The PDF fonts are read from static/ itself; compressing them only takes time here.
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--ignore", "fonts"],
        cwd=BASE_DIR,
        env=clean_env(
            DJANGO_SETTINGS_MODULE="argun_mentoring.settings.production",
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL="postgresql://nobody@127.0.0.1:9/nothing",  # never connected to
            STATIC_ROOT=str(root),
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def shared_redis():
    if not redis_reachable():
        pytest.skip(f"Redis недоступен на {HOST}:6379: двум серверам нужен общий Redis")
    return f"redis://{HOST}:6379/{REDIS_DB}"


@pytest.fixture
def servers(shared_redis, transactional_db, static_root, tmp_path):
    """Servers A and B; the test database (committed data: a transactional test) is theirs."""
    media = tmp_path / "shared-media"
    media.mkdir()
    prefix = f"cmn-two-{uuid.uuid4().hex[:8]}"
    env = clean_env(
        DJANGO_SETTINGS_MODULE="argun_mentoring.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),  # the same on every server: sessions are signed
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url_of_this_run(),
        REDIS_URL=shared_redis,
        CACHE_KEY_PREFIX=prefix,
        MEDIA_ROOT=str(media),
        STATIC_ROOT=str(static_root),
        GUNICORN_WORKERS="1",
        GUNICORN_TIMEOUT="60",
    )
    started = []
    try:
        for name in ("A", "B"):
            (tmp_path / name).mkdir(mode=0o700)
            started.append(Server(name, free_port(), env, tmp_path / f"gunicorn-{name}.log"))
        deadline = time.monotonic() + START_TIMEOUT
        for server in started:
            server.wait_healthy(deadline)
        yield {"a": started[0], "b": started[1], "media": media, "prefix": prefix, "env": env}
    finally:
        for server in started:
            server.stop()
        _forget_redis_keys(prefix)


def _forget_redis_keys(prefix: str) -> None:
    try:
        import redis

        client = redis.Redis.from_url(f"redis://{HOST}:6379/{REDIS_DB}", socket_timeout=2)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    except Exception:
        pass


def user_with_real_password(username: str, **names):
    """The production profile knows only the standard hashers, not the tests' MD5."""
    user = make_user(username, roles.STAFF, **names)
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def editors(municipality):
    return (
        user_with_real_password(
            "ahmed", municipality=municipality, first_name="Ахмед", last_name="Магомедов"
        ),
        user_with_real_password(
            "zarema", municipality=municipality, first_name="Зарема", last_name="Исаева"
        ),
    )


# --- the test -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("editors")
def test_two_servers_share_sessions_files_and_edits(roadmap, servers):
    a, b = servers["a"].port, servers["b"].port
    editor_url = reverse("roadmap:editor", args=[roadmap.pk])

    # (a) Logged in through A, the session works on B.
    ahmed = Browser()
    login = ahmed.log_in(a, "ahmed")
    assert login.status == 302, login.text[:500]
    session_cookie = next(
        v for k, v in login.headers if k.lower() == "set-cookie" and v.startswith("sessionid=")
    )
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie
    anonymous = Browser().get(b, editor_url)
    assert anonymous.status == 302 and "/login/" in anonymous.header("Location")
    page = ahmed.get(b, editor_url)
    assert page.status == 200, page.text[:500]
    assert "Магомедов" in page.text or "ahmed" in page.text
    # The session is in the shared Redis (and in the database behind it).
    import redis

    cached = redis.Redis.from_url(f"redis://{HOST}:6379/{REDIS_DB}", socket_timeout=2)
    key = f"{servers['prefix']}:1:django.contrib.sessions.cached_db{ahmed.cookies['sessionid']}"
    assert cached.exists(key)

    # (b) A department's report with a file uploaded through A is downloaded through B.
    execution = (
        Execution.objects.filter(measure__section__roadmap=roadmap, school__isnull=True)
        .order_by("measure__number_key", "measure__id")
        .first()
    )
    report_page = ahmed.get(a, reverse("roadmap:execution", args=[execution.pk]))
    assert report_page.status == 200, report_page.text[:500]
    # Over 2.5 MB: the upload is streamed to a temporary file on server A.
    content = b"%PDF-1.4\n" + os.urandom(3 * 1024 * 1024) + b"\n%%EOF\n"
    body, content_type = multipart(
        {
            "csrfmiddlewaretoken": csrf_of(report_page),
            "text": "Приказ издан",
            "completed_on": "20.10.2020",
        },
        {"files": ("Приказ о рабочей группе.pdf", content, "application/pdf")},
    )
    uploaded = ahmed.request(
        a,
        "POST",
        reverse("roadmap:execution_report", args=[execution.pk]),
        body=body,
        headers={"Content-Type": content_type},
    )
    assert uploaded.status == 302, uploaded.text[:1000]
    evidence = Evidence.objects.get(report__execution=execution)
    downloaded = ahmed.get(b, reverse("roadmap:evidence", args=[evidence.pk]))
    assert downloaded.status == 200, downloaded.text[:500]
    assert downloaded.body == content
    assert "attachment" in (downloaded.header("Content-Disposition") or "")
    assert (servers["media"] / evidence.file.name).read_bytes() == content

    # (c) The same measure opened on A by one editor and on B by another: one save wins, the
    # other gets 409 naming who changed what, with its own text kept for a deliberate re-save.
    Roadmap.objects.filter(pk=roadmap.pk).update(status=Roadmap.Status.DRAFT)
    measure = Measure.objects.get(section__roadmap=roadmap, number="1.4")
    zarema = Browser()
    assert zarema.log_in(b, "zarema").status == 302
    edit_url = reverse("roadmap:measure_edit", args=[measure.pk])
    form_a = ahmed.get(a, edit_url)
    form_b = zarema.get(b, edit_url)
    assert form_a.status == 200 and form_b.status == 200
    version_pattern = r'name="version" value="(\d+)"'
    opened_version = re.search(version_pattern, form_a.text).group(1)
    assert re.search(version_pattern, form_b.text).group(1) == opened_version
    assert opened_version == str(measure.version)

    base = {
        "number": measure.number,
        "title": measure.title,
        "deadline_text": measure.deadline_text,
        "parties": [str(r.party_id) for r in measure.responsibilities.all()],
        "result": measure.result,
        "version": opened_version,
    }
    text_a = "Текст Ахмеда: положение о наставничестве утверждено приказом"
    text_b = "Текст Заремы: перечень ОО уточнён"
    saved_a = ahmed.post(
        a, edit_url, {**base, "title": text_a, "csrfmiddlewaretoken": csrf_of(form_a)}
    )
    assert saved_a.status == 302, saved_a.text[:1000]
    refused_b = zarema.post(
        b,
        edit_url,
        {**base, "title": text_b, "csrfmiddlewaretoken": csrf_of(form_b)},
        headers={"HX-Request": "true"},
    )
    assert refused_b.status == 409, refused_b.text[:1000]
    assert "Мероприятие уже изменено" in refused_b.text
    assert "Ахмед Магомедов" in refused_b.text
    assert text_a in refused_b.text  # what A changed
    assert text_b in refused_b.text  # B's own text, still in the form
    measure.refresh_from_db()
    assert measure.title == text_a
    assert measure.version == int(opened_version) + 1
    assert f'name="version" value="{measure.version}"' in refused_b.text
