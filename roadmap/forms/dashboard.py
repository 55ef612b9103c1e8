"""The dashboard's filters, kept in the URL."""

from __future__ import annotations

from django import forms

from core import dates
from core.models import Municipality, School
from core.widgets import LongSelect
from roadmap.dashboard import SCHOOL_SORTS, STATUS_FILTERS, Filters
from roadmap.models import ResponsibleParty, Roadmap, Section


class RoadmapListForm(forms.Form):
    """The roadmap list's filter: a municipality, for those who see more than one."""

    municipality = forms.ModelChoiceField(
        label="Муниципалитет",
        queryset=Municipality.objects.none(),
        required=False,
        empty_label="все муниципалитеты",
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


class DashboardFilterForm(forms.Form):
    section = forms.ModelChoiceField(
        label="Раздел",
        queryset=Section.objects,
        required=False,
        empty_label="все разделы",
        widget=LongSelect,
    )
    party = forms.ModelChoiceField(
        label="Ответственный",
        queryset=ResponsibleParty.objects,
        required=False,
        empty_label="все",
        widget=LongSelect,
    )
    school = forms.ModelChoiceField(
        label="ОО",
        queryset=School.objects,
        required=False,
        empty_label="все организации",
        widget=LongSelect,
    )
    status = forms.ChoiceField(
        label="Статус", choices=list(STATUS_FILTERS.items()), required=False, widget=LongSelect
    )
    as_of = dates.DateField(label="На дату", required=False)
    sort = forms.ChoiceField(
        required=False,
        choices=[(k, k) for name in SCHOOL_SORTS for k in (name, f"-{name}")],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, roadmap: Roadmap, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = roadmap.sections.all()
        self.fields["school"].queryset = School.objects.filter(participations__roadmap=roadmap)
        self.fields["section"].label_from_instance = lambda s: f"{s.number}. {s.title[:60]}"
        self.fields["school"].label_from_instance = lambda s: s.short_name

    def filters(self) -> Filters:
        """What the board shows; a bad value is left out (the page says why)."""
        data = self.cleaned_data if self.is_valid() else {}
        return Filters(
            section_id=data["section"].pk if data.get("section") else None,
            party_id=data["party"].pk if data.get("party") else None,
            school_id=data["school"].pk if data.get("school") else None,
            status=data.get("status") or "",
            as_of=data.get("as_of"),
            school_sort=data.get("sort") or "-overdue",
        )
