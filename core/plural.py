"""Russian plural forms of a noun after a number: «1 муниципалитет», «2 муниципалитета»,
«5 муниципалитетов», «11 муниципалитетов», «21 муниципалитет»."""

from __future__ import annotations


def plural(number: int, one: str, few: str, many: str) -> str:
    """The form of the noun for ``number``: ``one`` for 1, 21, 101…; ``few`` for 2–4, 22–24…;
    ``many`` for 0, 5–20, 25–30… (11–14 always take ``many``)."""
    n = abs(int(number))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def counted(number: int, one: str, few: str, many: str) -> str:
    """The number and the noun: counted(3, "отчёт", "отчёта", "отчётов") → «3 отчёта»."""
    return f"{number} {plural(number, one, few, many)}"
