"""The monitoring at region scale: 300 000 mentees in 50 schools, 15 000 mentors and pairs.

Prints median and 95th percentile times with query counts of the monitoring dashboard, the
records behind a figure and the period summary (HTML, XLSX, PDF), the ratio of the dashboard
to the raw SQL of its main query, and the time to freeze one school's report.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, setup_django, timed

MENTEES = 300_000
SCHOOLS = 50
GROUP = 20  # mentees per mentor; every fifth mentee is not in a pair
REPEAT = 11
DAY = dt.date(2021, 1, 31)


def populate():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    from core import roles
    from core.models import Profile
    from monitoring import services
    from registry.models import SchoolYearStats
    from registry.reference import ensure_mentoring_forms
    from roadmap.seed import load_seed
    from roadmap.services import add_school

    forms = {f.name: f for f in ensure_mentoring_forms()}
    roadmap = load_seed().roadmap
    municipality = roadmap.municipality
    from core.models import School

    schools = School.objects.bulk_create(
        School(municipality=municipality, full_name=f"Школа № {n}", short_name=f"СОШ № {n}")
        for n in range(1, SCHOOLS + 1)
    )
    for school in schools:
        add_school(roadmap=roadmap, school=school)
    SchoolYearStats.objects.bulk_create(
        SchoolYearStats(
            school=s,
            school_year_start=2020,
            pupils_total=9000,
            pupils_10_plus=7000,
            teachers_total=400,
            young_teachers=40,
        )
        for s in schools
    )
    ids = [s.pk for s in schools]
    form = forms["учитель – ученик"]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO registry_programme (school_id, form_id, title, starts_on, ends_on,
                review_status, reviewer, review_conclusion, reviewed_on)
            SELECT s, %s, 'Программа', date '2020-09-01', date '2021-08-31',
                CASE WHEN s %% 3 = 0 THEN 'not_sent' ELSE 'approved' END, '', '',
                CASE WHEN s %% 3 = 0 THEN NULL ELSE date '2020-12-01' END
            FROM unnest(%s::bigint[]) AS s
            """,
            [form.pk, ids],
        )
        cursor.execute(
            """
            INSERT INTO registry_mentee (municipality_id, school_id, last_name, first_name,
                patronymic, birth_date, phone, email, search_name, created_at, updated_at, kind,
                class_name, position, experience_years)
            SELECT %s, (%s::bigint[])[1 + g %% %s], 'Фамилия' || g, 'Имя' || (g %% 97),
                'Отчество' || (g %% 13),
                CASE WHEN g %% 20 = 0 THEN date '1990-01-01' + (g %% 4000)
                     ELSE date '2005-01-01' + (g %% 4000) END,
                '', '', upper('Фамилия' || g), now(), now(),
                CASE WHEN g %% 20 = 0 THEN 'teacher' ELSE 'pupil' END,
                ((g %% 11) + 1) || 'А', '', CASE WHEN g %% 20 = 0 THEN g %% 6 END
            FROM generate_series(1, %s) AS g
            """,
            [municipality.pk, ids, len(ids), MENTEES],
        )
        mentors = MENTEES // GROUP
        cursor.execute(
            """
            INSERT INTO registry_mentor (municipality_id, last_name, first_name, patronymic,
                birth_date, phone, email, search_name, created_at, updated_at, kind, position)
            SELECT %s, 'Наставник' || g, 'Имя', '', date '1970-01-01' + g, '', '',
                upper('Наставник' || g), now(), now(), 'teacher', ''
            FROM generate_series(1, %s) AS g
            """,
            [municipality.pk, mentors],
        )
        # One pair per mentor, in the programme of the school of its mentees: most active,
        # some completed before the day, some planned.
        cursor.execute(
            """
            INSERT INTO registry_pair (programme_id, mentor_id, starts_on, ends_on, status,
                termination_reason, goals, result, version)
            SELECT p.id, m.id, date '2020-11-01',
                CASE WHEN m.rn %% 10 = 0 THEN date '2020-12-31' END,
                CASE WHEN m.rn %% 10 = 0 THEN 'completed'
                     WHEN m.rn %% 20 = 1 THEN 'planned' ELSE 'active' END, '', '', '', 1
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM registry_mentor) m
            JOIN registry_programme p
              ON p.school_id = (%s::bigint[])[1 + (m.rn - 1) %% %s]
            """,
            [ids, len(ids)],
        )
        cursor.execute(
            """
            INSERT INTO registry_pairmentee (pair_id, mentee_id, form_id, is_active)
            SELECT pr.id, me.id, %s, pr.status = 'active'
            FROM (SELECT id, school_id,
                         row_number() OVER (PARTITION BY school_id ORDER BY id) AS rn
                  FROM registry_mentee) me
            JOIN (SELECT pa.id, pa.status, pg.school_id,
                         row_number() OVER (PARTITION BY pg.school_id ORDER BY pa.id) AS rn
                  FROM registry_pair pa JOIN registry_programme pg ON pg.id = pa.programme_id
                 ) pr
              ON pr.school_id = me.school_id AND pr.rn = 1 + (me.rn - 1) / %s
            WHERE me.rn %% 5 <> 0
            """,
            [form.pk, GROUP - GROUP // 5],
        )
        for table in ("registry_mentee", "registry_mentor", "registry_pair", "registry_pairmentee"):
            cursor.execute(f"ANALYZE {table}")

    User = get_user_model()

    def user(name, group, school=None):
        account = User.objects.create_user(name, password="bench-password-1")
        account.groups.add(Group.objects.get_or_create(name=group)[0])
        Profile.objects.create(user=account, municipality=municipality, school=school)
        return account

    head = user("bench-head", roles.HEAD)
    staff = user("bench-staff", roles.STAFF)
    curator = user("bench-curator", roles.CURATOR, schools[0])
    period = services.save_period(
        municipality=municipality,
        title="I полугодие 2020/21",
        starts_on=dt.date(2020, 9, 1),
        ends_on=DAY,
    )
    return head, staff, curator, schools, period


def main() -> None:
    setup_django()
    from django.db import connection
    from django.test import Client

    from bench.registry import count_queries
    from monitoring import indicators, services, summary
    from monitoring.figures import PAIRS_SQL as _PAIRS_SQL

    drop = fresh_database()
    try:
        started = time.perf_counter()
        head, staff, curator, schools, period = populate()
        from registry.models import PairMentee

        print(
            f"generated {MENTEES} mentees, {PairMentee.objects.count()} in pairs, "
            f"in {SCHOOLS} schools: {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        for school in schools[:45]:
            report = services.report_of(period, school)
            services.submit_report(user=curator, report=report)
            services.review_report(user=staff, report=report, accept=True)
        per_report = (time.perf_counter() - started) / 45 * 1000
        print(f"freeze, submit and accept one school's report: {per_report:.0f} ms")

        on = DAY.strftime("%d.%m.%Y")
        pages = [
            ("head: monitoring dashboard", head, f"/monitoring/?on={on}"),
            (
                "head: dashboard, one school",
                head,
                f"/monitoring/?on={on}&school={schools[3].pk}",
            ),
            ("curator: own school", curator, f"/monitoring/?on={on}"),
            ("head: mentees behind, page 1", head, f"/monitoring/indicators/mentees/?on={on}"),
            (
                "head: pupils 10+ behind, page 100",
                head,
                f"/monitoring/indicators/pupils_10_plus/?on={on}&page=100",
            ),
            ("staff: period summary (HTML)", staff, f"/monitoring/periods/{period.pk}/summary/"),
            ("staff: summary XLSX", staff, f"/monitoring/periods/{period.pk}/summary.xlsx"),
            ("staff: summary PDF", staff, f"/monitoring/periods/{period.pk}/summary.pdf"),
        ]
        print(f"{'page':<38}{'median, ms':>12}{'p95, ms':>10}{'queries':>9}")
        results = {}
        for name, user, url in pages:
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            queries = count_queries(client, url)
            figures = timed(lambda c=client, u=url: c.get(u), REPEAT)
            results[name] = figures
            print(f"{name:<38}{figures['median_ms']:>12.1f}{figures['p95_ms']:>10.1f}{queries:>9}")

        params = {
            "schools": [s.pk for s in schools],
            "day": DAY,
            "born_10": indicators.years_before(DAY, 10),
            "born_35": indicators.years_before(DAY, 35),
            "statuses": list(indicators.PAIR_COUNTED),
        }

        def raw():
            with connection.cursor() as cursor:
                cursor.execute(_PAIRS_SQL, params)
                cursor.fetchall()

        raw_figures = timed(raw, REPEAT)
        compute = timed(lambda: indicators.compute(schools, DAY), REPEAT)
        build = timed(lambda: summary.build_summary(period), REPEAT)
        dashboard = results["head: monitoring dashboard"]["median_ms"]
        print(
            f"main query alone (raw SQL, pairs by school and form): "
            f"{raw_figures['median_ms']:.1f} ms median, {raw_figures['p95_ms']:.1f} ms p95"
        )
        print(f"all indicators (compute): {compute['median_ms']:.1f} ms median")
        print(f"summary built from 45 accepted reports: {build['median_ms']:.1f} ms median")
        print(f"dashboard / raw main query: {dashboard / raw_figures['median_ms']:.2f}")
    finally:
        drop()


if __name__ == "__main__":
    main()
