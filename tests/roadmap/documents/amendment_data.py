"""Amended roadmaps made by hand, for the tests of the wordings and the amending orders.

`make_plan`: a small roadmap of the seed's municipality (two sections, four measures), with its
order № 200/3 of 05.11.2020, approved by the head; `amend_plan` then records two amendments:

- № 1, by the order of 12.03.2021 № 45: measure 1.2 reworded (title and deadline), 2.3 added,
  2.1 deleted;
- № 2, by the order of 01.04.2021 № 60: the result of 1.1 changed.

So the original wording has 1.1, 1.2, 2.1, 2.2; the wording of amendment 1 has 1.1, 1.2 (new),
2.2, 2.3; the current one the same with 1.1's new result.

`amend_seed`: the seed's order 172/1 amended as the issue tells it — 2.3 reworded, 2.11 added,
3.4 deleted — by the order of 12.03.2021 № 45.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core import roles
from roadmap import services
from roadmap.models import Amendment, Measure, Order, OrderPoint, ResponsibleParty, Roadmap
from tests.factories import make_user

PLAN_TITLE = (
    "План мероприятий (дорожная карта) внедрения целевой модели наставничества в школах "
    "г. Аргун на 2020–2021 учебный год"
)
ORIGINAL = {
    "1.1": ("Утверждение положения о наставничестве", "октябрь 2020 года", "Положение"),
    "1.2": ("Назначение кураторов в школах", "ноябрь 2020 года", "Приказы ОО"),
    "2.1": ("Анкетирование педагогов", "декабрь 2020 года", "Справка"),
    "2.2": ("Формирование базы наставников", "январь 2021 года", "База наставников"),
}
NEW_12_TITLE = "Назначение кураторов и их заместителей в школах"
NEW_12_DEADLINE = "декабрь 2020 года"
ADDED_23 = ("Обучение наставников в ЧИПКРО", "март 2021 года", "Удостоверения")
NEW_11_RESULT = "Положение о наставничестве, приказ"
REASON_1 = "В связи с уточнением сроков назначения кураторов и обучения наставников"
REASON_2 = "В связи с изменением формы положения о наставничестве"


@dataclass
class Plan:
    roadmap: Roadmap
    staff: object
    head: object
    department: ResponsibleParty
    schools: ResponsibleParty
    chipkro: ResponsibleParty
    first: Amendment | None = None
    second: Amendment | None = None


def measure(roadmap: Roadmap, number: str) -> Measure:
    return Measure.objects.get(section__roadmap=roadmap, number=number)


def make_plan(municipality, *, suffix: str = "") -> Plan:
    staff = make_user(f"plan_staff{suffix}", roles.STAFF, municipality=municipality)
    head = make_user(f"plan_head{suffix}", roles.HEAD, municipality=municipality)
    parties = {p.name: p for p in ResponsibleParty.objects.all()}
    plan = Plan(
        roadmap=None,
        staff=staff,
        head=head,
        department=parties["Департамент образования"],
        schools=parties["Образовательные организации"],
        chipkro=parties["ЧИПКРО"],
    )
    roadmap = services.create_roadmap(
        user=staff,
        municipality=municipality,
        title=PLAN_TITLE,
        school_year_start=2020,
        period_start=dt.date(2020, 10, 1),
        period_end=dt.date(2021, 5, 31),
    )
    order = Order.objects.create(
        roadmap=roadmap,
        number="200/3",
        date=dt.date(2020, 11, 5),
        title="Об утверждении плана мероприятий (дорожной карты) внедрения целевой модели",
        preamble="Во исполнение приказа от 15.10.2020 № 160/1",
        signatory_position="Начальник",
        signatory_name="Л.В. Кагирова",
        appendix_mark="Приложение к приказу Департамента образования г. Аргун от 05.11.2020 г. "
        "№200/3",
    )
    OrderPoint.objects.create(order=order, number=1, text="Утвердить план мероприятий.")
    first = services.create_section(
        user=staff, roadmap=roadmap, number="1", title="Нормативное обеспечение"
    )
    second = services.create_section(
        user=staff, roadmap=roadmap, number="2", title="Работа с наставниками"
    )
    who = {
        "1.1": [plan.department],
        "1.2": [plan.schools],
        "2.1": [plan.department, plan.schools],
        "2.2": [plan.department],
    }
    for number, (title, deadline, result) in ORIGINAL.items():
        services.create_measure(
            user=staff,
            section=first if number.startswith("1.") else second,
            number=number,
            title=title,
            deadline_text=deadline,
            result=result,
            parties=who[number],
        )
    services.approve_roadmap(user=head, roadmap=roadmap)
    roadmap.refresh_from_db()
    plan.roadmap = roadmap
    return plan


def _update(staff, m: Measure, **changes) -> Measure:
    values = {
        "number": m.number,
        "title": m.title,
        "deadline_text": m.deadline_text,
        "result": m.result,
        "parties": [r.party for r in m.responsibilities.order_by("position")],
    }
    values.update(changes)
    return services.update_measure(user=staff, measure_id=m.pk, version=m.version, **values)


def amend_plan(plan: Plan) -> Plan:
    roadmap, staff = plan.roadmap, plan.staff
    plan.first = services.open_amendment(
        user=staff,
        roadmap=roadmap,
        date=dt.date(2021, 3, 10),
        reason=REASON_1,
        basis="письмо ЧИПКРО от 01.03.2021",
        order_date=dt.date(2021, 3, 12),
        order_number="45",
    )
    _update(staff, measure(roadmap, "1.2"), title=NEW_12_TITLE, deadline_text=NEW_12_DEADLINE)
    title, deadline, result = ADDED_23
    services.create_measure(
        user=staff,
        section=measure(roadmap, "2.2").section,
        number="2.3",
        title=title,
        deadline_text=deadline,
        result=result,
        parties=[plan.department, plan.chipkro],
    )
    services.delete_measure(user=staff, measure=measure(roadmap, "2.1"))
    services.close_amendment(user=staff, amendment=plan.first)

    plan.second = services.open_amendment(
        user=staff,
        roadmap=roadmap,
        date=dt.date(2021, 3, 30),
        reason=REASON_2,
        order_date=dt.date(2021, 4, 1),
        order_number="60",
    )
    _update(staff, measure(roadmap, "1.1"), result=NEW_11_RESULT)
    services.close_amendment(user=staff, amendment=plan.second)
    plan.first.refresh_from_db()
    plan.second.refresh_from_db()
    return plan


SEED_23_TITLE_TAIL = " с учётом предложений образовательных организаций"
SEED_211 = (
    "Проведение муниципального конкурса «Лучший наставник»",
    "апрель 2021 года",
    "Приказ об итогах конкурса",
)
SEED_REASON = (
    "В связи с уточнением сроков формирования баз наставников и порядка обучения наставников"
)


def amend_seed(roadmap: Roadmap, staff) -> Amendment:
    """The seed's order amended: 2.3 reworded (title and deadline), 2.11 added, 3.4 deleted."""
    amendment = services.open_amendment(
        user=staff,
        roadmap=roadmap,
        date=dt.date(2021, 3, 10),
        reason=SEED_REASON,
        order_date=dt.date(2021, 3, 12),
        order_number="45",
    )
    m23 = measure(roadmap, "2.3")
    _update(
        staff,
        m23,
        title=m23.title + SEED_23_TITLE_TAIL,
        deadline_text="ноябрь, декабрь 2020 года",
    )
    parties = {p.name: p for p in ResponsibleParty.objects.all()}
    title, deadline, result = SEED_211
    services.create_measure(
        user=staff,
        section=m23.section,
        number="2.11",
        title=title,
        deadline_text=deadline,
        result=result,
        parties=[parties["Департамент образования"], parties["Образовательные организации"]],
    )
    services.delete_measure(user=staff, measure=measure(roadmap, "3.4"))
    services.close_amendment(user=staff, amendment=amendment)
    amendment.refresh_from_db()
    return amendment
