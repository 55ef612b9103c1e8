"""Reads of the monitoring, scoped to what the user may see: a curator sees their own school."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.models import Municipality, School
from core.permissions import can_see_personal_data, is_curator
from core.selectors import municipalities_for, school_of, schools_for, sees_every_municipality
from monitoring import indicators, summary
from monitoring.models import (
    AnswerSet,
    IndicatorCode,
    Period,
    Question,
    Questionnaire,
    SchoolReport,
    Swot,
    Target,
)
from registry.models import Mentee, Mentor, MentoringForm, Pair, PairMentee, Programme
from registry.selectors import programmes_for
from roadmap.models import Execution


def monitored_schools(user) -> QuerySet[School]:
    """The schools whose figures the user sees: active ones, the curator's own only."""
    return (
        schools_for(user)
        .filter(is_active=True)
        .select_related("municipality")
        .order_by("short_name")
    )


class Scope:
    """The day and the schools a monitoring page shows, as its URL chose them. The schools are
    read when first asked for: the region's dashboard sums them by municipality instead."""

    def __init__(self, *, day, schools, school, municipalities, municipality_id):
        self.day: dt.date = day
        self._schools = schools  # a queryset, or the list already read
        self.school: School | None = school  # the one school chosen; a curator's own always
        # To choose from, when the user sees more than one; by name.
        self.municipalities: list[Municipality] = municipalities
        self.municipality_id: int | None = municipality_id  # the chosen one

    @cached_property
    def schools(self) -> list[School]:
        """The chosen municipality's active schools, or all the user's."""
        return list(self._schools)

    @property
    def shown(self) -> list[School]:
        return [self.school] if self.school else self.schools

    @property
    def is_regional(self) -> bool:
        """All the schools of several municipalities: the region's dashboard."""
        return self.school is None and not self.municipality_id and len(self.municipalities) > 1


def monitoring_scope(
    user, *, day: dt.date | None = None, school_id=None, municipality_id=None
) -> Scope:
    """The user's schools narrowed to the municipality and school asked for; one the user may
    not see is a 404. The day is today unless given."""
    schools = monitored_schools(user)
    if sees_every_municipality(user):
        municipalities = sorted(
            Municipality.objects.filter(pk__in=schools.values("municipality_id")),
            key=lambda m: m.name,
        )
    else:  # one municipality's schools, or a curator's one school
        schools = list(schools)
        municipalities = sorted({s.municipality for s in schools}, key=lambda m: m.name)
    if municipality_id:
        if isinstance(schools, QuerySet):  # read only the chosen municipality's schools
            schools = schools.filter(municipality_id=municipality_id)
        schools = [s for s in schools if s.municipality_id == municipality_id]
        if not schools:
            raise Http404("Нет такого муниципалитета среди доступных вам.")
    school = None
    if school_id:
        chosen = schools.filter(pk=school_id) if isinstance(schools, QuerySet) else schools
        school = next((s for s in chosen if s.pk == school_id), None)
        if school is None:
            raise Http404("Нет такой ОО среди доступных вам.")
    if is_curator(user):
        school = next(iter(schools), None)  # their own, the only one
    return Scope(
        day=day or timezone.localdate(),
        schools=schools,
        school=school,
        municipalities=municipalities if len(municipalities) > 1 else [],
        municipality_id=municipality_id,
    )


def compared_municipalities(user) -> list[Municipality]:
    """The municipalities of the regional summary, by name."""
    return list(municipalities_for(user).order_by("name"))


def mentoring_form(pk: int) -> MentoringForm:
    return get_object_or_404(MentoringForm, pk=pk)


def periods_for(user) -> QuerySet[Period]:
    return Period.objects.filter(municipality__in=municipalities_for(user))


def period_for(user, pk: int) -> Period:
    return get_object_or_404(periods_for(user).select_related("municipality"), pk=pk)


