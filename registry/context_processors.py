from core.permissions import can_decide_link_requests
from registry.selectors import link_requests_to_decide


def link_requests(request):
    """How many link requests wait for the user's decision, for the menu's badge: counted only
    where the menu shows it (a callable), never for anonymous users."""
    user = getattr(request, "user", None)

    def link_requests_waiting() -> int:
        if not can_decide_link_requests(user):
            return 0
        return link_requests_to_decide(user).count()

    return {"link_requests_waiting": link_requests_waiting}
