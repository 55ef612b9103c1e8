"""The roadmap editor in a real browser: a measure added in place, saved in place and moved."""

from __future__ import annotations

import pytest

from roadmap.models import Measure, Roadmap, Section

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_add_save_and_move_measures_in_place(login, live_server, roadmap, staff):
    Roadmap.objects.filter(pk=roadmap.pk).update(status=Roadmap.Status.DRAFT)
    section = Section.objects.get(roadmap=roadmap, number="4")
    page = login(staff.username)
    page.goto(f"/roadmaps/{roadmap.pk}/edit/")
    body = page.locator(f"#section-{section.pk}")

    # A measure without a responsible party is refused, naming the field.
    body.get_by_role("link", name="+ мероприятие в раздел 4").click()
    form = body.locator("form").last
    expect(form.locator("input[name=number]")).to_have_value("4.4")
    form.locator("textarea[name=title]").fill("Фестиваль наставников")
    form.get_by_role("button", name="Сохранить").click()
    expect(body).to_contain_text("Ответственный исполнитель: выберите хотя бы одного")

    # With a party it is added: the row appears in the table, the form is empty again.
    form = body.locator("form").last
    form.get_by_label("Образовательные организации").check()
    form.get_by_role("button", name="Сохранить").click()
    expect(body.get_by_role("status").first).to_have_text("Мероприятие 4.4 добавлено.")
    expect(body.locator('tr[data-number="4.4"]')).to_contain_text("Фестиваль наставников")
    form = body.locator("form").last
    expect(form.locator("input[name=number]")).to_have_value("4.5")
    expect(form.locator("textarea[name=title]")).to_have_value("")

    # A second one goes straight in after it.
    form.locator("textarea[name=title]").fill("Итоговая конференция")
    form.get_by_label("Образовательные организации").check()
    form.get_by_role("button", name="Сохранить").click()
    expect(body.locator('tr[data-number="4.5"]')).to_contain_text("Итоговая конференция")
    expect(body.locator("tr[data-number]")).to_have_count(5)

    # An inline save keeps the row's actions and says it was saved.
    added = Measure.objects.get(section=section, number="4.4")
    row = body.locator(f"#measure-{added.pk}")
    row.get_by_role("link", name="изменить").click()
    row.locator("textarea[name=title]").fill("Фестиваль наставников и наставляемых")
    row.get_by_role("button", name="Сохранить").click()
    expect(row).to_contain_text("Сохранено")
    for name in ("изменить", "удалить"):
        expect(row.get_by_role("link", name=name)).to_be_visible()
    expect(row.get_by_role("button", name="Мероприятие выше")).to_be_visible()

    # Moving 4.5 up swaps the numbers: the table still reads 4.4, 4.5.
    body.locator('tr[data-number="4.5"]').get_by_role("button", name="Мероприятие выше").click()
    numbers = page.locator(f"#section-{section.pk} tr[data-number]")
    expect(numbers).to_have_count(5)
    assert [n.get_attribute("data-number") for n in numbers.all()] == [
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "4.5",
    ]
    expect(page.locator('tr[data-number="4.4"]')).to_contain_text("Итоговая конференция")
    assert Measure.objects.get(section=section, number="4.5").title.startswith("Фестиваль")
