"""The demo of ``make run`` in a real browser: the measures bound to the registry show its
figures. The curator of СОШ № 1 sees her school's pairs on 3.5 beside the deadline, reports
with the figure attached (frozen), staff see every school on the dashboard and accept.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.evidence import counted
from devdata.demo import tenant as demo
from registry.models import Pair, PairMentee
from roadmap.models import Execution, Report, Roadmap

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
SCHOOL_1 = "МБОУ «СОШ № 1» г. Аргун"
SCHOOL_2 = "МБОУ «СОШ № 2» г. Аргун"


@pytest.fixture
def demo_passwords(transactional_db, monkeypatch, tmp_path):
    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "demo.json")
    call_command("load_demo_data", stdout=io.StringIO())
    return json.loads((tmp_path / "demo.json").read_text("utf-8"))


@pytest.fixture
def sign_in(browser, live_server, demo_passwords):
    def open_as(username: str):
        context = browser.new_context(
            viewport={"width": 1400, "height": 900}, locale="ru-RU", base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", demo_passwords[username])
        page.get_by_role("button", name="Войти").click()
        expect(page).not_to_have_url(re.compile(r"/login/"))
        return page

    return open_as


def formed_in(school_name: str) -> str:
    """The registry's pairs of the school formed by today, counted by hand (not by the kind)."""
    today = timezone.localdate()
    pairs = Pair.objects.filter(
        programme__school__short_name=school_name, starts_on__lte=today
    ).exclude(status="planned")
    mentees = PairMentee.objects.filter(pair__in=pairs).count()
    return (
        f"{counted(pairs.count(), 'пара', 'пары', 'пар')}, "
        f"{counted(mentees, 'наставляемый', 'наставляемых', 'наставляемых')}"
    )


def test_demo_schools_see_their_registry_on_bound_measures(sign_in, media_root, shots):
    school_1_pairs = formed_in(SCHOOL_1)
    assert not school_1_pairs.startswith("0 ")  # the demo has pairs in СОШ № 1

    # The living demo may have reported 3.5 already: the curator reports it afresh here.
    execution = Execution.objects.get(
        measure__number="3.5",
        measure__section__roadmap__status=Roadmap.Status.APPROVED,
        school__short_name=SCHOOL_1,
    )
    execution.reports.all().delete()
    Execution.objects.filter(pk=execution.pk).update(
        status=Execution.Status.NOT_STARTED, completed_on=None
    )

    curator = sign_in("curator1")
    curator.goto("/roadmaps/my/")
    number = curator.locator("td:first-child", has_text=re.compile(r"^\s*3\.5\s*$"))
    curator.locator("tbody tr", has=number).get_by_role("link").click()
    figure = curator.locator("#evidence-figure")
    expect(figure).to_contain_text(f"в реестре: {school_1_pairs}")
    expect(figure).to_contain_text("не менее 1 пары в каждой участвующей ОО")
    expect(curator.locator("#evidence-met")).to_have_text("выполнено")
    expect(figure).not_to_contain_text(SCHOOL_2)
    curator.screenshot(path=str(shots / "evidence-execution.png"), full_page=True)

    form = curator.locator("form.report-form")
    form.locator("textarea[name=text]").fill("Пары сформированы, сведения в реестре")
    form.locator("input[name=completed_on]").fill(timezone.localdate().strftime("%d.%m.%Y"))
    form.get_by_role("button", name="Отправить на проверку").click()
    expect(curator.locator("#execution-status")).to_have_text("на проверке")
    expect(curator.locator(".report-figure")).to_contain_text(school_1_pairs)
    report = Report.objects.get(execution=execution)
    assert report.figure["met"] is True

    staff = sign_in("staff")
    staff.goto("/roadmaps/dashboard/")
    staff.locator("#evidence-block > summary").click()  # folded, like the other details
    board = staff.locator("table.evidence-board")
    expect(board).to_be_visible()
    row = board.locator('tr[data-measure="3.5"]')
    expect(row).to_contain_text(f"{SCHOOL_1}: {school_1_pairs}")
    expect(row).to_contain_text(f"{SCHOOL_2}: {formed_in(SCHOOL_2)}")
    expect(board.locator('tr[data-measure="1.6"]')).to_contain_text("Куратор назначен")
    staff.screenshot(path=str(shots / "evidence-dashboard.png"), full_page=True)

    staff.goto(f"/roadmaps/executions/{report.execution_id}/")
    expect(staff.locator(".report-figure")).to_contain_text("Условие «не менее 1 пары")
    review = staff.locator("form.review-form")
    review.locator("select[name=decision]").select_option("accept")
    review.get_by_role("button", name="Сохранить решение").click()
    expect(staff.locator("#execution-status")).to_have_text("принято")
    assert Execution.objects.get(pk=report.execution_id).status == "accepted"
