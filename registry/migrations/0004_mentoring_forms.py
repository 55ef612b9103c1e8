from django.db import migrations

# The forms of Р-145 and «учитель – ученик» used in schools: who may mentor and be mentored.
FORMS = [
    ("ученик – ученик", ["pupil", "graduate"], ["pupil"]),
    ("учитель – учитель", ["teacher"], ["teacher"]),
    ("студент – ученик", ["student", "graduate"], ["pupil"]),
    ("работодатель – ученик", ["employee"], ["pupil"]),
    ("работодатель – студент", ["employee"], ["student"]),
    ("учитель – ученик", ["teacher"], ["pupil"]),
]


def create(apps, schema_editor):
    MentoringForm = apps.get_model("registry", "MentoringForm")
    for position, (name, mentors, mentees) in enumerate(FORMS, start=1):
        MentoringForm.objects.get_or_create(
            name=name,
            defaults={"mentor_kinds": mentors, "mentee_kinds": mentees, "position": position},
        )


def remove(apps, schema_editor):
    apps.get_model("registry", "MentoringForm").objects.filter(
        name__in=[name for name, _, _ in FORMS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_registry_people_programmes_pairs")]

    operations = [migrations.RunPython(create, remove)]
