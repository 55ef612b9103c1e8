from registry.roles import ROLE_LABELS, can_see_personal_data, role_of


def role(request):
    """The user's role for navigation, and whether pages may show people's names and texts
    (`sees_personal_data`); no query for anonymous users."""
    # Error pages (400 for a bad Host) render before the authentication middleware runs.
    user = getattr(request, "user", None)
    current = role_of(user)
    return {
        "user_role": current,
        "user_role_label": ROLE_LABELS[current],
        "sees_personal_data": can_see_personal_data(user),
    }
