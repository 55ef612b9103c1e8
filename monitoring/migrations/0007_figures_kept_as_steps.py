"""The counts kept for every day as steps (``StepsKept``, ``FiguresStep``, ``MunicipalStep``).

``monitoring_steps_refresh(municipalities)`` recounts the steps of those of the municipalities
that keep them: for each group of ``FiguresDay`` (school and form, school, form, municipality)
and each of its five counts, the days the count changes on. A person or a pair counts from the
pair's start to the day after its end; a pupil from the day the condition
``birth_date <= day - 10 years`` of ``monitoring.indicators`` first holds (the birthday, or
1 March for a birthday on 29 February), a young teacher until the day
``birth_date > day - 35 years`` stops holding. Each person's or pair's days in a group are
merged (two pairs of one mentor count once), and a group's count changes where one enters or
leaves. The municipalities' sums over their schools (``FiguresKept``'s, by day) follow from
the schools' steps, cut at 1 September for the schools with counts for a school year.

``monitoring_figures_refresh_kept`` (called by every trigger of migrations 0004 and 0006) now
also recounts the steps, and the triggers no longer stop early when steps are kept.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

_0004 = importlib.import_module("monitoring.migrations.0004_figures_refresh_and_triggers")
_0006 = importlib.import_module("monitoring.migrations.0006_figures_kept_by_municipality")

# The first day a condition "birth_date <= day - N years" holds (N not a multiple of 4, so
# that year N after a 29 February is never a leap year).
_FROM = (
    "((me.birth_date + interval '{n} years')::date + CASE WHEN extract(month FROM me.birth_date)"
    " = 2 AND extract(day FROM me.birth_date) = 29 THEN 1 ELSE 0 END)"
)

STEPS = r"""
CREATE OR REPLACE FUNCTION monitoring_steps_refresh(munis bigint[])
RETURNS void LANGUAGE plpgsql SET work_mem = '64MB' AS $$
BEGIN
    SELECT array_agg(municipality_id ORDER BY municipality_id) INTO munis
    FROM monitoring_stepskept WHERE municipality_id = ANY(munis);
    IF munis IS NULL THEN
        RETURN;
    END IF;
    -- One writer per municipality: a concurrent recount waits and then sees ours.
    PERFORM 1 FROM monitoring_stepskept
    WHERE municipality_id = ANY(munis) ORDER BY municipality_id FOR UPDATE;
    UPDATE monitoring_stepskept k SET refreshed_at = now(), schools = coalesce((
        SELECT md5(string_agg(s.id::text, ',' ORDER BY s.id)) FROM registry_school s
        WHERE s.municipality_id = k.municipality_id AND s.is_active), '')
    WHERE k.municipality_id = ANY(munis);
    DELETE FROM monitoring_figuresstep WHERE municipality_id = ANY(munis);
    DELETE FROM monitoring_municipalstep WHERE municipality_id = ANY(munis);

    INSERT INTO monitoring_figuresstep (municipality_id, level, school_id, form_id, starts_on,
        mentors, mentees, pairs, pupils_10_plus, young_teachers)
    WITH members AS MATERIALIZED (
        SELECT s.municipality_id AS muni, s.id AS school, pm.form_id AS form,
            p.mentor_id, pm.mentee_id, p.id AS pair_id, p.starts_on AS a,
            coalesce(p.ends_on + 1, 'infinity'::date) AS b,
            CASE WHEN me.kind = 'pupil' THEN PUPIL_FROM END AS pupil_from,
            CASE WHEN me.kind = 'teacher' AND me.experience_years <= 3 THEN YOUNG_UNTIL END
                AS young_until
        FROM registry_pairmentee pm
        JOIN registry_pair p ON p.id = pm.pair_id
        JOIN registry_programme pr ON pr.id = p.programme_id
        JOIN registry_school s ON s.id = pr.school_id
        JOIN registry_mentee me ON me.id = pm.mentee_id
        WHERE s.municipality_id = ANY(munis) AND s.is_active
          AND p.status IN ('active', 'completed', 'terminated')
    ),
    -- What counts, who, from a until b (excluded): 0 mentor, 1 mentee, 2 pair, 3 pupil of
    -- 10 and over, 4 young teacher.
    spans AS MATERIALIZED (
        SELECT muni, school, form, 0 AS what, mentor_id AS who, a, b FROM members
        UNION ALL
        SELECT muni, school, form, 1, mentee_id, a, b FROM members
        UNION ALL
        SELECT muni, school, form, 2, pair_id, a, b FROM members
        UNION ALL
        SELECT muni, school, form, 3, mentee_id, greatest(a, pupil_from), b FROM members
        WHERE pupil_from IS NOT NULL AND greatest(a, pupil_from) < b
        UNION ALL
        SELECT muni, school, form, 4, mentee_id, a, least(b, young_until) FROM members
        WHERE young_until IS NOT NULL AND a < least(b, young_until)
    ),
    -- Each one's days in each group, merged: two pairs of a mentor at once count once.
    merged AS (
        SELECT muni, 0 AS level, school, form, what, unnest(range_agg(daterange(a, b))) AS r
        FROM spans GROUP BY muni, school, form, what, who
        UNION ALL
        SELECT muni, 1, school, 0, what, unnest(range_agg(daterange(a, b)))
        FROM spans GROUP BY muni, school, what, who
        UNION ALL
        SELECT muni, 2, 0, form, what, unnest(range_agg(daterange(a, b)))
        FROM spans GROUP BY muni, form, what, who
        UNION ALL
        SELECT muni, 3, 0, 0, what, unnest(range_agg(daterange(a, b)))
        FROM spans GROUP BY muni, what, who
    ),
    moves AS (
        SELECT muni, level, school, form, what, lower(r) AS day, 1 AS move FROM merged
        UNION ALL
        SELECT muni, level, school, form, what, upper(r), -1 FROM merged
        WHERE upper(r) <> 'infinity'
    ),
    deltas AS (
        SELECT muni, level, school, form, day,
            coalesce(SUM(move) FILTER (WHERE what = 0), 0) AS d0,
            coalesce(SUM(move) FILTER (WHERE what = 1), 0) AS d1,
            coalesce(SUM(move) FILTER (WHERE what = 2), 0) AS d2,
            coalesce(SUM(move) FILTER (WHERE what = 3), 0) AS d3,
            coalesce(SUM(move) FILTER (WHERE what = 4), 0) AS d4
        FROM moves
        GROUP BY 1, 2, 3, 4, 5
    )
    SELECT muni, level, school, form, day,
        SUM(d0) OVER w, SUM(d1) OVER w, SUM(d2) OVER w, SUM(d3) OVER w, SUM(d4) OVER w
    FROM deltas
    WHERE d0 <> 0 OR d1 <> 0 OR d2 <> 0 OR d3 <> 0 OR d4 <> 0
    WINDOW w AS (PARTITION BY muni, level, school, form ORDER BY day);

    INSERT INTO monitoring_municipalstep (municipality_id, starts_on, school_mentors,
        school_mentees, school_pairs, pupils_counted, young_counted, approved)
    WITH schools AS (
        SELECT municipality_id AS muni, school_id AS school, starts_on AS a,
            coalesce(lead(starts_on) OVER (PARTITION BY school_id ORDER BY starts_on),
                'infinity'::date) AS b,
            mentors, mentees, pairs, pupils_10_plus, young_teachers
        FROM monitoring_figuresstep WHERE municipality_id = ANY(munis) AND level = 1
    ),
    years AS (
        SELECT st.school_id AS school, make_date(st.school_year_start, 9, 1) AS a,
            make_date(st.school_year_start + 1, 9, 1) AS b
        FROM registry_schoolyearstats st JOIN registry_school s ON s.id = st.school_id
        WHERE s.municipality_id = ANY(munis) AND s.is_active
    ),
    edges AS (
        SELECT s.muni, e.day, e.sign * s.mentors AS mentors, e.sign * s.mentees AS mentees,
            e.sign * s.pairs AS pairs, 0 AS pupils, 0 AS young, 0 AS approved
        FROM schools s CROSS JOIN LATERAL (VALUES (s.a, 1), (s.b, -1)) e(day, sign)
        WHERE e.day <> 'infinity'
        UNION ALL
        SELECT s.muni, e.day, 0, 0, 0, e.sign * s.pupils_10_plus, e.sign * s.young_teachers, 0
        FROM schools s JOIN years y ON y.school = s.school AND s.a < y.b AND y.a < s.b
        CROSS JOIN LATERAL (VALUES (greatest(s.a, y.a), 1), (least(s.b, y.b), -1)) e(day, sign)
        WHERE e.day <> 'infinity'
        UNION ALL
        SELECT s.municipality_id, min(coalesce(pr.reviewed_on, '-infinity'::date)),
            0, 0, 0, 0, 0, 1
        FROM registry_programme pr JOIN registry_school s ON s.id = pr.school_id
        WHERE s.municipality_id = ANY(munis) AND s.is_active AND pr.review_status = 'approved'
        GROUP BY s.municipality_id, s.id
    ),
    deltas AS (
        SELECT muni, day, SUM(mentors) AS mentors, SUM(mentees) AS mentees,
            SUM(pairs) AS pairs, SUM(pupils) AS pupils, SUM(young) AS young,
            SUM(approved) AS approved
        FROM edges GROUP BY 1, 2
    )
    SELECT muni, day, SUM(mentors) OVER w, SUM(mentees) OVER w, SUM(pairs) OVER w,
        SUM(pupils) OVER w, SUM(young) OVER w, SUM(approved) OVER w
    FROM deltas
    WHERE mentors <> 0 OR mentees <> 0 OR pairs <> 0 OR pupils <> 0 OR young <> 0
        OR approved <> 0
    WINDOW w AS (PARTITION BY muni ORDER BY day);
