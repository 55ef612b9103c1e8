"""Reference data the product starts with (the migrations hold their own frozen copy)."""

from registry.models import MenteeRequest, MentoringForm

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


# The usual requests a mentee comes with; each municipality gets its own editable copy.
USUAL_MENTEE_REQUESTS = [
    "адаптация в коллективе",
    "адаптация в новой школе (классе)",
    "повышение успеваемости",
    "подготовка к олимпиаде",
    "подготовка к ОГЭ/ЕГЭ",
    "проектная и исследовательская деятельность",
    "профориентация",
    "развитие лидерских качеств",
    "развитие творческих способностей",
    "молодой специалист: вхождение в профессию",
]


def ensure_mentee_requests(municipality) -> list[MenteeRequest]:
    """The usual requests in the municipality's list (those already there are left as they
    are, switched off or not)."""
    have = {r.name.casefold(): r for r in MenteeRequest.objects.filter(municipality=municipality)}
    for position, name in enumerate(USUAL_MENTEE_REQUESTS, start=1):
        if name.casefold() not in have:
            have[name.casefold()] = MenteeRequest.objects.create(
                municipality=municipality, name=name, position=position
            )
    return list(MenteeRequest.objects.filter(municipality=municipality))
