"""Registry forms: fields listed explicitly; the school comes from the user, never the post."""

from __future__ import annotations

import datetime as dt

from django import forms

from core import dates
from core.models import School
from registry.models import (
    Agreement,
    Consent,
    Mentee,
    Mentor,
    MentoringForm,
    PartnerOrganization,
    Programme,
    SchoolYearStats,
)

DATE_WIDGET = dates.WIDGET

PERSON_FIELDS = ["last_name", "first_name", "patronymic", "birth_date", "phone", "email"]


def end_not_before_start(form, start: str, end: str, message: str) -> None:
    """A term's end before its start is the end field's error (not only the model's)."""
    data = form.cleaned_data
    if data.get(start) and data.get(end) and data[end] < data[start]:
        form.add_error(end, message)


class MenteeForm(forms.ModelForm):
    class Meta:
        model = Mentee
        fields = [*PERSON_FIELDS, "kind", "class_name", "position", "experience_years", "request"]
        formfield_callback = dates.formfield_for
        widgets = {"birth_date": DATE_WIDGET}

    def __init__(self, *args, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].queryset = requests
        self.fields["request"].empty_label = "— не указан —"


class MentorForm(forms.ModelForm):
    class Meta:
        model = Mentor
        fields = [*PERSON_FIELDS, "kind", "position", "partner"]
        formfield_callback = dates.formfield_for
        widgets = {"birth_date": DATE_WIDGET}

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class ConsentForm(forms.ModelForm):
    scan = forms.FileField(
        label="Скан согласия (PDF, JPG, PNG)", required=False, widget=forms.ClearableFileInput
    )

    class Meta:
        model = Consent
        fields = [
            "representative_name",
            "relation",
            "document",
            "given_on",
            "valid_until",
            "purposes",
            "data_scope",
        ]
        formfield_callback = dates.formfield_for
        widgets = {
            "given_on": DATE_WIDGET,
            "valid_until": DATE_WIDGET,
            "purposes": forms.Textarea(attrs={"rows": 2}),
            "data_scope": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        end_not_before_start(
            self, "given_on", "valid_until", "Срок действия согласия раньше даты согласия."
        )
        return data


class WithdrawConsentForm(forms.Form):
    withdrawn_on = dates.DateField(label="Дата отзыва")


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["title", "form", "starts_on", "ends_on"]
        formfield_callback = dates.formfield_for
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = MentoringForm.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        end_not_before_start(self, "starts_on", "ends_on", "Окончание программы раньше её начала.")
        return data


class ProgrammeReviewForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["review_status", "reviewer", "review_conclusion", "reviewed_on"]
        formfield_callback = dates.formfield_for
        widgets = {
            "reviewed_on": DATE_WIDGET,
            "review_conclusion": forms.Textarea(attrs={"rows": 3}),
        }


class PairProgrammeForm(forms.Form):
    """The first step of a new pair: the programme, which fixes the school and the form."""

    programme = forms.ModelChoiceField(
        label="Программа",
        queryset=Programme.objects.none(),
        empty_label="— выберите программу —",
        help_text="Затем — наставник и наставляемые ОО этой программы.",
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].label_from_instance = lambda p: (
            f"{p.school.short_name}: {p.title} ({p.form}, {p.starts_on:%d.%m.%Y} – "
            f"{p.ends_on:%d.%m.%Y})"
        )


class PairForm(forms.Form):
    """A pair (or group) of a chosen programme: the school's mentor and mentees."""

    mentor = forms.ModelChoiceField(
        label="Наставник", queryset=Mentor.objects.none(), empty_label="— выберите наставника —"
    )
    q = forms.CharField(
        label="Найти наставляемого",
        required=False,
        max_length=100,
        help_text="Начало фамилии (или ФИО); отмеченные наставляемые остаются в списке.",
    )
    mentees = forms.ModelMultipleChoiceField(
        label="Наставляемые",
        help_text="Один наставляемый — пара, несколько — группа.",
        queryset=Mentee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Выберите хотя бы одного наставляемого."},
    )
    starts_on = dates.DateField(label="Начало")
    ends_on = dates.DateField(label="Окончание", required=False)
    goals = forms.CharField(label="Цели", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    activate = forms.BooleanField(label="Сразу сделать действующей", required=False)

    def __init__(self, *args, mentors, mentees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors
        self.fields["mentees"].queryset = mentees
        self.fields["mentor"].label_from_instance = lambda m: (
            f"{m.full_name}, {m.birth_date:%d.%m.%Y} ({m.get_kind_display()}"
            + (f", {m.partner}" if m.partner_id else "")
            + ")"
        )

    @staticmethod
    def initial_for(programme: Programme, today: dt.date) -> dict:
        """Today as the start, moved into the programme's term (a start outside it is refused)."""
        return {"starts_on": min(max(today, programme.starts_on), programme.ends_on)}

    @staticmethod
    def typed(data) -> dict:
        """What the user typed, to show the form again after a search without saving."""
        return {
            "mentor": data.get("mentor"),
            "mentees": data.getlist("mentees"),
            "q": data.get("q", ""),
            "starts_on": data.get("starts_on", ""),
            "ends_on": data.get("ends_on", ""),
            "goals": data.get("goals", ""),
            "activate": bool(data.get("activate")),
        }

    def chosen_mentee_ids(self) -> set[int]:
        raw = self.data.getlist("mentees") if self.is_bound else []
        if not raw:
            raw = [str(getattr(m, "pk", m)) for m in self.initial.get("mentees", [])]
        return {int(v) for v in raw if str(v).isdigit()}


class PairStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Новый статус",
        choices=[
            ("active", "действует"),
            ("completed", "завершена"),
            ("terminated", "прекращена досрочно"),
        ],
    )
    reason = forms.CharField(label="Причина (для досрочного прекращения)", required=False)
    result = forms.CharField(
        label="Результат", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class PartnerForm(forms.ModelForm):
    class Meta:
        model = PartnerOrganization
        fields = ["name", "inn", "address", "contact_person", "phone", "email"]


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["number", "date", "subject", "valid_from", "valid_to"]
        formfield_callback = dates.formfield_for
        widgets = {
            "date": DATE_WIDGET,
            "valid_from": DATE_WIDGET,
            "valid_to": DATE_WIDGET,
            "subject": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        end_not_before_start(
            self,
            "valid_from",
            "valid_to",
            "Срок действия соглашения заканчивается раньше, чем начинается.",
        )
        return data


class SchoolForm(forms.ModelForm):
    website = forms.URLField(label="Сайт", required=False, assume_scheme="https")

    class Meta:
        model = School
        fields = [
            "full_name",
            "short_name",
            "kind",
            "address",
            "director_name",
            "phone",
            "email",
            "website",
            "is_active",
        ]


class SchoolYearStatsForm(forms.ModelForm):
    class Meta:
        model = SchoolYearStats
        fields = [
            "school_year_start",
            "pupils_total",
            "pupils_10_plus",
            "teachers_total",
            "young_teachers",
        ]


class CuratorForm(forms.Form):
    school = forms.ModelChoiceField(label="ОО", queryset=School.objects.none())
    last_name = forms.CharField(label="Фамилия", max_length=150)
    first_name = forms.CharField(label="Имя и отчество", max_length=150)
    position = forms.CharField(label="Должность", max_length=255, required=False)
    phone = forms.CharField(label="Телефон", max_length=50, required=False)
    email = forms.EmailField(label="E-mail")
    username = forms.SlugField(label="Имя для входа", max_length=150)
    password = forms.CharField(
        label="Начальный пароль",
        widget=forms.PasswordInput(render_value=False),
        help_text=(
            "Не короче 12 символов. Сообщите его куратору лично: при первом входе система "
            "попросит куратора заменить его собственным паролем."
        ),
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class ImportForm(forms.Form):
    file = forms.FileField(label="Файл Excel (.xlsx)")


class MentorIdentityForm(forms.Form):
    """Who the curator means when linking a mentor of another school: as typed, not an id.
    The department also names the school (one of its municipality's)."""

    last_name = forms.CharField(label="Фамилия", max_length=100)
    first_name = forms.CharField(label="Имя", max_length=100)
    patronymic = forms.CharField(label="Отчество", max_length=100, required=False)
    birth_date = dates.BirthDateField(label="Дата рождения")

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is not None:
            self.fields["school"] = forms.ModelChoiceField(label="ОО", queryset=schools)

    def identity(self) -> dict:
        return {
            k: self.cleaned_data[k] for k in ("last_name", "first_name", "patronymic", "birth_date")
        }


class LinkDecisionForm(forms.Form):
    """Approve or reject a request to link a mentor; the button pressed is the decision."""

    decision = forms.ChoiceField(
        label="Решение", choices=[("approve", "одобрить"), ("reject", "отклонить")]
    )
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="При отказе обязателен. Его увидит ОО, отправившая запрос.",
    )


class MenteeRequestForm(forms.Form):
    name = forms.CharField(label="Запрос", max_length=255)
    position = forms.IntegerField(label="Порядок", min_value=0, max_value=10000, initial=0)
    is_active = forms.BooleanField(label="Используется", required=False, initial=True)


class TrainingForm(forms.Form):
    course = forms.CharField(label="Курс", max_length=500)
    organisation = forms.CharField(label="Организация", max_length=255, initial="ЧИПКРО")
    starts_on = dates.DateField(label="Начало")
    ends_on = dates.DateField(label="Окончание")
    certificate = forms.FileField(
        label="Удостоверение или сертификат (PDF, JPG, PNG)", required=False
    )


class ConclusionFileForm(forms.Form):
    file = forms.FileField(label="Файл заключения экспертизы (PDF, DOCX, JPG, PNG)")
