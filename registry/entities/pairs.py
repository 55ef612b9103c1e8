"""Pairs and groups: the sheet, rows gathered into pairs (same programme, mentor and start),
checked by the pair's rules and written, and the list exported."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from operator import attrgetter

from core.xlsx.spec import CellError, Column, SheetSpec
from registry import filters, selectors, services
from registry.entities.base import Entity, ExportSheet, Plan
from registry.entities.common import identity
from registry.models import Mentor, Pair, Programme

PAIR_STATUSES = {"планируется": "planned", "действует": "active"}


def pair_spec(user) -> SheetSpec:
    programmes = tuple(
        selectors.programmes_for(user).order_by("title").values_list("title", flat=True).distinct()
    )
    return SheetSpec(
        "Пары",
        (
            Column(
                "programme",
                "Программа",
                kind="choice",
                choices=programmes or ("—",),
                required=True,
                width=36,
                example=programmes[0] if programmes else "",
            ),
            Column(
                "mentor_last_name", "Наставник: фамилия", required=True, width=20, example="Исаев"
            ),
            Column("mentor_first_name", "Наставник: имя", required=True, width=16, example="Ислам"),
            Column("mentor_patronymic", "Наставник: отчество", width=20),
            Column(
                "mentor_birth_date",
                "Наставник: дата рождения",
                kind="date",
                required=True,
                width=14,
                example=dt.date(1985, 4, 1),
            ),
            Column(
                "last_name", "Наставляемый: фамилия", required=True, width=20, example="Иванова"
            ),
            Column("first_name", "Наставляемый: имя", required=True, width=16, example="Мария"),
            Column("patronymic", "Наставляемый: отчество", width=20),
            Column(
                "birth_date",
                "Наставляемый: дата рождения",
                kind="date",
                required=True,
                width=14,
                example=dt.date(2010, 3, 14),
            ),
            Column(
                "starts_on",
                "Начало",
                kind="date",
                required=True,
                width=12,
                example=dt.date(2020, 11, 2),
            ),
            Column(
                "status",
                "Статус",
                kind="choice",
                choices=tuple(PAIR_STATUSES),
                example="планируется",
                width=14,
                help="Строки с одинаковыми программой, наставником и началом — одна группа",
            ),
        ),
    )


@dataclass
class PairRows:
    """Rows that together make one pair or group: same programme, mentor and start."""

    rows: list[int]
    programme: Programme
    mentor: Mentor
    starts_on: dt.date
    activate: bool
    mentees: list = field(default_factory=list)
    pair: object = None


def _people(plan: Plan, parsed):
    """The user's programmes, mentors and the mentees born on the rows' dates, each by how a
    row names it."""
    user = plan.user
    programmes = {p.title.lower(): p for p in selectors.programmes_for(user)}
    mentors = {
        (m.last_name.lower(), m.first_name.lower(), m.patronymic.lower(), m.birth_date): m
        for m in selectors.mentors_for(user)
    }
    mentees = {
        (m.last_name.lower(), m.first_name.lower(), m.patronymic.lower(), m.birth_date): m
        for m in selectors.mentees_for(user).filter(
            birth_date__in={r.values["birth_date"] for r in parsed.rows}
        )
    }
    return programmes, mentors, mentees


def _groups(plan: Plan, parsed) -> dict[tuple, PairRows]:
    programmes, mentors, mentees = _people(plan, parsed)
    groups: dict[tuple, PairRows] = {}
    for row in parsed.rows:
        values = row.values
        programme = programmes.get(values["programme"].lower())
        mentor = mentors.get(
            (
                values["mentor_last_name"].lower(),
                values["mentor_first_name"].lower(),
                (values.get("mentor_patronymic") or "").lower(),
                values["mentor_birth_date"],
            )
        )
        mentee = mentees.get(identity(values))
        if programme is None:
            plan.errors.append(CellError(row.row, "Программа", "Программа: нет такой."))
        if mentor is None:
            plan.errors.append(
                CellError(
                    row.row, "Наставник: фамилия", "Наставник: нет такого наставника в реестре ОО."
                )
            )
        if mentee is None:
            plan.errors.append(
                CellError(
                    row.row,
                    "Наставляемый: фамилия",
                    "Наставляемый: нет такого наставляемого в реестре ОО.",
                )
            )
        if programme is None or mentor is None or mentee is None:
            continue
        key = (programme.pk, mentor.pk, values["starts_on"])
        group = groups.setdefault(
            key, PairRows([], programme, mentor, values["starts_on"], activate=False)
        )
        group.rows.append(row.row)
        group.mentees.append(mentee)
        group.activate = group.activate or PAIR_STATUSES.get(values.get("status") or "") == "active"
    return groups


def plan_pairs(plan: Plan, parsed) -> None:
    groups = _groups(plan, parsed)
    existing = {
        (p.programme_id, p.mentor_id, p.starts_on): p
        for p in Pair.objects.filter(programme__in=[g.programme for g in groups.values()])
    }
    for key, group in groups.items():
        group.pair = existing.get(key)
        probe = group.pair or Pair(
            programme=group.programme, mentor=group.mentor, starts_on=group.starts_on
        )
        everyone = (
            list({*group.pair.mentees.all(), *group.mentees}) if group.pair else group.mentees
        )
        errors = services.pair_errors(probe, everyone, activate=group.activate)
        for messages in errors.values():
            for message in messages:
                plan.errors.append(CellError(group.rows[0], None, message))
        if errors:
            continue
        (plan.to_update if group.pair else plan.to_create).append(group)
        plan.show(
            group.rows[0],
            f"{group.mentor.full_name}: " + ", ".join(m.full_name for m in group.mentees),
            group.programme.school.short_name,
            "обновление" if group.pair else "новая пара",
        )


def write_pairs(plan: Plan) -> tuple[int, int]:
    for group in [*plan.to_create, *plan.to_update]:
        mentees = group.mentees
        if group.pair is not None:
            mentees = list({*group.pair.mentees.all(), *mentees})
        services.save_pair(
            user=plan.user,
            programme=group.programme,
            mentor=group.mentor,
            mentees=mentees,
            starts_on=group.starts_on,
            ends_on=group.pair.ends_on if group.pair else None,
            goals=group.pair.goals if group.pair else "",
            pair=group.pair,
            activate=group.activate,
        )
    return len(plan.to_create), len(plan.to_update)


COLUMNS = (
    Column("mentor", "Наставник", width=30),
    Column("mentees", "Наставляемые", width=40),
    Column("programme", "Программа", width=40),
    Column("form", "Форма", width=22),
    Column("starts_on", "Начало", kind="date"),
    Column("status", "Статус", width=16),
)


def _row(pair: Pair, name) -> dict:
    return {
        "mentor": name(pair.mentor),
        "mentees": ", ".join(name(m) for m in pair.mentees.all()),
        "programme": pair.programme.title,
        "form": pair.programme.form.name,
        "starts_on": pair.starts_on,
        "status": pair.get_status_display(),
    }


ENTITY = Entity(
    key="pairs",
    title="Пары",
    of_what="пар и групп",
    sheet=pair_spec,
    planner=plan_pairs,
    writer=write_pairs,
    selector=selectors.pairs_for,
    filters=filters.PairFilter,
    prefetch=("mentees",),
    export=ExportSheet(
        SheetSpec("Пары и группы", COLUMNS), lambda p: _row(p, attrgetter("full_name"))
    ),
    depersonalised=ExportSheet(
        SheetSpec("Пары и группы", COLUMNS), lambda p: _row(p, attrgetter("initials"))
    ),
)
