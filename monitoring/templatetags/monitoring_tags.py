"""How figures are written on monitoring pages: «45,3 %», «2 из 50», «—» for no data."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


def _separators() -> tuple[str, str]:
    """The language's thousands and decimal separators, looked up once for a whole table."""
    return get_format("THOUSAND_SEPARATOR"), get_format("DECIMAL_SEPARATOR")


def whole(number: int, thousands: str | None = None) -> str:
    """«1 620»: as ``intcomma`` writes an integer in the language's format, without its
    general machinery (a monitoring page writes hundreds of figures)."""
    if thousands is None:
        thousands = get_format("THOUSAND_SEPARATOR")
    return f"{number:,}".replace(",", thousands)


def tenths(value: Decimal, decimal: str | None = None) -> str:
    """«45,3»: as ``floatformat(value, 1)`` writes a share already rounded to tenths."""
    if decimal is None:
        decimal = get_format("DECIMAL_SEPARATOR")
    return f"{value:.1f}".replace(".", decimal)


@register.filter
def figure_value(figure) -> str:
    return _written(figure, *_separators())


def _written(figure, thousands: str, decimal: str) -> str:
    """``figure_value`` with the separators given."""
    if figure is None:
        return "—"
    value = figure.value
    if value is None:
        return "—"
    if figure.is_share:
        return f"{tenths(value, decimal)} %"
    return whole(figure.numerator, thousands)


# The comparison of fifty schools by eight figures and the trend by period are a cell per
# figure: written here in one pass, each value escaped, rather than by the template engine
# cell by cell (a third of the dashboard's time).


def _figure_cells(figures, codes, attribute: bool) -> str:
    thousands, decimal = _separators()
    cells = []
    for code in codes:
        marked = f' data-code="{escape(code)}"' if attribute else ""
        text = escape(_written(figures.get(code) if figures else None, thousands, decimal))
        cells.append(f'<td class="text-end"{marked}>{text}</td>')
    return "".join(cells)


@register.simple_tag
def comparison_rows(rows, assessments) -> str:
    """The comparison table's rows: the school's (municipality's) name as a link to its own
    dashboard, then each figure of the board."""
    codes = [a.figure.code for a in assessments]
    return mark_safe(
        "".join(
            f'<tr><td><a href="{escape(row.href)}">{escape(row.name)}</a></td>'
            f"{_figure_cells(row.figures, codes, attribute=True)}</tr>\n"
            for row in rows
        )
    )


@register.simple_tag
def trend_rows(rows, assessments, curator: bool) -> str:
    """The trend table's rows: the period (a link to it, but for a school's curator), then
    each share."""
    codes = [a.figure.code for a in assessments if a.figure.is_share]
    lines = []
    for row in rows:
        title = escape(row.title)
        if row.href and not curator:
            title = f'<a href="{escape(row.href)}">{title}</a>'
        lines.append(f"<tr><td>{title}</td>{_figure_cells(row.totals, codes, False)}</tr>\n")
    return mark_safe("".join(lines))


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
