"""Bind the measures of a roadmap already loaded from the seed (order № 172/1 of 28.10.2020)
to their figures, as load_seed_roadmap now does for a new one; a roadmap with any binding
is left as it is."""

import datetime as dt

from django.db import migrations

DEFAULTS = {
    "1.4": ("participating_schools", 1, False),
    "1.6": ("curator_assigned", 1, False),
    "1.12": ("partner_agreements", 1, False),
    "2.3": ("partner_agreements", 1, False),
    "2.4": ("programmes_approved", 1, False),
    "2.5": ("programmes_approved", 1, False),
    "2.6": ("mentors_base", 1, True),
    "3.2": ("mentees_base", 1, True),
    "3.3": ("mentors_base", 1, True),
    "3.5": ("pairs_formed", 1, False),
    "3.6": ("pairs_working", 1, False),
    "3.7": ("pairs_completed", 1, False),
}


def bind(apps, schema_editor):
    Order = apps.get_model("roadmap", "Order")
    Measure = apps.get_model("roadmap", "Measure")
    MeasureBinding = apps.get_model("roadmap", "MeasureBinding")
    for order in Order.objects.filter(number="172/1", date=dt.date(2020, 10, 28)):
        if MeasureBinding.objects.filter(measure__section__roadmap_id=order.roadmap_id).exists():
            continue
        measures = Measure.objects.filter(
            section__roadmap_id=order.roadmap_id, number__in=list(DEFAULTS)
        )
        MeasureBinding.objects.bulk_create(
            MeasureBinding(
                measure=m,
                kind=DEFAULTS[m.number][0],
                threshold=DEFAULTS[m.number][1],
                require_update=DEFAULTS[m.number][2],
            )
            for m in measures
        )


class Migration(migrations.Migration):
    dependencies = [("roadmap", "0009_measure_binding_and_report_figure")]

    operations = [migrations.RunPython(bind, migrations.RunPython.noop)]
