"""Measures bound to a figure of the system: every kind on hand-counted data (per school, met
and not met, date cut-offs), the seed's bindings and their copy, the frozen figure of a
report, acceptance with and without a reason, the pages and their queries."""

import datetime as dt
import importlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from core import evidence as kinds
from core import roles
from registry.models import (
    Agreement,
    Mentee,
    Mentor,
    Pair,
    PairMentee,
    PartnerOrganization,
    Programme,
)
from roadmap import evidence, services
from roadmap.models import Execution, MeasureBinding, Report
from tests.factories import SchoolFactory, make_user

pytestmark = pytest.mark.django_db
D = dt.date
APPROVED, REVIEW = Programme.Review.APPROVED, Programme.Review.UNDER_REVIEW


def aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def person(model, school, name, created, **extra):
    obj = model.objects.create(
        municipality=school.municipality,
        last_name=name,
        first_name="Тест",
        birth_date=D(2000, 1, 1) if model is Mentor else D(2010, 1, 1),
        kind="teacher" if model is Mentor else "pupil",
        **({"school": school} if model is Mentee else {}),
        **extra,
    )
    model.objects.filter(pk=obj.pk).update(created_at=aware(created), updated_at=aware(created))
    return obj


@pytest.fixture
def world(roadmap, school_a, school_b, forms):
    """Hand-counted registry of the two schools taking part in the seed roadmap."""
    form = next(iter(forms.values()))

    def programme(school, title, status, reviewed_on):
        return Programme.objects.create(
            school=school,
            form=form,
            title=title,
            starts_on=D(2020, 9, 1),
            ends_on=D(2021, 5, 31),
            review_status=status,
            reviewed_on=reviewed_on,
        )

    # Programmes: A — two approved (10.11.2020, 15.12.2020) and one under review; B — one
    # approved on 20.01.2021.
    prog_a = programme(school_a, "А-1", APPROVED, D(2020, 11, 10))
    programme(school_a, "А-2", APPROVED, D(2020, 12, 15))
    programme(school_a, "А-3", REVIEW, None)
    prog_b = programme(school_b, "Б-1", APPROVED, D(2021, 1, 20))

    # Mentors: m1 in A (01.10.2020), m2 in A and B (05.11.2020), m3 in B (01.03.2021).
    m1 = person(Mentor, school_a, "Первый", D(2020, 10, 1))
    m1.schools.add(school_a)
    m2 = person(Mentor, school_a, "Второй", D(2020, 11, 5))
    m2.schools.add(school_a, school_b)
    m3 = person(Mentor, school_b, "Третий", D(2021, 3, 1))
    m3.schools.add(school_b)

    # Mentees: three in A (01.11.2020), one in B (01.02.2021) and one in B whose data were
    # destroyed (not counted).
    a_mentees = [person(Mentee, school_a, f"Ученик{i}", D(2020, 11, 1)) for i in range(3)]
    b_mentee = person(Mentee, school_b, "УченикБ", D(2021, 2, 1))
    person(Mentee, school_b, "Уничтожен", D(2021, 2, 1), data_destroyed_at=timezone.now())

    def pair(programme, mentor, mentees, status, starts_on, ends_on=None, **extra):
        made = Pair.objects.create(
            programme=programme,
            mentor=mentor,
            status=status,
            starts_on=starts_on,
            ends_on=ends_on,
            **extra,
        )
        for mentee in mentees:
            PairMentee.objects.create(
                pair=made, mentee=mentee, form=form, is_active=status == Pair.Status.ACTIVE
            )
        return made

    # Pairs of A: active since 02.11.2020 (2 mentees), completed 02.11.2020–20.05.2021
    # (1 mentee), planned from 01.12.2020; of B: terminated 10.01.2021–01.02.2021 (1 mentee).
    pair(prog_a, m1, a_mentees[:2], Pair.Status.ACTIVE, D(2020, 11, 2))
    pair(prog_a, m2, a_mentees[2:], Pair.Status.COMPLETED, D(2020, 11, 2), D(2021, 5, 20))
    pair(prog_a, m2, [], Pair.Status.PLANNED, D(2020, 12, 1))
    pair(
        prog_b,
        m3,
        [b_mentee],
        Pair.Status.TERMINATED,
        D(2021, 1, 10),
        D(2021, 2, 1),
        termination_reason="переезд",
    )

    # Agreements: the department's from 01.11.2020; A's 01.12.2020–30.06.2021; B's from
    # 01.09.2021; all with one partner.
    partner = PartnerOrganization.objects.create(municipality=roadmap.municipality, name="ЧИПКРО")
    for school, start, end in (
        (None, D(2020, 11, 1), None),
        (school_a, D(2020, 12, 1), D(2021, 6, 30)),
        (school_b, D(2021, 9, 1), None),
    ):
        Agreement.objects.create(
            partner=partner, school=school, number="1", date=start, subject="ЦМН", valid_from=start
        ) if end is None else Agreement.objects.create(
            partner=partner,
            school=school,
            number="1",
            date=start,
            subject="ЦМН",
            valid_from=start,
            valid_to=end,
        )
    return {"a": school_a, "b": school_b}


