"""Amendments read back from the history: what each changed, the roadmap's wording as of any of
them, the JSON and the command's options. The data are counted by hand (amendment_data)."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from roadmap import services
from roadmap.documents.amendment import (
    ADDED,
    CHANGED,
    REMOVED,
    RENUMBERED,
    SECTION_ADDED,
    SECTION_CHANGED,
    SECTION_REMOVED,
    NothingToPrint,
    amendment_changes,
    build_amendment_order,
    issuer_genitive,
    plan_accusative,
)
from roadmap.documents.content import build_document
from roadmap.documents.wording import History, WordingError, resolve, wording_choices
from roadmap.exports import file_name, roadmap_as_dict
from roadmap.models import Amendment, Measure, ResponsibleParty, Section
from tests.roadmap.documents import amendment_data as data

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(seed_roadmap):
    """The hand-made plan, amended twice, beside the seed (whose responsible parties it uses)."""
    return data.amend_plan(data.make_plan(seed_roadmap.municipality))


def numbers(snapshot) -> list[str]:
    return [m.number for s in snapshot.sections for m in snapshot.measures[s.pk]]


def by_number(snapshot) -> dict:
    return {m.number: m for rows in snapshot.measures.values() for m in rows}


# --- the history tied to amendments ----------------------------------------------------------


def test_history_rows_name_the_amendment_they_were_made_under(plan):
    roadmap = plan.roadmap
    m12 = data.measure(roadmap, "1.2")
    rows = list(m12.history.order_by("history_date", "history_id"))
    assert [row.amendment_id for row in rows] == [None, plan.first.pk]
    added = data.measure(roadmap, "2.3")
    assert [row.amendment_id for row in added.history.all()] == [plan.first.pk]
    deleted = Measure.history.filter(number="2.1", section__roadmap=roadmap).order_by(
        "history_date"
    )
    assert [(row.history_type, row.amendment_id) for row in deleted] == [
        ("+", None),
        ("-", plan.first.pk),
    ]
    m11 = data.measure(roadmap, "1.1")
    assert [row.amendment_id for row in m11.history.order_by("history_date")] == [
        None,
        plan.second.pk,
    ]


def test_a_long_amendment_reason_does_not_refuse_the_edits(roadmap, staff):
    """The history's reason column holds 100 characters: a longer reason is cut there, the
    edit is saved and tied to its amendment."""
    reason = "В связи с изменением графика обучения наставников ЧИПКРО " * 3
    amendment = services.open_amendment(
        user=staff, roadmap=roadmap, date=dt.date(2020, 11, 2), reason=reason
    )
    m = data.measure(roadmap, "2.3")
    data._update(staff, m, title="Новая редакция")
    row = data.measure(roadmap, "2.3").history.order_by("-history_date").first()
    assert row.title == "Новая редакция"
    assert row.amendment_id == amendment.pk
    assert len(row.history_change_reason) == 100
    assert row.history_change_reason.startswith(f"{amendment}: В связи с изменением")


# --- the wording as of an amendment ----------------------------------------------------------


def test_the_wording_as_of_each_amendment(plan):
    history = History.of(plan.roadmap)
    original, first, second = history.as_of(0), history.as_of(1), history.as_of(2)
    assert numbers(original) == ["1.1", "1.2", "2.1", "2.2"]
    assert numbers(first) == ["1.1", "1.2", "2.2", "2.3"]
    assert numbers(second) == numbers(first)
    for number, (title, deadline, result) in data.ORIGINAL.items():
        state = by_number(original)[number]
        assert (state.title, state.deadline_text, state.result) == (title, deadline, result)
    assert by_number(first)["1.2"].title == data.NEW_12_TITLE
    assert by_number(first)["1.2"].deadline_text == data.NEW_12_DEADLINE
    assert by_number(first)["1.1"].result == data.ORIGINAL["1.1"][2]
    assert by_number(second)["1.1"].result == data.NEW_11_RESULT
    assert by_number(first)["2.3"].responsible_text == "Департамент образования, ЧИПКРО"
    assert [s.title for s in original.sections] == [
        "Нормативное обеспечение",
        "Работа с наставниками",
    ]


def test_the_original_wording_does_not_follow_the_dates(seed_roadmap, staff):
    """The seed was approved on 28.10.2020 and loaded today: its history rows are dated after
    the approval, and the original wording is still the one before the amendment."""
    assert seed_roadmap.approved_at < Measure.history.earliest("history_date").history_date
    data.amend_seed(seed_roadmap, staff)
    original = History.of(seed_roadmap).as_of(0)
    assert "3.4" in numbers(original) and "2.11" not in numbers(original)
    assert not by_number(original)["2.3"].title.endswith(data.SEED_23_TITLE_TAIL)
    assert len(numbers(original)) == 34


def test_choices_and_marks(plan):
    roadmap = plan.roadmap
    amendments = list(roadmap.amendments.order_by("number"))
    assert [(c.value, c.label) for c in wording_choices(roadmap, amendments)] == [
        ("current", "в действующей редакции (с изменениями от 01.04.2021)"),
        ("amendment:1", "в редакции приказа от 12.03.2021 № 45"),
        ("original", "в первоначальной редакции (приказ от 05.11.2020 № 200/3)"),
    ]
    assert resolve(roadmap).mark == "(в редакции приказов от 12.03.2021 № 45, от 01.04.2021 № 60)"
    assert resolve(roadmap, "amendment:2").mark == resolve(roadmap).mark
    assert resolve(roadmap, "amendment:2").as_of is None  # the latest is the roadmap as it is
    assert resolve(roadmap, "amendment:1").mark == "(в редакции приказа от 12.03.2021 № 45)"
    assert resolve(roadmap, "amendment:1").as_of == 1
    assert resolve(roadmap, "original").mark == ""
    for bad in ("amendment:3", "amendment:0", "latest", "amendment:x", "amendment: 1"):
        with pytest.raises(WordingError):
            resolve(roadmap, bad)


def test_an_amendment_without_an_order_yet_is_named_by_its_date(plan):
    Amendment.objects.filter(pk=plan.second.pk).update(order_date=None, order_number="")
    roadmap = plan.roadmap
    mark = resolve(roadmap).mark
    assert mark == "(в редакции приказа от 12.03.2021 № 45, изменения от 30.03.2021)"
    choices = wording_choices(roadmap, list(roadmap.amendments.all()))
    assert choices[0].label == "в действующей редакции (с изменениями от 30.03.2021)"


def test_without_amendments_nothing_changes(roadmap):
    """No amendment: every wording is the roadmap as it is, unmarked; the JSON keeps its keys;
    an amendment asked for is refused."""
    current = build_document(roadmap)
    assert build_document(roadmap, "original") == current
    assert current.edition == "" and len(current.appendix_mark_lines) == 3
    assert wording_choices(roadmap, []) == []
    assert list(roadmap_as_dict(roadmap, "original")) == [
        "title",
        "school_year",
        "order",
        "sections",
    ]
    with pytest.raises(WordingError, match="нет изменения № 1"):
        resolve(roadmap, "amendment:1")
    assert (
        file_name(roadmap, "pdf", resolve(roadmap, "original")) == "Приказ_172-1_от_28.10.2020.pdf"
    )


# --- what an amendment changed -----------------------------------------------------------------


def kinds(changes) -> list[tuple[str, str]]:
    return [(c.kind, c.number) for c in changes]


def test_the_changes_of_each_amendment(plan):
    first = amendment_changes(plan.first)
    assert kinds(first) == [(CHANGED, "1.2"), (REMOVED, "2.1"), (ADDED, "2.3")]
    changed, removed, added = first
    assert changed.text == "Пункт 1.2 изложить в следующей редакции:"
    (row,) = changed.measures
    assert (row.number, row.title, row.deadline) == ("1.2.", data.NEW_12_TITLE, "декабрь 2020 года")
    assert (row.responsible, row.result) == ("Образовательные организации", "Приказы ОО")
    assert removed.text == "Пункт 2.1 исключить." and removed.measures == ()
    assert added.text == "Дополнить пунктом 2.3 следующего содержания:"
    (row,) = added.measures
    assert (row.number, row.title, row.deadline, row.responsible, row.result) == (
        "2.3.",
        *data.ADDED_23[:2],
        "Департамент образования, ЧИПКРО",
        data.ADDED_23[2],
    )
    second = amendment_changes(plan.second)
    assert kinds(second) == [(CHANGED, "1.1")]
    assert second[0].measures[0].result == data.NEW_11_RESULT


def test_sections_renumbering_and_the_title(plan):
    """An amendment that renames section 1, deletes section 2 with its measures, adds section
    3 with one, renumbers 1.2 as 1.3 and retitles the plan: one point each, in the order of
    the document; the deleted section's measures are not listed one by one."""
    roadmap, staff = plan.roadmap, plan.staff
    third = services.open_amendment(
        user=staff, roadmap=roadmap, date=dt.date(2021, 4, 20), reason="Новая структура"
    )
    first_section = Section.objects.get(roadmap=roadmap, number="1")
    services.update_section(user=staff, section=first_section, number="1", title="Нормативка")
    services.delete_section(user=staff, section=Section.objects.get(roadmap=roadmap, number="2"))
    new = services.create_section(user=staff, roadmap=roadmap, number="3", title="Итоги")
    services.create_measure(
        user=staff,
        section=new,
        number="3.1",
        title="Отчёт",
        deadline_text="май 2021 года",
        parties=[ResponsibleParty.objects.get(name="Департамент образования")],
    )
    data._update(staff, data.measure(roadmap, "1.2"), number="1.3")
    services.update_roadmap(
        user=staff,
        roadmap=roadmap,
        title="План мероприятий (дорожная карта) наставничества",
        school_year_start=2020,
        period_start=dt.date(2020, 10, 1),
        period_end=dt.date(2021, 5, 31),
    )
    services.close_amendment(user=staff, amendment=third)
    changes = amendment_changes(third)
    assert kinds(changes) == [
        ("title", ""),
        (SECTION_CHANGED, "1"),
        (RENUMBERED, "1.2"),
        (SECTION_REMOVED, "2"),
        (SECTION_ADDED, "3"),
    ]
    texts = [c.text for c in changes]
    assert texts[0] == (
        "Наименование плана мероприятий изложить в следующей редакции: "
        "«План мероприятий (дорожная карта) наставничества»."
    )
    assert texts[1] == "Наименование раздела 1 изложить в следующей редакции: «1. Нормативка»."
    assert texts[2] == "Пункт 1.2 считать пунктом 1.3."
    assert texts[3] == "Раздел 2 исключить."
    assert texts[4] == "Дополнить разделом 3 следующего содержания:"
    assert changes[4].heading == "3. Итоги"
    assert [m.number for m in changes[4].measures] == ["3.1."]
    # The order's lead names the plan as it was before this amendment, and the amendments
    # already made to it.
    doc = build_amendment_order(third)
    assert doc.lead.startswith(
        "Внести в план мероприятий (дорожную карту) внедрения целевой модели наставничества"
    )
    assert "(в редакции приказов от\u00a012.03.2021 №\u00a045, от\u00a001.04.2021 №\u00a060)" in (
        doc.lead
    )


