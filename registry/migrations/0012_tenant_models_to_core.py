"""The tenant models now live in ``core``: removed from the registry's migration state only,
and the registry's foreign keys point at them there. No table or row changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('monitoring', '0002_tenant_models_in_core'),
        ('registry', '0011_audit_append_only'),
        ('roadmap', '0007_tenant_models_in_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='auditevent',
                    name='school',
                ),
                migrations.RemoveField(
                    model_name='auditevent',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='department',
                    name='municipality',
                ),
                migrations.RemoveField(
                    model_name='importbatch',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='school',
                    name='municipality',
                ),
                migrations.RemoveField(
                    model_name='profile',
                    name='municipality',
                ),
                migrations.AlterField(
                    model_name='mentee',
                    name='municipality',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.municipality', verbose_name='муниципалитет'),
                ),
                migrations.AlterField(
                    model_name='partnerorganization',
                    name='municipality',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='partners', to='core.municipality', verbose_name='муниципалитет'),
                ),
                migrations.AlterField(
                    model_name='mentor',
                    name='municipality',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.municipality', verbose_name='муниципалитет'),
                ),
                migrations.RemoveField(
                    model_name='profile',
                    name='school',
                ),
                migrations.RemoveField(
                    model_name='profile',
                    name='user',
                ),
                migrations.AlterField(
                    model_name='mentorlinkrequest',
                    name='school',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='mentor_link_requests', to='core.school', verbose_name='ОО, отправившая запрос'),
                ),
                migrations.AlterField(
                    model_name='programme',
                    name='school',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='programmes', to='core.school', verbose_name='ОО'),
                ),
                migrations.AlterField(
                    model_name='mentee',
                    name='school',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='mentees', to='core.school', verbose_name='ОО'),
                ),
                migrations.AlterField(
                    model_name='schoolyearstats',
                    name='school',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='year_stats', to='core.school', verbose_name='ОО'),
                ),
                migrations.AlterField(
                    model_name='agreement',
                    name='school',
                    field=models.ForeignKey(blank=True, help_text='Пусто — соглашение департамента.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='agreements', to='core.school', verbose_name='ОО'),
                ),
                migrations.AlterField(
                    model_name='mentor',
                    name='schools',
                    field=models.ManyToManyField(blank=True, related_name='mentors', to='core.school', verbose_name='ОО'),
                ),
                migrations.DeleteModel(
                    name='AccountState',
                ),
                migrations.DeleteModel(
                    name='AuditEvent',
                ),
                migrations.DeleteModel(
                    name='Department',
                ),
                migrations.DeleteModel(
                    name='ImportBatch',
                ),
                migrations.DeleteModel(
                    name='Municipality',
                ),
                migrations.DeleteModel(
                    name='Profile',
                ),
                migrations.DeleteModel(
                    name='School',
                ),
            ],
            database_operations=[],
        ),
    ]
