"""A school's roadmap imported in a real browser: a Word file split over three tables, with an
approval block, careless typing and school positions as responsible parties.

The preview reads all 21 measures, shows each deadline's dates and the parties for review; the
draft form is filled with the document's school year and period; the draft is created and the
editor opens. The preview screenshot goes to $SCREENSHOTS_DIR (docs/screenshots/ through
`make screenshots`), else to the temporary folder.
"""

from __future__ import annotations

import re

import pytest

from roadmap.models import Measure, Roadmap
from tests.roadmap.documents.builders import (
    APPROVAL,
    Table,
    docx_document,
    school_measures,
    school_rows,
    split,
)

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_staff_imports_a_split_word_roadmap(
    login, staff, seed_roadmap, media_root, shots, tmp_path
):
    first, second, third = split(school_rows(), 9, 17)
    path = tmp_path / "Дорожная карта СОШ 1.docx"
    path.write_bytes(
        docx_document(Table(first), Table(second), Table(third, header=None), approval=APPROVAL)
    )
    page = login(staff.username)
    page.goto("/roadmaps/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Прочитать файл").click()
    expect(page.locator("#import-summary")).to_contain_text("разделов 3, мероприятий 21")
    expect(page.locator("#import-year")).to_contain_text("2021–2022 (из наименования)")
    expect(page.locator("#import-parties")).to_contain_text("сотрудник ОО")
    expect(page.locator("#import-preview")).to_contain_text("ежемесячно с 01.09.2021 по 31.05.2022")
    expect(page.locator("#id_school_year_start")).to_have_value("2021")
    expect(page.locator("#id_period_start")).to_have_value("01.09.2021")
    page.screenshot(path=str(shots / "import-preview.png"), full_page=True)
    page.get_by_role("button", name="Создать проект дорожной карты").click()
    expect(page).to_have_url(re.compile(r"/edit/$"))
    draft = Roadmap.objects.exclude(pk=seed_roadmap.pk).get()
    numbers = list(
        Measure.objects.filter(section__roadmap=draft)
        .order_by("number_key")
        .values_list("number", "title", "deadline_text")
    )
    assert numbers == school_measures()
