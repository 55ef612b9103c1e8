"""{% load plural %}: {{ n|counted:"отчёт,отчёта,отчётов" }} → «3 отчёта»;
{{ n|plural:"отчёт,отчёта,отчётов" }} → «отчёта» (the noun alone)."""

from django import template

from core.plural import counted as counted_text
from core.plural import plural as plural_form

register = template.Library()


def _forms(arg: str) -> tuple[str, str, str]:
    forms = [form.strip() for form in arg.split(",")]
    if len(forms) != 3:
        raise template.TemplateSyntaxError("Нужны три формы через запятую: «отчёт,отчёта,отчётов».")
    return forms[0], forms[1], forms[2]


@register.filter
def plural(number, forms: str) -> str:
    return plural_form(int(number or 0), *_forms(forms))


@register.filter
def counted(number, forms: str) -> str:
    return counted_text(int(number or 0), *_forms(forms))
