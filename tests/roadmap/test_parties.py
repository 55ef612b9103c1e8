"""Responsible parties as documents write them, matched to the shared list."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.parties import KNOWN, MATCHED, NEW, SCHOOL, PartyMatcher, party_key
from roadmap.text import clean_line, clean_text

LIST = [
    ("Департамент образования", "department"),
    ("Образовательные организации", "schools"),
    ("ЧИПКРО", "external"),
    ("Муниципальный центр наставничества", "department"),
]


@pytest.mark.parametrize(
    ("written", "name", "status"),
    [
        ("Департамент образования", "Департамент образования", KNOWN),
        ("департамент  образования", "Департамент образования", KNOWN),
        ("ОО", "Образовательные организации", MATCHED),
        ("00", "Образовательные организации", MATCHED),
        ("ДО", "Департамент образования", MATCHED),
        ("Специалисты департамента образования", "Департамент образования", MATCHED),
        ("Руководитель МЦН", "Муниципальный центр наставничества", MATCHED),
        ("Директор школы", "Образовательные организации", SCHOOL),
        ("Зам. директора по УВР", "Образовательные организации", SCHOOL),
        ("Педагог - психолог", "Образовательные организации", SCHOOL),
        ("Классные руководители", "Образовательные организации", SCHOOL),
        ("Социальный педагог", "Образовательные организации", SCHOOL),
        ("Куратор ЦМН", "Образовательные организации", SCHOOL),
        ("Учителя-предметники", "Образовательные организации", SCHOOL),
        ("Минпросвещения ЧР", "Минпросвещения ЧР", NEW),
        ("Директор ГБУ «Центр психолого-педагогической помощи»", None, NEW),
    ],
)
def test_match(written, name, status):
    match = PartyMatcher(LIST).match(written)
    assert match.status == status
    if name:
        assert match.name == name
    assert match.text == clean_line(written)


def test_new_parties_written_twice_are_one_and_kind_is_guessed():
    matcher = PartyMatcher(LIST)
    first = matcher.match_cell("Отдел опеки и попечительства; Управление образования района")
    again = matcher.match_cell("отдел  опеки  и попечительства")
    assert [(m.name, m.kind, m.status) for m in first] == [
        ("Отдел опеки и попечительства", "external", NEW),
        ("Управление образования района", "department", NEW),
    ]
    assert [(m.name, m.status) for m in again] == [("Отдел опеки и попечительства", NEW)]


def test_and_splits_only_parties_that_are_both_known():
    matches = PartyMatcher(LIST).match_cell("Департамент образования и ОО")
    assert [m.name for m in matches] == ["Департамент образования", "Образовательные организации"]


def test_a_school_position_without_a_schools_party_adds_one():
    matcher = PartyMatcher([("Департамент образования", "department")])
    matches = matcher.match_cell("Директор школы, классные руководители")
    assert {(m.name, m.kind, m.status) for m in matches} == {
        ("Образовательные организации", "schools", NEW)
    }


@settings(max_examples=100)
@given(
    name=st.sampled_from(
        ["Заместитель директора по УВР", "Педагог-психолог", "Классные руководители"]
    ),
    spaces=st.sampled_from([" ", "  ", "\u00a0", " \n"]),
    upper=st.booleans(),
)
def test_key_ignores_case_spaces_and_hyphen_spacing(name, spaces, upper):
    written = name.replace(" ", spaces).replace("-", f"{spaces}-{spaces}")
    written = written.upper() if upper else written
    assert party_key(written) == party_key(name)


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("План  мероприятий", "План мероприятий"),
        ("наставни- чества", "наставничества"),
        ("наставни-\nчества", "наставничества"),
        ("материально- техническое", "материально-техническое"),
        ("октябрь- ноябрь 2020 года", "октябрь- ноябрь 2020 года"),
        ("сайты 00", "сайты ОО"),
        ("в 10:00, 100 и 2000", "в 10:00, 100 и 2000"),
        ("Итог:\n- первое\n- второе", "Итог:\n- первое\n- второе"),
        ("\u00adсоф\u200bт  ", "софт"),
    ],
)
def test_clean_text(text, clean):
    assert clean_text(text) == clean


@given(st.text())
def test_clean_text_is_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once
    assert "  " not in once
