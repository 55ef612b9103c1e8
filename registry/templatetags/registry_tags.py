from django import template

register = template.Library()


def plural_ru(number: int, one: str, few: str, many: str) -> str:
    """1 год, 2 года, 5 лет, 11 лет, 21 год."""
    n = abs(number)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


@register.filter
def years(number: int) -> str:
    return f"{number} {plural_ru(number, 'год', 'года', 'лет')}"
