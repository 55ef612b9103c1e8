"""`manage.py generate_region` on one generated region (made once for the module): sizes,
every rule of the models and services, the application's pages on the generated data, and what
a second run does (refuses). Determinism and runs on other data: test_generate_region_runs.py.
"""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from core.models import Department, Municipality, Profile, School
from devdata.region import (
    REGION_GROUP,
    RegionOptions,
    RegionRefused,
    generate_region,
    generated_municipalities,
)
from monitoring.indicators import school_year_of
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
from monitoring.services import freeze_figures
from registry.models import (
    Consent,
    Mentee,
    Mentor,
    Pair,
    PairMentee,
    Programme,
    SchoolYearStats,
    search_key,
)
from roadmap.models import Execution, Order, Report, Roadmap, Section
from roadmap.services import sync_executions

PASSWORD = "Синтетический-регион-2020"
SMALL = RegionOptions(municipalities=2, schools=3, mentees=300, users=True, password=PASSWORD)


@pytest.fixture(scope="module")
def made_region(django_db_setup, django_db_blocker):
    """The region, generated once for the module in a transaction rolled back after its last
    test; each test runs in a savepoint inside it (its changes are undone after it)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            made = generate_region(SMALL)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield made
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def region(made_region, db):
    return made_region


def _scalar(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


# --- sizes ---------------------------------------------------------------------------------


def test_counts_match_the_options(region):
    municipalities = generated_municipalities()
    assert [m.short_name for m in municipalities] == ["МО-01", "МО-02"]
    assert Department.objects.count() == 2
    assert School.objects.count() == 6
    assert set(School.objects.values_list("municipality_id", flat=True)) == {
        m.pk for m in municipalities
    }
    assert Mentee.objects.count() == 300
    assert all(count > 0 for count in _per_school(Mentee))
    years = {2020, school_year_of(timezone.localdate())}
    assert SchoolYearStats.objects.count() == 6 * len(years)
    assert set(SchoolYearStats.objects.values_list("school_year_start", flat=True)) == years
    assert Roadmap.objects.count() == 2
    assert Period.objects.count() == 4
    assert Questionnaire.objects.count() == 8
    assert Target.objects.count() > 0
    assert dict(region.counts)["Наставляемые"] == 300
    # Staff and head per municipality, a curator per school, and the regional user.
    User = get_user_model()
    assert User.objects.count() == 2 * (2 + 3) + 1
    assert Profile.objects.filter(school__isnull=False).count() == 6
    region_user = User.objects.get(username="region")
    assert list(region_user.groups.values_list("name", flat=True)) == [REGION_GROUP]
    assert region_user.profile.municipality is None and region_user.profile.school is None
    assert User.objects.get(username="mo02-s003").profile.school.short_name.startswith("МБОУ «")
    # A pupil mentee is about 93 % and about 80 % of the mentees are in a pair.
    pupils = Mentee.objects.filter(kind="pupil").count()
    assert 0.88 < pupils / 300 < 0.97
    paired = PairMentee.objects.values("mentee").distinct().count()
    assert 0.65 < paired / 300 < 0.9
    assert Mentor.objects.count() > 0 and Consent.objects.count() > 0
    assert min(_per_school(Programme)) >= 1
    assert max(_per_school(Programme)) <= 3


def _per_school(model) -> list[int]:
    return [model.objects.filter(school_id=pk).count() for pk in School.objects.values_list("pk")]


def test_executions_are_exactly_those_the_roadmap_owes(region):
    for roadmap in Roadmap.objects.all():
        before = Execution.objects.filter(measure__section__roadmap=roadmap).count()
        assert roadmap.participations.count() == 3
        assert sync_executions(roadmap) == 0
        assert Execution.objects.filter(measure__section__roadmap=roadmap).count() == before
        assert Section.objects.filter(roadmap=roadmap).count() == 4
        measures = roadmap.sections.values_list("measures", flat=True)
        assert len(measures) == 34
        assert "Аргун" not in roadmap.title
        order = Order.objects.get(roadmap=roadmap)
        assert "Аргун" not in order.title + order.appendix_mark
        assert order.signatory_name == roadmap.municipality.department.head_name
        assert roadmap.approved_by.username.endswith("-head")


# --- the rules -----------------------------------------------------------------------------


SAMPLED = (
    Municipality,
    Department,
    School,
    SchoolYearStats,
    Profile,
    Mentee,
    Mentor,
    Consent,
    Programme,
    Pair,
    PairMentee,
    Roadmap,
    Section,
    Execution,
    Report,
    Period,
    Target,
    SchoolReport,
    ReportEvent,
    Questionnaire,
    AnswerSet,
    Answer,
    Swot,
)


def test_a_sample_of_every_model_passes_full_clean(region):
    for model in SAMPLED:
        sample = list(model.objects.order_by("pk")[:15]) + list(model.objects.order_by("-pk")[:15])
        assert sample, model
        for instance in sample:
            instance.full_clean()
    for user in get_user_model().objects.order_by("pk")[:5]:
        user.full_clean()


RULES = {
    "one active pair per mentee and form": """
        SELECT count(*) FROM (SELECT mentee_id, form_id FROM registry_pairmentee
        WHERE is_active GROUP BY 1, 2 HAVING count(*) > 1) x""",
    "the membership's form and flag are the pair's": """
        SELECT count(*) FROM registry_pairmentee pm JOIN registry_pair p ON p.id = pm.pair_id
        JOIN registry_programme g ON g.id = p.programme_id
        WHERE pm.form_id <> g.form_id OR pm.is_active <> (p.status = 'active')""",
    "mentees of the programme's school": """
        SELECT count(*) FROM registry_pairmentee pm JOIN registry_pair p ON p.id = pm.pair_id
        JOIN registry_programme g ON g.id = p.programme_id
        JOIN registry_mentee me ON me.id = pm.mentee_id WHERE me.school_id <> g.school_id""",
    "mentee kinds fit the form": """
        SELECT count(*) FROM registry_pairmentee pm
        JOIN registry_mentoringform f ON f.id = pm.form_id
        JOIN registry_mentee me ON me.id = pm.mentee_id
        WHERE NOT (me.kind = ANY(f.mentee_kinds))""",
    "mentor kinds fit the form": """
        SELECT count(*) FROM registry_pair p JOIN registry_programme g ON g.id = p.programme_id
        JOIN registry_mentoringform f ON f.id = g.form_id
        JOIN registry_mentor m ON m.id = p.mentor_id
        WHERE NOT (m.kind = ANY(f.mentor_kinds))""",
    "the mentor works at the programme's school": """
        SELECT count(*) FROM registry_pair p JOIN registry_programme g ON g.id = p.programme_id
        WHERE NOT EXISTS (SELECT 1 FROM registry_mentor_schools ms
                          WHERE ms.mentor_id = p.mentor_id AND ms.school_id = g.school_id)""",
    "pairs start within their programme": """
        SELECT count(*) FROM registry_pair p JOIN registry_programme g ON g.id = p.programme_id
        WHERE p.starts_on < g.starts_on OR p.starts_on > g.ends_on""",
    "people of the municipality of their school": """
        SELECT count(*) FROM registry_mentee me JOIN registry_school s ON s.id = me.school_id
        WHERE s.municipality_id <> me.municipality_id""",
    "minors in pairs that began have a consent from before": """
        SELECT count(*) FROM registry_pairmentee pm JOIN registry_pair p ON p.id = pm.pair_id
        JOIN registry_mentee me ON me.id = pm.mentee_id
        WHERE p.status <> 'planned' AND me.kind = 'pupil'
          AND me.birth_date > p.starts_on - interval '18 years'
          AND NOT EXISTS (SELECT 1 FROM registry_consent c
                          WHERE c.mentee_id = me.id AND c.given_on <= p.starts_on)""",
    "a withdrawn consent ended the minor's pair": """
        SELECT count(*) FROM registry_consent c WHERE c.withdrawn_on IS NOT NULL
          AND EXISTS (SELECT 1 FROM registry_pairmentee pm WHERE pm.mentee_id = c.mentee_id
                      AND pm.is_active)""",
    "accepted executions: dated, last report accepted": """
        SELECT count(*) FROM roadmap_execution e WHERE e.status = 'accepted' AND (
            e.completed_on IS NULL OR (SELECT decision FROM roadmap_report r
             WHERE r.execution_id = e.id ORDER BY submitted_at DESC, id DESC LIMIT 1)
             <> 'accepted')""",
    "a pending report exactly for executions on review": """
        SELECT count(*) FROM roadmap_execution e WHERE (e.status = 'submitted') <>
            EXISTS (SELECT 1 FROM roadmap_report r WHERE r.execution_id = e.id
                    AND r.decision = 'pending')""",
    "returned executions: last report returned, no date": """
        SELECT count(*) FROM roadmap_execution e WHERE e.status = 'returned' AND (
            e.completed_on IS NOT NULL OR (SELECT decision FROM roadmap_report r
             WHERE r.execution_id = e.id ORDER BY submitted_at DESC, id DESC LIMIT 1)
             <> 'returned')""",
    "untouched executions have no report": """
        SELECT count(*) FROM roadmap_execution e WHERE e.status IN ('not_started', 'in_progress')
          AND EXISTS (SELECT 1 FROM roadmap_report r WHERE r.execution_id = e.id)""",
    "reviewed reports: reviewer and order of dates": """
        SELECT count(*) FROM roadmap_report WHERE decision <> 'pending' AND (
            reviewed_by_id IS NULL OR reviewed_at < submitted_at)
            OR completed_on > (submitted_at AT TIME ZONE 'Europe/Moscow')::date""",
    "the execution's last history row is its state": """
        SELECT count(*) FROM roadmap_execution e JOIN LATERAL (
            SELECT * FROM roadmap_historicalexecution h WHERE h.id = e.id
            ORDER BY history_date DESC, history_id DESC LIMIT 1) h ON true
        WHERE h.status <> e.status OR h.version <> e.version
           OR h.completed_on IS DISTINCT FROM e.completed_on""",
    "submitted monitoring reports are frozen, drafts are not": """
        SELECT count(*) FROM monitoring_schoolreport
        WHERE (status = 'draft') = (figures IS NOT NULL)""",
    "counts cover the pupils and young teachers in pairs": """
        SELECT count(*) FROM registry_schoolyearstats st WHERE st.young_teachers < (
            SELECT count(*) FROM registry_mentee me WHERE me.school_id = st.school_id
            AND me.kind = 'teacher' AND me.experience_years <= 3)""",
}


def test_the_rules_of_the_models_and_services_hold(region):
    broken = {name: _scalar(sql) for name, sql in RULES.items()}
    assert broken == dict.fromkeys(RULES, 0)
    limit = settings.MENTOR_MAX_MENTEES
    load = _scalar(
        """SELECT coalesce(max(c), 0) FROM (SELECT p.mentor_id, count(*) AS c
        FROM registry_pairmentee pm JOIN registry_pair p ON p.id = pm.pair_id
        WHERE pm.is_active GROUP BY 1) x"""
    )
    assert 0 < load <= limit
    assert Pair.objects.filter(status="terminated").exclude(termination_reason="").count() == (
        Pair.objects.filter(status="terminated").count()
    )


def test_names_are_searchable_as_the_application_writes_them(region):
    for model in (Mentee, Mentor):
        for person in model.objects.all():
            assert person.search_name == search_key(person.full_name)
    assert not Mentee.objects.filter(kind="pupil", class_name="").exists()
    assert not Mentee.objects.filter(kind="teacher", experience_years__isnull=True).exists()
    born = Mentee.objects.filter(kind="pupil").values_list("birth_date", flat=True)
    assert dt.date(2002, 9, 1) <= min(born) and max(born) <= dt.date(2013, 8, 31)


def test_frozen_figures_are_those_the_service_freezes(region):
    reports = SchoolReport.objects.exclude(status="draft").select_related("school", "period")
    assert reports.exists()
    for report in reports:
        stored = dict(report.figures)
        computed = freeze_figures(report.school, report.period.ends_on)
        computed = {**computed, "values": {str(k): v for k, v in computed["values"].items()}}
        stored.pop("computed_at")
        computed.pop("computed_at")
        assert stored == computed
        steps = list(report.events.values_list("action", flat=True))
        assert steps[-1] == {"accepted": "accepted", "returned": "returned"}.get(
            report.status, "submitted"
        )
        assert report.version == 1 + len(steps)


def test_the_sums_kept_for_the_region_equal_the_live_count(region):
    """The sums of accepted reports kept by period and the measures' tallies, recounted by
    their triggers while the region is written, equal what the pages would count."""
    from monitoring import municipal, summary
    from roadmap import figures as roadmap_figures

    periods = Period.objects.all()
    accepted = SchoolReport.objects.filter(status="accepted")
    assert accepted.exists()
    for by in ("title", "municipality", "period"):
        assert summary.kept_totals(periods, by) == summary.summed_totals(accepted, by)
    ids = [m.pk for m in generated_municipalities()]
    day = dt.date(2021, 1, 31)
    on_time = municipal.on_time_by_municipality(ids, day)
    assert on_time
    for pk in ids:
        schools = School.objects.filter(municipality_id=pk, is_active=True)
        live = roadmap_figures.on_time_total(roadmap_figures.on_time_by_school(schools, day))
        assert on_time.get(pk, (0, 0)) == (live.on_time, live.due)


# --- the application on generated data -----------------------------------------------------


def test_the_pages_work_on_the_generated_region(region, client):
    User = get_user_model()
    client.force_login(User.objects.get(username="mo01-head"))
    response = client.get("/roadmaps/dashboard/", follow=True)
    assert response.status_code == 200
    roadmap = response.context["roadmap"]
    assert roadmap.municipality.short_name == "МО-01"
    assert client.get(f"/roadmaps/{roadmap.pk}/dashboard/?as_of=01.03.2021").status_code == 200
    assert client.get("/registry/mentees/").status_code == 200
    assert client.get("/monitoring/").status_code == 200
    client.force_login(User.objects.get(username="mo01-s001"))
    assert client.get("/registry/mentees/").status_code == 200
    client.force_login(User.objects.get(username="mo01-staff"))
    period = Period.objects.filter(municipality__short_name="МО-01").first()
    assert client.get(f"/monitoring/periods/{period.pk}/summary/").status_code == 200


def test_the_printed_password_logs_in(region, client):
    assert region.password == PASSWORD
    assert client.login(username="mo02-s002", password=PASSWORD)


# --- running twice, and on other data ------------------------------------------------------


def test_a_second_run_refuses_and_changes_nothing(region):
    counts = region.counts
    with pytest.raises(RegionRefused, match="Регион уже сгенерирован"):
        generate_region(SMALL)
    with pytest.raises(RegionRefused, match="Регион уже сгенерирован"):
        generate_region(RegionOptions(municipalities=5, schools=2, mentees=10, seed=1, force=True))
    with pytest.raises(CommandError, match="новую пустую базу"):
        call_command("generate_region", "--municipalities", "2", stdout=io.StringIO())
    from devdata.region import table_counts

    assert table_counts() == counts
