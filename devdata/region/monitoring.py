"""The monitoring of the region: targets of the indicators, the two half-years of the story's
school year as monitoring periods, and each school's report in every state (draft, submitted,
returned, accepted, none) with the steps the services record, the questionnaires' averaged
answers and a SWOT analysis.

A submitted report's figures are frozen by ``monitoring.services.frozen_figures`` — the
function the services use when a curator submits — from the figures computed for all the
municipality's schools at once, so the generated snapshots cannot differ from the product's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection

from core.models import School
from devdata.region.bulk import Copy, Ids
from devdata.region.context import Script
from monitoring import indicators
from monitoring.models import (
    Answer,
    AnswerSet,
    IndicatorCode,
    Question,
    Questionnaire,
    ReportEvent,
    SchoolReport,
    Stage,
    Swot,
    Target,
)
from monitoring.reference import ensure_questionnaires
from monitoring.services import frozen_figures, save_period
from registry.models import Programme

MONITORING_RETURNS = (
    "Не заполнен SWOT-анализ программы; уточните число ответивших.",
    "Число ответивших больше числа участников пар: проверьте анкеты.",
)
SWOT = (
    "Опытные педагоги-наставники; поддержка администрации.",
    "Мало времени на встречи пар.",
    "Партнёрство с колледжем и предприятиями района.",
    "Перегрузка наставников.",
)
TARGETS = (  # indicator, year, value (mentors: per school)
    (IndicatorCode.PUPILS_10_PLUS, 2021, 10),
    (IndicatorCode.PUPILS_10_PLUS, 2022, 30),
    (IndicatorCode.PUPILS_10_PLUS, 2024, 70),
    (IndicatorCode.YOUNG_TEACHERS, 2024, 70),
    (IndicatorCode.APPROVED_PROGRAMME, 2021, 100),
    (IndicatorCode.MEASURES_ON_TIME, 2021, 90),
    (IndicatorCode.MENTORS, 2021, 25),
)
TARGET_NOTE = "Распоряжение Минпросвещения России от 25.12.2019 № Р-145"


class Monitoring(Script):
    def periods_and_reports(self) -> None:
        """Per municipality: its questionnaires and targets, the two periods, and the
        schools' reports on the figures of each period's last day."""
        form_names = {f.pk: f.name for f in self.region.forms.values()}
        y = self.year
        half = f"{y}/{(y + 1) % 100:02d}"
        periods = (  # title, start, end, reports due, states of the schools' reports
            (
                f"I полугодие {half}",
                dt.date(y, 9, 1),
                dt.date(y + 1, 1, 31),
                dt.date(y + 1, 2, 10),
                {"accepted": 85, "submitted": 5, "returned": 4, "draft": 3, "none": 3},
            ),
            (
                f"II полугодие {half}",
                dt.date(y + 1, 2, 1),
                dt.date(y + 1, 5, 31),
                dt.date(y + 1, 6, 10),
                {"accepted": 75, "submitted": 10, "returned": 5, "draft": 5, "none": 5},
            ),
        )
        with connection.cursor() as cursor:
            self.report_ids = Ids(cursor, SchoolReport, 1000)
            self.set_ids = Ids(cursor, AnswerSet, 5000)
            self.out = {
                "report": Copy(SchoolReport),
                "event": Copy(ReportEvent, with_pk=False),
                "set": Copy(AnswerSet),
                "answer": Copy(Answer, with_pk=False),
                "swot": Copy(Swot, with_pk=False),
            }
            targets = []
            for muni in self.munis:
                rng = self.rng("monitoring", muni.number)
                ensure_questionnaires(muni.obj)
                questionnaires = list(
                    Questionnaire.objects.filter(municipality_id=muni.pk).order_by(
                        "stage", "position", "pk"
                    )
                )
                questions: dict[int, list[int]] = {}
                for questionnaire_id, pk in (
                    Question.objects.filter(questionnaire__in=questionnaires)
                    .order_by("position", "pk")
                    .values_list("questionnaire_id", "pk")
                ):
                    questions.setdefault(questionnaire_id, []).append(pk)
                for indicator, year, value in TARGETS:
                    if indicator == IndicatorCode.MENTORS:
                        value *= len(muni.schools)
                    targets.append(
                        Target(
                            municipality_id=muni.pk,
                            indicator=indicator,
                            year=year,
                            value=Decimal(value),
                            note=TARGET_NOTE,
                        )
                    )
                schools = list(School.objects.filter(municipality_id=muni.pk).order_by("pk"))
                swot_programmes = dict(
                    Programme.objects.filter(school__in=schools, form=self.region.forms["tp"])
                    .order_by("pk")
                    .values_list("school_id", "pk")
                )
                for title, starts_on, ends_on, due, states in periods:
                    period = save_period(
                        municipality=muni.obj,
                        title=title,
                        starts_on=starts_on,
                        ends_on=ends_on,
                        report_due_on=due,
                    )
                    figures = indicators.compute(schools, ends_on, form_names=form_names)
                    moments = ["start", "end"] if starts_on.month < 9 else ["start"]
                    for school in muni.schools:
                        state = rng.choices(list(states), weights=list(states.values()))[0]
                        if state == "none":
                            continue
                        pk = self.school_report(rng, muni, school, period, due, state, figures)
                        self.answers(
                            rng,
                            pk,
                            figures.by_school_form[school.pk],
                            questionnaires,
                            questions,
                            moments,
                        )
                        programme = swot_programmes.get(school.pk)
                        if programme is not None and state != "draft":
                            self.out["swot"].add(
                                report_id=pk,
                                programme_id=programme,
                                **dict(
                                    zip(
                                        ("strengths", "weaknesses", "opportunities", "threats"),
                                        SWOT,
                                        strict=True,
                                    )
                                ),
                            )
            Target.objects.bulk_create(targets)
            for copy in self.out.values():
                copy.flush(cursor)

    def school_report(self, rng, muni, school, period, due, state, figures) -> int:
        """A school's report in ``state``, with the steps services.submit_report and
        review_report would have recorded, and the figures frozen as of the period's end."""
        pk = self.report_ids.next()
        curator, staff = school.curator, muni.staff
        row = {
            "id": pk,
            "period_id": period.pk,
            "school_id": school.pk,
            "status": state,
            "figures": None,
            "submitted_at": None,
            "submitted_by_id": None,
            "reviewed_at": None,
            "reviewed_by_id": None,
            "review_comment": "",
            "version": 1,
        }
        if state != "draft":
            submitted = self.at(due - dt.timedelta(days=rng.randint(-2, 9)), rng)
            trail = []
            if state == "accepted" and rng.random() < 0.1:
                back = self.at(submitted.date() + dt.timedelta(days=rng.randint(1, 4)), rng)
                trail += [
                    ("submitted", curator, submitted, ""),
                    ("returned", staff, back, rng.choice(MONITORING_RETURNS)),
                ]
                submitted = self.at(back.date() + dt.timedelta(days=rng.randint(1, 5)), rng)
            trail.append(("submitted", curator, submitted, ""))
            if state in ("accepted", "returned"):
                reviewed = self.at(submitted.date() + dt.timedelta(days=rng.randint(1, 6)), rng)
                comment = rng.choice(MONITORING_RETURNS) if state == "returned" else ""
                trail.append((state, staff, reviewed, comment))
                row.update(reviewed_at=reviewed, reviewed_by_id=staff.pk, review_comment=comment)
            row.update(
                figures=frozen_figures(figures, school.pk, at=submitted),
                submitted_at=submitted,
                submitted_by_id=curator.pk,
                version=1 + len(trail),
            )
            for action, user, at, comment in trail:
                self.out["event"].add(
                    report_id=pk, action=action, user_id=user.pk, at=at, comment=comment
                )
        self.out["report"].add(**row)
        return pk

    def answers(self, rng, report_id, by_form, questionnaires, questions, moments) -> None:
        """Averaged answers of the main form's mentors and mentees, as the demo has them."""
        counted = next((f for f in by_form if f.form_id == self.region.forms["tp"].pk), None)
        if counted is None or counted.pairs == 0:
            return
        for questionnaire in questionnaires:
            people = counted.mentees if questionnaire.respondent == "mentee" else counted.mentors
            for moment in moments if questionnaire.stage == Stage.MOTIVATION else [""]:
                base = {"": 7.0, "start": 5.5, "end": 7.0}[moment]
                set_pk = self.set_ids.next()
                self.out["set"].add(
                    id=set_pk,
                    report_id=report_id,
                    questionnaire_id=questionnaire.pk,
                    form_id=self.region.forms["tp"].pk,
                    moment=moment,
                    respondents=max(1, round(people * rng.uniform(0.6, 0.95))),
                )
                for question in questions.get(questionnaire.pk, []):
                    value = min(10.0, base + rng.random() * 2.8)
                    self.out["answer"].add(
                        answer_set_id=set_pk, question_id=question, average=f"{value:.2f}"
                    )
