from core.roles import ROLE_ADMIN, ROLE_CURATOR, ROLE_STAFF, role_of
from registry.selectors import link_requests_to_decide

DECIDERS = {ROLE_ADMIN, ROLE_CURATOR, ROLE_STAFF}


def link_requests(request):
    """How many link requests wait for the user's decision, for the menu's badge: counted only
    where the menu shows it (a callable), never for anonymous users."""
    user = getattr(request, "user", None)

    def link_requests_waiting() -> int:
        if role_of(user) not in DECIDERS:
            return 0
        return link_requests_to_decide(user).count()

    return {"link_requests_waiting": link_requests_waiting}
