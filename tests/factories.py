import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core import roles
from core.models import Municipality, Profile, School
from roadmap.models import Measure, ResponsibleParty, Roadmap, Section


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"городской округ Тестовый-{n}")


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
