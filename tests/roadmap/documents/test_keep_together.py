"""keep_together: the non-breaking spaces every printed document shares."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from roadmap.documents.content import NBSP, keep_together

B = NBSP


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("приказ № 160/1", f"приказ №{B}160/1"),
        ("№№ 1, 2", f"№№{B}1, 2"),
        ("от 15.10.2020 г. № 160/1 «О", f"от 15.10.2020{B}г. №{B}160/1 «О"),  # two units
        ("МБОУ «СОШ № 1» г. Аргун", f"МБОУ «СОШ №{B}1» г.{B}Аргун"),
        ("на 2020–2021 гг. в г. Аргун", f"на 2020–2021{B}гг. в г.{B}Аргун"),
        ("просрочено, 45 дн.", f"просрочено, 45{B}дн."),
        ("4,0 %", f"4,0{B}%"),
        ("Начальник Л.В. Кагирова", f"Начальник Л.В.{B}Кагирова"),
        ("Л. В. Кагирова", f"Л.{B}В.{B}Кагирова"),
        ("Кагирова Л.В.", f"Кагирова{B}Л.В."),
        ("Кагирова Л. В.", f"Кагирова{B}Л.{B}В."),
        # What is not a unit stays as written.
        ("на 2020-2021 учебный год", "на 2020-2021 учебный год"),
        ("Начальник\tЛ.В.", "Начальник\tЛ.В."),  # a tab is the text's own
        ("№\n1", "№\n1"),  # so is a line break
        ("ЦМН в 2020 году", "ЦМН в 2020 году"),
        ("", ""),
    ],
)
def test_keep_together(text, kept):
    assert keep_together(text) == kept


TEXT = st.text(
    alphabet=st.sampled_from([*"№г.дн%ЛВКагироваМБОУ«»0123456789 \n\t-,", NBSP]),
    max_size=60,
)


@given(TEXT)
@example("0\xa0 %")  # a run of two spaces before a unit: both kept, both non-breaking
def test_only_spaces_change(text):
    kept = keep_together(text)
    assert len(kept) == len(text)
    assert kept.replace(NBSP, " ") == text.replace(NBSP, " ")


@given(TEXT)
def test_twice_is_once(text):
    assert keep_together(keep_together(text)) == keep_together(text)


@given(TEXT)
def test_no_numero_before_a_breakable_space(text):
    kept = keep_together(text)
    for index, char in enumerate(kept[:-1]):
        if char == "№" and kept[index + 1] == " ":
            rest = kept[index + 1 :].lstrip(" ")
            assert not rest or rest[0] in "\n\t", kept  # only before the text's own break
