from registry.roles import ROLE_LABELS, role_of


def role(request):
    """The user's role for navigation; no query for anonymous users."""
    # Error pages (400 for a bad Host) render before the authentication middleware runs.
    current = role_of(getattr(request, "user", None))
    return {"user_role": current, "user_role_label": ROLE_LABELS[current]}
