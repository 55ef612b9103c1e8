"""The execution report's date; a roadmap imported from a file and the draft made of it."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from core import dates
from roadmap.deadlines import school_year_bounds, school_year_of
from roadmap.documents import importer


class ReportForm(forms.Form):
    as_of = dates.DateField(label="На дату", required=False)


class RoadmapImportForm(forms.Form):
    file = forms.FileField(label="Файл Word (.docx) или Excel (.xlsx) с таблицей приложения")


class DraftForm(forms.Form):
    title = forms.CharField(label="Наименование", widget=forms.Textarea(attrs={"rows": 2}))
    school_year_start = forms.IntegerField(
        label="Учебный год (начало)", min_value=1990, max_value=2100
    )
    period_start = dates.DateField(label="Начало периода")
    period_end = dates.DateField(label="Окончание периода")
    accept_outside = forms.BooleanField(
        label="Создать, даже если сроки мероприятий выходят за период",
        required=False,
        help_text="Отметьте, если так и задумано: иначе исправьте год или период.",
    )

    def __init__(self, *args, imported=None, calendar=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.imported, self.calendar = imported, calendar

    @classmethod
    def prefilled(cls, imported: importer.ImportedRoadmap, calendar) -> DraftForm:
        """The year and period as the document gives them; the current year only if it names
        none (the preview says so)."""
        year = imported.school_year_start or school_year_of(timezone.localdate())
        start, end = imported.period or school_year_bounds(year)
        initial = {"title": imported.title, "school_year_start": year}
        initial |= {"period_start": start, "period_end": end}
        return cls(initial=initial, imported=imported, calendar=calendar)

    def draft(self) -> dict:
        """The draft's title, year and period (the check box only answers the form)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "accept_outside"}

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", "Окончание периода раньше его начала.")
        year = data.get("school_year_start")
        if self.imported is not None and year and start and end and not self.errors:
            outside = importer.outside_period(self.imported, year, (start, end), self.calendar)
            if outside and not data.get("accept_outside"):
                shown = outside[:10] + (
                    [f"…и ещё {len(outside) - 10}."] if len(outside) > 10 else []
                )
                self.add_error(
                    None,
                    [
                        f"Сроки {len(outside)} мероприятий выходят за период "
                        f"{start:%d.%m.%Y} – {end:%d.%m.%Y} при {year}–{year + 1} учебном годе: "
                        "проверьте год и период или отметьте, что так и задумано.",
                        *shown,
                    ],
                )
        return data
