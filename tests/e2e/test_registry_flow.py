"""The registry flow of a school curator in a real browser: Excel import, then pairs.

The curator downloads the mentees template, fills it with three pupils but one impossible
birth date, sees the error by row and column (nothing saved), fixes the file, confirms the
preview and finds the pupils in the list. Then a pair with two of them: activation is refused
(minors without a parent's consent), so the pair is saved as planned; a second pair with the
fixture pupil who has consent is activated at once. The list screenshot goes to
$SCREENSHOTS_DIR (docs/screenshots/ through `make screenshots`), else to the temporary folder.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from registry.models import Mentee, Pair, PairMentee

# `make screenshots` sets this to docs/screenshots; a plain test run keeps the work tree clean.

# (Фамилия, Имя, Отчество, Дата рождения); the second pupil's date is first typed wrong.
PUPILS = [
    ("Абдулаев", "Ислам", "Русланович", dt.date(2011, 3, 14)),
    ("Бисултанова", "Хава", "Магомедовна", dt.date(2011, 2, 28)),
    ("Гериханов", "Адам", "Ибрагимович", dt.date(2012, 9, 9)),
]
WRONG_DATE = "31.02.2011"

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def _full_name(pupil) -> str:
    return " ".join(pupil[:3])


def _columns(sheet) -> dict[str, int]:
    """Header (without the «required» star) → column number."""
    return {
        str(cell.value).removesuffix(" *").strip(): cell.column
        for cell in sheet[1]
        if cell.value is not None
    }


def _dropdown(sheet, column: int) -> list[str]:
    """The options of the template's drop-down on the column (typed into the validation)."""
    letter = sheet.cell(row=2, column=column).column_letter
    for validation in sheet.data_validations.dataValidation:
        if f"{letter}2" in validation.sqref:
            formula = validation.formula1
            assert formula.startswith('"') and formula.endswith('"'), formula
            return formula.strip('"').split(",")
    raise AssertionError(f"no drop-down on column {letter}")


def _fill_template(template: Path, target: Path, *, broken: bool) -> str:
    """Three pupils over the example row; with `broken`, row 3 has an impossible date."""
    book = load_workbook(template)
    sheet = book.worksheets[0]
    columns = _columns(sheet)
    for header in ("Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Кто", "Класс"):
        assert header in columns, (header, list(columns))
    schools = _dropdown(sheet, columns["ОО"])
    assert len(schools) == 1  # a curator gets only their own school
    school_name = schools[0]
    assert "обучающийся" in _dropdown(sheet, columns["Кто"])
    for row, pupil in enumerate(PUPILS, start=2):
        last, first, patronymic, born = pupil
        values = {
            "Фамилия": last,
            "Имя": first,
            "Отчество": patronymic,
            "Дата рождения": WRONG_DATE if broken and row == 3 else born,
            "ОО": school_name,
            "Кто": "обучающийся",
            "Класс": "7А",
        }
        for header, value in values.items():
            sheet.cell(row=row, column=columns[header], value=value)
    book.save(target)
    return school_name


def _upload(page, path: Path) -> None:
    form = page.locator("form[enctype='multipart/form-data']")
    form.locator("input[name=file]").set_input_files(str(path))
    form.get_by_role("button", name="Проверить файл").click()


def _fill_pair(page, *, programme, mentor, mentees, activate: bool) -> None:
    """The «new pair» form, filled through its own options (labels checked, values picked):
    the programme first when there is a choice, then its school's people, found by name."""
    if page.locator("#pair-programme select[name=programme]").count():
        programme_select = page.locator("#pair-programme select[name=programme]")
        expect(programme_select.locator(f"option[value='{programme.pk}']")).to_contain_text(
            "Программа A (учитель – ученик"
        )
        programme_select.select_option(str(programme.pk))
        page.get_by_role("button", name="Далее").click()
    form = page.locator("#pair-form")
    expect(page.locator("#pair-programme-chosen")).to_contain_text(programme.title)
    mentor_select = form.locator("select[name=mentor]")
    expect(mentor_select.locator(f"option[value='{mentor.pk}']")).to_contain_text(
        "НаставникA Иван, 01.01.1985"
    )
    mentor_select.select_option(str(mentor.pk))
    for mentee in mentees:
        form.locator("input[name=q]").fill(mentee.last_name)
        form.get_by_role("button", name="Найти").click()
        box = form.get_by_label(re.compile(re.escape(mentee.full_name)))
        box.check()
    form.locator("input[name=starts_on]").fill("01.12.2020")
    form.locator("input[name=activate]").set_checked(activate)
    form.get_by_role("button", name="Сформировать").click()


