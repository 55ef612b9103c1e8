"""Forms of the account pages: one's own password, a new one by a link, the accounts' list."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm


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
