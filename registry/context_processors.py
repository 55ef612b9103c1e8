from registry.accounts import must_change_password
from registry.roles import (
    ROLE_ADMIN,
    ROLE_CURATOR,
    ROLE_LABELS,
    ROLE_STAFF,
    can_see_personal_data,
    role_of,
)

DECIDERS = {ROLE_ADMIN, ROLE_CURATOR, ROLE_STAFF}


def role(request):
    """The user's role for navigation, whether pages may show people's names and texts
    (`sees_personal_data`) and whether only the password change is open to them; no query
    for anonymous users (the account state comes with the user)."""
    # Error pages (400 for a bad Host) render before the authentication middleware runs.
    user = getattr(request, "user", None)
    current = role_of(user)

    def link_requests_waiting() -> int:
        """Pending link requests the user may decide: counted only where the menu shows it."""
        if current not in DECIDERS:
            return 0
        from registry.selectors import link_requests_to_decide

        return link_requests_to_decide(user).count()

    return {
        "user_role": current,
        "user_role_label": ROLE_LABELS[current],
        "sees_personal_data": can_see_personal_data(user),
        "link_requests_waiting": link_requests_waiting,
        "password_change_required": bool(
            getattr(user, "is_authenticated", False) and must_change_password(user)
        ),
    }
