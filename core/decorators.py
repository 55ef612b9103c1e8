"""View guards built on the named permissions (core.permissions). Object-level access is the
selectors' job; these guard whole views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from core import permissions

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def require(
    predicate: Callable,
    message: str = "Эта страница недоступна для вашей роли.",
    *,
    reading: Callable | None = None,
):
    """A signed-in user for whom ``predicate(user)`` holds, else a 403 with ``message``.
    ``reading``: a wider rule for GET, HEAD and OPTIONS (pages that some only read)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            rule = reading if reading is not None and request.method in SAFE_METHODS else predicate
            if not rule(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# The department's pages; the regional coordinator may read them, never change.
department_required = require(
    permissions.is_department,
    "Страница доступна сотрудникам и руководителю департамента.",
    reading=permissions.can_read_department_pages,
)
editor_required = require(
    permissions.can_edit_department,
    "Изменять дорожную карту могут только сотрудники департамента.",
)
curator_required = require(permissions.is_curator, "Страница для кураторов ОО.")
head_required = require(permissions.can_approve, "Это действие доступно начальнику департамента.")
# Files and texts about people: a 403 for whoever may not see personal data (the regional
# coordinator), before anything is read.
personal_data_required = require(
    permissions.can_see_personal_data,
    "Файлы отчётов содержат персональные данные: их видят департамент и кураторы "
    "своей ОО. Региональному координатору доступны показатели и статусы исполнения.",
)


def registry_user(view):
    """Curators, staff, the head and administrators use the registry; the head only reads."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        user = request.user
        if permissions.is_region(user):
            raise PermissionDenied(
                "Реестр с персональными данными ведут муниципалитеты; региональному "
                "координатору доступны сводные показатели в разделе «Мониторинг»."
            )
        if not permissions.can_use_registry(user):
            raise PermissionDenied("Нет доступа к реестру.")
        if request.method == "POST" and not permissions.can_change_registry(user):
            raise PermissionDenied("Начальник департамента просматривает реестр, но не меняет его.")
        return view(request, *args, **kwargs)

    return wrapped
