import datetime
import io

import pytest
from django.core.management import call_command

from roadmap.models import Execution, Measure, Order, ResponsibleParty, Roadmap, Section
from roadmap.seed import load_seed, read_seed

EXPECTED_NUMBERS = (
    [f"1.{n}" for n in range(1, 15)]
    + [f"2.{n}" for n in range(1, 11)]
    + [f"3.{n}" for n in range(1, 8)]
    + [f"4.{n}" for n in range(1, 4)]
)


def all_text(roadmap: Roadmap) -> str:
    parts = [roadmap.title, roadmap.order.title, roadmap.order.preamble]
    parts += [p.text for p in roadmap.order.points.all()]
    for section in roadmap.sections.all():
        parts.append(section.title)
        for measure in section.measures.all():
            parts += [measure.title, measure.deadline_text, measure.result]
    return "\n".join(parts)


@pytest.mark.django_db
def test_seed_has_four_sections_and_34_measures_in_natural_order():
    roadmap = load_seed().roadmap
    assert list(roadmap.sections.values_list("number", flat=True)) == ["1", "2", "3", "4"]
    numbers = list(
        Measure.objects.filter(section__roadmap=roadmap).values_list("number", flat=True)
    )
    assert numbers == EXPECTED_NUMBERS
    assert len(numbers) == 34


@pytest.mark.django_db
def test_seed_corrects_extraction_errors_and_changes_nothing_else():
    text = all_text(load_seed().roadmap)
    for corrected in [
        "(далее - МЦН)",
        "на официальных сайтах ОО",
        "с применением единого брендирования",
        "экспертно-консультативной поддержки",
        "программно-методическое и материально-техническое обеспечение",
    ]:
        assert corrected in text
    for misread in [
        "МТ ГН",
        "сайтах 00",
        "единогобрендирования",
        "экспертно консультативной",
        "программно методическое",
        "материально- техническое",
        "2020- \n2021",
        "2020года",
    ]:
        assert misread not in text
    # Words broken across lines are joined with a single space, not glued or doubled.
    assert "  " not in text
    assert " \n" not in text
    assert "Во исполнении приказа МУ Департамента образования от 15.10.2020 г. № 160/1" in text


@pytest.mark.django_db
def test_seed_measures_keep_the_documents_wording():
    roadmap = load_seed().roadmap
    m = {x.number: x for x in Measure.objects.filter(section__roadmap=roadmap)}
    assert m["1.1"].title == (
        "Утверждение состава муниципальной рабочей группы по внедрению целевой модели "
        "наставничества в 2020 году"
    )
    assert m["2.3"].result.splitlines()[0] == "Базы наставников:"
    assert "«ученик-ученик»" in m["2.3"].result
    assert m["3.4"].result == ""
    assert m["3.1"].deadline_text == ""
    assert [p.name for p in m["3.4"].responsible.all()] == ["ЧИПКРО"]
    assert [p.name for p in m["1.2"].responsible.all()] == [
        "Департамент образования",
        "Образовательные организации",
    ]
    assert Section.objects.get(roadmap=roadmap, number="2").title == (
        "Деятельность муниципального центра наставничества (далее - МЦН)"
    )


@pytest.mark.django_db
def test_seed_deadlines_are_read():
    roadmap = load_seed().roadmap
    m = {x.number: x for x in Measure.objects.filter(section__roadmap=roadmap)}
    assert (m["1.1"].deadline_kind, m["1.1"].due_on) == ("month", datetime.date(2020, 10, 31))
    assert (m["2.7"].starts_on, m["2.7"].due_on) == (
        datetime.date(2020, 11, 1),
        datetime.date(2021, 4, 30),
    )
    assert m["1.12"].deadline_kind == "months"
    assert m["1.12"].due_on == datetime.date(2020, 11, 30)
    assert m["2.8"].deadline_kind == "throughout"
    assert m["2.8"].due_on == roadmap.period_end
    assert (m["2.10"].deadline_kind, m["2.10"].due_on) == ("schedule", None)
    assert (m["3.1"].deadline_kind, m["3.1"].due_on) == ("none", None)
    assert not Measure.objects.filter(section__roadmap=roadmap, deadline_kind="unknown").exists()


@pytest.mark.django_db
def test_seed_order_header_points_and_signature():
    order = Order.objects.get(roadmap=load_seed().roadmap)
    assert (order.number, order.date) == ("172/1", datetime.date(2020, 10, 28))
    assert [p.number for p in order.points.all()] == [1, 2, 3]
    assert order.points.get(number=3).text == (
        "Контроль за исполнением настоящего приказа оставляю за собой."
    )
    assert (order.signatory_position, order.signatory_name) == ("Начальник", "Л.В. Кагирова")
    department = order.roadmap.municipality.department
    assert department.header_list == [
        "Мэрия города Аргуна",
        "Муниципальное учреждение",
        "«Департамент образования г. Аргун»",
    ]
    assert department.header_local_list[0] == "Аргун-Палин Мэри"
    assert order.appendix_mark.endswith("от 28.10.2020 г. №172/1")


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    first = load_seed()
    snapshot = list(
        Measure.objects.order_by("pk").values_list("pk", "number", "title", "due_on", "version")
    )
    counts = (
        Roadmap.objects.count(),
        Section.objects.count(),
        Measure.objects.count(),
        ResponsibleParty.objects.count(),
        Execution.objects.count(),
    )
    call_command("load_seed_roadmap", stdout=io.StringIO())
    second = load_seed()
    assert first.created and not second.created
    assert second.roadmap.pk == first.roadmap.pk
    assert (
        Roadmap.objects.count(),
        Section.objects.count(),
        Measure.objects.count(),
        ResponsibleParty.objects.count(),
        Execution.objects.count(),
    ) == counts
    assert snapshot == list(
        Measure.objects.order_by("pk").values_list("pk", "number", "title", "due_on", "version")
    )


@pytest.mark.django_db
def test_seed_does_not_overwrite_edits():
    roadmap = load_seed().roadmap
    Measure.objects.filter(section__roadmap=roadmap, number="1.1").update(title="Изменено")
    load_seed()
    assert Measure.objects.get(section__roadmap=roadmap, number="1.1").title == "Изменено"


def test_seed_texts_are_what_the_shared_cleaning_leaves():
    """The seed and an imported file are cleaned alike: the seed's text is already clean."""
    from roadmap.text import clean_text

    data = read_seed()
    texts = [data["roadmap"]["title"]]
    for section in data["sections"]:
        texts.append(section["title"])
        for measure in section["measures"]:
            texts += [measure["title"], measure["deadline_text"], measure["result"]]
    assert all(clean_text(text) == text for text in texts)
    assert clean_text("сайтах 00  и  наставни- чества") == "сайтах ОО и наставничества"
    assert clean_text("октябрь\n2020года") == "октябрь\n2020 года"
    assert clean_text("в 2021году, до 2022г.") == "в 2021 году, до 2022 г."
    # Not a year, or not glued: left as written.
    for kept in ("12020года", "2020 года", "№2020года", "1920-х годов", "20200 г.", "2020-го"):
        assert clean_text(kept) == kept