def reports_for(user) -> QuerySet[SchoolReport]:
    queryset = SchoolReport.objects.select_related("period", "school")
    if is_curator(user):
        school = school_of(user)
        return queryset.filter(school=school) if school else queryset.none()
    return queryset.filter(period__municipality__in=municipalities_for(user))


def report_for(user, pk: int) -> SchoolReport:
    return get_object_or_404(reports_for(user), pk=pk)


def periods_with_own_reports(user) -> list[tuple[Period, SchoolReport | None]]:
    """The periods, newest first, each with the curator's school's report (None for the
    department, and where the school has not started one)."""
    periods = periods_for(user).order_by("-ends_on", "-id")
    own = {r.period_id: r for r in reports_for(user)} if is_curator(user) else {}
    return [(period, own.get(period.pk)) for period in periods]


def own_report(user, period: Period) -> SchoolReport | None:
    """The curator's school's report for the period, if it was started."""
    return reports_for(user).filter(period=period).first()


def report_data(report: SchoolReport, user) -> dict:
    """A school's report page: its figures (frozen when submitted, else counted now), the
    questionnaires with their answer sets, the programmes with their SWOT analyses, the
    events. The SWOT texts, the department's comments and who did what are read only by
    those who may see personal data; the regional coordinator reads figures and statuses."""
    if report.figures and not report.is_editable:
        frozen = True
        figures = summary.figures_of(report)
        by_form = report.figures.get("by_form", [])
    else:
        frozen = False
        computed = indicators.compute([report.school], report.period.ends_on)
        figures = computed.by_school[report.school.pk]
        by_form = [f.__dict__ for f in computed.by_school_form[report.school.pk]]
    questionnaires = list(
        Questionnaire.objects.filter(
            municipality_id=report.period.municipality_id, is_active=True
        ).prefetch_related("questions")
    )
    answer_sets = list(
        report.answer_sets.select_related("questionnaire", "form").prefetch_related(
            "answers__question"
        )
    )
    personal = can_see_personal_data(user)
    swots = {s.programme_id: s for s in report.swots.all()} if personal else {}
    programmes = list(programmes_for(user).filter(school=report.school))
    events = (
        report.events.select_related("user")
        if personal
        else report.events.only("id", "report_id", "at", "action")
    )
    return {
        "report": report,
        "frozen": frozen,
        "figures": [figures[code] for code in indicators.ORDER if code in figures],
        "by_form": by_form,
        "questionnaires": [
            (q, [s for s in answer_sets if s.questionnaire_id == q.pk]) for q in questionnaires
        ],
        "programmes": [(p, swots.get(p.pk)) for p in programmes],
        "events": events,
    }


def swot_of(report: SchoolReport, programme: Programme) -> Swot | None:
    return Swot.objects.filter(report=report, programme=programme).first()


def answer_set_in(report: SchoolReport, pk: int) -> AnswerSet:
    """One of the report's answer sets, with its answers: another report's is a 404."""
    return get_object_or_404(report.answer_sets.prefetch_related("answers"), pk=pk)


def answer_set_for(user, pk: int) -> AnswerSet:
    return get_object_or_404(
        AnswerSet.objects.select_related("report"), pk=pk, report__in=reports_for(user)
    )


def questionnaires_for(user) -> QuerySet[Questionnaire]:
    return Questionnaire.objects.filter(municipality__in=municipalities_for(user))


def questionnaire_for(user, pk: int) -> Questionnaire:
    return get_object_or_404(questionnaires_for(user), pk=pk)


def questionnaires_with_questions(user) -> QuerySet[Questionnaire]:
    return questionnaires_for(user).prefetch_related("questions")


def questionnaire_with_questions(user, pk: int) -> Questionnaire:
    return get_object_or_404(questionnaires_with_questions(user), pk=pk)


def question_for(user, pk: int) -> Question:
    return get_object_or_404(
        Question.objects.select_related("questionnaire"),
        pk=pk,
        questionnaire__in=questionnaires_for(user),
    )


