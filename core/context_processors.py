from core.accounts.services import must_change_password
from core.permissions import UI_FLAGS, can_see_personal_data
from core.roles import ROLE_LABELS, role_of


def role(request):
    """What the pages may show the user: `perms_ui` (core.permissions' named rules as flags —
    templates never compare role names), the role's label, whether people's names and texts
    may be shown (`sees_personal_data`) and whether only the password change is open to them.
    No query for anonymous users (the account state comes with the user)."""
    # Error pages (400 for a bad Host) render before the authentication middleware runs.
    user = getattr(request, "user", None)
    return {
        "perms_ui": {name: rule(user) for name, rule in UI_FLAGS.items()},
        "user_role_label": ROLE_LABELS[role_of(user)],
        "sees_personal_data": can_see_personal_data(user),
        "password_change_required": bool(
            getattr(user, "is_authenticated", False) and must_change_password(user)
        ),
    }
