from django.db import migrations


def fill(apps, schema_editor):
    """Measures loaded before 0002 get their responsible wording; sections their order."""
    Measure = apps.get_model("roadmap", "Measure")
    Section = apps.get_model("roadmap", "Section")
    MeasureResponsibility = apps.get_model("roadmap", "MeasureResponsibility")
    for measure in Measure.objects.filter(responsible_text=""):
        names = [
            link.party.name
            for link in MeasureResponsibility.objects.filter(measure=measure)
            .select_related("party")
            .order_by("position", "id")
        ]
        parts = []
        for index, name in enumerate(names):
            if index and len(name) > 1 and not name[:2].isupper():
                name = name[0].lower() + name[1:]
            parts.append(name)
        measure.responsible_text = ", ".join(parts)
        measure.save(update_fields=["responsible_text"])
    roadmap_ids = Section.objects.values_list("roadmap_id", flat=True).distinct()
    for roadmap_id in roadmap_ids:
        sections = Section.objects.filter(roadmap_id=roadmap_id).order_by("number_key", "id")
        for position, section in enumerate(sections, start=1):
            if section.position == 0:
                section.position = position
                section.save(update_fields=["position"])


class Migration(migrations.Migration):
    dependencies = [("roadmap", "0002_history_reports_amendments")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
