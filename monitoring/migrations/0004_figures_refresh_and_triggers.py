"""The kept figures (``FiguresKept``, ``FiguresDay``) recounted in the database itself.

``monitoring_figures_refresh(municipalities, day)`` counts the municipalities' pairs on the day
exactly as ``monitoring.indicators`` counts them (the same rules, over the active schools) and
replaces their rows; the triggers on the tables the counts read (schools, programmes, pairs,
their members, mentees) recount, in the writing transaction, every day kept for the
municipalities a statement touched. Whatever writes — a service, an import, the admin, the
destruction of personal data — the kept figures stay equal to the live ones.
"""

from django.db import migrations

REFRESH = r"""
CREATE OR REPLACE FUNCTION monitoring_figures_refresh(munis bigint[], d date)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF munis IS NULL OR cardinality(munis) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO monitoring_figureskept (municipality_id, day, schools, refreshed_at)
    SELECT m.id, d, '', now() FROM registry_municipality m WHERE m.id = ANY(munis)
    ON CONFLICT (municipality_id, day) DO NOTHING;
    -- One writer per municipality and day: a concurrent recount waits and then sees ours.
    PERFORM 1 FROM monitoring_figureskept
    WHERE municipality_id = ANY(munis) AND day = d ORDER BY municipality_id FOR UPDATE;
    UPDATE monitoring_figureskept k SET refreshed_at = now(), schools = coalesce((
        SELECT md5(string_agg(s.id::text, ',' ORDER BY s.id)) FROM registry_school s
        WHERE s.municipality_id = k.municipality_id AND s.is_active), '')
    WHERE k.municipality_id = ANY(munis) AND k.day = d;
    DELETE FROM monitoring_figuresday WHERE municipality_id = ANY(munis) AND day = d;
    INSERT INTO monitoring_figuresday (municipality_id, day, level, school_id, form_id,
        mentors, mentees, pairs, pupils_10_plus, young_teachers)
    SELECT s.municipality_id, d, GROUPING(s.id, pm.form_id), s.id, pm.form_id,
        COUNT(DISTINCT p.mentor_id), COUNT(DISTINCT pm.mentee_id), COUNT(DISTINCT p.id),
        COUNT(DISTINCT pm.mentee_id) FILTER (
            WHERE me.kind = 'pupil' AND me.birth_date <= (d - interval '10 years')::date),
        COUNT(DISTINCT pm.mentee_id) FILTER (
            WHERE me.kind = 'teacher' AND me.birth_date > (d - interval '35 years')::date
              AND me.experience_years <= 3)
    FROM registry_pairmentee pm
    JOIN registry_pair p ON p.id = pm.pair_id
    JOIN registry_programme pr ON pr.id = p.programme_id
    JOIN registry_school s ON s.id = pr.school_id
    JOIN registry_mentee me ON me.id = pm.mentee_id
    WHERE s.municipality_id = ANY(munis) AND s.is_active
      AND p.starts_on <= d AND (p.ends_on IS NULL OR p.ends_on >= d)
      AND p.status IN ('active', 'completed', 'terminated')
    GROUP BY s.municipality_id, GROUPING SETS ((s.id, pm.form_id), (s.id), (pm.form_id), ());
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
END $$;
"""

# How each table finds the municipalities a changed row counts in; {rows} is the transition
# table (the statement's old or new rows).
AFFECTED = {
    "registry_school": "SELECT r.municipality_id FROM {rows} r",
    "registry_mentee": "SELECT r.municipality_id FROM {rows} r",
    "registry_programme": (
        "SELECT s.municipality_id FROM {rows} r JOIN registry_school s ON s.id = r.school_id"
    ),
    "registry_pair": (
        "SELECT s.municipality_id FROM {rows} r"
        " JOIN registry_programme pr ON pr.id = r.programme_id"
        " JOIN registry_school s ON s.id = pr.school_id"
    ),
    "registry_pairmentee": (
        "SELECT me.municipality_id FROM {rows} r JOIN registry_mentee me ON me.id = r.mentee_id"
        " UNION SELECT s.municipality_id FROM {rows} r"
        " JOIN registry_pair p ON p.id = r.pair_id"
        " JOIN registry_programme pr ON pr.id = p.programme_id"
        " JOIN registry_school s ON s.id = pr.school_id"
    ),
}


def _trigger_sql(table: str) -> str:
    new, old = AFFECTED[table].format(rows="new_rows"), AFFECTED[table].format(rows="old_rows")
    return f"""
CREATE OR REPLACE FUNCTION monitoring_touch_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    munis bigint[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM monitoring_figureskept) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT x) INTO munis FROM ({new}) t(x);
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT x) INTO munis FROM ({old}) t(x);
    ELSE
        SELECT array_agg(DISTINCT x) INTO munis FROM ({new} UNION {old}) t(x);
    END IF;
    PERFORM monitoring_figures_refresh_kept(munis);
    RETURN NULL;
END $$;
CREATE TRIGGER monitoring_touch_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_touch_{table}();
CREATE TRIGGER monitoring_touch_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_touch_{table}();
CREATE TRIGGER monitoring_touch_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_touch_{table}();
"""


def _drop_trigger_sql(table: str) -> str:
    return "".join(
        f"DROP TRIGGER IF EXISTS monitoring_touch_{event} ON {table};"
        for event in ("insert", "update", "delete")
    ) + f"DROP FUNCTION IF EXISTS monitoring_touch_{table}();"


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_figures_kept_by_day"),
        ("registry", "0012_tenant_models_to_core"),
        ("core", "0002_audit_trigger_and_content_types"),
    ]

    operations = [
        migrations.RunSQL(
            REFRESH,
            "DROP FUNCTION IF EXISTS monitoring_figures_refresh_kept(bigint[]);"
            "DROP FUNCTION IF EXISTS monitoring_figures_refresh(bigint[], date);",
        ),
        *(
            migrations.RunSQL(_trigger_sql(table), _drop_trigger_sql(table))
            for table in AFFECTED
        ),
    ]
