"""Forms of the account pages: one's own password, a new one by a link, «Забыли пароль?» (each
letter recorded), the accounts' list."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm

from core.accounts import services as accounts
from core.audit import audit
from core.models import AuditEvent


class _NotTheSamePassword:
    """A password someone else chose (or the one being replaced) is not chosen again."""

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password1")
        if new and "new_password2" not in self.errors and self.user.check_password(new):
            self.add_error("new_password1", "Новый пароль совпадает с прежним: придумайте другой.")
        return cleaned


class OwnPasswordChangeForm(_NotTheSamePassword, PasswordChangeForm):
    """The owner's change: the current password (for a new curator, the initial one), then
    the new one twice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Текущий пароль"


class NewPasswordForm(_NotTheSamePassword, SetPasswordForm):
    """A new password set through a one-time link."""


class AccountSearchForm(forms.Form):
    STATES = (("", "все"), ("active", "действующие"), ("inactive", "доступ отключён"))

    q = forms.CharField(label="ФИО или имя для входа", max_length=100, required=False)
    state = forms.ChoiceField(label="Доступ", choices=STATES, required=False)


class AuditedPasswordResetForm(PasswordResetForm):
    """Django's «forgot password» form; each letter sent is recorded (to whom, from where)."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
        user = context["user"]
        audit(
            self.request,
            AuditEvent.Action.RESET_LINK,
            "user",
            user.pk,
            school=accounts.school_of_account(user),
            detail=f"{user.get_username()}: ссылка отправлена на адрес e-mail пользователя",
        )

    def save(self, *args, request=None, **kwargs):
        self.request = request
        return super().save(*args, request=request, **kwargs)
