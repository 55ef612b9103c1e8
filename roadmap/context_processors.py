from datetime import datetime

from core.accounts.auth import CHANGES_SINCE_KEY
from roadmap.feedback import MenuBadges, changes_since, menu_badges


def feedback(request):
    """The menu's badges («на проверке 3», «возвращено 1») and, on the first full page after a
    login, what changed since the previous one. Both are callables: counted (one query each)
    only where base.html shows them, never for anonymous users; the «что изменилось» block is
    taken out of the session when shown, so it appears once."""
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)

    def badges() -> MenuBadges:
        return menu_badges(user) if signed_in else MenuBadges()

    def changes():
        session = getattr(request, "session", None)
        if not signed_in or session is None or CHANGES_SINCE_KEY not in session:
            return None
        since = datetime.fromisoformat(session.pop(CHANGES_SINCE_KEY))
        return changes_since(user, since)

    return {"menu_badges": badges, "changes_since_login": changes}