def read(key, world, day):
    schools = [world["a"], world["b"]]
    by_school, total = kinds.kind_of(key).reading(schools, day)
    return by_school[world["a"].pk], by_school[world["b"].pk], total


def met(key, reading, day, threshold=1, fresh=False):
    return kinds.kind_of(key).met(reading, day, threshold, fresh)


# --- every kind on hand-counted data ----------------------------------------------------------


def test_approved_programmes_per_school_by_review_date(world):
    a, b, total = read("programmes_approved", world, D(2020, 12, 31))
    assert (a.value, b.value, total.value) == (2, 0, 2)
    assert a.text == "2 утверждённые программы"
    assert met("programmes_approved", a, D(2020, 12, 31)) and not met(
        "programmes_approved", b, D(2020, 12, 31)
    )
    a, b, _ = read("programmes_approved", world, D(2020, 11, 30))
    assert (a.value, b.value) == (1, 0)
    a, b, total = read("programmes_approved", world, D(2021, 2, 1))
    assert (a.value, b.value, total.value) == (2, 1, 3)
    assert not met("programmes_approved", b, D(2021, 2, 1), threshold=2)


def test_mentors_base_counts_a_mentor_of_two_schools_once_in_total(world):
    a, b, total = read("mentors_base", world, D(2020, 12, 1))
    assert (a.value, b.value, total.value) == (2, 1, 2)
    a, b, total = read("mentors_base", world, D(2021, 4, 1))
    assert (a.value, b.value, total.value) == (2, 2, 3)
    assert total.text == "3 наставника"
    assert read("mentors_base", world, D(2020, 9, 30))[2].value == 0


def test_base_updated_this_school_year(world):
    day = D(2021, 4, 1)
    total = read("mentors_base", world, day)[2]
    assert total.updated_on == D(2021, 3, 1)
    assert met("mentors_base", total, day, threshold=3, fresh=True)
    # A new school year: the same base, not updated since 1 September 2021.
    later = D(2021, 9, 15)
    total = read("mentors_base", world, later)[2]
    assert met("mentors_base", total, later, threshold=3)
    assert not met("mentors_base", total, later, threshold=3, fresh=True)
    Mentor.objects.filter(last_name="Первый").update(updated_at=aware(D(2021, 9, 10)))
    total = read("mentors_base", world, later)[2]
    assert met("mentors_base", total, later, threshold=3, fresh=True)
    # An edit after the day is not known on it.
    assert read("mentors_base", world, D(2021, 9, 5))[2].updated_on == D(2021, 3, 1)


def test_mentees_base_leaves_out_destroyed_data(world):
    a, b, total = read("mentees_base", world, D(2021, 1, 31))
    assert (a.value, b.value, total.value) == (3, 0, 3)
    a, b, total = read("mentees_base", world, D(2021, 2, 1))
    assert (a.value, b.value, total.value) == (3, 1, 4)
    assert total.text == "4 наставляемых" and a.updated_on == D(2020, 11, 1)
    assert not met("mentees_base", total, D(2021, 2, 1), threshold=5)