END $$;

CREATE OR REPLACE FUNCTION monitoring_steps_keep(munis bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO monitoring_stepskept (municipality_id, schools, refreshed_at)
    SELECT m.id, '', now() FROM registry_municipality m WHERE m.id = ANY(munis)
    ON CONFLICT (municipality_id) DO NOTHING;
    PERFORM monitoring_steps_refresh(munis);
END $$;

CREATE OR REPLACE FUNCTION monitoring_figures_refresh_kept(munis bigint[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    kept record;
BEGIN
    IF munis IS NULL OR cardinality(munis) = 0 THEN
        RETURN;
    END IF;
    FOR kept IN
        SELECT day, array_agg(municipality_id ORDER BY municipality_id) AS munis
        FROM monitoring_figureskept WHERE municipality_id = ANY(munis) GROUP BY day ORDER BY day
    LOOP
        PERFORM monitoring_figures_refresh(kept.munis, kept.day);
    END LOOP;
    -- The steps are recounted once a transaction, at its commit (monitoring_steps_due).
    INSERT INTO monitoring_stepsdue (municipality_id)
    SELECT municipality_id FROM monitoring_stepskept WHERE municipality_id = ANY(munis)
    ON CONFLICT (municipality_id) DO NOTHING;
END $$;

-- The first of the transaction's deferred events recounts every municipality it made stale,
-- in the order of their ids (as every recount locks them), and the others find none left.
CREATE OR REPLACE FUNCTION monitoring_steps_due() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    munis bigint[];
BEGIN
    WITH due AS (DELETE FROM monitoring_stepsdue RETURNING municipality_id)
    SELECT array_agg(municipality_id ORDER BY municipality_id) INTO munis FROM due;
    PERFORM monitoring_steps_refresh(munis);
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER monitoring_steps_due AFTER INSERT ON monitoring_stepsdue
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION monitoring_steps_due();
""".replace("PUPIL_FROM", _FROM.format(n=10)).replace("YOUNG_UNTIL", _FROM.format(n=35))

UNSTEPS = (
    "DROP TRIGGER IF EXISTS monitoring_steps_due ON monitoring_stepsdue;"
    "DROP FUNCTION IF EXISTS monitoring_steps_due();"
    "DROP FUNCTION IF EXISTS monitoring_steps_keep(bigint[]);"
    "DROP FUNCTION IF EXISTS monitoring_steps_refresh(bigint[]);"
)

# The triggers' functions of migrations 0004 and 0006, stopping early only when neither days
# nor steps are kept.
_EARLY = "    IF NOT EXISTS (SELECT 1 FROM monitoring_figureskept) THEN\n"
_EARLY_NOW = (
    "    IF NOT EXISTS (SELECT 1 FROM monitoring_figureskept)\n"
    "       AND NOT EXISTS (SELECT 1 FROM monitoring_stepskept) THEN\n"
)


def _function_of(trigger_sql: str) -> str:
    function = trigger_sql[: trigger_sql.index("CREATE TRIGGER")]
    assert _EARLY in function
    return function


TOUCH = "".join(
    _function_of(sql).replace(_EARLY, _EARLY_NOW)
    for sql in [*(_0004._trigger_sql(table) for table in _0004.AFFECTED), _0006.TRIGGER]
)
UNTOUCH = "".join(
    _function_of(sql)
    for sql in [*(_0004._trigger_sql(table) for table in _0004.AFFECTED), _0006.TRIGGER]
)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_account_login_times"),
        ("monitoring", "0006_figures_kept_by_municipality"),
    ]

    operations = [
        migrations.CreateModel(
            name="StepsKept",
            fields=[
                (
                    "municipality",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="core.municipality",
                    ),
                ),
                ("schools", models.CharField(max_length=32)),
                ("refreshed_at", models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name="FiguresStep",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("level", models.PositiveSmallIntegerField()),
                ("school_id", models.BigIntegerField()),
                ("form_id", models.BigIntegerField()),
                ("starts_on", models.DateField()),
                ("mentors", models.IntegerField()),
                ("mentees", models.IntegerField()),
                ("pairs", models.IntegerField()),
                ("pupils_10_plus", models.IntegerField()),
                ("young_teachers", models.IntegerField()),
                (
                    "municipality",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.municipality",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("municipality", "level", "school_id", "form_id", "starts_on"),
                        name="figures_step_group",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MunicipalStep",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("starts_on", models.DateField()),
                ("school_mentors", models.BigIntegerField()),
                ("school_mentees", models.BigIntegerField()),
                ("school_pairs", models.BigIntegerField()),
                ("pupils_counted", models.BigIntegerField()),
                ("young_counted", models.BigIntegerField()),
                ("approved", models.IntegerField()),
                (
                    "municipality",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.municipality",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("municipality", "starts_on"), name="municipal_step_day"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="StepsDue",
            fields=[("municipality_id", models.BigIntegerField(primary_key=True, serialize=False))],
        ),
        migrations.RunSQL(
            STEPS,
            UNSTEPS
            + _0004.REFRESH[
                _0004.REFRESH.index("CREATE OR REPLACE FUNCTION monitoring_figures_refresh_kept") :
            ],
        ),
        migrations.RunSQL(TOUCH, UNTOUCH),
    ]
