"""A school's report on an execution, with its evidence files, and the department's review."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from core import dates


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

    def __init__(self, *args, with_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].initial = timezone.localdate()
        if with_reason:  # the department's own part of a measure bound to a figure
            self.fields["reason"] = forms.CharField(
                label="Причина",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=5000,
                help_text="Нужна, если условие подтверждения из системы не выполнено.",
            )


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
