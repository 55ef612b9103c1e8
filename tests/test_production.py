"""The production profile: check --deploy, Content-Security-Policy (and pages without inline
scripts or styles), login lockout, /healthz, Redis, S3, JSON logs, gunicorn.

Settings that only the production module sets are read in a subprocess
(DJANGO_SETTINGS_MODULE=argun_mentoring.settings.production, a DATABASE_URL that is never
connected to); the Content-Security-Policy, the lockout and the logs live in the base
settings and are tested here in the test profile.
"""

from __future__ import annotations

import http.client
import io
import json
import logging
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection, connections
from django.test import Client
from django.urls import reverse

from argun_mentoring import health
from argun_mentoring.logging import JSONFormatter, RequestIDFilter
from tests.factories import make_user

BASE_DIR = Path(django_settings.BASE_DIR)
PASSWORD = "Пароль-для-тестов-1"
# Never connected to: the settings are read, the check framework runs without a database.
NOWHERE_DATABASE = "postgresql://nobody@127.0.0.1:9/nothing"
LOCKOUT_TEXT = "Слишком много неудачных попыток входа"


# --- helpers --------------------------------------------------------------------------------


def production_env(**extra: str) -> dict[str, str]:
    """A clean environment for a production process: nothing leaks in from this one."""
    env = {
        key: os.environ[key]
        for key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
        if key in os.environ
    }
    env.update(
        DJANGO_SETTINGS_MODULE="argun_mentoring.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=NOWHERE_DATABASE,
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def run_python(code: str, env: dict[str, str], timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


SETTINGS_PROBE = """
import json, django
django.setup()
from django.conf import settings
names = {names!r}
print(json.dumps({{name: getattr(settings, name, None) for name in names}}, default=str))
"""


def production_settings(*names: str, **env: str) -> dict:
    result = run_python(SETTINGS_PROBE.format(names=list(names)), production_env(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0]] = tokens[1:]
    return directives


def redis_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_of_this_run() -> str:
    """The URL of the database this test run uses (the embedded server's socket or a host)."""
    params = connection.settings_dict
    host = quote(params["HOST"] or "", safe="")
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return (
        f"postgresql://{quote(params['USER'] or '')}:{quote(params['PASSWORD'] or '')}"
        f"@{host}{port}/{params['NAME']}"
    )


# --- check --deploy and the settings of the profile -------------------------------------------


def test_check_deploy_is_clean_with_the_production_profile():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_would_catch_a_weakened_profile():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_env(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # HSTS
    assert "security.W008" in result.stderr  # SSL redirect


def test_production_defaults():
    values = production_settings(
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
        "SECURE_REDIRECT_EXEMPT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
        "TRUSTED_PROXY_COUNT",
        "STORAGES",
        "CACHES",
        "SESSION_ENGINE",
        "LOG_FORMAT",
        "LOG_STREAM",
        "AXES_ENABLED",
        "AXES_FAILURE_LIMIT",
        "AXES_COOLOFF_TIME",
        "AXES_LOCKOUT_PARAMETERS",
    )
    assert values["DEBUG"] is False
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY"):
        assert values[name] is True, name
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == values["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_REDIRECT_EXEMPT"] == [r"^healthz$"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["TRUSTED_PROXY_COUNT"] == 1
    assert values["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert values["STORAGES"]["staticfiles"]["BACKEND"].endswith("production.StaticFilesStorage")
    assert values["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert (values["LOG_FORMAT"], values["LOG_STREAM"]) == ("json", "stdout")
    assert values["AXES_ENABLED"] is True
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert values["AXES_COOLOFF_TIME"] == "0:30:00"
    assert values["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]


def test_production_settings_follow_the_environment():
    values = production_settings(
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_PRELOAD",
        "SILENCED_SYSTEM_CHECKS",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "TRUSTED_PROXY_COUNT",
        "AXES_FAILURE_LIMIT",
        "AXES_COOLOFF_TIME",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_PRELOAD="1",
        SECURE_SSL_REDIRECT="0",
        SECURE_PROXY_SSL_HEADER="",
        TRUSTED_PROXY_COUNT="2",
        AXES_FAILURE_LIMIT="3",
        AXES_COOLOFF_MINUTES="15",
    )
    assert values["SECURE_HSTS_SECONDS"] == 600
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SILENCED_SYSTEM_CHECKS"] == []  # W021 is silenced only while preload is off
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["TRUSTED_PROXY_COUNT"] == 2
    assert values["AXES_FAILURE_LIMIT"] == 3
    assert values["AXES_COOLOFF_TIME"] == "0:15:00"


def test_s3_storage_when_the_bucket_is_configured():
    code = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage, storages
storage = storages["default"]
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "class": type(storage).__module__ + "." + type(storage).__name__,
    "same": type(default_storage._wrapped if default_storage._wrapped else storage).__name__,
    "bucket": storage.bucket_name,
    "endpoint": storage.endpoint_url,
    "region": storage.region_name,
    "access_key": storage.access_key,
    "acl": storage.default_acl,
    "signed": storage.querystring_auth,
    "overwrite": storage.file_overwrite,
    "location": storage.location,
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""
    result = run_python(
        code,
        production_env(
            S3_BUCKET="cmn-files",
            S3_ENDPOINT_URL="https://s3.storage.example.ru",
            S3_ACCESS_KEY_ID="test-access-key",
            S3_SECRET_ACCESS_KEY="test-secret-key",
            S3_REGION="ru-1",
            S3_PREFIX="media/",
        ),
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["backend"] == "storages.backends.s3.S3Storage"
    assert found["class"] == "storages.backends.s3.S3Storage"
    assert found["bucket"] == "cmn-files"
    assert found["endpoint"] == "https://s3.storage.example.ru"
    assert found["region"] == "ru-1"
    assert found["access_key"] == "test-access-key"
    assert found["acl"] is None  # private: the bucket's own policy, never public-read
    assert found["signed"] is True
    assert found["overwrite"] is False
    assert found["location"] == "media"
    assert found["static"].endswith("production.StaticFilesStorage")  # static stays local


def test_local_files_without_s3(settings):
    assert settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


# --- static files ---------------------------------------------------------------------------


def test_tests_and_development_serve_static_files_without_collectstatic(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    css = b"".join(response.streaming_content).decode()
    for percent in range(101):
        assert f".w-pct-{percent}{{width:{percent}%}}" in css
    assert ".htmx-indicator" in css


def test_collectstatic_and_a_page_with_the_production_profile(tmp_path):
    """collectstatic with hashed, compressed names (the vendored Bootstrap names source maps
    it does not ship); then the login page over HTTPS behind the proxy: every header."""
    env = production_env(STATIC_ROOT=str(tmp_path / "static"), ALLOWED_HOSTS="cmn.example.ru")
    collected = subprocess.run(
        # The PDF fonts are read from static/ itself; compressing them only takes time here.
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--ignore", "fonts"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert collected.returncode == 0, collected.stderr
    assert list((tmp_path / "static" / "css").glob("app.*.css.gz"))
    code = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="cmn.example.ru")
plain = client.get("/login/")
page = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
health_redirect = client.get("/healthz")
cookie = page.cookies["csrftoken"]
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "status": page.status_code,
    "headers": dict(page.headers),
    "cookie": {k: cookie[k] for k in ("secure", "httponly", "samesite")},
    "html": page.content.decode(),
    "healthz_is_not_redirected": health_redirect.status_code != 301,
}))
"""
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["plain"] == [301, "https://cmn.example.ru/login/"]
    assert found["status"] == 200
    headers = found["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
    policy = csp_directives(headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert found["cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert re.search(r'href="/static/css/app\.[0-9a-f]{12}\.css"', found["html"])
    assert re.search(r'src="/static/vendor/htmx/htmx\.min\.[0-9a-f]{12}\.js"', found["html"])
    assert found["healthz_is_not_redirected"]


# --- Content-Security-Policy ------------------------------------------------------------------


def test_the_policy_allows_no_inline_script_style_or_eval(client, staff, roadmap):
    client.force_login(staff)
    response = client.get(reverse("roadmap:detail", args=[roadmap.pk]))
    assert response.status_code == 200
    policy = csp_directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    everything = " ".join(token for tokens in policy.values() for token in tokens)
    assert "'unsafe-inline'" not in everything
    assert "'unsafe-eval'" not in everything
    assert "*" not in everything


def test_the_login_page_and_the_health_check_carry_the_policy_too(client, db):
    for url in ("/login/", "/healthz"):
        assert "script-src 'self'" in client.get(url)["Content-Security-Policy"]


INLINE = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "style= attribute": re.compile(r"<[a-zA-Z][^<>]*\sstyle\s*=", re.IGNORECASE),
    "on...= handler": re.compile(r"<[a-zA-Z][^<>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"""\s(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
    "htmx eval": re.compile(
        r"\shx-on[:-]|\shx-vars\s*=|\shx-vals\s*=\s*[\"']\s*(?:js|javascript):"
    ),
}


def assert_no_inline_code(response, where: str) -> None:
    assert "Content-Security-Policy" in response, where
    if not response["Content-Type"].startswith("text/html"):
        return
    html = response.content.decode()
    found = {name: pattern.findall(html)[:3] for name, pattern in INLINE.items()}
    assert not any(found.values()), f"{where}: {found}"


def walk(client, urls: list[str], who: str) -> int:
    checked = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, f"{who} {url}: {response.status_code}"
        assert_no_inline_code(response, f"{who} {url}")
        checked += 1
    return checked


@pytest.fixture
def report_in_progress(roadmap, curator_a):
    """An execution of school A with a report form on its page."""
    from roadmap.models import Execution

    return Execution.objects.filter(school=curator_a.profile.school).order_by("pk").first()


def test_roadmap_pages_have_no_inline_scripts_or_styles(
    client, roadmap, staff, head, curator_a, report_in_progress
):
    measure = roadmap.sections.order_by("position", "pk").first().measures.first()
    staff_urls = [
        reverse("roadmap:list"),
        reverse("roadmap:detail", args=[roadmap.pk]),
        reverse("roadmap:dashboard", args=[roadmap.pk]),
        reverse("roadmap:editor", args=[roadmap.pk]),
        reverse("roadmap:settings", args=[roadmap.pk]),
        reverse("roadmap:schools", args=[roadmap.pk]),
        reverse("roadmap:measure", args=[measure.pk]),
        reverse("roadmap:measure_row", args=[measure.pk]),
        reverse("roadmap:review"),
        reverse("roadmap:my"),
        reverse("roadmap:reminders"),
        reverse("roadmap:import"),
        reverse("roadmap:create"),
        reverse("roadmap:deadline_preview", args=[roadmap.pk]) + "?deadline_text=октябрь+2020",
    ]
    client.force_login(staff)
    checked = walk(client, staff_urls, "staff")
    # The progress bars are classes now: one per section, width in whole percent.
    page = client.get(reverse("roadmap:detail", args=[roadmap.pk])).content.decode()
    assert re.search(r'class="progress-bar bg-success w-pct-\d{1,3}"', page)

    client.force_login(head)
    checked += walk(
        client,
        [
            reverse("roadmap:detail", args=[roadmap.pk]),
            reverse("roadmap:dashboard", args=[roadmap.pk]),
        ],
        "head",
    )
    client.force_login(curator_a)
    checked += walk(
        client,
        [
            reverse("roadmap:my"),
            reverse("roadmap:reminders"),
            reverse("roadmap:execution", args=[report_in_progress.pk]),
        ],
        "curator",
    )
    assert checked == len(staff_urls) + 5


def test_registry_and_monitoring_pages_have_no_inline_scripts_or_styles(
    client, registry_data, staff, head, curator_a
):
    a = registry_data["a"]
    lists = [
        reverse(f"registry:{name}")
        for name in ("mentees", "mentors", "programmes", "pairs", "partners", "schools")
    ]
    details = [
        reverse("registry:mentee", args=[a["minor"].pk]),  # the consent withdrawal form
        reverse("registry:mentee", args=[a["adult"].pk]),
        reverse("registry:mentor", args=[a["mentor"].pk]),
        reverse("registry:programme", args=[a["programme"].pk]),
        reverse("registry:mentee_create"),
        reverse("registry:pair_create"),
        reverse("registry:school_edit", args=[a["school"].pk]),
    ]
    monitoring = [
        reverse("monitoring:dashboard"),
        reverse("monitoring:periods"),
        reverse("monitoring:targets"),
        reverse("monitoring:questionnaires"),
    ]
    client.force_login(staff)
    walk(client, lists + details + monitoring, "staff")
    client.force_login(head)
    walk(client, [*lists[:2], reverse("monitoring:dashboard")], "head")
    client.force_login(curator_a)
    walk(
        client,
        [*lists[:4], details[0], reverse("monitoring:dashboard"), reverse("monitoring:periods")],
        "curator",
    )


def test_monitoring_with_data_and_charts_has_no_inline_styles(client, period, staff):
    client.force_login(staff)
    walk(
        client,
        [
            reverse("monitoring:dashboard") + "?on=31.01.2021",
            reverse("monitoring:period", args=[period.pk]),
            reverse("monitoring:summary", args=[period.pk]),
        ],
        "staff",
    )
    page = client.get(reverse("monitoring:dashboard") + "?on=31.01.2021").content.decode()
    assert "<svg" in page  # the charts are there, drawn without style=


def test_login_and_error_pages_have_no_inline_code(client, db):
    assert_no_inline_code(client.get("/login/"), "login")
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_no_inline_code(missing, "404")


def test_the_admin_works_under_the_same_policy(client, admin_user, roadmap, registry_data):
    """Django 5.2's admin has no inline scripts; its one inline <style> appears only on a
    change list with both action bars turned off, which no model admin here does."""
    client.force_login(admin_user)
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        # The admin's change list has an inline <style> only with both action bars off.
        assert model_admin.actions_on_top or model_admin.actions_on_bottom, info
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    checked = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403), url
        policy = csp_directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
        assert_no_inline_code(response, url)
        checked += 1
    assert checked > 20


# --- login lockout (django-axes) ---------------------------------------------------------------


def _login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_five_failures_lock_the_user_out_from_that_address(client, settings, staff, head):
    settings.AXES_ENABLED = True
    where = {"REMOTE_ADDR": "203.0.113.7"}
    for attempt in range(1, 5):
        response = _login(client, "staff", "неверный-пароль", **where)
        assert response.status_code == 200, attempt
        assert LOCKOUT_TEXT not in response.content.decode()
    fifth = _login(client, "staff", "неверный-пароль", **where)
    assert fifth.status_code == 429
    assert LOCKOUT_TEXT in fifth.content.decode()

    right = _login(client, "staff", PASSWORD, **where)
    assert right.status_code == 429
    page = right.content.decode()
    assert LOCKOUT_TEXT in page
    assert "30 мин" in page
    assert 'name="username"' in page and 'value="staff"' in page  # the login page itself
    assert "_auth_user_id" not in client.session
    assert_no_inline_code(right, "lockout page")

    # Another user from the same address, and the same user from another address, get in.
    other = Client()
    assert _login(other, "head", PASSWORD, **where).status_code == 302
    elsewhere = Client()
    assert _login(elsewhere, "staff", PASSWORD, REMOTE_ADDR="198.51.100.2").status_code == 302


def test_behind_the_proxy_the_lockout_counts_the_forwarded_address(client, settings, staff):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = 1
    nginx = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(5):
        _login(client, "staff", "неверный-пароль", HTTP_X_FORWARDED_FOR="203.0.113.7", **nginx)
    # Whatever the client writes into the header itself stays on the left and is ignored.
    spoofed = _login(
        Client(), "staff", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7", **nginx
    )
    assert spoofed.status_code == 429
    other_client = _login(Client(), "staff", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2", **nginx)
    assert other_client.status_code == 302


def test_tests_log_in_without_a_request_while_the_lockout_is_off(client, staff):
    assert client.login(username="staff", password=PASSWORD)


# --- /healthz -----------------------------------------------------------------------------------


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


class _BrokenConnection:
    def cursor(self):
        raise OperationalError("connection refused")


def test_healthz_is_503_when_the_database_fails(client, db, monkeypatch, caplog):
    monkeypatch.setattr(health, "connection", _BrokenConnection())
    with caplog.at_level(logging.ERROR, logger="argun_mentoring.health"):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="probe-42")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
    assert "connection refused" not in response.content.decode()  # details go to the log
    (record,) = [r for r in caplog.records if r.name == "argun_mentoring.health"]
    assert RequestIDFilter().filter(record) and record.request_id == "probe-42"


def test_healthz_checks_the_cache_when_redis_is_configured(client, db, settings):
    # Nothing listens on port 9: the cache check fails quickly and says so.
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}


# --- Redis ----------------------------------------------------------------------------------


REDIS_URL = "redis://127.0.0.1:6379/15"
needs_redis = pytest.mark.skipif(not redis_reachable(), reason="Redis on 127.0.0.1:6379 is down")


@needs_redis
def test_redis_url_selects_redis_for_the_cache_and_the_sessions():
    values = production_settings("CACHES", "SESSION_ENGINE", REDIS_URL=REDIS_URL)
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHES"]["default"]["LOCATION"] == REDIS_URL
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


@needs_redis
def test_a_session_in_redis_is_shared_by_two_clients(settings, staff, roadmap):
    import redis

    prefix = f"cmn-test-{secrets.token_hex(4)}"
    settings.REDIS_URL = REDIS_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    raw = redis.Redis.from_url(REDIS_URL)
    try:
        first = Client()
        assert _login(first, "staff", PASSWORD).status_code == 302
        session_key = first.cookies[settings.SESSION_COOKIE_NAME].value
        assert any(session_key in key.decode() for key in raw.scan_iter(f"{prefix}:*"))
        # Take the database copy away: the second client is recognised from Redis alone.
        Session.objects.filter(session_key=session_key).delete()
        second = Client()
        second.cookies[settings.SESSION_COOKIE_NAME] = session_key
        page = second.get(reverse("roadmap:detail", args=[roadmap.pk]))
        assert page.status_code == 200
        assert page.wsgi_request.user == staff
        assert second.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}
    finally:
        keys = list(raw.scan_iter(f"{prefix}:*"))
        if keys:
            raw.delete(*keys)
        raw.close()


# --- logs ---------------------------------------------------------------------------------------


def test_the_json_formatter_writes_one_parsable_line():
    logger = logging.getLogger("argun_mentoring.test")
    record = logger.makeRecord(
        logger.name,
        logging.WARNING,
        __file__,
        1,
        "Файл «%s» не прочитан",
        ("отчёт.xlsx",),
        None,
        extra={"path": "/registry/mentees/import/", "status": 422, "request_id": "abc"},
    )
    try:
        raise ValueError("плохой файл")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = JSONFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["level"] == "WARNING"
    assert parsed["logger"] == "argun_mentoring.test"
    assert parsed["message"] == "Файл «отчёт.xlsx» не прочитан"
    assert parsed["path"] == "/registry/mentees/import/"
    assert parsed["status"] == 422
    assert parsed["request_id"] == "abc"
    assert "ValueError: плохой файл" in parsed["exception"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", parsed["time"])


@pytest.fixture
def request_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestIDFilter())
    loggers = [logging.getLogger(name) for name in ("argun_mentoring.request", "django.request")]
    previous = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield stream
    for logger, level in zip(loggers, previous, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_each_request_gets_an_id_and_a_json_log_line(client, settings, staff, request_log):
    settings.LOG_REQUESTS = True
    client.force_login(staff)
    given = client.get(reverse("roadmap:list"), HTTP_X_REQUEST_ID="nginx-5f2c9a")
    assert given["X-Request-ID"] == "nginx-5f2c9a"
    made = client.get("/login/", HTTP_X_REQUEST_ID="not a valid id\n")
    assert re.fullmatch(r"[0-9a-f]{32}", made["X-Request-ID"])
    client.get("/healthz")  # a healthy probe is not logged
    # Django's own "Not Found" line is written after the middleware: it has the id too.
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="nf-1")

    lines = [json.loads(line) for line in request_log.getvalue().splitlines()]
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert [(line["request_id"], line["status"]) for line in not_found] == [("nf-1", 404)]
    assert not_found[0]["path"] == "/no-such-page/"
    lines = [line for line in lines if line["logger"] == "argun_mentoring.request"]
    assert [line["path"] for line in lines] == [
        reverse("roadmap:list"),
        "/login/",
        "/no-such-page/",
    ]
    first = lines[0]
    for key in ("time", "level", "logger", "message", "request_id", "method", "path"):
        assert key in first, key
    assert first["request_id"] == "nginx-5f2c9a"
    assert (first["method"], first["status"], first["user_id"]) == ("GET", 200, staff.pk)
    assert first["logger"] == "argun_mentoring.request"
    assert isinstance(first["duration_ms"], float)
    assert lines[1]["request_id"] == made["X-Request-ID"]
    assert lines[1]["user_id"] == staff.pk


LOG_PROBE = """
import logging, django
django.setup()
logging.getLogger("roadmap.documents.importer").warning(
    "Не удалось прочитать «%s»", "приказ.docx", extra={"path": "/roadmaps/import/"}
)
"""


def test_production_logs_are_json_lines_on_stdout():
    result = run_python(LOG_PROBE, production_env())
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.strip()]
    parsed = json.loads(line)
    assert parsed["level"] == "WARNING"
    assert parsed["logger"] == "roadmap.documents.importer"
    assert parsed["message"] == "Не удалось прочитать «приказ.docx»"
    assert parsed["path"] == "/roadmaps/import/"
    assert "time" in parsed and "request_id" not in parsed  # outside a request


def test_development_logs_are_readable_text():
    env = production_env(DJANGO_SETTINGS_MODULE="argun_mentoring.settings.dev")
    result = run_python(LOG_PROBE, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # stdout stays free for commands' output (export … > file)
    assert re.search(
        r"^\S+ \S+ WARNING roadmap\.documents\.importer \[-\] Не удалось прочитать «приказ\.docx»$",
        result.stderr,
        re.MULTILINE,
    )


# --- gunicorn -----------------------------------------------------------------------------------


def _get(port: int, path: str, headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_gunicorn_serves_the_health_check_and_logs_json(db, tmp_path):
    port = free_port()
    env = production_env(
        DATABASE_URL=database_url_of_this_run(),
        ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        XDG_RUNTIME_DIR=str(tmp_path),  # gunicorn's control socket, if it makes one
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, headers, body = _get(port, "/healthz", {"X-Request-ID": "probe-7"})
                break
            except OSError:
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert status == 200, body
        assert json.loads(body) == {"status": "ok", "database": "ok"}
        assert headers["X-Request-ID"] == "probe-7"
        # Plain HTTP elsewhere goes to HTTPS; behind nginx (X-Forwarded-Proto) it does not.
        status, headers, _ = _get(port, "/login/", {"Host": "127.0.0.1"})
        assert (status, headers["Location"]) == (301, "https://127.0.0.1/login/")
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    assert out.strip(), err
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    probe = next(line for line in access if line["path"] == "/healthz")
    assert probe["status"] == 200
    assert probe["request_id"] == "probe-7"
    assert probe["method"] == "GET"
    assert isinstance(probe["duration_ms"], float)
    for key in ("time", "level", "message", "remote_addr"):
        assert key in probe, key
    assert any(line["logger"] == "gunicorn.error" for line in lines)  # "Booting worker…"


# --- a real browser: no violation of the policy, htmx and Bootstrap still work -------------------


@pytest.fixture
def chromium():
    import shutil

    path = shutil.which("chromium")
    if path is None:
        pytest.skip("Chromium не установлен")
    sync_api = pytest.importorskip("playwright.sync_api")
    return sync_api, path


def test_a_browser_sees_no_policy_violations(chromium, live_server, monkeypatch, roadmap, staff):
    sync_api, path = chromium
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    make_user("admin2", None, is_staff=True, is_superuser=True)
    violations: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu"])
        try:
            context = browser.new_context(base_url=live_server.url, locale="ru-RU")
            context.set_default_timeout(10_000)
            context.expose_binding("reportViolation", lambda source, text: violations.append(text))
            context.add_init_script(
                "document.addEventListener('securitypolicyviolation', e =>"
                " window.reportViolation(e.violatedDirective + ' ' + e.blockedURI"
                " + ' ' + location.pathname));"
            )
            page = context.new_page()
            page.on(
                "console",
                lambda m: violations.append(m.text) if "Content Security Policy" in m.text else 0,
            )

            def sign_in(username):
                context.clear_cookies()
                page.goto("/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", PASSWORD)
                page.get_by_role("button", name="Войти").click()
                sync_api.expect(page.locator("nav")).to_contain_text(username)

            sign_in("staff")
            for url in (
                f"/roadmaps/{roadmap.pk}/",
                f"/roadmaps/{roadmap.pk}/dashboard/",
                "/registry/mentees/",
                "/monitoring/",
            ):
                page.goto(url)
                page.wait_for_load_state("load")
            # Bootstrap's dropdown (a script from /static/) opens.
            page.get_by_role("button", name="Реестр").click()
            sync_api.expect(page.get_by_role("link", name="Наставники")).to_be_visible()

            # htmx: open an amendment, edit a measure's deadline in its row and save it.
            page.goto(f"/roadmaps/{roadmap.pk}/edit/")
            if page.locator("#id_basis").count():
                page.fill("#id_basis", "приказ от 01.11.2020 № 200")
                page.fill("#id_reason", "Проверка политики безопасности")
                page.get_by_role("button", name="Внести изменение").click()
            row = page.locator("tr[id^=measure-]").first
            row.get_by_role("link", name="изменить").click()
            deadline = row.locator("input[name=deadline_text]")
            deadline.fill("ноябрь 2020 года")
            sync_api.expect(row.locator("[id^=deadline-preview-]")).to_contain_text("01.11.2020")
            row.get_by_role("button", name="Сохранить").click()
            sync_api.expect(row.locator("input[name=deadline_text]")).to_have_count(0)
            sync_api.expect(row).to_contain_text("ноябрь 2020 года")

            # The admin: a change form with its own scripts (autocomplete, related links).
            sign_in("admin2")
            page.goto("/admin/")
            page.goto("/admin/auth/user/")
            page.goto(f"/admin/auth/user/{staff.pk}/change/")
            sync_api.expect(page.locator("#user_form")).to_be_visible()
            page.goto("/admin/roadmap/")
            page.wait_for_load_state("load")
            page.wait_for_timeout(300)  # late reports of the last page
        finally:
            browser.close()
            # The sync API's loop kept the test's connection in a context variable.
            connections.close_all()
    assert violations == []


def test_production_refuses_to_start_without_a_database_url():
    """Several app servers share one database; none may quietly start its own."""
    result = run_python(
        "import django; django.setup()", production_env(DATABASE_URL=""), timeout=60
    )
    assert result.returncode != 0
    assert "задайте DATABASE_URL" in result.stderr


@pytest.mark.django_db
def test_a_csrf_refusal_is_a_russian_page_without_inline_styles(staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post("/monitoring/targets/", {"indicator": "mentors", "year": "2024"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Форма устарела" in html
    assert "<style" not in html and "style=" not in html


def test_a_settled_worker_leaves_the_loaded_program_to_the_collector_alone():
    import gc

    from argun_mentoring.wsgi import settle

    try:
        frozen = settle()
        assert frozen > 50_000  # Django, the apps and every view
        assert gc.get_freeze_count() > 50_000  # out of the collector's generations
        assert "registry.views.people" in sys.modules
    finally:
        gc.unfreeze()


def test_every_page_names_its_icon_so_no_browser_asks_for_a_missing_one(client, db):
    from django.contrib.staticfiles import finders

    html = client.get("/login/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("img/favicon.svg")
