from django import template

from core.plural import counted

register = template.Library()


@register.filter
def years(number: int) -> str:
    return counted(number, "год", "года", "лет")
