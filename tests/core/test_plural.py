from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from core.plural import counted, plural

FORMS = ("муниципалитет", "муниципалитета", "муниципалитетов")


def test_the_forms_of_russian_numbers():
    expected = {
        0: "муниципалитетов",
        1: "муниципалитет",
        2: "муниципалитета",
        4: "муниципалитета",
        5: "муниципалитетов",
        11: "муниципалитетов",
        12: "муниципалитетов",
        14: "муниципалитетов",
        21: "муниципалитет",
        22: "муниципалитета",
        101: "муниципалитет",
        111: "муниципалитетов",
        1002: "муниципалитета",
    }
    assert {n: plural(n, *FORMS) for n in expected} == expected
    assert counted(3, "отчёт", "отчёта", "отчётов") == "3 отчёта"


@given(st.integers(min_value=0, max_value=10**9))
def test_the_form_depends_on_the_last_two_digits_only(n):
    assert plural(n, *FORMS) == plural(n % 100, *FORMS) == plural(n % 100 + 200, *FORMS)
    assert plural(-n, *FORMS) == plural(n, *FORMS)


def test_the_template_filters():
    html = Template(
        '{% load plural %}в {{ n }} {{ n|plural:"муниципалитете,муниципалитетах,муниципалитетах" }}'
        ' · {{ m|counted:"отчёт,отчёта,отчётов" }}'
    ).render(Context({"n": 1, "m": 25}))
    assert html == "в 1 муниципалитете · 25 отчётов"
