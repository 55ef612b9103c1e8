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


def is_department(user) -> bool:
    """Staff, head and administrators see the whole municipality."""
    return role_of(user) in {ROLE_ADMIN, ROLE_HEAD, ROLE_STAFF}


def is_region(user) -> bool:
    """The regional coordinator reads every municipality's roadmaps and figures; changes
    nothing and sees no one's personal data (152-ФЗ, ст. 5: only what the purpose needs)."""
    return role_of(user) == ROLE_REGION


# Who may read people's names, the texts schools and the department write, and their files.
PERSONAL_DATA_ROLES = {ROLE_ADMIN, ROLE_HEAD, ROLE_STAFF, ROLE_CURATOR}


def can_see_personal_data(user) -> bool:
    """Names of people (users, mentors, mentees, representatives), the free texts written about
    the work (report texts, comments, SWOT analyses) and the files attached to it.

    The municipality's own people see them (a curator only for their school — the selectors'
    business); the regional coordinator reads figures, statuses and the roadmap's own texts
    only (152-ФЗ, ст. 5: no more data than the purpose needs); an account without a role sees
    nothing.
    """
    return role_of(user) in PERSONAL_DATA_ROLES


def can_edit_roadmap(user) -> bool:
    return role_of(user) in {ROLE_ADMIN, ROLE_STAFF}
