"""View guards by role. Object-level access is the selectors' job; these guard functions."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from core import roles

DEPARTMENT_ROLES = {roles.ROLE_ADMIN, roles.ROLE_HEAD, roles.ROLE_STAFF}
EDITOR_ROLES = {roles.ROLE_ADMIN, roles.ROLE_STAFF}


def role_required(*allowed: str, message: str = "Эта страница недоступна для вашей роли."):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if roles.role_of(request.user) not in allowed:
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def department_required(view):
    """The department's pages; the regional coordinator may read them, never change."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        role = roles.role_of(request.user)
        if role == roles.ROLE_REGION and request.method in SAFE_METHODS:
            return view(request, *args, **kwargs)
        if role not in DEPARTMENT_ROLES:
            raise PermissionDenied("Страница доступна сотрудникам и руководителю департамента.")
        return view(request, *args, **kwargs)

    return wrapped


editor_required = role_required(
    *EDITOR_ROLES, message="Изменять дорожную карту могут только сотрудники департамента."
)
curator_required = role_required(roles.ROLE_CURATOR, message="Страница для кураторов ОО.")
head_required = role_required(
    roles.ROLE_HEAD, roles.ROLE_ADMIN, message="Это действие доступно начальнику департамента."
)


def personal_data_required(view):
    """Files and texts about people: a 403 for whoever may not see personal data (the regional
    coordinator), before anything is read."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not roles.can_see_personal_data(request.user):
            raise PermissionDenied(
                "Файлы отчётов содержат персональные данные: их видят департамент и кураторы "
                "своей ОО. Региональному координатору доступны показатели и статусы исполнения."
            )
        return view(request, *args, **kwargs)

    return wrapped


def registry_user(view):
    """Curators, staff, the head and administrators use the registry; the head only reads."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        role = roles.role_of(request.user)
        if role == roles.ROLE_NONE:
            raise PermissionDenied("Нет доступа к реестру.")
        if role == roles.ROLE_REGION:
            raise PermissionDenied(
                "Реестр с персональными данными ведут муниципалитеты; региональному "
                "координатору доступны сводные показатели в разделе «Мониторинг»."
            )
        if request.method == "POST" and role == roles.ROLE_HEAD:
            raise PermissionDenied("Начальник департамента просматривает реестр, но не меняет его.")
        return view(request, *args, **kwargs)

    return wrapped
