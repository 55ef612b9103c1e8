"""The tenant of the region (core): municipalities «городской округ <Town>» («МО-NN»), their
departments of education and schools, and the users — staff and head of each department, a
curator per school, the regional coordinator.

Which municipalities are generated: name «городской округ <Town>» and short name «МО-NN»,
exactly as ``municipality_identity(NN)`` makes them. ``check_database`` refuses a database that
already has generated municipalities (running twice never duplicates: the second run stops with
a message and changes nothing) and, unless ``force``, a database with any other municipality.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from core import roles
from core.models import Department, Municipality, Profile, School
from devdata.region.context import (
    MunicipalityPlan,
    RegionOptions,
    RegionRefused,
    SchoolPlan,
    Script,
)
from devdata.region.names import STREETS, TOWNS, initials_name, person

REGION_GROUP = "Региональный координатор"  # core.roles.REGION, spelled out on purpose
REGION_USERNAME = "region"
SCHOOL_TYPES = (  # (full, short, weight)
    ("Средняя общеобразовательная школа", "СОШ", 80),
    ("Гимназия", "Гимназия", 10),
    ("Лицей", "Лицей", 10),
)

CODE = re.compile(r"^МО-(\d{2,})$")


def municipality_identity(number: int) -> tuple[str, str, str]:
    """The generated municipality number ``number``: its name, short name and town."""
    town = TOWNS[number - 1] if number <= len(TOWNS) else f"Город-{number:02d}"
    return f"городской округ {town}", f"МО-{number:02d}", town


def generated_municipalities() -> list[Municipality]:
    found = []
    for municipality in Municipality.objects.filter(short_name__startswith="МО-").order_by("pk"):
        match = CODE.match(municipality.short_name)
        if match and municipality_identity(int(match.group(1)))[0] == municipality.name:
            found.append(municipality)
    return found


def planned_usernames(options: RegionOptions) -> list[str]:
    names = []
    for number in range(1, options.municipalities + 1):
        code = f"mo{number:02d}"
        names += [f"{code}-staff", f"{code}-head"]
        names += [f"{code}-s{index:03d}" for index in range(1, options.schools + 1)]
    return [*names, REGION_USERNAME]


def _listed(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(f"«{name}»" for name in names[:limit])
    return shown + (f" и ещё {len(names) - limit}" if len(names) > limit else "")


def check_database(options: RegionOptions) -> None:
    """Refuse (RegionRefused) a database already holding a region, or other data unless force."""
    if min(options.municipalities, options.schools) < 1 or options.mentees < 0:
        raise RegionRefused(
            "Нужен хотя бы один муниципалитет и одна школа; число наставляемых не может "
            "быть отрицательным."
        )
    generated = generated_municipalities()
    if generated:
        raise RegionRefused(
            f"Регион уже сгенерирован: в базе {len(generated)} муниципалитет(ов), созданных этой "
            f"командой ({_listed([m.name for m in generated])}). Повторный запуск ничего не "
            "добавляет и не удаляет. Чтобы сгенерировать регион заново (с другим зерном или "
            "размером), используйте новую пустую базу данных."
        )
    others = list(Municipality.objects.order_by("name").values_list("name", flat=True))
    if others and not options.force:
        raise RegionRefused(
            f"В базе уже есть муниципалитеты, созданные не этой командой ({len(others)}: "
            f"{_listed(others)}). Генератор заполняет синтетическими данными пустую (тестовую) "
            "базу. Если вы уверены, что синтетический регион нужно добавить к этим данным, "
            "запустите команду с --force."
        )
    names = [municipality_identity(n)[0] for n in range(1, options.municipalities + 1)]
    clash = list(Municipality.objects.filter(name__in=names).values_list("name", flat=True))
    if clash:
        raise RegionRefused(
            f"Муниципалитеты с такими наименованиями уже есть: {_listed(clash)}. "
            "Используйте новую пустую базу данных."
        )
    taken = list(
        get_user_model()
        .objects.filter(username__in=planned_usernames(options))
        .values_list("username", flat=True)
    )
    if taken:
        raise RegionRefused(
            f"Пользователи с такими именами уже есть: {_listed(sorted(taken))}. "
            "Используйте новую пустую базу данных."
        )


def department(muni: MunicipalityPlan) -> Department:
    """The municipality's department of education, its letterhead and its head."""
    town = muni.town
    return Department(
        municipality_id=muni.pk,
        full_name=f"Муниципальное учреждение «Департамент образования городского округа {town}»",
        short_name=f"Департамент образования г. о. {town}",
        header_lines="\n".join(
            [
                f"Администрация городского округа {town}",
                "Муниципальное учреждение",
                f"«Департамент образования городского округа {town}»",
            ]
        ),
        header_lines_local="\n".join(
            [
                f"{town} гӀалин администраци",
                "Муниципальни учреждени",
                f"«{town} гӀалин дешаран департамент»",
            ]
        ),
        city=f"г. о. {town}",
        head_position="Начальник",
        head_name=initials_name(muni.head.first, muni.head.patronymic, muni.head.last),
    )


