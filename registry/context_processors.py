from registry.roles import ROLE_LABELS, role_of


def role(request):
    """The user's role for navigation; no query for anonymous users."""
    current = role_of(request.user)
    return {"user_role": current, "user_role_label": ROLE_LABELS[current]}
