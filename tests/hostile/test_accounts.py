"""Hostile use of accounts, as an outsider inside the municipality would try it.

test_hostile_link — one-time links that must not open anything: a link already used (the
password set with it), a link a day and a minute old, a link issued before the owner logged in,
before access was switched off (and after it came back), a link whose user part is swapped for
another account (a curator of another school, the administrator), junk in the user part or the
token (not base64, a user that does not exist, 2 000 characters, NUL), and the set-password
step posted without ever opening a link. Each answers 410 «Ссылка недействительна» (never a
500, never a form), and no password changes.

test_hostile_account_action — staff of another municipality, staff against a colleague, the
head or an administrator, a curator, the head and the regional coordinator issuing links,
switching access off and on (POST) and opening account pages (GET): 404 outside the staff
member's curators, 403 for the roles that manage no accounts; nothing changes, nothing is
logged.

Also: a switched-off user's open session (database and cached_db sessions), a session fixed
before the password was set by link, an idle session revived by a forged cookie value, CSRF-less
posts, the e-mail reset with a forged Host header (the letter's link comes from SITE_URL), an
open redirect through the password change's ``next``, and hidden fields posted to the change.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core import roles
from core.accounts import services as accounts
from core.models import AccountState, AuditEvent
from tests.factories import SchoolFactory, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Пароль-для-тестов-1"
NEW = "Захваченный-пароль-9"
User = get_user_model()


def uid(user_or_pk) -> str:
    return urlsafe_base64_encode(force_bytes(getattr(user_or_pk, "pk", user_or_pk)))


def link(uidb64: str, token: str) -> str:
    return reverse("accounts:password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})


def use(path: str, password: str = NEW) -> Client:
    """Open the link and set a password with it, as its owner would."""
    client = Client()
    target = client.get(path)["Location"]
    response = client.post(target, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    return client


def passwords() -> list:
    return list(User.objects.order_by("pk").values_list("password", flat=True))


@pytest.fixture
def scene(staff, curator_a, curator_b, admin_user, other_roadmap):
    other_school = SchoolFactory(municipality=other_roadmap.municipality)
    return {
        "staff": staff,
        "curator_a": curator_a,
        "curator_b": curator_b,
        "admin": admin_user,
        "other_staff": make_user("outsider", roles.STAFF, municipality=other_roadmap.municipality),
        "other_curator": make_user("other_curator", roles.CURATOR, school=other_school),
    }


# --- links that must not open anything ---------------------------------------------------------


def _used(s):
    path = accounts.issue_reset_link(user=s["staff"], account=s["curator_a"])
    use(path)
    return path


def _a_day_and_a_minute_old(s):
    generator = accounts.token_generator
    now = generator._num_seconds(generator._now())
    token = generator._make_token_with_timestamp(
        s["curator_a"], now - 24 * 3600 - 60, generator.secret
    )
    return link(uid(s["curator_a"]), token)


def _before_the_owner_logged_in(s):
    path = accounts.issue_reset_link(user=s["staff"], account=s["curator_a"])
    Client().post(reverse("login"), {"username": "curator_a", "password": PASSWORD})
    return path


def _before_access_was_switched_off(s):
    path = accounts.issue_reset_link(user=s["staff"], account=s["curator_a"])
    accounts.deactivate_account(user=s["staff"], account=s["curator_a"])
    return path


def _before_access_was_switched_off_and_on(s):
    path = _before_access_was_switched_off(s)
    accounts.reactivate_account(user=s["staff"], account=s["curator_a"])
    return path


def _swapped_for(target):
    def make(s):
        path = accounts.issue_reset_link(user=s["staff"], account=s["curator_a"])
        token = path.rstrip("/").rsplit("/", 1)[-1]
        return link(uid(s[target]), token)

    return make


def _junk(uidb64, token=None):
    def make(s):
        real = accounts.issue_reset_link(user=s["staff"], account=s["curator_a"])
        return link(uidb64, token or real.rstrip("/").rsplit("/", 1)[-1])

    return make


def _set_password_without_a_link(s):
    return link(uid(s["curator_a"]), "set-password")


LINKS = {
    "used-link-reused": _used,
    "link-a-day-and-a-minute-old": _a_day_and_a_minute_old,
    "link-older-than-the-owners-login": _before_the_owner_logged_in,
    "link-of-a-switched-off-account": _before_access_was_switched_off,
    "link-from-before-switched-off-and-on": _before_access_was_switched_off_and_on,
    "uid-swapped-for-curator-of-school-b": _swapped_for("curator_b"),
    "uid-swapped-for-other-municipality": _swapped_for("other_curator"),
    "uid-swapped-for-the-administrator": _swapped_for("admin"),
    "uid-not-base64": _junk("!!!"),
    "uid-of-no-user": _junk(uid(10**9)),
    "uid-of-a-non-number": _junk(urlsafe_base64_encode(b"DROP TABLE")),
    "uid-2000-chars": _junk("A" * 2000),
    "token-junk": _junk(None, "1-" + "f" * 32),
    "token-2000-chars": _junk(None, "z" * 2000),
    "token-percent-nul": _junk(None, "abc%00def"),
    "set-password-without-opening-a-link": _set_password_without_a_link,
}


@pytest.mark.parametrize("case", list(LINKS), ids=list(LINKS))
def test_hostile_link(scene, case):
    path = LINKS[case](scene)
    before = passwords()
    attacker = Client()
    opened = attacker.get(path)
    assert opened.status_code == 410, (case, opened.status_code)
    assert "Ссылка недействительна" in opened.content.decode()
    assert "new_password1" not in opened.content.decode()
    posted = attacker.post(path, {"new_password1": NEW, "new_password2": NEW})
    assert posted.status_code == 410
    target = path.rsplit("/", 2)[0] + "/set-password/"
    again = attacker.post(target, {"new_password1": NEW, "new_password2": NEW})
    assert again.status_code == 410
    assert passwords() == before


def test_a_link_opened_by_one_browser_is_not_finished_by_another(scene):
    """The token moves into the session of the browser that opened the link; the set-password
    address alone is worth nothing elsewhere."""
    path = accounts.issue_reset_link(user=scene["staff"], account=scene["curator_a"])
    owner = Client()
    target = owner.get(path)["Location"]
    before = passwords()
    other = Client()
    response = other.post(target, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 410
    assert passwords() == before


# --- account actions by those who may not -----------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    who: str
    target: str
    status: int


ATTEMPTS = {
    "staff-on-curator-of-other-municipality": Attempt("staff", "other_curator", 404),
    "staff-on-staff-of-other-municipality": Attempt("staff", "other_staff", 404),
    "other-staff-on-curator-of-school-a": Attempt("other_staff", "curator_a", 404),
    "staff-on-a-colleague": Attempt("staff", "colleague", 404),
    "staff-on-the-head": Attempt("staff", "head", 404),
    "staff-on-the-administrator": Attempt("staff", "admin", 404),
    "staff-on-a-curator-with-admin-access": Attempt("staff", "curator_with_admin", 404),
    "staff-on-themselves": Attempt("staff", "staff", 404),
    "curator-on-curator-of-school-b": Attempt("curator_a", "curator_b", 403),
    "curator-on-themselves": Attempt("curator_a", "curator_a", 403),
    "curator-on-staff": Attempt("curator_a", "staff", 403),
    "head-on-curator": Attempt("head", "curator_a", 403),
    "region-on-curator": Attempt("region", "curator_a", 403),
}


@pytest.mark.parametrize("case", list(ATTEMPTS), ids=list(ATTEMPTS))
def test_hostile_account_action(scene, head, case):
    attempt = ATTEMPTS[case]
    people = {
        **scene,
        "head": head,
        "region": make_user("region", roles.REGION),
        "colleague": make_user("colleague", roles.STAFF, municipality=head.profile.municipality),
        "curator_with_admin": make_user(
            "curator_with_admin", roles.CURATOR, school=scene["curator_a"].profile.school
        ),
    }
    people["curator_with_admin"].is_staff = True
    people["curator_with_admin"].save()
    target = people[attempt.target]
    client = Client()
    client.force_login(people[attempt.who])
    before = (
        list(User.objects.order_by("pk").values_list("is_active", "password")),
        list(AccountState.objects.values_list("user_id", "must_change_password")),
    )
    for name in ("reset_link", "deactivate", "reactivate"):
        response = client.post(reverse(f"accounts:{name}", args=[target.pk]))
        assert response.status_code == attempt.status, (name, response.status_code)
        assert "/accounts/reset/" not in response.content.decode()
    response = client.get(reverse("accounts:detail", args=[target.pk]))
    assert response.status_code == attempt.status
    assert (
        list(User.objects.order_by("pk").values_list("is_active", "password")),
        list(AccountState.objects.values_list("user_id", "must_change_password")),
    ) == before
    assert not AuditEvent.objects.filter(object_type="user").exists()


def test_account_actions_by_get_are_refused(scene):
    client = Client()
    client.force_login(scene["staff"])
    for name in ("reset_link", "deactivate", "reactivate"):
        url = reverse(f"accounts:{name}", args=[scene["curator_a"].pk])
        assert client.get(url).status_code == 405
    assert not AuditEvent.objects.filter(object_type="user").exists()


def test_account_actions_without_the_csrf_token_are_refused(scene):
    client = Client(enforce_csrf_checks=True)
    client.force_login(scene["staff"])
    for name in ("reset_link", "deactivate"):
        response = client.post(reverse(f"accounts:{name}", args=[scene["curator_a"].pk]))
        assert response.status_code == 403
    scene["curator_a"].refresh_from_db()
    assert scene["curator_a"].is_active
    assert not AuditEvent.objects.filter(object_type="user").exists()


# --- sessions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["db", "cached_db"])
def test_a_switched_off_users_open_session_stops(scene, roadmap, settings, engine):
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{engine}"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": engine}
    }
    curator = Client()
    assert (
        curator.post(reverse("login"), {"username": "curator_a", "password": PASSWORD}).status_code
        == 302
    )
    execution_url = reverse("roadmap:my")
    assert curator.get(execution_url).status_code == 200
    accounts.deactivate_account(user=scene["staff"], account=scene["curator_a"])
    for url in (execution_url, reverse("registry:mentees"), reverse("accounts:password_change")):
        response = curator.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    posted = curator.post(reverse("registry:mentee_create"), {"last_name": "Призрак"})
    assert posted.status_code == 302 and posted["Location"].startswith(reverse("login"))
    # The old cookie does not log in again after access comes back either: a new login does.
    accounts.reactivate_account(user=scene["staff"], account=scene["curator_a"])
    assert curator.get(execution_url).status_code in {200, 302}


def test_a_switched_off_administrator_loses_the_admin_at_once(scene, head):
    second = make_user("admin2", None, is_staff=True, is_superuser=True)
    client = Client()
    client.post(reverse("login"), {"username": "admin2", "password": PASSWORD})
    assert client.get(reverse("admin:index")).status_code == 200
    accounts.deactivate_account(user=scene["admin"], account=second)
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_session_open_before_the_password_was_set_by_link_stops(scene, roadmap):
    """Someone who had the curator's old password and a session open loses it once the owner
    sets a new password through a link."""
    intruder = Client()
    intruder.post(reverse("login"), {"username": "curator_a", "password": PASSWORD})
    assert intruder.get(reverse("roadmap:my")).status_code == 200
    scene["curator_a"].refresh_from_db()
    use(accounts.issue_reset_link(user=scene["staff"], account=scene["curator_a"]))
    assert intruder.get(reverse("roadmap:my"))["Location"].startswith(reverse("login"))


def test_a_forged_session_cookie_opens_nothing(scene, roadmap, settings):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    response = client.get(reverse("roadmap:my"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- the pages themselves ------------------------------------------------------------------------


def test_the_e_mail_link_ignores_a_forged_host(scene, settings):
    settings.PASSWORD_RESET_BY_EMAIL = True
    settings.SITE_URL = "https://cmn.argun.example"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    scene["curator_a"].email = "curator.a@school.example"
    scene["curator_a"].save()
    Client().post(
        reverse("accounts:password_reset"),
        {"email": "curator.a@school.example"},
        headers={"host": "evil.example"},
    )
    assert len(mail.outbox) == 1
    assert "evil.example" not in mail.outbox[0].body
    assert "https://cmn.argun.example/accounts/reset/" in mail.outbox[0].body


def test_the_change_refuses_an_open_redirect_and_ignores_hidden_fields(scene):
    client = Client()
    client.force_login(scene["curator_a"])
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW,
            "new_password2": NEW,
            "next": "//evil.example/steal",
            "username": "admin",
            "is_superuser": "on",
            "user": str(scene["admin"].pk),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    scene["curator_a"].refresh_from_db()
    scene["admin"].refresh_from_db()
    assert scene["curator_a"].check_password(NEW) and not scene["curator_a"].is_superuser
    assert scene["admin"].check_password(PASSWORD)


def test_the_link_page_is_never_cached(scene):
    client = Client()
    client.force_login(scene["staff"])
    response = client.post(reverse("accounts:reset_link", args=[scene["curator_a"].pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    opened = Client().get(response.context["link"].split("testserver", 1)[1])
    assert opened.status_code == 302
    assert "no-store" in opened["Cache-Control"] or "no-cache" in opened["Cache-Control"]


def test_issuing_a_link_reveals_no_password_and_stores_no_token(scene):
    client = Client()
    client.force_login(scene["staff"])
    response = client.post(reverse("accounts:reset_link", args=[scene["curator_a"].pk]))
    token = response.context["link"].rstrip("/").rsplit("/", 1)[-1]
    scene["curator_a"].refresh_from_db()
    assert scene["curator_a"].password.split("$")[-1] not in response.content.decode()
    for event in AuditEvent.objects.all():
        assert token not in event.detail
    for session in Session.objects.all():
        assert token not in str(session.get_decoded())