class Tenant(Script):
    def groups(self) -> None:
        self.region.groups.update(
            (name, Group.objects.get_or_create(name=name)[0])
            for name in (roles.STAFF, roles.HEAD, roles.CURATOR, REGION_GROUP)
        )

    def municipalities(self) -> None:
        """Municipalities, their departments and schools (the schools' sizes drawn here)."""
        for number in range(1, self.region.options.municipalities + 1):
            rng = self.rng("municipality", number)
            name, short_name, town = municipality_identity(number)
            head = person(rng, rng.random() < 0.4)
            muni = MunicipalityPlan(number, name, short_name, town, head, rng.uniform(0.55, 0.95))
            for index in range(1, self.region.options.schools + 1):
                full, short, _weight = rng.choices(
                    SCHOOL_TYPES, weights=[t[2] for t in SCHOOL_TYPES]
                )[0]
                muni.schools.append(
                    SchoolPlan(
                        index=index,
                        full_name=f"Муниципальное бюджетное общеобразовательное учреждение "
                        f"«{full} № {index}» городского округа {town}",
                        short_name=f"МБОУ «{short} № {index}» г. о. {town}",
                        pupils_total=int(rng.triangular(300, 1500, 700)),
                    )
                )
            self.munis.append(muni)

        objects = Municipality.objects.bulk_create(
            Municipality(name=m.name, short_name=m.short_name) for m in self.munis
        )
        for muni, obj in zip(self.munis, objects, strict=True):
            muni.pk, muni.obj = obj.pk, obj
        Department.objects.bulk_create(department(m) for m in self.munis)

        schools = [s for m in self.munis for s in m.schools]
        school_rows = []
        for muni in self.munis:
            rng = self.rng("schools", muni.number)
            for school in muni.schools:
                street = rng.choice(STREETS)
                school_rows.append(
                    School(
                        municipality_id=muni.pk,
                        full_name=school.full_name,
                        short_name=school.short_name,
                        kind=School.Kind.SCHOOL,
                        address=f"Чеченская Республика, {muni.town}, {street}, "
                        f"{rng.randint(1, 120)}",
                        director_name=person(rng, rng.random() < 0.45).full,
                        phone=f"8 (8712) {rng.randint(20, 99)}-{rng.randint(10, 99)}-"
                        f"{rng.randint(10, 99)}",
                        email=f"school{school.index:02d}.mo{muni.number:02d}@example.org",
                        website=f"https://school{school.index:02d}.mo{muni.number:02d}.example.org",
                    )
                )
        for school, obj in zip(schools, School.objects.bulk_create(school_rows), strict=True):
            school.pk = obj.pk

    def users(self) -> None:
        """The department's staff and head, a curator per school, the regional coordinator;
        with one password for all when asked (``users``/``password``), else none usable."""
        User = get_user_model()
        wants_login = self.region.options.users or bool(self.region.options.password)
        if wants_login:
            self.region.password = self.region.options.password or secrets.token_urlsafe(12)
        encoded = make_password(
            self.region.password
        )  # one hash for all: hashing is slow on purpose
        joined = dt.datetime.combine(dt.date(self.year, 10, 1), dt.time(9), tzinfo=self.region.tz)
        accounts = []  # (user, group, municipality, school, position)
        for muni in self.munis:
            rng = self.rng("users", muni.number)
            code = f"mo{muni.number:02d}"
            staff = person(rng, rng.random() < 0.6)
            accounts.append(
                (
                    User(username=f"{code}-staff", first_name=staff.first, last_name=staff.last),
                    roles.STAFF,
                    muni,
                    None,
                    "Главный специалист департамента образования",
                )
            )
            accounts.append(
                (
                    User(
                        username=f"{code}-head",
                        first_name=muni.head.first,
                        last_name=muni.head.last,
                    ),
                    roles.HEAD,
                    muni,
                    None,
                    "Начальник департамента образования",
                )
            )
            for school in muni.schools:
                curator = person(rng, rng.random() < 0.7)
                accounts.append(
                    (
                        User(
                            username=f"{code}-s{school.index:03d}",
                            first_name=curator.first,
                            last_name=curator.last,
                        ),
                        roles.CURATOR,
                        muni,
                        school,
                        "Заместитель директора по УВР, куратор внедрения ЦМН",
                    )
                )
        accounts.append(
            (
                User(username=REGION_USERNAME, first_name="Региональный", last_name="Координатор"),
                REGION_GROUP,
                None,
                None,
                "Региональный координатор внедрения ЦМН",
            )
        )
        for user, *_ in accounts:
            user.password = encoded
            user.email = f"{user.username}@example.org"
            user.date_joined = joined
        User.objects.bulk_create([a[0] for a in accounts])
        Through = User.groups.through
        Through.objects.bulk_create(
            Through(user_id=user.pk, group_id=self.region.groups[group].pk)
            for user, group, *_ in accounts
        )
        Profile.objects.bulk_create(
            Profile(
                user_id=user.pk,
                municipality_id=muni.pk if muni else None,
                school_id=school.pk if school else None,
                position=position,
            )
            for user, _group, muni, school, position in accounts
        )
        for user, group, muni, school, _position in accounts:
            if school is not None:
                school.curator = user
            elif group == roles.STAFF:
                muni.staff = user
            elif group == roles.HEAD:
                muni.head_user = user
