"""A small municipality whose indicators are known by hand (see `known` below).

Day D = 31.01.2021 (school year 2020–2021).

School A (counts 2020: 40 pupils aged 10+, 4 young teachers):
  pair 1 (учитель – ученик, active since 01.11.2020), mentor M1: pupils P1 (11 years on D)
      and P2 (9 years on D: turns 10 on 15.02.2021);
  pair 2 (учитель – учитель, active), mentor M2: teachers T1 (30, 2 years' experience),
      T2 (36, 1 year), T3 (25, 5 years), T4 (34 on D: born 01.02.1986, 3 years);
  pair 3 planned (P3), pair 4 completed on 31.12.2020 (P4), pair 5 starting 01.02.2021 (P5):
      none of them count on D.
  Programme A approved on 01.12.2020.
School B (counts 2020: 10 pupils aged 10+, 0 young teachers):
  pair 6 (active), mentor M1 again (he works in both schools): pupil Q1 (12).
  Programme B approved on 01.03.2021 (after D).
School C (no counts for 2020): pair 7 (active), mentor M3: pupil R1 (12).

So on D: A has 2 mentors, 6 mentees, 2 pairs, 1 pupil of 10+ (2,5 %), 2 young teachers (50 %);
B has 1 mentor, 1 mentee, 1 pair, 1 pupil of 10+ (10 %), young teachers 0 of 0 (no share);
the municipality has 3 distinct mentors, 8 mentees, 4 pairs, pupils (1 + 1) / (40 + 10) = 4 %
(school C has no counts and is left out of shares), young teachers 2 / 4 = 50 %,
approved programmes 1 of 3 schools.
"""

import datetime as dt

import pytest

from registry.models import Mentee, Mentor, Pair, PairMentee, Programme, SchoolYearStats
from tests.factories import SchoolFactory

D = dt.date(2021, 1, 31)


def _mentee(school, last_name, born, kind="pupil", experience=None):
    return Mentee.objects.create(
        municipality=school.municipality,
        school=school,
        last_name=last_name,
        first_name="Тест",
        birth_date=born,
        kind=kind,
        experience_years=experience,
    )


def _mentor(municipality, last_name, *schools):
    mentor = Mentor.objects.create(
        municipality=municipality,
        last_name=last_name,
        first_name="Наставник",
        birth_date=dt.date(1980, 1, 1),
        kind="teacher",
    )
    mentor.schools.add(*schools)
    return mentor


def make_pair(programme, mentor, mentees, *, starts_on, status="active", ends_on=None):
    pair = Pair.objects.create(
        programme=programme,
        mentor=mentor,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        termination_reason="причина" if status == "terminated" else "",
    )
    for mentee in mentees:
        PairMentee.objects.create(
            pair=pair, mentee=mentee, form=programme.form, is_active=status == "active"
        )
    return pair


def _programme(school, form, title, approved_on=None):
    return Programme.objects.create(
        school=school,
        form=form,
        title=title,
        starts_on=dt.date(2020, 9, 1),
        ends_on=dt.date(2021, 8, 31),
        review_status="approved" if approved_on else "not_sent",
        reviewed_on=approved_on,
    )


@pytest.fixture
def known(roadmap, school_a, school_b, forms):
    municipality = school_a.municipality
    school_c = SchoolFactory(municipality=municipality, short_name="МБОУ «СОШ № 3» г. Аргун")
    teacher_pupil, teacher_teacher = forms["учитель – ученик"], forms["учитель – учитель"]
    SchoolYearStats.objects.create(
        school=school_a,
        school_year_start=2020,
        pupils_total=60,
        pupils_10_plus=40,
        teachers_total=20,
        young_teachers=4,
    )
    SchoolYearStats.objects.create(
        school=school_b,
        school_year_start=2020,
        pupils_total=15,
        pupils_10_plus=10,
        teachers_total=5,
        young_teachers=0,
    )
    m1 = _mentor(municipality, "Первый", school_a, school_b)
    m2 = _mentor(municipality, "Второй", school_a)
    m3 = _mentor(municipality, "Третий", school_c)
    prog_a = _programme(school_a, teacher_pupil, "Программа А", dt.date(2020, 12, 1))
    prog_a2 = _programme(school_a, teacher_teacher, "Программа А-педагоги")
    prog_b = _programme(school_b, teacher_pupil, "Программа Б", dt.date(2021, 3, 1))
    prog_c = _programme(school_c, teacher_pupil, "Программа В")
    p1 = _mentee(school_a, "Пэ-один", dt.date(2010, 1, 1))
    p2 = _mentee(school_a, "Пэ-два", dt.date(2011, 2, 15))
    teachers = [
        _mentee(school_a, "Тэ-один", dt.date(1990, 6, 1), "teacher", 2),
        _mentee(school_a, "Тэ-два", dt.date(1985, 1, 1), "teacher", 1),
        _mentee(school_a, "Тэ-три", dt.date(1995, 3, 3), "teacher", 5),
        _mentee(school_a, "Тэ-четыре", dt.date(1986, 2, 1), "teacher", 3),
    ]
    start = dt.date(2020, 11, 1)
    make_pair(prog_a, m1, [p1, p2], starts_on=start)
    make_pair(prog_a2, m2, teachers, starts_on=start)
    make_pair(
        prog_a,
        m2,
        [_mentee(school_a, "Пэ-три", dt.date(2009, 1, 31))],
        starts_on=start,
        status="planned",
    )
    make_pair(
        prog_a,
        m2,
        [_mentee(school_a, "Пэ-четыре", dt.date(2008, 1, 1))],
        starts_on=start,
        status="completed",
        ends_on=dt.date(2020, 12, 31),
    )
    make_pair(
        prog_a,
        m2,
        [_mentee(school_a, "Пэ-пять", dt.date(2010, 1, 31))],
        starts_on=dt.date(2021, 2, 1),
    )
    make_pair(prog_b, m1, [_mentee(school_b, "Ку-один", dt.date(2008, 5, 5))], starts_on=start)
    make_pair(prog_c, m3, [_mentee(school_c, "Эр-один", dt.date(2008, 5, 5))], starts_on=start)
    return {
        "municipality": municipality,
        "a": school_a,
        "b": school_b,
        "c": school_c,
        "schools": [school_a, school_b, school_c],
        "prog_a": prog_a,
        "m1": m1,
    }


@pytest.fixture
def period(known):
    """«I полугодие 2020/21», ending on D."""
    from monitoring import services

    return services.save_period(
        municipality=known["municipality"],
        title="I полугодие 2020/21",
        starts_on=dt.date(2020, 9, 1),
        ends_on=D,
        report_due_on=dt.date(2021, 2, 10),
    )
