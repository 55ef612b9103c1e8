"""The kept day of a municipality also holds the sums over its active schools that the
region's dashboard compares (``FiguresKept``: schools, their counts for the year, their own
counts of people, approved programmes): ``monitoring_figures_refresh`` adds them after the rows
by school, and a trigger on the schools' yearly counts recounts the days kept, like the
triggers of migration 0004.
"""

import importlib

from django.db import migrations, models

_0004 = importlib.import_module("monitoring.migrations.0004_figures_refresh_and_triggers")
_END_OF_REFRESH = (
    "    GROUP BY s.municipality_id, "
    "GROUPING SETS ((s.id, pm.form_id), (s.id), (pm.form_id), ());\n"
    "END $$;"
)
_BY_MUNICIPALITY = """
    UPDATE monitoring_figureskept k SET active_schools = 0, counted_schools = 0,
        pupils_due = 0, young_due = 0, school_mentors = 0, school_mentees = 0,
        school_pairs = 0, pupils_counted = 0, young_counted = 0, approved = 0
    WHERE k.municipality_id = ANY(munis) AND k.day = d;
    UPDATE monitoring_figureskept k SET active_schools = x.schools,
        counted_schools = x.counted, pupils_due = x.pupils_due, young_due = x.young_due,
        school_mentors = x.mentors, school_mentees = x.mentees, school_pairs = x.pairs,
        pupils_counted = x.pupils, young_counted = x.young, approved = x.approved
    FROM (
        SELECT s.municipality_id, COUNT(*) AS schools, COUNT(st.id) AS counted,
            coalesce(SUM(st.pupils_10_plus), 0) AS pupils_due,
            coalesce(SUM(st.young_teachers), 0) AS young_due,
            coalesce(SUM(f.mentors), 0) AS mentors, coalesce(SUM(f.mentees), 0) AS mentees,
            coalesce(SUM(f.pairs), 0) AS pairs,
            coalesce(SUM(f.pupils_10_plus) FILTER (WHERE st.id IS NOT NULL), 0) AS pupils,
            coalesce(SUM(f.young_teachers) FILTER (WHERE st.id IS NOT NULL), 0) AS young,
            COUNT(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM registry_programme pr
                WHERE pr.school_id = s.id AND pr.review_status = 'approved'
                  AND (pr.reviewed_on IS NULL OR pr.reviewed_on <= d))) AS approved
        FROM registry_school s
        LEFT JOIN registry_schoolyearstats st ON st.school_id = s.id
            AND st.school_year_start = CASE WHEN extract(month FROM d) >= 9
                THEN extract(year FROM d) ELSE extract(year FROM d) - 1 END
        LEFT JOIN monitoring_figuresday f ON f.day = d AND f.level = 1
            AND f.municipality_id = s.municipality_id AND f.school_id = s.id
        WHERE s.municipality_id = ANY(munis) AND s.is_active
        GROUP BY s.municipality_id
    ) x
    WHERE k.municipality_id = x.municipality_id AND k.day = d;
"""
assert _END_OF_REFRESH in _0004.REFRESH
REFRESH = _0004.REFRESH.replace(
    _END_OF_REFRESH, _END_OF_REFRESH.replace("END $$;", _BY_MUNICIPALITY + "END $$;")
)

STATS = "registry_schoolyearstats"
_AFFECTED = "SELECT s.municipality_id FROM {rows} r JOIN registry_school s ON s.id = r.school_id"
TRIGGER = f"""
CREATE OR REPLACE FUNCTION monitoring_touch_{STATS}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    munis bigint[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM monitoring_figureskept) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT x) INTO munis FROM ({_AFFECTED.format(rows="new_rows")}) t(x);
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT x) INTO munis FROM ({_AFFECTED.format(rows="old_rows")}) t(x);
    ELSE
        SELECT array_agg(DISTINCT x) INTO munis FROM ({_AFFECTED.format(rows="new_rows")}
            UNION {_AFFECTED.format(rows="old_rows")}) t(x);
    END IF;
    PERFORM monitoring_figures_refresh_kept(munis);
    RETURN NULL;
END $$;
CREATE TRIGGER monitoring_touch_insert AFTER INSERT ON {STATS}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_touch_{STATS}();
CREATE TRIGGER monitoring_touch_update AFTER UPDATE ON {STATS}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_touch_{STATS}();
CREATE TRIGGER monitoring_touch_delete AFTER DELETE ON {STATS}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_touch_{STATS}();
"""
DROP_TRIGGER = (
    "".join(
        f"DROP TRIGGER IF EXISTS monitoring_touch_{event} ON {STATS};"
        for event in ("insert", "update", "delete")
    )
    + f"DROP FUNCTION IF EXISTS monitoring_touch_{STATS}();"
)

REFILL = """
SELECT monitoring_figures_refresh_kept(array_agg(DISTINCT municipality_id))
FROM monitoring_figureskept;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0005_region_sums_kept"),
    ]

    operations = [
        migrations.AddField(
            model_name="figureskept",
            name="active_schools",
            field=models.IntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="figureskept",
            name="approved",
            field=models.IntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="figureskept",
            name="counted_schools",
            field=models.IntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="figureskept",
            name="pupils_counted",
            field=models.BigIntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="figureskept",
            name="pupils_due",
            field=models.BigIntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="figureskept",
            name="school_mentees",
            field=models.BigIntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="figureskept",
            name="school_mentors",
            field=models.BigIntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="figureskept",
            name="school_pairs",
            field=models.BigIntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="figureskept",
            name="young_counted",
            field=models.BigIntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="figureskept",
            name="young_due",
            field=models.BigIntegerField(db_default=0),
        ),
        migrations.RunSQL(REFRESH, _0004.REFRESH),
        migrations.RunSQL(TRIGGER, DROP_TRIGGER),
        migrations.RunSQL(REFILL, migrations.RunSQL.noop),
    ]
