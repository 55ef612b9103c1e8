"""List filters (django-filter); the choices offered are already scoped to the user."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.models import School
from core.widgets import LongSelect
from registry.models import (
    MENTEE_KINDS,
    Consent,
    Mentee,
    Mentor,
    MentoringForm,
    Pair,
    PersonKind,
    Programme,
    search_key,
)


def _minus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def valid_consent_exists(day: dt.date):
    return Exists(
        Consent.objects.filter(mentee=OuterRef("pk"), given_on__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
    )


class ListFilter(django_filters.FilterSet):
    """A registry list's filters, their selects written in one pass (core.widgets.LongSelect,
    the markup of Django's own): every list page renders them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for found in self.filters.values():
            one = django_filters.ChoiceFilter | django_filters.ModelChoiceFilter
            csv = django_filters.filters.BaseCSVFilter  # the ordering: Django's select
            if isinstance(found, one) and not isinstance(found, csv):
                found.extra.setdefault("widget", LongSelect)


class PersonFilter(ListFilter):
    q = django_filters.CharFilter(method="search", label="ФИО (начало)")

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "school" in self.filters:
            if schools is None:
                del self.filters["school"]
            else:
                self.filters["school"].queryset = schools

    def search(self, queryset, name, value):
        key = search_key(value)
        return queryset.filter(search_name__startswith=key) if key else queryset


class MenteeFilter(PersonFilter):
    school = django_filters.ModelChoiceFilter(
        queryset=School.objects.none(), label="ОО", empty_label="все"
    )
    kind = django_filters.ChoiceFilter(
        choices=[(k.value, k.label) for k in MENTEE_KINDS], label="Кто", empty_label="все"
    )
    class_name = django_filters.CharFilter(lookup_expr="iexact", label="Класс")
    consent = django_filters.ChoiceFilter(
        method="by_consent",
        label="Согласие",
        empty_label="все",
        choices=[
            ("missing", "несовершеннолетние без согласия"),
            ("valid", "согласие действует"),
        ],
    )
    o = django_filters.OrderingFilter(
        fields=(
            ("search_name", "name"),
            ("birth_date", "birth"),
            ("school__short_name", "school"),
            ("class_name", "class"),
        ),
        # Keyed by the model's field, not the parameter's name (django-filter's rule).
        field_labels={
            "search_name": "ФИО",
            "birth_date": "дата рождения",
            "school__short_name": "ОО",
            "class_name": "класс",
        },
        label="Сортировка",
        empty_label="как в реестре",
    )

    class Meta:
        model = Mentee
        fields = ["q", "school", "kind", "class_name", "consent"]

    def by_consent(self, queryset, name, value):
        today = timezone.localdate()
        with_consent = queryset.annotate(has_consent=valid_consent_exists(today))
        if value == "missing":
            return with_consent.filter(birth_date__gt=_minus_years(today, 18), has_consent=False)
        if value == "valid":
            return with_consent.filter(has_consent=True)
        return queryset


class MentorFilter(PersonFilter):
    school = django_filters.ModelChoiceFilter(
        field_name="schools", queryset=School.objects.none(), label="ОО", empty_label="все"
    )
    kind = django_filters.ChoiceFilter(choices=PersonKind.choices, label="Кто", empty_label="все")
    o = django_filters.OrderingFilter(
        fields=(("search_name", "name"), ("birth_date", "birth"), ("kind", "kind")),
        field_labels={"search_name": "ФИО", "birth_date": "дата рождения", "kind": "кто"},
        label="Сортировка",
        empty_label="как в реестре",
    )

    class Meta:
        model = Mentor
        fields = ["q", "school", "kind"]


class ProgrammeFilter(ListFilter):
    school = django_filters.ModelChoiceFilter(
        queryset=School.objects.none(), label="ОО", empty_label="все"
    )
    form = django_filters.ModelChoiceFilter(
        queryset=MentoringForm.objects.all(), label="Форма", empty_label="все"
    )
    review_status = django_filters.ChoiceFilter(
        choices=Programme.Review.choices, label="Экспертиза", empty_label="все"
    )
    title = django_filters.CharFilter(lookup_expr="icontains", label="Наименование")

    class Meta:
        model = Programme
        fields = ["school", "form", "review_status", "title"]

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is None:
            del self.filters["school"]
        else:
            self.filters["school"].queryset = schools


class PairFilter(ListFilter):
    school = django_filters.ModelChoiceFilter(
        field_name="programme__school",
        queryset=School.objects.none(),
        label="ОО",
        empty_label="все",
    )
    form = django_filters.ModelChoiceFilter(
        field_name="programme__form",
        queryset=MentoringForm.objects.all(),
        label="Форма",
        empty_label="все",
    )
    status = django_filters.ChoiceFilter(
        choices=Pair.Status.choices, label="Статус", empty_label="все"
    )

    class Meta:
        model = Pair
        fields = ["school", "form", "status"]

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is None:
            del self.filters["school"]
        else:
            self.filters["school"].queryset = schools
