"""The living demo of `make run` in a real browser: each role's first screen shows the current
school year at work — the roadmap in force, work done and overdue, reports to check."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from devdata.demo import tenant as demo_tenant
from monitoring.indicators import school_year_of

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


@pytest.fixture
def demo_login(browser, live_server, monkeypatch, tmp_path):
    monkeypatch.setattr(demo_tenant, "CREDENTIALS_FILE", tmp_path / "demo.json")
    call_command("load_demo_data", stdout=io.StringIO())
    passwords = json.loads((tmp_path / "demo.json").read_text("utf-8"))

    def sign_in(username: str):
        context = browser.new_context(
            viewport={"width": 1366, "height": 768}, locale="ru-RU", base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", passwords[username])
        page.get_by_role("button", name="Войти").click()
        expect(page).not_to_have_url(re.compile(r"/login/"))
        return page

    return sign_in


def test_each_role_sees_the_year_at_work(demo_login, shots):
    year = school_year_of(timezone.localdate())
    school_year = f"{year}–{year + 1}"

    staff = demo_login("staff")
    expect(staff.locator("h1").first).to_contain_text(str(year))
    expect(staff.locator("body")).to_contain_text("утверждена")
    staff.screenshot(path=str(shots / "demo-staff-home.png"))
    staff.goto("/roadmaps/review/")
    expect(staff.locator("main")).to_contain_text("СОШ")
    staff.goto("/roadmaps/")
    expect(staff.get_by_role("link", name=re.compile(f"{school_year} учебный год"))).to_be_visible()
    expect(staff.get_by_role("link", name=re.compile("2020–2021 учебный год"))).to_be_visible()

    head = demo_login("head")
    head.goto("/roadmaps/dashboard/")
    main = head.locator("main")
    expect(main).to_contain_text(school_year)
    expect(main).not_to_contain_text("2 2")  # no overdue by thousands of days
    head.screenshot(path=str(shots / "demo-head-dashboard.png"))

    curator = demo_login("curator1")
    curator.goto("/roadmaps/my/")
    expect(curator.locator("main")).to_contain_text(re.compile("возвращ", re.I))
    curator.screenshot(path=str(shots / "demo-curator-my.png"))

    region = demo_login("region")
    region.goto("/monitoring/region/")
    expect(region.locator("h1")).to_contain_text(f"I четверть {year}/{str(year + 1)[2:]}")