def test_pairs_formed_working_completed(world):
    day = D(2021, 3, 1)
    a, b, total = read("pairs_formed", world, day)
    assert (a.value, b.value, total.value) == (2, 1, 3)
    assert a.text == "2 пары, 3 наставляемых" and b.text == "1 пара, 1 наставляемый"
    assert read("pairs_formed", world, D(2020, 11, 1))[2].value == 0
    a, b, total = read("pairs_working", world, day)
    assert (a.value, b.value) == (1, 0)
    assert a.text == "1 пара, 2 наставляемых" and b.text == "нет"
    assert met("pairs_working", a, day) and not met("pairs_working", b, day)
    a, b, _ = read("pairs_completed", world, day)
    assert (a.value, b.value) == (0, 0)
    assert not met("pairs_completed", a, day)
    a, b, _ = read("pairs_completed", world, D(2021, 6, 1))
    assert (a.value, b.value) == (1, 0)
    assert met("pairs_completed", a, D(2021, 6, 1)) and not met("pairs_completed", b, D(2021, 6, 1))


def test_agreements_in_force(world):
    a, b, total = read("partner_agreements", world, D(2021, 1, 15))
    assert (a.value, b.value, total.value) == (1, 0, 2)
    assert total.text == "2 соглашения с 1 партнёром"
    assert met("partner_agreements", total, D(2021, 1, 15), threshold=2)
    assert not met("partner_agreements", total, D(2021, 1, 15), threshold=3)
    a, b, total = read("partner_agreements", world, D(2021, 7, 1))
    assert (a.value, b.value, total.value) == (0, 0, 1)
    assert not met("partner_agreements", total, D(2021, 7, 1), threshold=2)
    a, b, total = read("partner_agreements", world, D(2021, 9, 1))
    assert (a.value, b.value, total.value) == (0, 1, 2)


def test_curator_assigned_per_school(world, curator_a):
    today = timezone.localdate()
    a, b, total = read("curator_assigned", world, today)
    assert (a.value, b.value) == (1, 0)
    assert b.text == "куратор не назначен" and total.text == "назначен в 1 из 2 ОО"
    assert met("curator_assigned", a, today) and not met("curator_assigned", b, today)
    curator_a.is_active = False
    curator_a.save()
    assert read("curator_assigned", world, today)[0].value == 0
    # Before the account existed nobody was assigned.
    assert read("curator_assigned", world, D(2020, 1, 1))[0].value == 0


def test_participating_schools_joined_by_the_day(world, roadmap):
    schools = evidence.participating_schools(roadmap)
    kind = kinds.kind_of("participating_schools")
    _, total = kind.reading(schools, timezone.localdate())
    assert total.value == 2 and total.text == "2 участвующие ОО"
    assert kind.met(total, timezone.localdate(), 2) and not kind.met(total, timezone.localdate(), 3)
    assert kind.reading(schools, timezone.localdate() - dt.timedelta(days=1))[1].value == 0


# --- the seed, copies, the editor --------------------------------------------------------------


def test_seed_binds_the_plain_measures(seed_roadmap):
    bound = dict(
        MeasureBinding.objects.filter(measure__section__roadmap=seed_roadmap).values_list(
            "measure__number", "kind"
        )
    )
    assert bound == {number: kind for number, (kind, _, _) in evidence.DEFAULTS.items()}
    assert all(kinds.kind_of(kind) for kind in bound.values())
    fresh = MeasureBinding.objects.filter(
        measure__section__roadmap=seed_roadmap, require_update=True
    ).values_list("measure__number", flat=True)
    assert sorted(fresh) == ["2.6", "3.2", "3.3"]


def test_migration_binds_an_already_loaded_seed(seed_roadmap):
    from django.apps import apps

    migration = importlib.import_module("roadmap.migrations.0010_bind_seed_measures")
    assert migration.DEFAULTS == evidence.DEFAULTS
    MeasureBinding.objects.all().delete()
    migration.bind(apps, None)
    assert evidence.bindings_in(seed_roadmap).count() == len(evidence.DEFAULTS)
    MeasureBinding.objects.filter(measure__number="3.5").delete()
    migration.bind(apps, None)  # a roadmap with bindings is left as it is
    assert evidence.bindings_in(seed_roadmap).count() == len(evidence.DEFAULTS) - 1


def test_copy_to_next_year_copies_the_bindings(seed_roadmap, staff):
    services.set_binding(
        user=staff,
        measure=seed_roadmap.sections.get(number="3").measures.get(number="3.5"),
        kind="pairs_formed",
        threshold=4,
    )
    copy = services.copy_roadmap(user=staff, roadmap=seed_roadmap)
    copied = dict(
        MeasureBinding.objects.filter(measure__section__roadmap=copy).values_list(
            "measure__number", "threshold"
        )
    )
    assert set(copied) == set(evidence.DEFAULTS) and copied["3.5"] == 4