def test_an_amendment_that_changed_nothing_has_no_order(plan):
    empty = services.open_amendment(
        user=plan.staff, roadmap=plan.roadmap, date=dt.date(2021, 5, 1), reason="Без правок"
    )
    assert amendment_changes(empty) == []
    with pytest.raises(NothingToPrint, match="не изменило текст"):
        build_amendment_order(empty)


def test_the_order_names_its_issuer_and_the_plan(plan):
    doc = build_amendment_order(plan.first)
    assert doc.title == (
        "О внесении изменений в приказ Департамента образования г.\u00a0Аргун "
        "от\u00a005.11.2020 №\u00a0200/3"
    )
    assert doc.lead == (
        "Внести в план мероприятий (дорожную карту) внедрения целевой модели наставничества "
        "в школах г.\u00a0Аргун на 2020–2021 учебный год, утверждённый приказом Департамента "
        "образования г.\u00a0Аргун от\u00a005.11.2020 №\u00a0200/3, следующие изменения:"
    )
    assert doc.preamble == data.REASON_1
    assert (doc.date_text, doc.number_text) == ("12.03.2021", "№\u00a045")
    assert (doc.signatory_position, doc.signatory_name) == ("Начальник", "Л.В.\u00a0Кагирова")
    assert [p.number for p in doc.changes] == ["1.1.", "1.2.", "1.3."]
    assert doc.file_stem == "Приказ_45_от_12.03.2021_о_внесении_изменений"


