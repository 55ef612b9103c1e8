"""The questionnaires of the Р-145 monitoring, as a department starts with them; staff edit them.

Stage 1 (the quality of a programme's implementation) is answered once, by mentors and by
mentees; stage 2 (motivation and personal growth) is answered at the start and at the end of a
programme, so the change can be seen. Answers are on a scale from 1 to 10.
"""

from __future__ import annotations

from django.db import transaction

from monitoring.models import Question, Questionnaire, Respondent, Stage

DEFAULT_QUESTIONNAIRES = (
    (
        Stage.QUALITY,
        Respondent.MENTEE,
        "Этап I. Анкета наставляемого: качество реализации программы",
        (
            "Эффективность программы наставничества",
            "Насколько комфортно было общение с наставником",
            "Насколько наставник помог в решении ваших задач",
            "Насколько полезными и интересными были групповые встречи",
            "Насколько полезными и интересными были личные встречи",
            "Насколько удалось спланировать совместную работу",
            "Насколько удалось выполнить намеченный план",
            "Насколько понятно было, что от вас ждёт наставник",
            "Насколько оправдались ваши ожидания от программы",
        ),
    ),
    (
        Stage.QUALITY,
        Respondent.MENTOR,
        "Этап I. Анкета наставника: качество реализации программы",
        (
            "Эффективность программы наставничества",
            "Насколько комфортно было общение с наставляемым",
            "Насколько удалось применить свои навыки наставника",
            "Насколько полезными были групповые встречи",
            "Насколько полезными были личные встречи",
            "Насколько понятно было, что от вас ждёт куратор программы",
            "Насколько достаточной была организационная поддержка программы",
            "Насколько вы довольны совместной работой",
        ),
    ),
    (
        Stage.MOTIVATION,
        Respondent.MENTEE,
        "Этап II. Анкета наставляемого: мотивация и личностный рост",
        (
            "Мотивация к учёбе и саморазвитию",
            "Уверенность в своих силах",
            "Желание участвовать в конкурсах, проектах, олимпиадах",
            "Интерес к будущей профессии",
            "Ощущение поддержки со стороны наставника и школы",
            "Умение ставить цели и добиваться их",
        ),
    ),
    (
        Stage.MOTIVATION,
        Respondent.MENTOR,
        "Этап II. Анкета наставника: мотивация и профессиональный рост",
        (
            "Удовлетворённость своей профессиональной деятельностью",
            "Мотивация к профессиональному росту",
            "Уверенность в своих навыках наставника",
            "Желание продолжать наставническую деятельность",
            "Вовлечённость в жизнь образовательной организации",
        ),
    ),
)


@transaction.atomic
def ensure_questionnaires(municipality) -> list[Questionnaire]:
    """The municipality's questionnaires; the default set is created the first time only."""
    existing = list(Questionnaire.objects.filter(municipality=municipality))
    if existing:
        return existing
    created = []
    for position, (stage, respondent, title, questions) in enumerate(DEFAULT_QUESTIONNAIRES):
        questionnaire = Questionnaire.objects.create(
            municipality=municipality,
            stage=stage,
            respondent=respondent,
            title=title,
            position=position,
        )
        Question.objects.bulk_create(
            Question(questionnaire=questionnaire, position=n, text=text)
            for n, text in enumerate(questions, start=1)
        )
        created.append(questionnaire)
    return created
