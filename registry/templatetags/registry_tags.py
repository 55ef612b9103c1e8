from django import template
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe

from core.plural import counted

register = template.Library()


@register.filter
def years(number: int) -> str:
    return counted(number, "год", "года", "лет")


@register.filter
def table_rows(rows, headers) -> str:
    """A registry list's rows (lists of ``Cell``), each cell a link when it has an address,
    written in one pass: a template loop costs about a millisecond a page of fifty rows."""
    if not rows:
        return format_html(
            '<tr><td colspan="{}" class="text-muted">Ничего не найдено.</td></tr>', len(headers)
        )
    lines = []
    for cells in rows:
        lines.append("<tr>")
        for cell in cells:
            if cell.url:
                lines.append(
                    f'<td><a href="{escape(cell.url)}">{conditional_escape(cell.text)}</a></td>'
                )
            else:
                lines.append(f"<td>{conditional_escape(cell.text)}</td>")
        lines.append("</tr>\n")
    return mark_safe("".join(lines))  # every value escaped above
