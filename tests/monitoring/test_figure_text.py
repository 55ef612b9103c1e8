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
