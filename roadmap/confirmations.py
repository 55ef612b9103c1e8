"""What each weighty roadmap action will do, counted before it is done: the texts of the
confirmation pages for approval (with the warnings of what looks unfinished), the copy to
the next school year, and a school's exclusion."""

from __future__ import annotations

import re

from django.urls import reverse

from core.http import Confirmation
from core.models import School
from core.plural import plural
from roadmap import tracking
from roadmap.models import Execution, Measure, Order, Roadmap, Section

_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
SHOWN = 8  # numbers listed in one warning; the rest are counted


def _numbers(numbers: list[str]) -> str:
    shown = ", ".join(numbers[:SHOWN])
    rest = len(numbers) - SHOWN
    return f"{shown} и ещё {rest}" if rest > 0 else shown


def _old_years(text: str, first_year: int) -> list[str]:
    return sorted({year for year in _YEAR.findall(text or "") if int(year) < first_year})


def approval_warnings(roadmap: Roadmap) -> list[str]:
    """What looks unfinished in a draft: no order number, texts naming a year before the
    roadmap's school year, measures without a responsible party or without a deadline."""
    warnings = []
    order = Order.objects.filter(roadmap=roadmap).first()
    if order is None:
        warnings.append("Нет приказа: в документе не будет ни даты, ни номера приказа.")
    elif not order.number.strip():
        warnings.append(
            f"Не указан номер приказа: в документе будет «от {order.date:%d.%m.%Y} №» без номера."
        )
    first_year = roadmap.school_year_start
    stale: dict[str, list[str]] = {}
    for text in [roadmap.title, *([order.title, order.preamble] if order else [])]:
        for year in _old_years(text, first_year):
            stale.setdefault(year, []).append("заголовок")
    for section in Section.objects.filter(roadmap=roadmap).order_by("position", "number_key"):
        for year in _old_years(section.title, first_year):
            stale.setdefault(year, []).append(f"раздел {section.number}")
    measures = list(
        Measure.objects.filter(section__roadmap=roadmap)
        .order_by("section__position", "position", "number_key")
        .values_list("number", "title", "deadline_text", "result", "deadline_kind")
    )
    for number, title, deadline_text, result, _ in measures:
        for year in _old_years(f"{title} {deadline_text} {result}", first_year):
            stale.setdefault(year, []).append(number)
    for year, places in sorted(stale.items()):
        places = list(dict.fromkeys(places))
        warnings.append(
            f"Тексты называют {year} год, а дорожная карта — на {roadmap.school_year} учебный "
            f"год: {_numbers(places)}."
        )
    no_party = list(
        Measure.objects.filter(section__roadmap=roadmap, responsibilities__isnull=True)
        .order_by("section__position", "position", "number_key")
        .values_list("number", flat=True)
    )
    if no_party:
        warnings.append(
            f"Без ответственного исполнителя — {len(no_party)} "
            f"{plural(len(no_party), 'мероприятие', 'мероприятия', 'мероприятий')}: "
            f"{_numbers(no_party)}. Их исполнение никто не будет отмечать."
        )
    no_deadline = [number for number, *_, kind in measures if kind in ("none", "unknown")]
    if no_deadline:
        warnings.append(
            f"Без срока или со сроком, который не читается как дата, — {len(no_deadline)} "
            f"{plural(len(no_deadline), 'мероприятие', 'мероприятия', 'мероприятий')}: "
            f"{_numbers(no_deadline)}. По ним нельзя будет увидеть просрочку."
        )
    # «В соответствии с графиком» with no schedule item yet: dated, but never due.
    warnings += [
        text for text in tracking.approval_warnings(roadmap) if "график не заполнен" in text
    ]
    return warnings


def approval(roadmap: Roadmap) -> Confirmation:
    measures = Measure.objects.filter(section__roadmap=roadmap).count()
    return Confirmation(
        title="Утвердить дорожную карту?",
        consequences=[
            f"Дорожная карта «{roadmap.short_title}» станет утверждённой: текст "
            f"{measures} {plural(measures, 'мероприятия', 'мероприятий', 'мероприятий')} "
            "закрепляется.",
            "Дальше текст меняется только через изменение с датой и причиной, и каждое "
            "изменение попадает в историю.",
            "Образовательные организации отчитываются по своим мероприятиям.",
        ],
        warnings=approval_warnings(roadmap),
        button="Утвердить",
        back=reverse("roadmap:detail", args=[roadmap.pk]),
    )


def copy(roadmap: Roadmap) -> Confirmation:
    measures = Measure.objects.filter(section__roadmap=roadmap).count()
    next_year = f"{roadmap.school_year_start + 1}–{roadmap.school_year_start + 2}"
    return Confirmation(
        title="Скопировать дорожную карту на следующий учебный год?",
        consequences=[
            f"Будет создан проект дорожной карты на {next_year} учебный год с теми же разделами "
            f"и {measures} {plural(measures, 'мероприятием', 'мероприятиями', 'мероприятиями')}; "
            "годы в сроках и заголовке сдвинутся на год, статусы исполнения — заново.",
            f"Текущая дорожная карта «{roadmap.short_title}» сразу перейдёт в архив: её нельзя "
            "будет изменить, а образовательные организации больше не смогут по ней отчитываться.",
            "Номер приказа в копии пуст — его нужно будет указать до утверждения.",
        ],
        button="Скопировать и перенести текущую в архив",
        back=reverse("roadmap:detail", args=[roadmap.pk]),
        danger=True,
    )


def exclusion(roadmap: Roadmap, school: School) -> Confirmation:
    executions = Execution.objects.filter(measure__section__roadmap=roadmap, school=school)
    untouched = executions.filter(status=Execution.Status.NOT_STARTED, reports__isnull=True)
    deleted = untouched.count()
    kept = executions.count() - deleted
    lines = [
        f"{school} больше не будет участвовать в дорожной карте «{roadmap.short_title}».",
        f"Будут удалены {deleted} {plural(deleted, 'исполнение', 'исполнения', 'исполнений')} "
        "этой организации, по которым ещё ничего не сделано.",
    ]
    if kept:
        lines.append(
            f"Останутся {kept} {plural(kept, 'исполнение', 'исполнения', 'исполнений')} "
            "с отчётами или в работе — вместе с отчётами."
        )
    return Confirmation(
        title=f"Исключить {school} из дорожной карты?",
        consequences=lines,
        button="Исключить",
        back=reverse("roadmap:schools", args=[roadmap.pk]),
        danger=True,
    )
