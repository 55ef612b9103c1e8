"""How figures are written on monitoring pages: «45,3 %», «2 из 50», «—» for no data."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format

register = template.Library()


def whole(number: int) -> str:
    """«1 620»: as ``intcomma`` writes an integer in the language's format, without its
    general machinery (a monitoring page writes hundreds of figures)."""
    return f"{number:,}".replace(",", get_format("THOUSAND_SEPARATOR"))


def tenths(value: Decimal) -> str:
    """«45,3»: as ``floatformat(value, 1)`` writes a share already rounded to tenths."""
    return f"{value:.1f}".replace(".", get_format("DECIMAL_SEPARATOR"))


@register.filter
def figure_value(figure) -> str:
    if figure is None:
        return "—"
    value = figure.value
    if value is None:
        return "—"
    if figure.is_share:
        return f"{tenths(value)} %"
    return whole(figure.numerator)


@register.filter
def figure_parts(figure) -> str:
    """«2 из 50» for a share; empty for a count."""
    if figure is None or not figure.is_share:
        return ""
    if figure.denominator is None:
        return f"{whole(figure.numerator)}, нет данных о численности"
    return f"{whole(figure.numerator)} из {whole(figure.denominator)}"


@register.filter
def score(value) -> str:
    return "—" if value is None else floatformat(value, 2)


@register.filter
def signed(value) -> str:
    if value is None:
        return "—"
    text = floatformat(value, 2)
    return f"+{text}" if value > 0 else text


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
