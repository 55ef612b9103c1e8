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

    def __init__(self, *args, previous=None, with_reason: bool = False, **kwargs):
        """``previous`` — the returned report this one reworks: its text and date are the
        starting values, and each of its files is kept unless marked «удалить» or replaced."""
        super().__init__(*args, **kwargs)
        self.previous = previous
        self.previous_files = list(previous.evidence.all()) if previous else []
        self.fields["completed_on"].initial = (
            previous.completed_on if previous else timezone.localdate()
        )
        if previous:
            self.fields["text"].initial = previous.text
            self.fields["files"].label = "Добавить документы"
        for evidence in self.previous_files:
            self.fields[f"remove_{evidence.pk}"] = forms.BooleanField(
                label="удалить",
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[f"replace_{evidence.pk}"] = forms.FileField(
                label=f"заменить «{evidence.original_name}»",
                required=False,
                widget=forms.FileInput(
                    attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png", "class": "form-control"}
                ),
            )
        if with_reason:  # the department's own part of a measure bound to a figure
            self.fields["reason"] = forms.CharField(
                label="Причина",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=5000,
                help_text="Нужна, если условие подтверждения из системы не выполнено.",
            )

    def previous_rows(self):
        """Each previous file with its «удалить» and «заменить» fields, for the template."""
        return [
            (evidence, self[f"remove_{evidence.pk}"], self[f"replace_{evidence.pk}"])
            for evidence in self.previous_files
        ]

    def main_fields(self):
        fields = [self["text"], self["completed_on"], self["files"]]
        return [*fields, self["reason"]] if "reason" in self.fields else fields

    def evidence(self) -> dict:
        """What the service takes: the previous files kept, and the uploads (new files and
        replacements)."""
        data = self.cleaned_data
        kept, uploads = [], []
        for evidence in self.previous_files:
            replacement = data.get(f"replace_{evidence.pk}")
            if replacement:
                uploads.append(replacement)
            elif not data.get(f"remove_{evidence.pk}"):
                kept.append(evidence)
        return {"kept": kept, "files": [*uploads, *data["files"]]}


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
