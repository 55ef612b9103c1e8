"""Foreign keys to the municipality and the school now name ``core``: state only, no table changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('roadmap', '0006_printed_numbers'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='execution',
                    name='school',
                    field=models.ForeignKey(blank=True, help_text='Пусто — исполнение департамента.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='executions', to='core.school', verbose_name='образовательная организация'),
                ),
                migrations.AlterField(
                    model_name='historicalexecution',
                    name='school',
                    field=models.ForeignKey(blank=True, db_constraint=False, help_text='Пусто — исполнение департамента.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.school', verbose_name='образовательная организация'),
                ),
                migrations.AlterField(
                    model_name='historicalroadmap',
                    name='municipality',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.municipality', verbose_name='муниципальное образование'),
                ),
                migrations.AlterField(
                    model_name='participation',
                    name='school',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='participations', to='core.school'),
                ),
                migrations.AlterField(
                    model_name='roadmap',
                    name='municipality',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='roadmaps', to='core.municipality', verbose_name='муниципальное образование'),
                ),
                migrations.AlterField(
                    model_name='roadmap',
                    name='schools',
                    field=models.ManyToManyField(blank=True, related_name='roadmaps', through='roadmap.Participation', to='core.school', verbose_name='участвующие образовательные организации'),
                ),
                migrations.AlterField(
                    model_name='schoolcalendar',
                    name='municipality',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='school_calendar', to='core.municipality', verbose_name='муниципальное образование'),
                ),
            ],
            database_operations=[],
        ),
    ]
