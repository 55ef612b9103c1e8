"""factory_boy factories: the tenant (municipality, department, school), the roadmap's parts,
the registry's people, consents, programmes and pairs, and the reports of both apps.

A factory builds one valid row with the fewest others it needs (a mentee brings a school, the
school a municipality); pass what the test is about. Rows made here skip the services, so a
test of a service's rule calls the service itself. The 34-measure seed roadmap is never built
here: the `roadmap` fixture (tests/conftest.py) loads it for the tests that need it.
"""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core import roles
from core.models import Department, Municipality, Profile, School
from monitoring.models import Period, SchoolReport
from registry.models import Consent, Mentee, Mentor, MentoringForm, Pair, PairMentee, Programme
from roadmap.models import Execution, Measure, Report, ResponsibleParty, Roadmap, Section


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"городской округ Тестовый-{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    municipality = factory.SubFactory(MunicipalityFactory)
    full_name = factory.LazyAttribute(lambda o: f"Департамент образования ({o.municipality})")
    short_name = "Департамент образования"
    header_lines = "Муниципальное учреждение\n«Департамент образования»"
    city = "г. Тестовый"
    head_position = "Начальник"
    head_name = "А.А. Начальникова"


def seed_municipality() -> Municipality:
    """The seed's municipality with its department, as `load_seed` makes them, no roadmap.

    `load_seed` finds both later (by name, by municipality), so a test may still ask for the
    seed roadmap afterwards and get it in the same municipality.
    """
    from roadmap.seed import read_seed

    data = read_seed()
    municipality = MunicipalityFactory(
        name=data["municipality"]["name"], short_name=data["municipality"].get("short_name", "")
    )
    dept = data["department"]
    DepartmentFactory(
        municipality=municipality,
        full_name=dept["full_name"],
        short_name=dept["short_name"],
        header_lines="\n".join(dept["header_lines"]),
        header_lines_local="\n".join(dept.get("header_lines_local", [])),
        city=dept["city"],
        head_position=dept["head_position"],
        head_name=dept["head_name"],
    )
    return municipality


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    municipality = factory.SubFactory(MunicipalityFactory)
    full_name = factory.Sequence(lambda n: f"МБОУ «Средняя общеобразовательная школа № {n}»")
    short_name = factory.Sequence(lambda n: f"МБОУ «СОШ № {n}»")


class RoadmapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Roadmap

    municipality = factory.SubFactory(MunicipalityFactory)
    title = "План мероприятий (дорожная карта) внедрения целевой модели наставничества"
    school_year_start = 2020
    period_start = datetime.date(2020, 10, 1)
    period_end = datetime.date(2021, 5, 31)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    roadmap = factory.SubFactory(RoadmapFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Раздел {n + 1}")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    section = factory.SubFactory(SectionFactory)
    number = factory.Sequence(lambda n: f"9.{n + 1}")
    title = factory.Sequence(lambda n: f"Мероприятие {n + 1}")
    deadline_text = "ноябрь 2020 года"
    result = "Приказ"


def party(name: str, kind: str) -> ResponsibleParty:
    return ResponsibleParty.objects.get_or_create(name=name, defaults={"kind": kind})[0]


def make_user(username: str, group: str | None, *, municipality=None, school=None, **extra):
    user = get_user_model().objects.create_user(
        username=username, password="Пароль-для-тестов-1", **extra
    )
    if group:
        # get_or_create: transactional tests flush the groups that a migration made.
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    if municipality is not None or school is not None:
        Profile.objects.create(
            user=user,
            municipality=municipality or school.municipality,
            school=school,
        )
    return user


ROLE_GROUPS = {"staff": roles.STAFF, "head": roles.HEAD, "curator": roles.CURATOR}


# --- the registry: people, consents, programmes, pairs --------------------------------------


def mentoring_form(name: str = "учитель – ученик") -> MentoringForm:
    """One of the reference forms of mentoring (made by `ensure_mentoring_forms`)."""
    from registry.reference import ensure_mentoring_forms

    return {form.name: form for form in ensure_mentoring_forms()}[name]


class MentorFactory(factory.django.DjangoModelFactory):
    """A teacher mentor of ``schools`` (a list; by default one new school)."""

    class Meta:
        model = Mentor
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    last_name = factory.Sequence(lambda n: f"Наставников-{n}")
    first_name = "Иван"
    birth_date = datetime.date(1985, 1, 1)
    kind = "teacher"

    @factory.post_generation
    def schools(self, create, extracted, **kwargs):
        if create:
            self.schools.add(
                *(
                    extracted
                    if extracted is not None
                    else [SchoolFactory(municipality=self.municipality)]
                )
            )


class MenteeFactory(factory.django.DjangoModelFactory):
    """A pupil of 7А born in 2012 (a minor); ``teacher=True`` makes a young teacher instead."""

    class Meta:
        model = Mentee

    class Params:
        teacher = factory.Trait(
            kind="teacher",
            birth_date=datetime.date(1998, 2, 2),
            class_name="",
            position="учитель",
            experience_years=1,
        )

    school = factory.SubFactory(SchoolFactory)
    municipality = factory.SelfAttribute("school.municipality")
    last_name = factory.Sequence(lambda n: f"Учеников-{n}")
    first_name = "Али"
    birth_date = datetime.date(2012, 5, 5)
    kind = "pupil"
    class_name = "7А"


class ConsentFactory(factory.django.DjangoModelFactory):
    """A mother's consent, given on 01.09.2020; recorded by a new staff member unless
    ``recorded_by`` is given."""

    class Meta:
        model = Consent

    mentee = factory.SubFactory(MenteeFactory)
    representative_name = "Родитель Р. Р."
    relation = Consent.Relation.MOTHER
    document = "паспорт 96 00 000000"
    given_on = datetime.date(2020, 9, 1)
    recorded_by = factory.LazyAttribute(
        lambda o: make_user(f"recorder-{o.number}", roles.STAFF, municipality=o.mentee.municipality)
    )

    class Params:
        number = factory.Sequence(int)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    school = factory.SubFactory(SchoolFactory)
    form = factory.LazyFunction(mentoring_form)
    title = factory.Sequence(lambda n: f"Программа {n + 1}")
    starts_on = datetime.date(2020, 11, 1)
    ends_on = datetime.date(2021, 5, 31)


class PairFactory(factory.django.DjangoModelFactory):
    """An active pair of the programme's school; ``mentees`` (a list) join it in its form."""

    class Meta:
        model = Pair
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    mentor = factory.LazyAttribute(
        lambda o: MentorFactory(
            municipality=o.programme.school.municipality, schools=[o.programme.school]
        )
    )
    starts_on = datetime.date(2020, 11, 1)
    status = "active"
    termination_reason = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status == "terminated"), "причина", ""
    )

    @factory.post_generation
    def mentees(self, create, extracted, **kwargs):
        if not create:
            return
        for mentee in (
            extracted if extracted is not None else [MenteeFactory(school=self.programme.school)]
        ):
            PairMentee.objects.create(
                pair=self,
                mentee=mentee,
                form=self.programme.form,
                is_active=self.status == "active",
            )


# --- reports: a school's execution report (roadmap) and its monitoring report -----------------


class ExecutionFactory(factory.django.DjangoModelFactory):
    """A school's execution of a measure (of a small roadmap made by MeasureFactory)."""

    class Meta:
        model = Execution

    measure = factory.SubFactory(MeasureFactory)
    school = factory.SubFactory(
        SchoolFactory, municipality=factory.SelfAttribute("..measure.section.roadmap.municipality")
    )


class ReportFactory(factory.django.DjangoModelFactory):
    """A report on an execution, pending review, by a new curator of the school unless
    ``submitted_by`` is given; written as is (the service `submit_report` also moves the
    execution's status)."""

    class Meta:
        model = Report

    execution = factory.SubFactory(ExecutionFactory)
    municipality = factory.SelfAttribute("execution.measure.section.roadmap.municipality")
    text = "Проведено совещание, протокол приложен."
    completed_on = datetime.date(2020, 10, 20)
    submitted_by = factory.LazyAttribute(
        lambda o: make_user(f"reporter-{o.number}", roles.CURATOR, school=o.execution.school)
    )

    class Params:
        number = factory.Sequence(int)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Период {n + 1}")
    starts_on = datetime.date(2020, 9, 1)
    ends_on = datetime.date(2021, 1, 31)
    report_due_on = datetime.date(2021, 2, 10)


class SchoolReportFactory(factory.django.DjangoModelFactory):
    """A school's monitoring report for a period, a draft (figures are computed, not stored)."""

    class Meta:
        model = SchoolReport

    period = factory.SubFactory(PeriodFactory)
    school = factory.SubFactory(
        SchoolFactory, municipality=factory.SelfAttribute("..period.municipality")
    )
