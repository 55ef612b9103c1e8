"""The roles of the product, as Django groups, and how to tell a user's role."""

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
    ROLE_ADMIN: "Администратор",
    ROLE_HEAD: "Начальник департамента",
    ROLE_STAFF: "Сотрудник департамента",
    ROLE_CURATOR: "Куратор ОО",
    ROLE_REGION: "Региональный координатор",
    ROLE_NONE: "Без роли",
}


def role_of(user) -> str:
    """The user's one role; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return ROLE_NONE
    cached = getattr(user, "_argun_role", None)
    if cached is not None:
        return cached
    # Loaded with the user by the authentication backend (core.accounts.auth), else read now.
    loaded = getattr(user, "role_group_names", None)
    names = set(loaded if loaded is not None else user.groups.values_list("name", flat=True))
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
