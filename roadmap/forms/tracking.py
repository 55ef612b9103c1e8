"""Schedule items (by hand and from Excel), reports on occurrences and the events of a measure."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from core import dates


class ScheduleItemForm(forms.Form):
    due_on = dates.DateField(label="Срок")
    title = forms.CharField(label="Что сделать", max_length=255)
    starts_on = dates.DateField(label="Начало", required=False)


class ScheduleImportForm(forms.Form):
    file = forms.FileField(
        label="Файл Excel (XLSX)",
        help_text="Столбцы: «Срок», «Что сделать», «Начало» (по шаблону).",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class OccurrenceReportForm(forms.Form):
    text = forms.CharField(
        label="Что сделано", widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )
    completed_on = dates.DateField(label="Дата выполнения")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].initial = timezone.localdate()


class EventForm(forms.Form):
    held_on = dates.DateField(label="Дата проведения")
    title = forms.CharField(label="Название", max_length=500)
    participants = forms.IntegerField(label="Число участников", min_value=0, max_value=1_000_000)
    link = forms.URLField(label="Ссылка", required=False, max_length=500, assume_scheme="https")
    file = forms.FileField(
        label="Файл",
        required=False,
        help_text=(
            f"PDF, DOCX, XLSX, JPG или PNG, не более "
            f"{filesizeformat(settings.EVIDENCE_MAX_BYTES)}. Нужна ссылка или файл."
        ),
    )
    school = forms.TypedChoiceField(
        label="Кто провёл", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        if schools:
            self.fields["school"].choices = [("", "Департамент образования")] + [
                (school.pk, school.short_name) for school in schools
            ]
        else:
            del self.fields["school"]
