"""Forms list their fields explicitly: a posted field that is not listed is ignored."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from core import dates
from core.models import School
from roadmap.dashboard import SCHOOL_SORTS, STATUS_FILTERS
from roadmap.models import TEXT_MAX, ResponsibleParty, Roadmap, Section

DATE_WIDGET = dates.WIDGET


class RoadmapForm(forms.ModelForm):
    class Meta:
        model = Roadmap
        fields = ["title", "school_year_start", "period_start", "period_end"]
        formfield_callback = dates.formfield_for
        widgets = {
            "title": forms.Textarea(attrs={"rows": 3}),
            "period_start": DATE_WIDGET,
            "period_end": DATE_WIDGET,
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", "Окончание периода раньше его начала.")
        return data


class SectionForm(forms.Form):
    number = forms.CharField(label="Номер", max_length=20)
    title = forms.CharField(
        label="Наименование раздела",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PartyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class MeasureForm(forms.Form):
    number = forms.CharField(label="№ п/п", max_length=20)
    title = forms.CharField(
        label="Наименование мероприятия",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deadline_text = forms.CharField(
        label="Срок реализации",
        max_length=255,
        required=False,
        help_text="Как в документе: «октябрь, ноябрь 2020 года», «в течение всего периода».",
    )
    parties = PartyChoiceField(
        label="Ответственный исполнитель",
        queryset=ResponsibleParty.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    result = forms.CharField(
        label="Результат",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if "version" in self.errors:  # a hidden field: its own error is never shown
            self.add_error(None, "Форма устарела: откройте мероприятие заново и повторите правку.")
        return data


class AmendmentForm(forms.Form):
    date = dates.DateField(label="Дата изменения")
    basis = forms.CharField(
        label="Основание", max_length=255, required=False, help_text="Например: приказ от … № …"
    )
    reason = forms.CharField(label="Причина", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class AddSchoolForm(forms.Form):
    school = forms.ModelChoiceField(label="Образовательная организация", queryset=School.objects)

    def __init__(self, *args, roadmap: Roadmap, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(
            municipality=roadmap.municipality, is_active=True
        ).exclude(participations__roadmap=roadmap)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    text = forms.CharField(
        label="Что сделано", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    completed_on = dates.DateField(label="Дата выполнения")
    files = MultipleFileField(
        label="Подтверждающие документы",
        required=False,
        help_text=(
            f"PDF, DOCX, XLSX, JPG или PNG, не более "
            f"{filesizeformat(settings.EVIDENCE_MAX_BYTES)} каждый."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].initial = timezone.localdate()


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Решение", choices=[("accept", "Принять"), ("return", "Вернуть на доработку")]
    )
    comment = forms.CharField(
        label="Комментарий для куратора",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Напишите, что нужно доработать.")
        return data


class DashboardFilterForm(forms.Form):
    section = forms.ModelChoiceField(
        label="Раздел", queryset=Section.objects, required=False, empty_label="все разделы"
    )
    party = forms.ModelChoiceField(
        label="Ответственный",
        queryset=ResponsibleParty.objects,
        required=False,
        empty_label="все",
    )
    school = forms.ModelChoiceField(
        label="ОО", queryset=School.objects, required=False, empty_label="все организации"
    )
    status = forms.ChoiceField(label="Статус", choices=list(STATUS_FILTERS.items()), required=False)
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
