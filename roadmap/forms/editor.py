"""The editor's forms: the roadmap's details, a section, a measure, an amendment, a school
that joins."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from core import dates, evidence
from core.models import School
from roadmap.models import TEXT_MAX, Measure, ResponsibleParty, Roadmap

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
        error_messages={
            "required": "Ответственный исполнитель: выберите хотя бы одного — мероприятие "
            "без него некому исполнять."
        },
    )
    result = forms.CharField(
        label="Результат",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(measure: Measure) -> dict:
        """The form's values for a measure being edited, with the version it was opened at."""
        return {
            "number": measure.number,
            "title": measure.title,
            "deadline_text": measure.deadline_text,
            "parties": [r.party_id for r in measure.responsibilities.all()],
            "result": measure.result,
            "version": measure.version,
        }

    @classmethod
    def over_newer(cls, newer: Measure, posted) -> MeasureForm:
        """After an edit conflict: what this user typed, kept, at the newer version, so that
        the next save applies it over that version."""
        data = {**posted.dict(), "version": newer.version, "parties": posted.getlist("parties")}
        form = cls(data)
        form.is_valid()
        return form

    def wording(self) -> dict:
        """The measure's fields as the services take them."""
        data = self.cleaned_data
        return {
            "number": data["number"],
            "title": data["title"],
            "deadline_text": data["deadline_text"],
            "result": data["result"],
            "parties": list(data["parties"]),
        }

    def clean(self):
        data = super().clean()
        if "version" in self.errors:  # a hidden field: its own error is never shown
            self.add_error(None, "Форма устарела: откройте мероприятие заново и повторите правку.")
        return data


class AmendmentOrderForm(forms.Form):
    """The amending order's requisites: both, or neither while it is not signed yet."""

    order_date = dates.DateField(label="Дата приказа о внесении изменений", required=False)
    order_number = forms.CharField(
        label="Номер приказа", max_length=50, required=False, help_text="Например: 45 или 45/1"
    )


class AmendmentForm(AmendmentOrderForm):
    date = dates.DateField(label="Дата изменения")
    basis = forms.CharField(
        label="Основание", max_length=255, required=False, help_text="Например: приказ от … № …"
    )
    reason = forms.CharField(label="Причина", widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["date", "basis", "reason", "order_date", "order_number"]

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


class BindingForm(forms.Form):
    """A measure's evidence from the system: which figure, and «не менее N»."""

    kind = forms.ChoiceField(label="Показатель из системы", required=False)
    threshold = forms.IntegerField(label="Не менее", min_value=0, max_value=100_000, initial=1)
    require_update = forms.BooleanField(
        label="База обновлена в этом учебном году",
        required=False,
        help_text="Для баз наставников и наставляемых: запись добавлена или изменена с 1 сентября.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        none = ("", "— без подтверждения из системы —")
        self.fields["kind"].choices = [none, *evidence.choices()]

    @staticmethod
    def initial_for(binding) -> dict:
        if binding is None:
            return {"kind": "", "threshold": 1, "require_update": False}
        return {
            "kind": binding.kind,
            "threshold": binding.threshold,
            "require_update": binding.require_update,
        }
