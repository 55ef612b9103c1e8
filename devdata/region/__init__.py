"""A synthetic region for load tests and demonstrations: ``manage.py generate_region``.

Fills a database with municipalities, their departments, schools, users, the seed roadmap
with executions and reports, the registry (mentees, mentors, consents, programmes, pairs) and
the monitoring (questionnaires, periods, targets, schools' reports with frozen figures).

One script per app writes its part, in this order: ``tenant`` (municipalities, departments,
schools, users), ``roadmap`` (roadmaps, executions, reports), ``registry`` (counts, people,
consents, programmes, pairs), ``monitoring`` (periods, school reports). They share the plan in
``context``, draw names from ``names`` and write many rows through ``bulk``.

Everything is deterministic from the seed: each part draws from its own random stream
(``Random("<seed>:<part>:<municipality>")``), so the same options give the same names, dates
and statuses. Only row ids (taken from the sequences) and the printed password differ.

The story is the school year of the seed roadmap (2020/21): pupils are in grades 1–11 that
year, programmes and pairs start in autumn 2020, the roadmap's reports are dated 2020/21 and
the two monitoring periods are its half-years. Counts of pupils and teachers are given for 2020
and for the current school year.

The generator refuses a database that already holds a generated region (to generate again, use
a fresh database) and, unless ``force``, a database with any other municipality.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from core.models import Department, Municipality, School
from devdata.region import bulk
from devdata.region.context import Region, RegionOptions, RegionRefused, RegionResult
from devdata.region.monitoring import Monitoring
from devdata.region.registry import Registry
from devdata.region.roadmap import Roadmaps
from devdata.region.tenant import (
    REGION_GROUP,
    Tenant,
    check_database,
    generated_municipalities,
    municipality_identity,
)
from monitoring.models import (
    Answer,
    AnswerSet,
    Period,
    Questionnaire,
    ReportEvent,
    SchoolReport,
    Swot,
    Target,
)
from registry.models import (
    Consent,
    Mentee,
    Mentor,
    Pair,
    PairMentee,
    Programme,
    SchoolYearStats,
)
from roadmap.models import Execution, Report, Roadmap

__all__ = [
    "REGION_GROUP",
    "RegionOptions",
    "RegionRefused",
    "RegionResult",
    "generate_region",
    "generated_municipalities",
    "municipality_identity",
    "table_counts",
]

COUNTED = (  # a label and a model, or a function giving the model
    ("Муниципалитеты", Municipality),
    ("Департаменты", Department),
    ("Школы", School),
    ("Численность на учебный год", SchoolYearStats),
    ("Пользователи", get_user_model),
    ("Дорожные карты", Roadmap),
    ("Исполнения мероприятий", Execution),
    ("История исполнений", lambda: Execution.history.model),
    ("Отчёты об исполнении", Report),
    ("Наставляемые", Mentee),
    ("Наставники", Mentor),
    ("Наставники в ОО (связи)", lambda: Mentor.schools.through),
    ("Согласия законных представителей", Consent),
    ("Программы наставничества", Programme),
    ("Пары и группы", Pair),
    ("Участники пар", PairMentee),
    ("Анкеты", Questionnaire),
    ("Периоды мониторинга", Period),
    ("Целевые значения", Target),
    ("Отчёты ОО о мониторинге", SchoolReport),
    ("Шаги отчётов ОО", ReportEvent),
    ("Результаты анкетирования", AnswerSet),
    ("Средние баллы", Answer),
    ("SWOT-анализы", Swot),
)


def table_counts() -> list[tuple[str, int]]:
    counts = []
    for label, model in COUNTED:
        if not hasattr(model, "_meta"):
            model = model()
        counts.append((label, model.objects.count()))
    return counts


ANALYZED = (
    Mentee,
    Mentor,
    Mentor.schools.through,
    Consent,
    Programme,
    Pair,
    PairMentee,
    Execution,
    Execution.history.model,
    Report,
    SchoolReport,
    ReportEvent,
    AnswerSet,
    Answer,
    School,
    SchoolYearStats,
)


# The tables filled with many rows: their foreign keys are checked once, at the end.
FILLED = (
    SchoolYearStats,
    Mentee,
    Mentor,
    Mentor.schools.through,
    Consent,
    Programme,
    Pair,
    PairMentee,
    Execution,
    Execution.history.model,
    Report,
    SchoolReport,
    ReportEvent,
    AnswerSet,
    Answer,
    Swot,
)


def generate_region(
    options: RegionOptions, progress: Callable[[str, float], None] | None = None
) -> RegionResult:
    """Fill the database with a synthetic region (see the module's docstring)."""
    started = time.perf_counter()
    region = Region(options, progress)
    tenant, roadmaps = Tenant(region), Roadmaps(region)
    registry, monitoring = Registry(region), Monitoring(region)

    def reference() -> None:
        registry.reference()
        tenant.groups()

    def people() -> None:
        registry.counts()
        registry.people()
        # The monitoring's step counts each municipality's pairs: without statistics on the
        # tables just filled the planner reads them whole for each municipality.
        bulk.analyze(ANALYZED)

    foreign_keys = bulk.ForeignKeysAfter(FILLED)
    triggers = bulk.TriggersOff([model._meta.db_table for model in (School, *FILLED)])
    with transaction.atomic():
        with connection.cursor() as cursor:  # one generator at a time
            cursor.execute(f"LOCK TABLE {Municipality._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        check_database(options)
        triggers.disable()
        foreign_keys.drop()
        region.step("Справочники и группы", reference)
        region.step("Муниципалитеты, департаменты, школы", tenant.municipalities)
        region.step("Пользователи", tenant.users)
        region.step("Дорожные карты, исполнения, отчёты", roadmaps.roadmaps)
        region.step("Реестр: наставляемые, наставники, пары", people)
        region.step("Мониторинг: периоды, отчёты ОО", monitoring.periods_and_reports)
        region.step("Проверка внешних ключей", foreign_keys.restore)
        triggers.enable()
    region.step("ANALYZE", lambda: bulk.analyze(ANALYZED))
    return RegionResult(
        steps=region.steps,
        counts=table_counts(),
        elapsed=time.perf_counter() - started,
        password=region.password,
        municipalities=[m.name for m in region.munis],
    )
