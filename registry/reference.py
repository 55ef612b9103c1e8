"""Reference data the product starts with (the migrations hold their own frozen copy)."""

from registry.models import MentoringForm

# The forms of Р-145 and «учитель – ученик» used in schools: who may mentor and be mentored.
MENTORING_FORMS = [
    ("ученик – ученик", ["pupil", "graduate"], ["pupil"]),
    ("учитель – учитель", ["teacher"], ["teacher"]),
    ("студент – ученик", ["student", "graduate"], ["pupil"]),
    ("работодатель – ученик", ["employee"], ["pupil"]),
    ("работодатель – студент", ["employee"], ["student"]),
    ("учитель – ученик", ["teacher"], ["pupil"]),
]


def ensure_mentoring_forms() -> list[MentoringForm]:
    forms = []
    for position, (name, mentors, mentees) in enumerate(MENTORING_FORMS, start=1):
        form, _ = MentoringForm.objects.get_or_create(
            name=name,
            defaults={"mentor_kinds": mentors, "mentee_kinds": mentees, "position": position},
        )
        forms.append(form)
    return forms
