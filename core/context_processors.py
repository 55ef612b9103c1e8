from core.accounts.services import must_change_password
from core.permissions import can_see_personal_data
from core.roles import ROLE_LABELS, role_of


def role(request):
    """The user's role for navigation, whether pages may show people's names and texts
    (`sees_personal_data`) and whether only the password change is open to them; no query
    for anonymous users (the account state comes with the user)."""
    # Error pages (400 for a bad Host) render before the authentication middleware runs.
    user = getattr(request, "user", None)
    current = role_of(user)
    return {
        "user_role": current,
        "user_role_label": ROLE_LABELS[current],
        "sees_personal_data": can_see_personal_data(user),
        "password_change_required": bool(
            getattr(user, "is_authenticated", False) and must_change_password(user)
        ),
    }
