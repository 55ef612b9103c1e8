"""The template's sheets: one per active questionnaire, titled as Excel allows, with the
questions as columns next to the form, the moment and the number of respondents."""

from __future__ import annotations

from dataclasses import dataclass

from core.xlsx.spec import (
    SPACES,
    Column,
    header_key,
)
from core.xlsx.writer import (
    INSTRUCTION_SHEET,
    LISTS_SHEET,
    SHEET_TITLE_MAX,
    clean_sheet_title,
)
from monitoring.models import Moment, Question, Questionnaire, SchoolReport, Stage
from registry.models import MentoringForm

MAX_BYTES = 10 * 1024 * 1024


MAX_ROWS = 500  # data rows per sheet; a school has a handful of forms × two moments


MAX_SHEETS = 100


RESPONDENTS_MAX = 100_000


COLUMN_SHOWN = 40  # characters of a column header quoted in an error message


FORM_HEADER = "Форма наставничества"


MOMENT_HEADER = "Замер"


RESPONDENTS_HEADER = "Число ответивших"


MOMENT_LABELS = {Moment.START: "в начале", Moment.END: "в конце"}


STAGE_LABELS = {Stage.QUALITY: "I", Stage.MOTIVATION: "II"}


_TITLE_TAIL = " .,;:-–—'"


_RESERVED_TITLES = (INSTRUCTION_SHEET, LISTS_SHEET, "History")


def title_key(title: str) -> str:
    """A sheet's title as sheets are told apart: case, «ё» and runs of spaces aside."""
    return header_key(title)


def _base_title(questionnaire: Questionnaire) -> str:
    """The questionnaire's title as Excel allows a sheet's: no \\ / ? * [ ] :, ≤ 31 chars,
    cut at a word if it is long («Этап I. Анкета наставляемого: …» → «Этап I. Анкета
    наставляемого»)."""
    text = clean_sheet_title(questionnaire.title)
    text = SPACES.sub(" ", text).strip(_TITLE_TAIL)
    if len(text) > SHEET_TITLE_MAX:
        cut = text[: SHEET_TITLE_MAX + 1].rsplit(" ", 1)[0].rstrip(_TITLE_TAIL)
        text = cut if len(cut) >= 12 else text[:SHEET_TITLE_MAX].rstrip(_TITLE_TAIL)
    return text or f"Анкета {questionnaire.pk}"


def sheet_titles(questionnaires) -> dict[int, str]:
    """Questionnaire id -> its sheet's title: Excel-safe, ≤ 31 characters, unique regardless
    of case, never the instruction's or the lists' title. Deterministic for the same list."""
    used = {title_key(title) for title in _RESERVED_TITLES}
    titles: dict[int, str] = {}
    for questionnaire in questionnaires:
        base = title = _base_title(questionnaire)
        number = 2
        while title_key(title) in used:
            suffix = f" ({number})"
            title = base[: SHEET_TITLE_MAX - len(suffix)].rstrip(_TITLE_TAIL) + suffix
            number += 1
        used.add(title_key(title))
        titles[questionnaire.pk] = title
    return titles


def question_headers(questions) -> list[str]:
    """«1. Текст вопроса» — numbered by the questions' positions, or in order if they clash."""
    numbers = [q.position for q in questions]
    if len(set(numbers)) != len(numbers) or any(n < 1 for n in numbers):
        numbers = list(range(1, len(questions) + 1))
    return [f"{n}. {' '.join(q.text.split())}" for n, q in zip(numbers, questions, strict=True)]


@dataclass(frozen=True)
class QuestionnaireSheet:
    questionnaire: Questionnaire
    title: str
    questions: tuple[Question, ...]
    headers: tuple[str, ...]  # one per question

    @property
    def has_moments(self) -> bool:
        return self.questionnaire.stage == Stage.MOTIVATION


def sheets_of(report: SchoolReport) -> list[QuestionnaireSheet]:
    questionnaires = list(
        Questionnaire.objects.filter(
            municipality_id=report.period.municipality_id, is_active=True
        ).prefetch_related("questions")
    )
    titles = sheet_titles(questionnaires)
    sheets = []
    for questionnaire in questionnaires:
        questions = tuple(questionnaire.questions.all())
        sheets.append(
            QuestionnaireSheet(
                questionnaire,
                titles[questionnaire.pk],
                questions,
                tuple(question_headers(questions)),
            )
        )
    return sheets


def forms_of(report: SchoolReport) -> dict[str, MentoringForm]:
    """Name -> form: the active forms, and any form the report already has answers for."""
    forms = {f.name: f for f in MentoringForm.objects.filter(is_active=True)}
    used = MentoringForm.objects.filter(pk__in=report.answer_sets.values("form_id"))
    for form in used.order_by("position", "name"):
        forms.setdefault(form.name, form)
    return forms


def fixed_columns(forms: dict[str, MentoringForm]) -> tuple[Column, Column, Column]:
    form = Column(
        "form",
        FORM_HEADER,
        kind="choice",
        choices=tuple(forms) or ("—",),
        required=True,
        width=26,
    )
    moment = Column(
        "moment", MOMENT_HEADER, kind="choice", choices=tuple(MOMENT_LABELS.values()), width=12
    )
    respondents = Column(
        "respondents",
        RESPONDENTS_HEADER,
        kind="int",
        required=True,
        min_value=1,
        max_value=RESPONDENTS_MAX,
        width=13,
    )
    return form, moment, respondents