def test_set_binding_rules(roadmap, staff, curator_a):
    measure = roadmap.sections.get(number="1").measures.get(number="1.1")
    with pytest.raises(PermissionDenied):
        services.set_binding(user=curator_a, measure=measure, kind="pairs_formed")
    with pytest.raises(ValidationError) as refused:
        services.set_binding(user=staff, measure=measure, kind="nonsense")
    assert "kind" in refused.value.message_dict
    binding = services.set_binding(
        user=staff, measure=measure, kind="programmes_approved", threshold=2, require_update=True
    )
    assert binding.threshold == 2 and binding.require_update is False  # not a base
    assert services.set_binding(user=staff, measure=measure, kind="") is None
    assert not MeasureBinding.objects.filter(measure=measure).exists()


def test_binding_page(client, roadmap, staff, curator_a, other_roadmap):
    measure = roadmap.sections.get(number="1").measures.get(number="1.1")
    url = reverse("roadmap:measure_binding", args=[measure.pk])
    client.force_login(staff)
    assert "Показатель из системы" in client.get(url).content.decode()
    bad = client.post(url, {"kind": "pairs_formed", "threshold": "-1"})
    assert bad.status_code == 422 and "threshold" in bad.context["form"].errors
    response = client.post(url, {"kind": "pairs_working", "threshold": "3"})
    assert response.status_code == 302
    assert MeasureBinding.objects.get(measure=measure).threshold == 3
    editor = client.get(reverse("roadmap:editor", args=[roadmap.pk])).content.decode()
    assert "Из системы: Пары и группы работают: не менее 3 пар в каждой участвующей ОО" in editor, (
        editor[editor.find("measure-binding") - 200 : editor.find("measure-binding") + 300]
    )
    page = client.get(reverse("roadmap:measure", args=[measure.pk])).content.decode()
    assert "Пары и группы работают: не менее 3 пар в каждой участвующей ОО" in page
    client.force_login(curator_a)
    assert client.get(url).status_code == 403
    outsider = make_user("outsider", roles.STAFF, municipality=other_roadmap.municipality)
    client.force_login(outsider)
    assert client.get(url).status_code == 404


# --- reports: the frozen figure, acceptance --------------------------------------------------


def execution(roadmap, number, school=None) -> Execution:
    return Execution.objects.get(
        measure__section__roadmap=roadmap, measure__number=number, school=school
    )


def test_report_freezes_the_figure(world, roadmap, curator_a, forms):
    run = execution(roadmap, "3.5", world["a"])
    report = services.submit_report(
        user=curator_a, execution=run, text="Пары сформированы", completed_on=D(2020, 11, 30)
    )
    today = timezone.localdate()
    assert report.figure == {
        "kind": "pairs_formed",
        "title": "Пары и группы сформированы",
        "condition": "не менее 1 пары в каждой участвующей ОО",
        "day": today.isoformat(),
        "schools": [
            {
                "school": world["a"].short_name,
                "value": 2,
                "text": "2 пары, 3 наставляемых",
                "met": True,
            }
        ],
        "met": True,
    }
    # The registry changes afterwards: the live figure follows, the report does not.
    Pair.objects.filter(programme__school=world["a"]).delete()
    PairMentee.objects.all().delete()
    report.refresh_from_db()
    assert report.figure["schools"][0]["value"] == 2
    live = evidence.execution_figure(run, today)
    assert live.schools[0].reading.value == 0 and not evidence.condition_met(live, run)


def test_unmet_condition_is_accepted_only_with_a_reason(world, roadmap, curator_b, staff):
    run = execution(roadmap, "3.6", world["b"])  # B has no working pair
    report = services.submit_report(
        user=curator_b, execution=run, text="Пары работают", completed_on=D(2021, 1, 1)
    )
    assert report.figure["met"] is False
    with pytest.raises(ValidationError) as refused:
        services.review_report(user=staff, report=report, accept=True)
    assert "comment" in refused.value.message_dict
    assert "«Комментарий для куратора»" in refused.value.message_dict["comment"][0]
    assert Report.objects.get(pk=report.pk).decision == Report.Decision.PENDING
    services.review_report(
        user=staff, report=report, accept=True, comment="Пары прекращены по уважительной причине"
    )
    run.refresh_from_db()
    assert run.status == Execution.Status.ACCEPTED


