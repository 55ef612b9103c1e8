"""The registry of the region: each school's counts for the school year, its mentees (pupils
and teachers), mentors, programmes with their review, pairs and groups with their stories
(active, completed, planned, terminated — by a mentor who left or a withdrawn consent) and
the legal representatives' consents for minors.

A mentor leads at most ``settings.MENTOR_MAX_MENTEES`` mentees in active pairs, the rule the
application enforces when a pair is activated; that is why there is about one mentor per six or
seven mentees rather than one per twelve. Pupils are in grades 1–11 of the story's year (born
September 2002 – August 2013 for 2020/21); programmes and pairs start in its autumn.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from django.db import connection

from devdata.region.bulk import Behind, Copy, Ids
from devdata.region.context import SchoolPlan, Script
from devdata.region.names import Name, feminine, full_name, person, unique_name
from registry.models import (
    Consent,
    Mentee,
    Mentor,
    Pair,
    PairMentee,
    PersonKind,
    Programme,
    SchoolYearStats,
    search_key,
)
from registry.reference import ensure_mentoring_forms

SUBJECTS = (
    "учитель математики",
    "учитель русского языка и литературы",
    "учитель чеченского языка и литературы",
    "учитель начальных классов",
    "учитель английского языка",
    "учитель истории и обществознания",
    "учитель физики",
    "учитель химии",
    "учитель биологии",
    "учитель географии",
    "учитель информатики",
    "учитель физической культуры",
    "педагог-психолог",
    "социальный педагог",
)
UNIVERSITIES = (
    "студент ЧГУ им. А. А. Кадырова",
    "студент ЧГПУ",
    "студент ГГНТУ им. акад. М. Д. Миллионщикова",
    "студент Грозненского педагогического колледжа",
)
GRADE_WEIGHTS = (3, 4, 5, 6, 10, 11, 12, 12, 12, 11, 9)  # grades 1..11 among pupil mentees

# Forms used in schools: the key, the form's name (registry.reference) and the programme titles.
FORMS = {
    "tp": "учитель – ученик",
    "tt": "учитель – учитель",
    "pp": "ученик – ученик",
    "sp": "студент – ученик",
}
MOTTOS = {
    "tp": ("Шаг вперёд", "Вместе к успеху", "Открытие", "Ступени роста", "Наставник рядом"),
    "tt": ("Молодой педагог", "Первые шаги в профессии", "Школа молодого учителя"),
    "pp": ("Равный – равному", "Старший друг", "Учимся вместе"),
    "sp": ("Старт в будущее", "Студенческий десант"),
}
GOALS = {
    "tp": (
        "Подготовка к олимпиаде по математике",
        "Повышение успеваемости по русскому языку",
        "Подготовка к ОГЭ",
        "Подготовка к ЕГЭ",
        "Профессиональное самоопределение",
        "Подготовка проекта к научно-практической конференции",
        "Развитие читательской грамотности",
    ),
    "tt": (
        "Адаптация молодого педагога в коллективе",
        "Освоение методики современного урока",
        "Подготовка к аттестации",
        "Работа с родителями обучающихся",
    ),
    "pp": (
        "Помощь в учёбе",
        "Адаптация в новом классе",
        "Подготовка к конкурсу чтецов",
        "Совместный проект",
    ),
    "sp": ("Подготовка к олимпиаде", "Профориентация: знакомство с вузом"),
}
RESULTS = (
    "Цели достигнуты: повысилась успеваемость, наставляемый участвовал в конкурсе.",
    "Цели достигнуты частично; работа продолжится в следующем учебном году.",
    "Подготовлен и защищён проект.",
    "Наставляемый успешно адаптировался, план выполнен полностью.",
)
GROUP_SIZES = {  # (sizes, weights) of a pair or group, capped by MENTOR_MAX_MENTEES
    "tp": ((1, 2, 3, 4, 5), (25, 15, 20, 20, 20)),
    "tt": ((1, 2), (75, 25)),
    "pp": ((1, 2, 3), (50, 30, 20)),
    "sp": ((1, 2, 3), (50, 30, 20)),
}
MENTOR_LEFT = "Увольнение наставника из образовательной организации"
OTHER_REASONS = (
    "По заявлению законного представителя наставляемого",
    "Длительная болезнь наставника",
)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    """``total`` shared out in proportion to ``weights``, in whole numbers that add up."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


