"""How the monitoring pages write figures: the same text as Django's general filters."""

from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from monitoring.indicators import Figure, share
from monitoring.models import IndicatorCode as C
from monitoring.templatetags.monitoring_tags import figure_parts, figure_value, tenths, whole


@given(st.integers(-(10**9), 10**9))
def test_whole_numbers_as_intcomma_writes_them(number):
    with translation.override("ru"):
        assert whole(number) == intcomma(number)


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_shares_as_floatformat_writes_them(numerator, denominator):
    value = share(numerator, denominator)
    with translation.override("ru"):
        assert tenths(value) == floatformat(value, 1)


def test_figures_read_as_officials_write_them():
    with translation.override("ru"):
        assert figure_value(Figure(C.MENTEES, 1620)) == "1\xa0620"
        assert figure_value(Figure(C.PUPILS_10_PLUS, 453, 1000)) == "45,3 %"
        assert figure_value(Figure(C.PUPILS_10_PLUS, 3, None)) == "—"
        assert figure_parts(Figure(C.PUPILS_10_PLUS, 1453, 2000)) == "1\xa0453 из 2\xa0000"
        assert tenths(Decimal("100.0")) == "100,0"


# The dashboard's comparison and trend rows as the template wrote them cell by cell.
ROWS_TEMPLATE = """{% load monitoring_tags %}{% for row in comparison %}
<tr><td><a href="{{ row.href }}">{{ row.name }}</a></td>
{% for a in assessments %}<td class="text-end" data-code="{{ a.figure.code }}">{{ row.figures|get_item:a.figure.code|figure_value }}</td>{% endfor %}</tr>
{% endfor %}|{% for row in trend %}
<tr><td>{% if row.href and not is_curator %}<a href="{{ row.href }}">{{ row.title }}</a>{% else %}{{ row.title }}{% endif %}</td>
{% for a in assessments %}{% if a.figure.is_share %}<td class="text-end">{{ row.totals|get_item:a.figure.code|figure_value }}</td>{% endif %}{% endfor %}</tr>
{% endfor %}"""  # noqa: E501

FIGURES = st.builds(
    Figure,
    st.sampled_from([C.MENTEES, C.MENTORS, C.PUPILS_10_PLUS, C.YOUNG_TEACHERS]),
    st.integers(0, 10**7),
    st.one_of(st.none(), st.integers(1, 10**7)),
)
NAMES = st.text(alphabet="СОШ №1«»<>&\"' АБВ", max_size=12)


@given(
    figures=st.lists(FIGURES, min_size=1, max_size=5, unique_by=lambda f: f.code),
    names=st.lists(NAMES, max_size=4),
    curator=st.booleans(),
)
def test_comparison_and_trend_rows_are_the_templates_rows(figures, names, curator):
    import re
    from types import SimpleNamespace

    from django.template import Context, Template

    from monitoring.dashboard import ComparisonRow, TrendRow
    from monitoring.templatetags.monitoring_tags import comparison_rows, trend_rows

    assessments = [SimpleNamespace(figure=f) for f in figures]
    by_code = {f.code: f for f in figures[::2]}  # some figures missing from a row
    comparison = [
        ComparisonRow(n, f"?school={i}&on=1", figures[0], by_code) for i, n in enumerate(names)
    ]
    trend = [
        TrendRow(n, by_code if i % 2 else {}, f"/p/{i}/" if i % 3 else "")
        for i, n in enumerate(names)
    ]

    def normalised(html):
        return re.sub(r"\s*(<|>|\|)\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()

    with translation.override("ru"):
        context = {"comparison": comparison, "trend": trend, "assessments": assessments}
        expected = Template(ROWS_TEMPLATE).render(Context({**context, "is_curator": curator}))
        ours = (
            comparison_rows(comparison, assessments) + "|" + trend_rows(trend, assessments, curator)
        )
    assert normalised(ours) == normalised(expected)
