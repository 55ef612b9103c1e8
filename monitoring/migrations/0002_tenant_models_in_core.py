"""Foreign keys to the municipality and the school now name ``core``: state only, no table changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('monitoring', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='period',
                    name='municipality',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='monitoring_periods', to='core.municipality', verbose_name='муниципалитет'),
                ),
                migrations.AlterField(
                    model_name='questionnaire',
                    name='municipality',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.municipality', verbose_name='муниципалитет'),
                ),
                migrations.AlterField(
                    model_name='schoolreport',
                    name='school',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='monitoring_reports', to='core.school', verbose_name='ОО'),
                ),
                migrations.AlterField(
                    model_name='target',
                    name='municipality',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.municipality', verbose_name='муниципалитет'),
                ),
            ],
            database_operations=[],
        ),
    ]