def test_met_condition_is_accepted_without_a_reason(world, roadmap, curator_a, staff):
    run = execution(roadmap, "3.6", world["a"])
    report = services.submit_report(
        user=curator_a, execution=run, text="Пары работают", completed_on=D(2021, 1, 1)
    )
    services.review_report(user=staff, report=report, accept=True)
    assert Report.objects.get(pk=report.pk).decision == Report.Decision.ACCEPTED


def test_review_page_names_the_field(client, world, roadmap, curator_b, staff):
    run = execution(roadmap, "3.6", world["b"])
    report = services.submit_report(
        user=curator_b, execution=run, text="Пары работают", completed_on=D(2021, 1, 1)
    )
    client.force_login(staff)
    url = reverse("roadmap:report_review", args=[report.pk])
    response = client.post(url, {"decision": "accept", "comment": ""})
    assert response.status_code == 422
    assert "Условие подтверждения из системы не выполнено" in response.content.decode()
    assert 'id="unmet-note"' in response.content.decode()
    response = client.post(url, {"decision": "accept", "comment": "Принято: пары на каникулах"})
    assert response.status_code == 302


def test_department_marks_done_with_a_reason_when_unmet(client, world, roadmap, staff, curator_a):
    run = execution(roadmap, "1.6")  # curator of B not assigned: not in every school
    with pytest.raises(ValidationError) as refused:
        services.submit_report(
            user=staff, execution=run, text="Назначены", completed_on=D(2020, 11, 1)
        )
    assert "reason" in refused.value.message_dict
    assert not Report.objects.filter(execution=run).exists()
    client.force_login(staff)
    url = reverse("roadmap:execution_report", args=[run.pk])
    response = client.post(url, {"text": "Назначены", "completed_on": "01.11.2020"})
    assert response.status_code == 422 and "«Причина»" in response.content.decode()
    response = client.post(
        url, {"text": "Назначены", "completed_on": "01.11.2020", "reason": "В СОШ № 2 вакансия"}
    )
    assert response.status_code == 302
    report = Report.objects.get(execution=run)
    assert report.review_comment == "В СОШ № 2 вакансия"
    assert report.figure["total"]["text"] == "назначен в 1 из 2 ОО"
    assert [s["met"] for s in report.figure["schools"]] == [True, False]


# --- pages: who sees what, and how many queries -------------------------------------------------


def test_curator_sees_own_school_figure_only(client, world, roadmap, curator_a):
    client.force_login(curator_a)
    run = execution(roadmap, "3.5", world["a"])
    html = client.get(reverse("roadmap:execution", args=[run.pk])).content.decode()
    assert "в реестре: 2 пары, 3 наставляемых" in html
    assert world["b"].short_name not in html
    assert "изменить связь" not in html
    other = execution(roadmap, "3.5", world["b"])
    assert client.get(reverse("roadmap:execution", args=[other.pk])).status_code == 404


def test_staff_see_every_school_on_the_department_part(client, world, roadmap, staff):
    client.force_login(staff)
    run = execution(roadmap, "2.4")
    html = client.get(reverse("roadmap:execution", args=[run.pk])).content.decode()
    assert f"{world['a'].short_name} — в реестре: 2 утверждённые программы" in html
    assert f"{world['b'].short_name} — в реестре: 1 утверждённая программа" in html
    assert "выполнено" in html and "изменить связь" in html


def test_dashboard_block(client, world, roadmap, head):
    """The dashboard shows the block folded, with its number of rows; its figures are read
    when it is opened (htmx), or on a page of their own."""
    client.force_login(head)
    html = client.get(reverse("roadmap:dashboard", args=[roadmap.pk])).content.decode()
    assert "Подтверждение из системы" in html
    bound = MeasureBinding.objects.filter(measure__section__roadmap=roadmap).count()
    assert bound > 0 and f"({bound})</summary>" in html
    assert f"{world['a'].short_name}: 2 пары" not in html  # not read until opened
    url = reverse("roadmap:dashboard_evidence", args=[roadmap.pk])
    assert url in html
    rows = client.get(url, HTTP_HX_REQUEST="true")
    assert rows.status_code == 200 and "<html" not in rows.content.decode()
    assert f"{world['a'].short_name}: 2 пары, 3 наставляемых" in rows.content.decode()
    page = client.get(url).content.decode()
    assert "<html" in page and f"{world['a'].short_name}: 2 пары, 3 наставляемых" in page
    past = client.get(url, {"as_of": "01.11.2020"}, HTTP_HX_REQUEST="true")
    formed = next(row for row in past.context["evidence"] if row.measure.number == "3.5")
    assert [s.reading.value for s in formed.schools] == [0, 0]
    bad = client.get(url, {"as_of": "31.02.2021"})
    assert bad.status_code == 400 and "На дату" in bad.content.decode()


