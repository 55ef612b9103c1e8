"""How a request is let in: the authentication backend, the idle-session limit, and the
password change demanded of an account whose password someone else set."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, get_user_model, logout
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from core.accounts.services import must_change_password, record_login
from core.plural import counted

# When the session last moved its expiry forward (seconds since the epoch).
LAST_SEEN_KEY = "_last_seen"
# The previous login's time (ISO 8601) until the first full page after the login shows what
# changed since then.
CHANGES_SINCE_KEY = "_changes_since"

# What an account that must change its password may still open.
OPEN_BEFORE_CHANGE = {
    "accounts:password_change",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "logout",
    "healthz",
}


class AccountBackend(ModelBackend):
    """Django's ModelBackend (an inactive user is refused at login and on every request, so a
    deactivated account's open sessions end at once). What every page asks of the user comes
    in the same query: the account's state, the profile with the school, and the names of the
    groups (the role, core.roles.role_of)."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = (
                User._default_manager.select_related("account_state", "profile__school")
                .annotate(
                    role_group_names=ArraySubquery(
                        Group.objects.filter(user=OuterRef("pk")).values("name")
                    )
                )
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class IdleSessionMiddleware:
    """A signed-in session ends after SESSION_COOKIE_AGE seconds without a request.

    Each request moves the session's expiry forward (the session is saved, which with the
    database and cached_db engines renews its expire date), but only once every
    SESSION_REFRESH_SECONDS: not a write per request. The time of the last renewal is kept in
    the session too, and a session idle for longer is ended here whatever the engine kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            last_seen = session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(
                    request,
                    "Сеанс завершён: не было действий дольше "
                    f"{idle_limit_text(settings.SESSION_COOKIE_AGE)}. Войдите снова.",
                )
            elif last_seen is None or now - last_seen >= settings.SESSION_REFRESH_SECONDS:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def session_started(sender, request, user, **kwargs):
    """The idle time counts from the login (saved with the login's own session write); the
    previous login's time is kept in the session for the first page's «что изменилось»."""
    previous = record_login(user=user)
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())
        if previous is not None:
            request.session[CHANGES_SINCE_KEY] = previous.isoformat()


def idle_limit_text(seconds: int) -> str:
    """The limit after «дольше»: «8 часов», «1 часа», «30 минут», «21 минуты»."""
    minutes = seconds // 60
    if minutes % 60 == 0:
        return counted(minutes // 60, "часа", "часов", "часов")
    return counted(minutes, "минуты", "минут", "минут")


class PasswordChangeRequiredMiddleware:
    """Until an account whose password someone else set (a new curator, a user made in the
    admin, an issued reset) chooses its own, every page but the password change and logout
    sends it to the change form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not must_change_password(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_CHANGE:
            return None
        target = reverse("accounts:password_change")
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)  # htmx loads the whole page there
            response["HX-Redirect"] = target
            return response
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