def test_curator_imports_pupils_from_excel_and_forms_pairs(
    login, shots, live_server, registry_data, curator_a, media_root, browser, tmp_path
):
    school_a = registry_data["a"]["school"]
    programme = registry_data["a"]["programme"]
    mentor = registry_data["a"]["mentor"]
    minor_with_consent = registry_data["a"]["minor"]
    mentees_before = Mentee.objects.count()

    # 1. The curator opens «Наставляемые» and downloads the template.
    page = login(curator_a.username)
    page.get_by_role("button", name="Реестр", exact=True).click()  # the nav drop-down
    page.get_by_role("link", name="Наставляемые", exact=True).click()
    expect(page).to_have_url(re.compile(r"/registry/mentees/$"))
    expect(page.get_by_role("heading", name="Наставляемые")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Шаблон Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    template = tmp_path / "template.xlsx"
    download.save_as(template)

    # 2. Three pupils, one with 31 February: the whole file is refused, cell by cell.
    broken = tmp_path / "наставляемые-с-ошибкой.xlsx"
    school_name = _fill_template(template, broken, broken=True)
    assert school_name == school_a.short_name == "МБОУ «СОШ № 1» г. Аргун"
    page.get_by_role("link", name="Загрузить из Excel").click()
    expect(page).to_have_url(re.compile(r"/registry/mentees/import/$"))
    _upload(page, broken)
    errors = page.locator("#import-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("ничего не сохранено")
    expect(errors.locator("li")).to_have_count(1)
    expect(errors.locator("li")).to_contain_text(
        re.compile(r"Строка 3, столбец «Дата рождения»: .*31\.02\.2011.*такой даты нет")
    )
    expect(page.locator("#import-preview")).to_have_count(0)
    expect(page.get_by_role("button", name="Подтвердить загрузку")).to_have_count(0)
    assert Mentee.objects.count() == mentees_before

    # 3. The fixed file: a preview of three new rows, confirmed.
    fixed = tmp_path / "наставляемые.xlsx"
    _fill_template(template, fixed, broken=False)
    _upload(page, fixed)
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("Будет создано: 3")
    expect(page.locator("#import-errors")).to_have_count(0)
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    for index, pupil in enumerate(PUPILS):
        expect(rows.nth(index)).to_contain_text(_full_name(pupil))
        expect(rows.nth(index)).to_contain_text("новый")
    assert Mentee.objects.count() == mentees_before  # still only a preview
    page.get_by_role("button", name="Подтвердить загрузку").click()
    expect(page).to_have_url(re.compile(r"/registry/mentees/$"))
    expect(page.locator("body")).to_contain_text("Загружено: новых записей 3, обновлено 0.")
    table = page.locator("table.registry-table tbody")
    for pupil in PUPILS:
        row = table.locator("tr", has_text=_full_name(pupil))
        expect(row).to_have_count(1)
        expect(row).to_contain_text(pupil[3].strftime("%d.%m.%Y"))
        expect(row).to_contain_text(school_a.short_name)
        expect(row).to_contain_text("7А")
    page.screenshot(path=str(shots / "curator-registry.png"), full_page=True)

    imported = list(
        Mentee.objects.filter(last_name__in=[p[0] for p in PUPILS]).order_by("last_name")
    )
    assert [(m.last_name, m.first_name, m.patronymic, m.birth_date) for m in imported] == PUPILS
    assert {m.school_id for m in imported} == {school_a.pk}
    assert {(m.kind, m.class_name) for m in imported} == {("pupil", "7А")}
    assert Mentee.objects.count() == mentees_before + 3

    # 4a. A group with two imported pupils: activation refused (no parent's consent) …
    group = imported[:2]
    page.goto("/registry/pairs/new/")
    _fill_pair(page, programme=programme, mentor=mentor, mentees=group, activate=True)
    expect(page).to_have_url(re.compile(r"/registry/pairs/new/$"))
    form = page.locator("#pair-form")
    for mentee in group:
        expect(form).to_contain_text(
            re.compile(re.escape(mentee.full_name) + r" — .*нет действующего согласия")
        )
    assert not Pair.objects.exists()

    # … so it is saved as planned.
    _fill_pair(page, programme=programme, mentor=mentor, mentees=group, activate=False)
    expect(page).to_have_url(re.compile(r"/registry/pairs/\d+/$"))
    expect(page.locator("#pair-status")).to_have_text("планируется")
    for mentee in group:
        expect(page.locator("dl")).to_contain_text(mentee.full_name)
    planned_url = page.url

    # 4b. A pair with the fixture pupil who has consent is active at once.
    page.goto("/registry/pairs/new/")
    _fill_pair(
        page, programme=programme, mentor=mentor, mentees=[minor_with_consent], activate=True
    )
    expect(page).to_have_url(re.compile(r"/registry/pairs/\d+/$"))
    assert page.url != planned_url
    expect(page.locator("#pair-status")).to_have_text("действует")
    expect(page.locator("dl")).to_contain_text(minor_with_consent.full_name)

    # 5. The database agrees.
    assert Mentee.objects.filter(school=school_a, pk__in=[m.pk for m in imported]).count() == 3
    pairs = {
        p.status: p for p in Pair.objects.filter(programme=programme, mentor=mentor).order_by("pk")
    }
    assert Pair.objects.count() == 2
    assert set(pairs) == {Pair.Status.PLANNED, Pair.Status.ACTIVE}
    assert set(pairs[Pair.Status.PLANNED].mentees.all()) == set(group)
    assert list(pairs[Pair.Status.ACTIVE].mentees.all()) == [minor_with_consent]
    assert pairs[Pair.Status.PLANNED].starts_on == dt.date(2020, 12, 1)
    links = PairMentee.objects.filter(pair__in=pairs.values())
    assert {(link.mentee_id, link.is_active) for link in links} == {
        (group[0].pk, False),
        (group[1].pk, False),
        (minor_with_consent.pk, True),
    }