def test_issuer_and_plan_in_their_cases(plan):
    department = plan.roadmap.municipality.department
    assert issuer_genitive(None, department) == "Департамента образования г. Аргун"
    department.short_name = "Управление образования Шалинского района"
    assert issuer_genitive(None, department) == "Управления образования Шалинского района"
    assert plan_accusative("Дорожная карта по наставничеству") == "дорожную карту по наставничеству"
    assert (
        plan_accusative("Мероприятия ЦМН") == "план мероприятий (дорожную карту) «Мероприятия ЦМН»"
    )


# --- JSON: the keys stay, one is added for an amended roadmap ----------------------------------

MEASURE_KEYS = [
    "number",
    "title",
    "deadline_text",
    "deadline_kind",
    "starts_on",
    "due_on",
    "responsible",
    "result",
    "status",
    "printed_number",
]


def export_json(roadmap, *options) -> dict:
    out = io.StringIO()
    call_command("export_roadmap", roadmap.pk, "--format", "json", *options, stdout=out)
    return json.loads(out.getvalue())


def measures_of(exported: dict) -> dict:
    return {m["number"]: m for s in exported["sections"] for m in s["measures"]}


def test_json_in_each_wording(plan):
    roadmap = plan.roadmap
    current = export_json(roadmap)
    original = export_json(roadmap, "--wording", "original")
    first = export_json(roadmap, "--wording", "amendment:1")
    for exported in (current, original, first):
        assert list(exported) == ["title", "school_year", "order", "sections", "wording"]
        assert list(exported["sections"][0]) == ["number", "title", "measures", "printed_number"]
        assert all(list(m) == MEASURE_KEYS for m in measures_of(exported).values())
    assert current["wording"] == {
        "kind": "current",
        "amendment": 2,
        "mark": "(в редакции приказов от 12.03.2021 № 45, от 01.04.2021 № 60)",
    }
    assert original["wording"] == {"kind": "original", "amendment": None, "mark": ""}
    assert first["wording"] == {
        "kind": "amendment",
        "amendment": 1,
        "mark": "(в редакции приказа от 12.03.2021 № 45)",
    }
    assert list(measures_of(original)) == ["1.1", "1.2", "2.1", "2.2"]
    assert list(measures_of(first)) == list(measures_of(current)) == ["1.1", "1.2", "2.2", "2.3"]
    removed = measures_of(original)["2.1"]
    assert removed["title"] == "Анкетирование педагогов"
    assert removed["responsible"] == ["Департамент образования", "Образовательные организации"]
    assert removed["status"] == "no_executors"  # it has none any more
    assert removed["deadline_kind"] == "month" and removed["due_on"] == "2020-12-31"
    assert measures_of(original)["1.2"]["title"] == data.ORIGINAL["1.2"][0]
    assert measures_of(first)["1.2"]["title"] == data.NEW_12_TITLE
    assert measures_of(first)["1.1"]["result"] == data.ORIGINAL["1.1"][2]
    assert measures_of(current)["1.1"]["result"] == data.NEW_11_RESULT
    assert measures_of(first)["2.3"]["responsible"] == ["Департамент образования", "ЧИПКРО"]