class _Person:
    """A mentee as the pairs and consents need it (not a model: there are many)."""

    __slots__ = ("born", "class_name", "kind", "name", "pk")

    def __init__(self, pk: int, kind: str, name: Name, born: dt.date, class_name: str):
        self.pk = pk
        self.kind = kind
        self.name = name
        self.born = born
        self.class_name = class_name


@dataclass
class _Group:
    programme: dict
    key: str
    mentees: list
    status: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    reason: str = ""
    withdrawn: _Person | None = None
    pk: int | None = None
    mentor: int | None = None


class Registry(Script):
    def reference(self) -> None:
        """The mentoring forms the schools use, by key."""
        by_name = {form.name: form for form in ensure_mentoring_forms()}
        for key, name in FORMS.items():
            self.region.forms[key] = by_name[name]

    def counts(self) -> None:
        """The mentees shared out among the schools by size, and each school's counts."""
        schools = [s for m in self.munis for s in m.schools]
        counts = largest_remainder(self.region.options.mentees, [s.pupils_total for s in schools])
        for school, count in zip(schools, counts, strict=True):
            school.mentees = count
        stats = []
        for muni in self.munis:
            rng = self.rng("stats", muni.number)
            for school in muni.schools:
                stats += self.year_stats(rng, school)
        SchoolYearStats.objects.bulk_create(stats)

    def year_stats(self, rng: random.Random, school: SchoolPlan) -> list[SchoolYearStats]:
        """Counts for 2020 and the current year that cover the school's mentees (so that no
        share exceeds 100 %); also decides how many of its mentees are (young) teachers."""
        school.teachers = int(school.mentees * 0.07 + 0.5)
        young_total = rng.randint(2, 10)
        school.young = min(young_total, int(school.teachers * 0.6 + 0.5))
        pupils = school.mentees - school.teachers
        total = max(school.pupils_total, math.ceil(pupils / 0.3))
        school.pupils_total = total
        school.letters = "АБВГ"[: 1 + min(3, total // 350)]
        pupils_10 = max(int(total * rng.uniform(0.6, 0.7)), pupils)
        teachers = max(min(90, max(25, round(total / rng.uniform(14, 18)))), school.teachers)
        rows = [
            SchoolYearStats(
                school_id=school.pk,
                school_year_start=self.year,
                pupils_total=total,
                pupils_10_plus=pupils_10,
                teachers_total=teachers,
                young_teachers=young_total,
            )
        ]
        if self.region.current_year != self.year:
            now_total = max(round(total * rng.uniform(0.95, 1.1)), pupils)
            now_teachers = max(teachers + rng.randint(-3, 4), school.teachers, young_total + 2)
            rows.append(
                SchoolYearStats(
                    school_id=school.pk,
                    school_year_start=self.region.current_year,
                    pupils_total=now_total,
                    pupils_10_plus=min(now_total, max(round(pupils_10 * now_total / total), 1)),
                    teachers_total=now_teachers,
                    young_teachers=max(school.young, min(10, young_total + rng.randint(-1, 2))),
                )
            )
        return rows

    def people(self) -> None:
        """Per municipality: each school's mentees, programmes, mentors, pairs and consents,
        written with COPY (ids taken ahead, so that rows can refer to each other)."""
        with connection.cursor() as cursor:
            self.copies = {
                "mentee": Copy(Mentee),
                "mentor": Copy(Mentor),
                "mentor_school": Copy(Mentor.schools.through, with_pk=False),
                "programme": Copy(Programme),
                "pair": Copy(Pair),
                "member": Copy(PairMentee, with_pk=False),
                "consent": Copy(Consent, with_pk=False),
            }
            behind = Behind()  # a municipality's rows are written while the next is made
            # Blocks of ids for several municipalities: taking one waits for the COPY under way.
            self.ids = {
                "mentee": Ids(cursor, Mentee, 100_000, behind.lock),
                "mentor": Ids(cursor, Mentor, 20_000, behind.lock),
                "programme": Ids(cursor, Programme, 2_000, behind.lock),
                "pair": Ids(cursor, Pair, 40_000, behind.lock),
            }
            try:
                for muni in self.munis:
                    rng = self.rng("people", muni.number)
                    self.mentee_keys: set = set()
                    self.mentor_keys: set = set()
                    for school in muni.schools:
                        pupils, teachers = self.mentees_of(rng, muni, school)
                        self.pairs_of(rng, muni, school, pupils, teachers)
                    for copy in self.copies.values():
                        behind.send(copy)
            finally:
                behind.wait()

    def pupil_birth(self, rng: random.Random, grade: int) -> dt.date:
        cohort = self.year - 6 - grade  # born September cohort-1 .. August cohort
        return dt.date(cohort - 1, 9, 1) + dt.timedelta(days=rng.randrange(365))

    @staticmethod
    def phone(rng: random.Random) -> str:
        return f"+7 (928) {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"

    def timestamp(self, rng: random.Random) -> dt.datetime:
        return self.at(dt.date(self.year, 9, 7) + dt.timedelta(days=rng.randrange(35)), rng)

    def mentees_of(self, rng, muni, school) -> tuple[list[_Person], list[_Person]]:
        copy = self.copies["mentee"]
        ids = iter(self.ids["mentee"].take(school.mentees))
        pupils, teachers = [], []
        for number in range(school.mentees):
            pk = next(ids)
            female = rng.random() < 0.5
            experience = None
            position = class_name = phone = ""
            if number < school.teachers:
                kind = PersonKind.TEACHER
                young = number < school.young
                female = rng.random() < 0.8
                if young:
                    start, span = dt.date(self.year - 28, 1, 1), 8 * 365
                else:
                    start, span = dt.date(self.year - 55, 1, 1), 25 * 365

                def born(start=start, span=span):
                    return start + dt.timedelta(days=rng.randrange(span))

                name, birth = unique_name(rng, female, born, self.mentee_keys)
                age = self.year - birth.year
                experience = (
                    rng.randint(0, min(3, age - 20)) if young else rng.randint(4, min(35, age - 22))
                )
                position = rng.choice(SUBJECTS)
                phone = self.phone(rng)
            else:
                kind = PersonKind.PUPIL
                grade = rng.choices(range(1, 12), weights=GRADE_WEIGHTS)[0]
                name, birth = unique_name(
                    rng, female, lambda grade=grade: self.pupil_birth(rng, grade), self.mentee_keys
                )
                class_name = f"{grade}{rng.choice(school.letters)}"
            stamp = self.timestamp(rng)
            copy.add(
                id=pk,
                municipality_id=muni.pk,
                school_id=school.pk,
                last_name=name.last,
                first_name=name.first,
                patronymic=name.patronymic,
                birth_date=birth,
                phone=phone,
                email="",
                search_name=search_key(name.full),
                created_at=stamp,
                updated_at=stamp,
                kind=kind,
                class_name=class_name,
                position=position,
                experience_years=experience,
                data_destroyed_at=None,
            )
            person = _Person(pk, kind, name, birth, class_name)
            (teachers if kind == PersonKind.TEACHER else pupils).append(person)
        return pupils, teachers

    def programmes_of(self, rng, school) -> list[dict]:
        roll = rng.random()
        if roll < 0.15:
            keys = ["tp"]
        elif roll < 0.65:
            keys = ["tp", "tt"]
        else:
            keys = ["tp", "tt", "pp" if rng.random() < 0.7 else "sp"]
        starts = {
            "tp": (dt.date(self.year, 10, 15), dt.date(self.year, 11, 2)),
            "tt": (dt.date(self.year, 9, 1),),
            "pp": (dt.date(self.year, 11, 2), dt.date(self.year + 1, 1, 11)),
            "sp": (dt.date(self.year, 11, 2),),
        }
        programmes = []
        for key in keys:
            roll = rng.random()
            review = {"review_status": Programme.Review.NOT_SENT}
            if roll < 0.6:
                review = {
                    "review_status": Programme.Review.APPROVED,
                    "reviewer": rng.choice(
                        ("ГБУ ДПО «ЧИПКРО»", "Экспертный совет департамента образования")
                    ),
                    "review_conclusion": "Программа соответствует методологии (целевой модели) "
                    "наставничества и рекомендуется к реализации.",
                    "reviewed_on": dt.date(self.year, 11, 16) + dt.timedelta(rng.randrange(40)),
                }
            elif roll < 0.75:
                review = {
                    "review_status": Programme.Review.UNDER_REVIEW,
                    "reviewer": "ГБУ ДПО «ЧИПКРО»",
                }
            elif roll < 0.85:
                review = {
                    "review_status": Programme.Review.RETURNED,
                    "reviewer": "ГБУ ДПО «ЧИПКРО»",
                    "review_conclusion": "Не определены планируемые результаты и показатели "
                    "эффективности; программа возвращена на доработку.",
                    "reviewed_on": dt.date(self.year, 11, 20) + dt.timedelta(rng.randrange(30)),
                }
            programme = {
                "id": self.ids["programme"].next(),
                "school_id": school.pk,
                "form_id": self.region.forms[key].pk,
                "title": f"Программа наставничества «{rng.choice(MOTTOS[key])}»",
                "starts_on": rng.choice(starts[key]),
                "ends_on": dt.date(self.year + rng.choice((7, 7, 8)), 5, 31),
                **review,
            }
            self.copies["programme"].add(**programme)
            programme["key"] = key
            programmes.append(programme)
        return programmes

    def pairs_of(self, rng, muni, school, pupils: list[_Person], teachers: list[_Person]) -> None:
        programmes = self.programmes_of(rng, school)
        by_key = {p["key"]: p for p in programmes}
        candidates: dict[str, list[_Person]] = {p["key"]: [] for p in programmes}
        peer = by_key.get("pp") or by_key.get("sp")
        for pupil in pupils:
            grade = int(pupil.class_name[:-1])
            if peer is not None and grade <= 8 and rng.random() < 0.35:
                candidates[peer["key"]].append(pupil)
            else:
                candidates["tp"].append(pupil)
        if "tt" in candidates:
            candidates["tt"] = list(teachers)

        groups: list[_Group] = []
        for programme in programmes:
            key = programme["key"]
            chosen = [p for p in candidates[key] if rng.random() < (0.85 if key == "tt" else 0.8)]
            chosen.sort(key=lambda p: p.class_name)
            sizes, weights = GROUP_SIZES[key]
            position = 0
            while position < len(chosen):
                size = min(self.region.limit, rng.choices(sizes, weights=weights)[0])
                members = chosen[position : position + size]
                position += size
                groups += self.group_story(rng, programme, key, members)
        self.mentors_for(rng, muni, school, groups)
        for group in groups:
            self.copies["pair"].add(
                id=group.pk,
                programme_id=group.programme["id"],
                mentor_id=group.mentor,
                starts_on=group.starts_on,
                ends_on=group.ends_on,
                status=group.status,
                termination_reason=group.reason,
                goals=rng.choice(GOALS[group.key]),
                result=rng.choice(RESULTS) if group.status == Pair.Status.COMPLETED else "",
                version=1 if group.status in (Pair.Status.ACTIVE, Pair.Status.PLANNED) else 2,
            )
            for mentee in group.mentees:
                self.copies["member"].add(
                    pair_id=group.pk,
                    mentee_id=mentee.pk,
                    form_id=group.programme["form_id"],
                    is_active=group.status == Pair.Status.ACTIVE,
                )
        self.consents_for(rng, school, groups)

    def group_story(self, rng, programme: dict, key: str, members: list) -> list[_Group]:
        start = programme["starts_on"] + dt.timedelta(days=rng.randint(0, 75))
        end_of_year = dt.date(self.year + 1, 5, 31)
        roll = rng.random()
        if roll < 0.75:
            return [_Group(programme, key, members, Pair.Status.ACTIVE, start)]
        if roll < 0.89:
            ends = dt.date(self.year + 1, 5, 20) + dt.timedelta(days=rng.randint(0, 11))
            return [_Group(programme, key, members, Pair.Status.COMPLETED, start, ends)]
        if roll < 0.96:
            planned = dt.date(self.year + 1, 9, 1) + dt.timedelta(days=rng.randint(0, 20))
            return [_Group(programme, key, members, Pair.Status.PLANNED, planned)]
        ends = min(start + dt.timedelta(days=rng.randint(30, 150)), end_of_year)
        minors = [m for m in members if m.kind == PersonKind.PUPIL and age_on(m.born, ends) < 18]
        roll = rng.random()
        if roll < 0.45:
            stopped = _Group(programme, key, members, Pair.Status.TERMINATED, start, ends)
            stopped.reason = MENTOR_LEFT
            again = ends + dt.timedelta(days=rng.randint(5, 20))
            return [stopped, _Group(programme, key, members, Pair.Status.ACTIVE, again)]
        stopped = _Group(programme, key, members, Pair.Status.TERMINATED, start, ends)
        if roll < 0.75 and minors:
            stopped.withdrawn = rng.choice(minors)
            stopped.reason = (  # as registry.services.withdraw_consent words it
                "Отозвано согласие законного представителя на обработку персональных данных "
                f"{stopped.withdrawn.name.full} ({ends:%d.%m.%Y})"
            )
        else:
            stopped.reason = rng.choice(OTHER_REASONS)
        return [stopped]

    def new_mentor(self, rng, muni, school, key: str) -> int:
        if key in ("tp", "tt"):
            kind = PersonKind.TEACHER
        elif key == "pp":
            kind = PersonKind.PUPIL if rng.random() < 0.7 else PersonKind.GRADUATE
        else:
            kind = PersonKind.STUDENT if rng.random() < 0.7 else PersonKind.GRADUATE
        female = rng.random() < (0.75 if kind == PersonKind.TEACHER else 0.5)
        if kind == PersonKind.TEACHER:

            def born():
                return dt.date(self.year - 58, 1, 1) + dt.timedelta(days=rng.randrange(33 * 365))

        elif kind == PersonKind.PUPIL:
            grade = rng.randint(9, 11)

            def born():
                return self.pupil_birth(rng, grade)

        else:

            def born():
                return dt.date(self.year - 22, 1, 1) + dt.timedelta(days=rng.randrange(4 * 365))

        name, birth = unique_name(rng, female, born, self.mentor_keys)
        if kind == PersonKind.TEACHER:
            position = rng.choice(SUBJECTS)
        elif kind == PersonKind.PUPIL:
            position = f"{grade}{rng.choice(school.letters)}"
        elif kind == PersonKind.STUDENT:
            position = rng.choice(UNIVERSITIES)
        else:
            position = f"выпускник {birth.year + 18} года"
        pk = self.ids["mentor"].next()
        stamp = self.timestamp(rng)
        self.copies["mentor"].add(
            id=pk,
            municipality_id=muni.pk,
            last_name=name.last,
            first_name=name.first,
            patronymic=name.patronymic,
            birth_date=birth,
            phone=self.phone(rng) if kind == PersonKind.TEACHER else "",
            email="",
            search_name=search_key(name.full),
            created_at=stamp,
            updated_at=stamp,
            kind=kind,
            partner_id=None,
            position=position,
        )
        self.copies["mentor_school"].add(mentor_id=pk, school_id=school.pk)
        return pk

    def mentors_for(self, rng, muni, school, groups: list[_Group]) -> None:
        """Active groups fill mentors up to the limit (at most two active pairs each); the
        others go round the same mentors; a mentor who left leads only the pair they left."""
        for group in groups:
            group.pk = self.ids["pair"].next()
        by_programme: dict[int, list[_Group]] = {}
        for group in groups:
            by_programme.setdefault(group.programme["id"], []).append(group)
        for members in by_programme.values():
            key = members[0].key
            mentors: list[list[int]] = []  # [mentor id, load, active pairs]
            for group in (g for g in members if g.status == Pair.Status.ACTIVE):
                size = len(group.mentees)
                if not mentors or mentors[-1][1] + size > self.region.limit or mentors[-1][2] >= 2:
                    mentors.append([self.new_mentor(rng, muni, school, key), 0, 0])
                mentors[-1][1] += size
                mentors[-1][2] += 1
                group.mentor = mentors[-1][0]
            others = [g for g in members if g.status != Pair.Status.ACTIVE]
            for index, group in enumerate(others):
                if group.reason == MENTOR_LEFT or not mentors:
                    group.mentor = self.new_mentor(rng, muni, school, key)
                    if group.reason != MENTOR_LEFT:
                        mentors.append([group.mentor, 0, 0])
                else:
                    group.mentor = mentors[index % len(mentors)][0]

    def consents_for(self, rng, school, groups: list[_Group]) -> None:
        """A legal representative's consent before the first pair of every minor pupil (for
        half of those only in a planned pair); withdrawn where a pair ended because of it."""
        starts: dict[int, list[tuple[bool, dt.date]]] = {}
        people: dict[int, _Person] = {}
        withdrawn: dict[int, dt.date] = {}
        for group in groups:
            for mentee in group.mentees:
                if mentee.kind == PersonKind.PUPIL:
                    people[mentee.pk] = mentee
                    starts.setdefault(mentee.pk, []).append(
                        (group.status == Pair.Status.PLANNED, group.starts_on)
                    )
            if group.withdrawn is not None:
                withdrawn[group.withdrawn.pk] = group.ends_on
        curator = school.curator
        for pk, items in starts.items():
            planned, start = min(items)  # the first pair that began, else the planned one
            mentee = people[pk]
            if age_on(mentee.born, start) >= 18 or (planned and rng.random() < 0.5):
                continue
            given = max(dt.date(self.year, 9, 1), start - dt.timedelta(days=rng.randint(3, 25)))
            name = mentee.name
            pool = name.pool
            roll = rng.random()
            if roll < 0.6:
                relation = Consent.Relation.MOTHER
                representative = full_name(
                    feminine(name.base_last), rng.choice(pool.female), rng.choice(pool.fathers)[2]
                )
            elif roll < 0.95:
                relation = Consent.Relation.FATHER
                representative = full_name(name.base_last, name.father, rng.choice(pool.fathers)[1])
            else:
                relation = Consent.Relation.GUARDIAN
                representative = person(rng, rng.random() < 0.7).full
            ended = withdrawn.get(pk)
            self.copies["consent"].add(
                mentee_id=pk,
                representative_name=representative,
                relation=relation,
                document=f"паспорт 96 {rng.randint(0, 99):02d} {rng.randint(0, 999999):06d}",
                given_on=given,
                valid_until=add_years(mentee.born, 18) if rng.random() < 0.3 else None,
                scan="",
                scan_name="",
                recorded_by_id=curator.pk,
                recorded_at=self.at(given, rng),
                withdrawn_on=ended,
                withdrawal_recorded_by_id=curator.pk if ended else None,
                withdrawal_recorded_at=self.at(ended, rng) if ended else None,
            )
