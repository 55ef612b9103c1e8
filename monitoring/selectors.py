"""Reads of the monitoring, scoped to what the user may see: a curator sees their own school."""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from core.models import School
from core.permissions import is_curator
from core.selectors import municipalities_for, school_of, schools_for
from monitoring import indicators
from monitoring.models import IndicatorCode, Period, Questionnaire, SchoolReport, Target
from registry.models import Mentee, Mentor, Pair, PairMentee, Programme
from roadmap.models import Execution


def monitored_schools(user) -> QuerySet[School]:
    """The schools whose figures the user sees: active ones, the curator's own only."""
    return (
        schools_for(user)
        .filter(is_active=True)
        .select_related("municipality")
        .order_by("short_name")
    )


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


def questionnaires_for(user) -> QuerySet[Questionnaire]:
    return Questionnaire.objects.filter(municipality__in=municipalities_for(user))


def questionnaire_for(user, pk: int) -> Questionnaire:
    return get_object_or_404(questionnaires_for(user), pk=pk)


def targets_for(user) -> QuerySet[Target]:
    return Target.objects.filter(municipality__in=municipalities_for(user))


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