# --- the command -------------------------------------------------------------------------------


def test_command_prints_the_amending_order(plan, tmp_path):
    target = tmp_path / "amendment.pdf"
    call_command(
        "export_roadmap", plan.roadmap.pk, "--amendment", "1", "--format", "pdf", "-o", target
    )
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(target).pages
    ).replace("\u00a0", " ")
    assert "О внесении изменений в приказ Департамента образования г. Аргун" in text
    assert "1.1. Пункт 1.2 изложить в следующей редакции:" in text
    docx_target = tmp_path / "amendment.docx"
    call_command(
        "export_roadmap", plan.roadmap.pk, "--amendment", "2", "--format", "docx", "-o", docx_target
    )
    assert docx_target.read_bytes()[:2] == b"PK"


def test_command_wording_reaches_every_format(plan, tmp_path):
    for fmt in ("pdf", "docx", "xlsx"):
        target = tmp_path / f"original.{fmt}"
        call_command(
            "export_roadmap",
            plan.roadmap.pk,
            "--format",
            fmt,
            "--wording",
            "original",
            "-o",
            target,
        )
        assert target.stat().st_size > 1000


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--amendment", "1", "--format", "json"], "pdf или docx"),
        (["--amendment", "1", "--format", "xlsx"], "pdf или docx"),
        (["--amendment", "9", "--format", "pdf"], "нет изменения № 9"),
        (["--wording", "amendment:7"], "нет изменения № 7"),
        (["--wording", "первоначальная"], "original"),
        (["--wording", "original", "--amendment", "1", "--format", "pdf"], "не оба"),
    ],
)
def test_command_refuses_clearly(plan, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_roadmap", plan.roadmap.pk, *options, stdout=io.StringIO())


def test_command_refuses_an_amendment_with_nothing_to_print(plan):
    services.open_amendment(
        user=plan.staff, roadmap=plan.roadmap, date=dt.date(2021, 5, 1), reason="Без правок"
    )
    with pytest.raises(CommandError, match="не изменило текст"):
        call_command(
            "export_roadmap", plan.roadmap.pk, "--amendment", "3", "--format", "pdf", "-o", "/x"
        )


# --- amending orders' requisites ---------------------------------------------------------------


def test_order_requisites_are_both_or_none_and_not_before_the_order(plan):
    from django.core.exceptions import ValidationError

    cases = [
        ({"order_date": dt.date(2021, 3, 12), "order_number": ""}, "order_number"),
        ({"order_date": None, "order_number": "45"}, "order_date"),
        ({"order_date": dt.date(2020, 11, 4), "order_number": "45"}, "order_date"),
    ]
    for values, field in cases:
        with pytest.raises(ValidationError) as refused:
            services.set_amendment_order(user=plan.staff, amendment=plan.first, **values)
        assert field in refused.value.message_dict
    saved = services.set_amendment_order(
        user=plan.staff, amendment=plan.first, order_date=dt.date(2021, 3, 15), order_number=" 47 "
    )
    assert saved.order_requisites == "от 15.03.2021 № 47"
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.set_amendment_order(
            user=plan.head, amendment=plan.first, order_date=None, order_number=""
        )


# --- the migration fills what was recorded before ----------------------------------------------


def test_migration_ties_older_rows_and_reads_the_basis(plan):
    migration = importlib.import_module("roadmap.migrations.0008_amendment_order")
    Amendment.objects.filter(pk=plan.first.pk).update(
        order_date=None, order_number="", basis="Приказ ДО от 12.03.2021 г. № 45/1"
    )
    Amendment.objects.filter(pk=plan.second.pk).update(
        order_date=None, order_number="", basis="письмо министерства"
    )
    for model in (Measure.history.model, Section.history.model):
        model.objects.update(amendment=None)
    migration.fill(django_apps, None)
    plan.first.refresh_from_db()
    plan.second.refresh_from_db()
    assert plan.first.order_requisites == "от 12.03.2021 № 45/1"
    assert plan.second.order_requisites == ""
    assert kinds(amendment_changes(plan.first)) == [
        (CHANGED, "1.2"),
        (REMOVED, "2.1"),
        (ADDED, "2.3"),
    ]
    assert kinds(amendment_changes(plan.second)) == [(CHANGED, "1.1")]
