from django import forms

from core import dates
from monitoring.models import (
    AnswerSet,
    IndicatorCode,
    Moment,
    Period,
    Questionnaire,
    Respondent,
    Stage,
    Swot,
)
from registry.models import MentoringForm

DATE_INPUT = dates.WIDGET


class DayForm(forms.Form):
    """The dashboard's «на дату», school and comparison choice; all optional, all in the URL."""

    on = dates.DateField(label="На дату", required=False)
    school = forms.IntegerField(label="ОО", required=False, min_value=1)
    municipality = forms.IntegerField(label="Муниципалитет", required=False, min_value=1)
    compare = forms.ChoiceField(
        label="Сравнить ОО по показателю", required=False, choices=IndicatorCode.choices
    )
    form = forms.IntegerField(label="Форма", required=False, min_value=1)


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label="Показатель", choices=IndicatorCode.choices)
    year = forms.IntegerField(label="Год", min_value=2019, max_value=2100)
    value = forms.DecimalField(
        label="Целевое значение",
        min_value=0,
        max_digits=9,
        decimal_places=1,
        help_text="Для долей — в процентах (например, 70), для численности — число людей.",
    )
    note = forms.CharField(label="Основание", required=False, max_length=255)


class PeriodForm(forms.ModelForm):
    class Meta:
        model = Period
        fields = ("title", "starts_on", "ends_on", "report_due_on")
        formfield_callback = dates.formfield_for
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT, "report_due_on": DATE_INPUT}
        help_texts = {
            "title": "Например: I полугодие 2020/21",
            "ends_on": "ОО отчитываются о состоянии реестра на этот день.",
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "Окончание периода раньше его начала.")
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Решение", choices=(("accept", "Принять"), ("return", "Вернуть на доработку"))
    )
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Обязателен, если отчёт возвращается.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AnswerSetForm(forms.Form):
    """One questionnaire's averages for a form (and a moment for stage 2)."""

    form = forms.ModelChoiceField(
        label="Форма наставничества", queryset=MentoringForm.objects.filter(is_active=True)
    )
    moment = forms.ChoiceField(label="Замер", required=False, choices=Moment.choices)
    respondents = forms.IntegerField(label="Число ответивших", min_value=1, max_value=100_000)

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        if questionnaire.stage == Stage.MOTIVATION:
            self.fields["moment"].choices = [(Moment.START, "в начале"), (Moment.END, "в конце")]
            self.fields["moment"].required = True
        else:
            del self.fields["moment"]
        for question in questionnaire.questions.all():
            self.fields[f"q{question.pk}"] = forms.CharField(
                label=f"{question.position}. {question.text}",
                max_length=10,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "score"}),
                help_text=f"от 1 до {questionnaire.scale_max}",
            )

    @staticmethod
    def initial_of(answer_set: AnswerSet) -> dict:
        """The form's values for an answer set being corrected: averages written as typed."""
        initial = {
            "form": answer_set.form_id,
            "moment": answer_set.moment,
            "respondents": answer_set.respondents,
        }
        initial.update(
            {
                f"q{a.question_id}": str(a.average).replace(".", ",")
                for a in answer_set.answers.all()
            }
        )
        return initial

    def averages(self) -> dict[int, str]:
        return {
            int(name[1:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("q") and name[1:].isdigit()
        }


class SwotForm(forms.ModelForm):
    class Meta:
        model = Swot
        fields = ("strengths", "weaknesses", "opportunities", "threats")
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class UploadForm(forms.Form):
    file = forms.FileField(label="Файл Excel (.xlsx)")


class QuestionnaireForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ("title", "stage", "respondent", "scale_max", "is_active", "position")


class QuestionForm(forms.Form):
    text = forms.CharField(label="Текст вопроса", max_length=1000)


__all__ = ["Respondent", "Stage"]
