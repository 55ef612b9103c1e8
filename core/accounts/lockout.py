"""The login page shown to a user name locked out by django-axes after too many failures."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

LOCKOUT_MESSAGE = (
    "Слишком много неудачных попыток входа. Вход под этим именем с вашего адреса "
    "заблокирован на {minutes} мин. Попробуйте позже или обратитесь к администратору."
)


class _LockedOutForm(AuthenticationForm):
    """The login form, empty, with the lockout message in place of the form's errors."""

    def __init__(self, request, message: str, username: str):
        super().__init__(request, initial={"username": username})
        self._message = message

    def non_field_errors(self):
        return self.error_class([self._message], error_class="nonfield")


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the login page again with a Russian explanation, status 429
    (not axes' bare English text)."""
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    minutes = int(cooloff.total_seconds() // 60) if cooloff else 30
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = _LockedOutForm(request, LOCKOUT_MESSAGE.format(minutes=minutes), username)
    return render(
        request,
        "registration/login.html",
        {"form": form, "next": next_url, "locked_out": True},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )
