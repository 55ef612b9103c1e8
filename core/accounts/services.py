"""Accounts: who must change a password, one-time links to set a new one, access switched off
and back on. Every write checks who acts and leaves a record in the audit log.

Who manages whom (the reads are in ``core.selectors.accounts_for``):

- department staff — the curators of their municipality's schools;
- an administrator — any account but their own access;
- nobody else (the head, curators, the regional coordinator): refused.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core import permissions
from core.audit import audit
from core.models import AccountState, AuditEvent, Profile
from core.selectors import accounts_for

NOT_A_MANAGER = "Учётными записями кураторов управляют сотрудники департамента."


class AccountTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token: void after PASSWORD_RESET_TIMEOUT (a day), once the
    password changes (so it works once) or the user logs in, and — added here — once access
    is switched off, even if it is switched back on later."""

    key_salt = "registry.accounts.AccountTokenGenerator"  # unchanged: issued links stay valid

    def _make_hash_value(self, user, timestamp):
        state = state_of(user)
        switched_off = state.deactivated_at if state and state.deactivated_at else ""
        if switched_off:
            switched_off = switched_off.replace(microsecond=0, tzinfo=None)
        return f"{super()._make_hash_value(user, timestamp)}{int(user.is_active)}{switched_off}"


token_generator = AccountTokenGenerator()


# --- the account's state -----------------------------------------------------------------------


def state_of(user) -> AccountState | None:
    """The account's state; None when nothing was ever recorded (loaded with the user by
    core.accounts.auth.AccountBackend, so usually without a query)."""
    try:
        return user.account_state
    except ObjectDoesNotExist:
        return None


def must_change_password(user) -> bool:
    state = state_of(user)
    return bool(state and state.must_change_password)


def require_password_change(account) -> None:
    """The password was set by someone other than the owner: demand a change at the next
    login (and on every page until then)."""
    AccountState.objects.update_or_create(user=account, defaults={"must_change_password": True})
    _forget_state(account)


def password_set_by_owner(request, account, *, how: str) -> None:
    """The owner chose a password (changed it, or set it by a link): nothing more to demand."""
    AccountState.objects.update_or_create(
        user=account,
        defaults={"must_change_password": False, "password_changed_at": timezone.now()},
    )
    _forget_state(account)
    audit(
        request,
        AuditEvent.Action.PASSWORD,
        "user",
        account.pk,
        school=school_of_account(account),
        detail=f"{account.get_username()}: {how}",
        actor=account,
    )


def record_login(*, user) -> dt.datetime | None:
    """A login: its time is kept, and the one before it, for «что изменилось с прошлого
    входа». Returns the previous login's time (None for the first one recorded)."""
    with transaction.atomic():
        state, _ = AccountState.objects.select_for_update().get_or_create(user=user)
        previous = state.login_at
        state.previous_login_at = previous
        state.login_at = timezone.now()
        state.save(update_fields=["login_at", "previous_login_at"])
    _forget_state(user)
    return previous


def _forget_state(account) -> None:
    """Drop a cached account_state so that the next read sees the database."""
    account._state.fields_cache.pop("account_state", None)


def school_of_account(account):
    """The account's school (a curator's), for the audit log."""
    try:
        return account.profile.school
    except Profile.DoesNotExist:
        return None


# --- what staff and administrators do ----------------------------------------------------------


def _check_manager(user, account) -> None:
    """Refuse anyone but staff and administrators, and an account outside their reach."""
    if not permissions.can_manage_accounts(user):
        raise PermissionDenied(NOT_A_MANAGER)
    if not accounts_for(user).filter(pk=account.pk).exists():
        raise PermissionDenied("Эта учётная запись вам не подчинена.")


def link_expires_at() -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


@transaction.atomic
def issue_reset_link(*, user, account, request=None) -> str:
    """A one-time link (path) for the account's owner to set a new password, valid for
    PASSWORD_RESET_TIMEOUT. Not stored anywhere: the page shows it once. Until the owner sets a
    password, the old one (if the owner still knows it) leads only to the change form."""
    _check_manager(user, account)
    if not account.is_active:
        raise ValidationError(
            "Доступ к этой учётной записи отключён: сначала восстановите доступ, затем выдайте "
            "ссылку."
        )
    require_password_change(account)
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(account.pk)),
            "token": token_generator.make_token(account),
        },
    )
    audit(
        request or user,
        AuditEvent.Action.RESET_LINK,
        "user",
        account.pk,
        school=school_of_account(account),
        detail=(
            f"{account.get_username()}: ссылка действует до "
            f"{timezone.localtime(link_expires_at()):%d.%m.%Y %H:%M}"
        ),
    )
    return path


@transaction.atomic
def deactivate_account(*, user, account, request=None):
    """A person who leaves: access ends at once (their open sessions at the next request,
    their unused links with it). Nothing is deleted: reports, decisions and the audit log keep
    the name."""
    _check_manager(user, account)
    if account.pk == user.pk:
        raise ValidationError("Нельзя отключить доступ собственной учётной записи.")
    if not account.is_active:
        raise ValidationError("Доступ к этой учётной записи уже отключён.")
    account.is_active = False
    account.save(update_fields=["is_active"])
    AccountState.objects.update_or_create(user=account, defaults={"deactivated_at": timezone.now()})
    _forget_state(account)
    audit(
        request or user,
        AuditEvent.Action.DEACTIVATE,
        "user",
        account.pk,
        school=school_of_account(account),
        detail=account.get_username(),
    )
    return account


@transaction.atomic
def reactivate_account(*, user, account, request=None):
    """Access back for a person who returns; the password is the one they had (a link can be
    issued afterwards if it is forgotten). Links issued before access was switched off stay
    void: the time it was switched off is kept, and the links depend on it."""
    _check_manager(user, account)
    if account.is_active:
        raise ValidationError("Доступ к этой учётной записи не отключён.")
    account.is_active = True
    account.save(update_fields=["is_active"])
    _forget_state(account)
    audit(
        request or user,
        AuditEvent.Action.REACTIVATE,
        "user",
        account.pk,
        school=school_of_account(account),
        detail=account.get_username(),
    )
    return account
