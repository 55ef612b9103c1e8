"""Registry lists as rows of their sheets, in full or depersonalised."""

from __future__ import annotations

from collections.abc import Iterable

from core.xlsx.spec import Column, SheetSpec


def export_rows(entity: str, objects: Iterable, *, depersonalised: bool) -> tuple[SheetSpec, list]:
    if entity == "mentees":
        if depersonalised:
            spec = SheetSpec(
                "Наставляемые (обезличено)",
                (
                    Column("initials", "Инициалы", width=12),
                    Column("birth_year", "Год рождения", kind="int", width=12),
                    Column("school", "ОО", width=30),
                    Column("class_name", "Класс", width=8),
                    Column("kind", "Кто", width=16),
                ),
            )
            rows = [
                {
                    "initials": m.initials,
                    "birth_year": m.birth_date.year,
                    "school": m.school.short_name,
                    "class_name": m.class_name,
                    "kind": m.get_kind_display(),
                }
                for m in objects
            ]
            return spec, rows
        columns = (
            Column("last_name", "Фамилия"),
            Column("first_name", "Имя"),
            Column("patronymic", "Отчество"),
            Column("birth_date", "Дата рождения", kind="date"),
            Column("school", "ОО", width=30),
            Column("kind", "Кто"),
            Column("class_name", "Класс", width=8),
            Column("position", "Должность"),
            Column("experience_years", "Стаж, лет", kind="int"),
            Column("phone", "Телефон"),
            Column("email", "E-mail"),
        )
        rows = [
            {
                **{c.key: getattr(m, c.key) for c in columns},
                "school": m.school.short_name,
                "kind": m.get_kind_display(),
            }
            for m in objects
        ]
        return SheetSpec("Наставляемые", columns), rows
    if entity == "mentors":
        columns = (
            Column("name", "ФИО" if not depersonalised else "Инициалы", width=30),
            Column("birth", "Дата рождения" if not depersonalised else "Год рождения", width=14),
            Column("kind", "Кто", width=24),
            Column("schools", "ОО", width=30),
            Column("partner", "Организация-партнёр", width=30),
            Column("position", "Должность"),
        )
        rows = [
            {
                "name": m.initials if depersonalised else m.full_name,
                "birth": m.birth_date.year if depersonalised else m.birth_date,
                "kind": m.get_kind_display(),
                "schools": ", ".join(s.short_name for s in m.schools.all()),
                "partner": m.partner.name if m.partner else "",
                "position": m.position,
            }
            for m in objects
        ]
        return SheetSpec("Наставники", columns), rows
    if entity == "programmes":
        columns = (
            Column("title", "Наименование", width=40),
            Column("school", "ОО", width=30),
            Column("form", "Форма", width=24),
            Column("starts_on", "Начало", kind="date"),
            Column("ends_on", "Окончание", kind="date"),
            Column("review", "Экспертиза", width=24),
        )
        rows = [
            {
                "title": p.title,
                "school": p.school.short_name,
                "form": p.form.name,
                "starts_on": p.starts_on,
                "ends_on": p.ends_on,
                "review": p.get_review_status_display(),
            }
            for p in objects
        ]
        return SheetSpec("Программы", columns), rows
    if entity == "partners":
        columns = (
            Column("name", "Наименование", width=40),
            Column("inn", "ИНН", width=14),
            Column("address", "Адрес", width=30),
            Column("contact_person", "Контактное лицо"),
            Column("phone", "Телефон"),
            Column("email", "E-mail"),
            Column("agreements", "Соглашения", width=40),
        )
        rows = [
            {
                **{c.key: getattr(p, c.key) for c in columns if c.key != "agreements"},
                "agreements": "; ".join(
                    f"№ {a.number} от {a.date:%d.%m.%Y}" for a in p.agreements.all()
                ),
            }
            for p in objects
        ]
        return SheetSpec("Партнёры", columns), rows
    columns = (
        Column("mentor", "Наставник", width=30),
        Column("mentees", "Наставляемые", width=40),
        Column("programme", "Программа", width=40),
        Column("form", "Форма", width=22),
        Column("starts_on", "Начало", kind="date"),
        Column("status", "Статус", width=16),
    )
    rows = [
        {
            "mentor": p.mentor.initials if depersonalised else p.mentor.full_name,
            "mentees": ", ".join(
                m.initials if depersonalised else m.full_name for m in p.mentees.all()
            ),
            "programme": p.programme.title,
            "form": p.programme.form.name,
            "starts_on": p.starts_on,
            "status": p.get_status_display(),
        }
        for p in objects
    ]
    return SheetSpec("Пары и группы", columns), rows
