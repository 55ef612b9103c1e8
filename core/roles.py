"""The roles of the product, as Django groups, and how to tell a user's role."""

from django.utils.translation import gettext_lazy as _

STAFF = "Сотрудник департамента"
HEAD = "Начальник департамента"
CURATOR = "Куратор ОО"
REGION = "Региональный координатор"
GROUPS = (STAFF, HEAD, CURATOR, REGION)

ROLE_ADMIN = "admin"
ROLE_HEAD = "head"
ROLE_STAFF = "staff"
ROLE_CURATOR = "curator"
ROLE_REGION = "region"
ROLE_NONE = "none"

ROLE_LABELS = {
    ROLE_ADMIN: _("Администратор"),
    ROLE_HEAD: _("Начальник департамента"),
    ROLE_STAFF: _("Сотрудник департамента"),
    ROLE_CURATOR: _("Куратор ОО"),
    ROLE_REGION: _("Региональный координатор"),
    ROLE_NONE: _("Без роли"),
}


def role_of(user) -> str:
    """The user's one role; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return ROLE_NONE
    cached = getattr(user, "_argun_role", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    if HEAD in names:
        role = ROLE_HEAD
    elif STAFF in names:
        role = ROLE_STAFF
    elif CURATOR in names:
        role = ROLE_CURATOR
    elif REGION in names:
        role = ROLE_REGION
    elif user.is_superuser:
        role = ROLE_ADMIN
    else:
        role = ROLE_NONE
    user._argun_role = role
    return role
