"""How figures are written on monitoring pages: «45,3 %», «2 из 50», «—» for no data."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def figure_value(figure) -> str:
    if figure is None:
        return "—"
    value = figure.value
    if value is None:
        return "—"
    if figure.is_share:
        return f"{floatformat(value, 1)} %"
    return intcomma(figure.numerator)


@register.filter
def figure_parts(figure) -> str:
    """«2 из 50» for a share; empty for a count."""
    if figure is None or not figure.is_share:
        return ""
    if figure.denominator is None:
        return f"{intcomma(figure.numerator)}, нет данных о численности"
    return f"{intcomma(figure.numerator)} из {intcomma(figure.denominator)}"


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
