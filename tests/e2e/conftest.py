"""Browser tests: Debian's chromium driven by Playwright; each user in their own context."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections

PASSWORD = "Пароль-для-тестов-1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}
TIMEOUT_MS = 10_000
# The demo users of `make run` (devdata/demo/tenant.py), one per role.
DEMO_USERS = ["staff", "head", "curator1", "region", "admin"]

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def chromium_path():
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("Chromium не установлен: apt-get install chromium")
    return path


@pytest.fixture
def browser(chromium_path, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls made in the
    # test body alongside it are plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # While the loop runs, Django keeps the test body's connection in a context
            # variable that the end-of-test cleanup does not see; close it here, or the
            # test database cannot be dropped at the end of the session.
            connections.close_all()


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder, not var/test-media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: docs/screenshots through `make screenshots`, else a temp folder."""
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def login(browser, live_server):
    """login(username) → a page in a fresh context, signed in through the real login page."""

    def sign_in(username: str):
        context = browser.new_context(viewport=VIEWPORT, locale="ru-RU", base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Войти").click()
        sync_api.expect(page).not_to_have_url(re.compile(r"/login/"))
        sync_api.expect(page.locator("#user-menu")).to_have_count(1)
        return page

    return sign_in


@pytest.fixture
def demo(db, tmp_path, monkeypatch):
    """The demo of `make run` (load_demo_data), every demo user with the tests' password."""
    monkeypatch.setattr("devdata.demo.tenant.CREDENTIALS_FILE", tmp_path / "demo.json")
    call_command("load_demo_data", stdout=io.StringIO())
    for user in get_user_model().objects.filter(username__in=DEMO_USERS):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return DEMO_USERS
