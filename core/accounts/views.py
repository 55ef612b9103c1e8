"""Account pages: the login page, one's own password change (also the forced one), setting a
password by a one-time link, «Забыли пароль?» by e-mail where SMTP exists, and the pages
where staff and administrators issue links and switch access off and on."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import permissions, roles
from core.accounts import services as accounts
from core.accounts.forms import (
    AccountSearchForm,
    AuditedPasswordResetForm,
    NewPasswordForm,
    OwnPasswordChangeForm,
)
from core.decorators import require
from core.http import perform, refused
from core.selectors import account_events, account_for, accounts_found

PAGE_SIZE = 50
manager_required = require(permissions.can_manage_accounts, accounts.NOT_A_MANAGER)


class LoginView(auth_views.LoginView):
    """Django's login page; it says where a forgotten password is reset."""

    template_name = "registration/login.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "reset_by_email": settings.PASSWORD_RESET_BY_EMAIL,
        }


# --- one's own password ----------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every user changes their own password; an account whose password someone else set is
    sent here (core.accounts.auth.PasswordChangeRequiredMiddleware) until it does."""

    form_class = OwnPasswordChangeForm
    template_name = "core/accounts/password_change.html"

    @method_decorator(never_cache)
    def dispatch(self, *args, **kwargs):
        return super().dispatch(*args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "forced": accounts.must_change_password(self.request.user),
            "next": self._next(),
        }

    def _next(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return target if safe else ""

    def get_success_url(self) -> str:
        return self._next() or reverse("home")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form):
        response = super().form_valid(form)  # saves; keeps this session, ends the others
        accounts.password_set_by_owner(self.request, form.user, how="сменил(а) свой пароль")
        messages.success(self.request, "Пароль изменён.")
        return response


# --- a new password by a one-time link ---------------------------------------------------------


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link issued by staff (or sent by e-mail) opens a form for a new password, once."""

    form_class = NewPasswordForm
    token_generator = accounts.token_generator
    template_name = "core/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def render_to_response(self, context, **kwargs):
        if not self.validlink:
            kwargs["status"] = 410  # used, expired, access switched off, or never issued
        return super().render_to_response(context, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_set_by_owner(self.request, form.user, how="задал(а) пароль по ссылке")
        return response

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "core/accounts/password_reset_complete.html"


class PasswordResetView(auth_views.PasswordResetView):
    """«Забыли пароль?»: a link by e-mail where SMTP is configured; on a closed network the
    page says to ask the department, which issues the link."""

    form_class = AuditedPasswordResetForm
    token_generator = accounts.token_generator
    template_name = "core/accounts/password_reset_form.html"
    subject_template_name = "core/accounts/password_reset_subject.txt"
    email_template_name = "core/accounts/password_reset_email.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def dispatch(self, request, *args, **kwargs):
        if not settings.PASSWORD_RESET_BY_EMAIL:
            return render(request, self.template_name, {"reset_by_email": False})
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reset_by_email": True}

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form):
        # Links in letters are built from SITE_URL, never from the Host header of whoever
        # asked (password reset poisoning).
        self.extra_email_context = {
            "site_url": settings.SITE_URL,
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "core/accounts/password_reset_done.html"


# --- staff and administrators: the accounts they manage ------------------------------------------


@manager_required
def account_list(request):
    form = AccountSearchForm(request.GET or None)
    search = form.cleaned_data if form.is_valid() else {}
    queryset = accounts_found(
        request.user, words=search.get("q", ""), state=search.get("state", "")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/accounts/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@manager_required
def account_detail(request, pk: int):
    account = account_for(request.user, pk)
    return render(request, "core/accounts/detail.html", _detail_context(request, account))


def _detail_context(request, account) -> dict:
    return {
        "account": account,
        "state": accounts.state_of(account),
        "role_label": roles.ROLE_LABELS[roles.role_of(account)],
        "events": account_events(account),
        "is_self": account.pk == request.user.pk,
    }


@never_cache
@require_POST
@manager_required
def account_reset_link(request, pk: int):
    """Issue a link and show it once: it is not stored and cannot be shown again."""
    account = account_for(request.user, pk)
    back = reverse("accounts:detail", args=[account.pk])
    try:
        path = accounts.issue_reset_link(user=request.user, account=account, request=request)
    except ValidationError as error:
        return refused(request, error.messages, back=back)
    return render(
        request,
        "core/accounts/reset_link.html",
        {
            "account": account,
            "link": request.build_absolute_uri(path),
            "expires_at": accounts.link_expires_at(),
        },
    )


@require_POST
@manager_required
def account_deactivate(request, pk: int):
    account = account_for(request.user, pk)
    return perform(
        request,
        lambda: accounts.deactivate_account(user=request.user, account=account, request=request),
        success=f"Доступ пользователя {account.get_full_name() or account.username} отключён.",
        back=reverse("accounts:detail", args=[account.pk]),
    )


@require_POST
@manager_required
def account_reactivate(request, pk: int):
    account = account_for(request.user, pk)
    return perform(
        request,
        lambda: accounts.reactivate_account(user=request.user, account=account, request=request),
        success=f"Доступ пользователя {account.get_full_name() or account.username} восстановлен.",
        back=reverse("accounts:detail", args=[account.pk]),
    )
