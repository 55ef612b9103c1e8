"""The amending order's date and number on an amendment; every history row of the roadmap's
wording tied to the amendment it was made under.

Rows written before: an amendment's edits carry the reason «Изменение № N от ДД.ММ.ГГГГ: …»
(roadmap.services.guards), which names the amendment of that roadmap; an amendment whose
basis reads «приказ от ДД.ММ.ГГГГ № N» gets that date and number.
"""

import datetime
import re

import django.db.models.deletion
from django.db import migrations, models

REASON = re.compile(r"^Изменение № (\d+) от ")
BASIS = re.compile(
    r"от\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*(?:г\.?)?\s*№\s*([0-9A-Za-zА-Яа-яЁё/\-.]+)"
)


def _order_of(basis):
    match = BASIS.search(basis or "")
    if not match:
        return None
    day, month, year, number = match.groups()
    try:
        value = datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None
    if not 1990 <= value.year <= 2100:
        return None
    return value, number.rstrip(".")[:50]


def fill(apps, schema_editor):
    Amendment = apps.get_model("roadmap", "Amendment")
    amendments = {}
    for amendment in Amendment.objects.all():
        amendments[(amendment.roadmap_id, amendment.number)] = amendment.pk
        order = _order_of(amendment.basis)
        if order and not amendment.order_number:
            amendment.order_date, amendment.order_number = order
            amendment.save(update_fields=["order_date", "order_number"])
    if not amendments:
        return
    Section = apps.get_model("roadmap", "Section")
    roadmap_of_section = dict(
        apps.get_model("roadmap", "HistoricalSection").objects.values_list("id", "roadmap_id")
    )
    roadmap_of_section.update(Section.objects.values_list("id", "roadmap_id"))
    for name, roadmap_of in (
        ("HistoricalRoadmap", lambda row: row.id),
        ("HistoricalSection", lambda row: row.roadmap_id),
        ("HistoricalMeasure", lambda row: roadmap_of_section.get(row.section_id)),
    ):
        model = apps.get_model("roadmap", name)
        for row in model.objects.filter(history_change_reason__startswith="Изменение № "):
            match = REASON.match(row.history_change_reason)
            amendment_id = match and amendments.get((roadmap_of(row), int(match[1])))
            if amendment_id:
                model.objects.filter(pk=row.pk).update(amendment_id=amendment_id)


class Migration(migrations.Migration):

    dependencies = [
        ('roadmap', '0007_tenant_models_in_core'),
    ]

    operations = [
        migrations.AddField(
            model_name='amendment',
            name='order_date',
            field=models.DateField(blank=True, null=True, verbose_name='дата приказа о внесении изменений'),
        ),
        migrations.AddField(
            model_name='amendment',
            name='order_number',
            field=models.CharField(blank=True, max_length=50, verbose_name='номер приказа о внесении изменений'),
        ),
        migrations.AddField(
            model_name='historicalmeasure',
            name='amendment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='roadmap.amendment', verbose_name='изменение'),
        ),
        migrations.AddField(
            model_name='historicalroadmap',
            name='amendment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='roadmap.amendment', verbose_name='изменение'),
        ),
        migrations.AddField(
            model_name='historicalsection',
            name='amendment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='roadmap.amendment', verbose_name='изменение'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