def test_dashboard_block_is_the_department_s(client, world, roadmap, curator_a, other_roadmap):
    url = reverse("roadmap:dashboard_evidence", args=[roadmap.pk])
    client.force_login(curator_a)
    assert client.get(url).status_code in (302, 403)
    other = make_user("other_staff", roles.STAFF, municipality=other_roadmap.municipality)
    client.force_login(other)
    assert client.get(url).status_code == 404


def more_schools(roadmap, forms, count):
    form = next(iter(forms.values()))
    for n in range(count):
        school = SchoolFactory(municipality=roadmap.municipality, short_name=f"СОШ № {10 + n}")
        services.add_school(roadmap=roadmap, school=school)
        programme = Programme.objects.create(
            school=school,
            form=form,
            title="П",
            starts_on=D(2020, 9, 1),
            ends_on=D(2021, 5, 31),
            review_status=APPROVED,
        )
        mentor = person(Mentor, school, f"Н{n}", D(2020, 10, 1))
        mentor.schools.add(school)
        mentee = person(Mentee, school, f"У{n}", D(2020, 10, 1))
        pair = Pair.objects.create(
            programme=programme, mentor=mentor, status="active", starts_on=D(2020, 11, 1)
        )
        PairMentee.objects.create(pair=pair, mentee=mentee, form=form, is_active=True)


def test_queries_do_not_grow_with_schools(
    client, world, roadmap, head, staff, forms, django_assert_max_num_queries
):
    """2 schools, then 8: the dashboard's block «Подтверждение из системы» and the
    department's execution page make no more queries than with 2."""
    dashboard = reverse("roadmap:dashboard_evidence", args=[roadmap.pk])
    department_part = reverse("roadmap:execution", args=[execution(roadmap, "2.4").pk])
    client.force_login(head)
    client.get(dashboard)  # warm the per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as small_board:
        response = client.get(dashboard)
    board_queries = len(small_board)  # read now: the next request clears the log
    assert response.status_code == 200 and board_queries > 0
    client.force_login(staff)
    client.get(department_part)
    with CaptureQueriesContext(connection) as small_page:
        response = client.get(department_part)
    page_queries = len(small_page)
    assert response.status_code == 200 and page_queries > 0
    more_schools(roadmap, forms, 6)
    client.force_login(head)
    client.get(dashboard)
    with django_assert_max_num_queries(board_queries):
        html = client.get(dashboard).content.decode()
    assert "СОШ № 15: 1 пара, 1 наставляемый" in html
    client.force_login(staff)
    client.get(department_part)
    with django_assert_max_num_queries(page_queries):
        html = client.get(department_part).content.decode()
    assert "СОШ № 15 — в реестре: 1 утверждённая программа" in html
    print(f"queries: dashboard {board_queries}, department execution {page_queries}")


@given(st.dates(min_value=D(1991, 1, 1), max_value=D(2100, 12, 31)))
def test_school_year_starts_on_the_last_first_of_september(day):
    start = kinds.school_year_start(day)
    assert (start.month, start.day) == (9, 1)
    assert start <= day < D(start.year + 1, 9, 1)


def test_the_block_reads_each_kind_once(world, roadmap, forms, django_assert_num_queries):
    """The seed's 12 bindings of 8 kinds over 8 schools: the bindings, the schools, and one or
    two queries per kind (none for the participating schools; one for the mentees, whose total
    is the sum of the schools')."""
    more_schools(roadmap, forms, 6)
    with django_assert_num_queries(11):
        rows = evidence.roadmap_figures(roadmap, D(2021, 3, 1))
    assert len(rows) == 12 and all(len(row.schools) == 8 for row in rows)
    run = execution(roadmap, "3.5", world["a"])
    with django_assert_num_queries(3):  # the binding with its measure, the school, the pairs
        found = evidence.execution_figure(run, D(2021, 3, 1))
    assert [s.reading.value for s in found.schools] == [2]
