from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_account_login_times'),
        ('roadmap', '0012_report_municipality'),
    ]

    operations = [
        migrations.AlterField(
            model_name='report',
            name='municipality',
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name='+',
                to='core.municipality',
                verbose_name='муниципалитет',
            ),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(
                condition=models.Q(('decision', 'pending')),
                fields=['municipality', 'submitted_at', 'id'],
                name='report_review_queue_idx',
            ),
        ),
    ]