def targets_for(user) -> QuerySet[Target]:
    """The municipality's targets, by figure and year."""
    return Target.objects.filter(municipality__in=municipalities_for(user)).order_by(
        "indicator", "year"
    )


def target_for(user, pk: int) -> Target:
    return get_object_or_404(targets_for(user), pk=pk)


# --- the records behind a figure ---------------------------------------------------------------


def _pairs_on(day: dt.date) -> Q:
    return (
        Q(starts_on__lte=day)
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        & Q(status__in=indicators.PAIR_COUNTED)
    )


def _memberships_on(day: dt.date, schools, form_id: int | None) -> QuerySet[PairMentee]:
    memberships = PairMentee.objects.filter(
        pair__in=Pair.objects.filter(_pairs_on(day), programme__school__in=schools)
    )
    if form_id:
        memberships = memberships.filter(form_id=form_id)
    return memberships


def records(
    code: str, *, schools, day: dt.date, form_id: int | None = None, personal: bool = True
) -> QuerySet:
    """The records counted in a figure's numerator (and, for shares, the ones due). Without
    ``personal`` a programme's expert and conclusion are not read."""
    if code == IndicatorCode.PAIRS:
        pairs = Pair.objects.filter(_pairs_on(day), programme__school__in=schools)
        if form_id:
            pairs = pairs.filter(programme__form_id=form_id)
        return pairs.select_related("mentor", "programme__school", "programme__form").order_by(
            "programme__school__short_name", "-starts_on", "id"
        )
    if code == IndicatorCode.MENTORS:
        mentor_ids = Pair.objects.filter(_pairs_on(day), programme__school__in=schools)
        if form_id:
            mentor_ids = mentor_ids.filter(programme__form_id=form_id)
        return Mentor.objects.filter(pk__in=mentor_ids.values("mentor_id")).select_related(
            "partner"
        )
    if code in (IndicatorCode.MENTEES, IndicatorCode.PUPILS_10_PLUS, IndicatorCode.YOUNG_TEACHERS):
        mentees = Mentee.objects.filter(
            pk__in=_memberships_on(day, schools, form_id).values("mentee_id")
        ).select_related("school")
        if code in (IndicatorCode.PUPILS_10_PLUS, IndicatorCode.YOUNG_TEACHERS):
            # As in the share: only the schools that gave their counts for the year.
            mentees = mentees.filter(
                school__year_stats__school_year_start=indicators.school_year_of(day)
            )
        if code == IndicatorCode.PUPILS_10_PLUS:
            mentees = mentees.filter(kind="pupil", birth_date__lte=indicators.years_before(day, 10))
        elif code == IndicatorCode.YOUNG_TEACHERS:
            mentees = mentees.filter(
                kind="teacher",
                birth_date__gt=indicators.years_before(day, 35),
                experience_years__lte=3,
            )
        return mentees.order_by("school__short_name", "last_name", "first_name", "id")
    if code == IndicatorCode.APPROVED_PROGRAMME:
        programmes = (
            Programme.objects.filter(
                Q(reviewed_on__isnull=True) | Q(reviewed_on__lte=day),
                school__in=schools,
                review_status=Programme.Review.APPROVED,
            )
            .select_related("school", "form")
            .order_by("school__short_name", "title")
        )
        return programmes if personal else programmes.defer("reviewer", "review_conclusion")
    if code == IndicatorCode.MEASURES_ON_TIME:
        schools = list(schools)
        roadmaps = indicators.roadmaps_in_force({s.municipality_id for s in schools}, day)
        return (
            Execution.objects.filter(
                measure__section__roadmap_id__in=roadmaps,
                measure__due_on__lte=day,
                school__in=schools,
            )
            .exclude(measure__deadline_kind__in=indicators.UNDATED_KINDS)
            .annotate(
                on_time=Case(
                    When(status="accepted", completed_on__lte=F("measure__due_on"), then=True),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .select_related("measure", "school")
            .order_by("on_time", "measure__number_key", "school__short_name")
        )
    raise ValueError(code)
