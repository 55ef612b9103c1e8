"""The municipality in each execution report, filled from its roadmap (the review queue reads
by it). The column is made NOT NULL and indexed by the next migration, in its own transaction."""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE roadmap_report r SET municipality_id = rm.municipality_id
FROM roadmap_execution e
JOIN roadmap_measure m ON m.id = e.measure_id
JOIN roadmap_section s ON s.id = m.section_id
JOIN roadmap_roadmap rm ON rm.id = s.roadmap_id
WHERE e.id = r.execution_id AND r.municipality_id IS NULL
"""


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_account_login_times'),
        ('roadmap', '0011_schedules_occurrences_events'),
    ]

    operations = [
        migrations.AddField(
            model_name='report',
            name='municipality',
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name='+',
                to='core.municipality',
                verbose_name='муниципалитет',
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop, elidable=False),
    ]
