"""Accounts: one's own password change, the change demanded of an account whose password
someone else set, one-time links (issued by staff or an administrator, or sent by e-mail),
access switched off and on, and sessions that end when idle or with the browser."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core import roles
from core.accounts import services as accounts
from core.accounts.auth import LAST_SEEN_KEY, idle_limit_text
from core.audit import audit
from core.models import AccountState, AuditEvent
from registry import services
from tests.factories import SchoolFactory, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Пароль-для-тестов-1"
NEW_PASSWORD = "Новый-пароль-куратора-7"
User = get_user_model()


def log_in(username: str, password: str = PASSWORD) -> Client:
    """A client signed in through the login page, as a browser would."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def change(client, old: str, new: str, **extra):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new, **extra},
    )


def flagged(user) -> bool:
    return AccountState.objects.filter(user=user, must_change_password=True).exists()


def link_path(response) -> str:
    """The path of the one-time link shown on the page."""
    found = re.search(r'value="https?://[^/"]+(/accounts/reset/[^"]+)"', response.content.decode())
    assert found, response.content.decode()[:2000]
    return found.group(1)


def appoint(staff, school, username="new_curator", password="Начальный-пароль-42"):
    return services.appoint_curator(
        user=staff,
        school=school,
        username=username,
        last_name="Исаева",
        first_name="Хава Ахмедовна",
        email=f"{username}@school.example",
        password=password,
    )


@pytest.fixture
def other_staff(other_roadmap):
    return make_user("outsider", roles.STAFF, municipality=other_roadmap.municipality)


@pytest.fixture
def other_curator(other_roadmap):
    school = SchoolFactory(municipality=other_roadmap.municipality)
    return make_user("other_curator", roles.CURATOR, school=school)


# --- one's own password ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "head", "curator_a", "admin", "region"])
def test_every_user_changes_their_own_password(cast, who):
    if who == "region":
        make_user("region", roles.REGION)
    client = log_in("admin" if who == "admin" else who)
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    assert "Смена пароля" in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    response = change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(username="admin" if who == "admin" else who)
    assert user.check_password(NEW_PASSWORD)
    state = AccountState.objects.get(user=user)
    assert state.password_changed_at is not None and not state.must_change_password
    event = AuditEvent.objects.get(action="password", object_id=str(user.pk))
    assert event.user == user
    # This session goes on; the user logs in with the new password from now on.
    assert client.get(reverse("accounts:password_change")).status_code == 200
    old = Client().post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert old.status_code == 200  # the login form again, with its error
    assert log_in(user.username, NEW_PASSWORD)


def test_the_user_menu_links_the_password_change(client, curator_a, roadmap):
    client.force_login(curator_a)
    page = client.get(reverse("roadmap:my")).content.decode()
    assert f'href="{reverse("accounts:password_change")}"' in page
    assert "Сменить пароль" in page


def test_a_password_change_ends_the_users_other_sessions(staff):
    elsewhere = log_in("staff")
    here = log_in("staff")
    assert change(here, PASSWORD, NEW_PASSWORD).status_code == 302
    assert here.get(reverse("roadmap:list")).status_code == 200
    gone = elsewhere.get(reverse("roadmap:list"))
    assert gone.status_code == 302 and gone["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "old, new1, new2, message",
    [
        ("не тот пароль", NEW_PASSWORD, NEW_PASSWORD, "Ваш старый пароль введен неправильно"),
        (PASSWORD, "Короткий-11", "Короткий-11", "как минимум 12 символов"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "не совпадают"),
        (PASSWORD, PASSWORD, PASSWORD, "Новый пароль совпадает с прежним"),
        (PASSWORD, "123456789012345", "123456789012345", "только из цифр"),
    ],
    ids=["wrong-old", "eleven-chars", "mismatch", "same-as-old", "digits-only"],
)
def test_a_refused_change_says_why_and_changes_nothing(staff, old, new1, new2, message):
    client = log_in("staff")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="password").exists()


def test_the_password_change_asks_for_a_login(client, db):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_twelve_characters_at_least(settings):
    minimum = [
        v for v in settings.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("MinimumLengthValidator")
    ]
    assert minimum == [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        }
    ]


# --- the change demanded at first login -----------------------------------------------------------


def test_a_curator_appointed_by_staff_must_change_the_password_at_first_login(
    staff, school_a, roadmap
):
    curator = appoint(staff, school_a)
    assert flagged(curator)
    client = log_in("new_curator", "Начальный-пароль-42")
    for url in (
        reverse("home"),
        reverse("roadmap:my"),
        reverse("registry:mentees"),
        reverse("monitoring:dashboard"),
        reverse("accounts:list"),
        reverse("admin:index"),
        reverse("login"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:password_change")), url
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="password-change-required"' in html
    # The menu offers nothing that would only lead back here; logging out stays.
    assert f'href="{reverse("registry:mentees")}"' not in html
    assert f'action="{reverse("logout")}"' in html

    # The initial password cannot be kept; a new one opens everything.
    refused = change(client, "Начальный-пароль-42", "Начальный-пароль-42")
    assert refused.status_code == 422
    done = change(client, "Начальный-пароль-42", NEW_PASSWORD, next=reverse("registry:mentees"))
    assert done.status_code == 302 and done["Location"] == reverse("registry:mentees")
    assert not flagged(curator)
    assert client.get(reverse("registry:mentees")).status_code == 200


def test_until_changed_a_post_elsewhere_does_nothing(staff, school_a, registry_data):
    appoint(staff, school_a)
    client = log_in("new_curator", "Начальный-пароль-42")
    before = registry_data["a"]["minor"].last_name
    response = client.post(
        reverse("registry:mentee_edit", args=[registry_data["a"]["minor"].pk]),
        {"last_name": "Захват"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    registry_data["a"]["minor"].refresh_from_db()
    assert registry_data["a"]["minor"].last_name == before


def test_until_changed_htmx_is_sent_to_the_change_form(staff, school_a, roadmap):
    appoint(staff, school_a)
    client = log_in("new_curator", "Начальный-пароль-42")
    response = client.get(reverse("roadmap:my"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:password_change")


def test_until_changed_logout_works(staff, school_a):
    appoint(staff, school_a)
    client = log_in("new_curator", "Начальный-пароль-42")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_the_next_address_is_followed_only_inside_the_site(staff, school_a):
    appoint(staff, school_a)
    client = log_in("new_curator", "Начальный-пароль-42")
    response = change(client, "Начальный-пароль-42", NEW_PASSWORD, next="https://evil.example/")
    assert response["Location"] == reverse("home")


def test_the_flag_comes_with_the_user_in_one_query(staff, school_a, roadmap):
    """The account state is joined to the user by the authentication backend: no query of
    its own on each request."""
    curator = appoint(staff, school_a)
    client = log_in("new_curator", "Начальный-пароль-42")
    change(client, "Начальный-пароль-42", NEW_PASSWORD)
    assert AccountState.objects.filter(user=curator).exists()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("roadmap:my")).status_code == 200
    state_queries = [
        q["sql"] for q in queries if 'FROM "registry_accountstate"' in q["sql"].replace("\n", " ")
    ]
    assert state_queries == []
    assert any('"registry_accountstate"' in q["sql"] for q in queries)  # joined to the user


def test_a_user_the_administrator_creates_in_the_admin_must_change(admin_user, municipality):
    client = log_in("admin")
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "created_in_admin",
            "usable_password": "true",
            "password1": "Пароль-из-админки-1",
            "password2": "Пароль-из-админки-1",
            "profile-TOTAL_FORMS": "0",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = User.objects.get(username="created_in_admin")
    assert flagged(created)
    client = log_in("created_in_admin", "Пароль-из-админки-1")
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:password_change"))


def test_a_password_the_administrator_sets_in_the_admin_must_be_changed(admin_user, staff):
    client = log_in("admin")
    response = client.post(
        reverse("admin:auth_user_password_change", args=[staff.pk]),
        {
            "usable_password": "true",
            "password1": "Пароль-из-админки-2",
            "password2": "Пароль-из-админки-2",
        },
    )
    assert response.status_code == 302
    assert flagged(staff)
    assert not flagged(admin_user)


def test_the_admins_own_password_page_is_the_products(admin_user):
    client = log_in("admin")
    response = client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")


def test_demo_users_are_never_asked_to_change(monkeypatch, tmp_path, seed_roadmap):
    from django.core.management import call_command

    from devdata.demo import tenant as demo

    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "demo.json")
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    curator = User.objects.get(username="curator1")
    assert not flagged(curator)
    # Trying the accounts pages (a link issued, access switched off) is undone by the next run.
    accounts.require_password_change(curator)
    curator.is_active = False
    curator.save()
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    curator.refresh_from_db()
    assert curator.is_active and not flagged(curator)


def test_the_migration_asks_existing_curators_to_change(curator_a, curator_b, staff):
    """Curators appointed before could not change the password staff typed for them."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("registry.migrations.0010_accounts")
    curator_b.is_active = False
    curator_b.save()
    migration.curators_change_their_passwords(apps, None)
    assert flagged(curator_a)
    assert not flagged(curator_b)  # access switched off: nothing to ask
    assert not flagged(staff)


# --- one-time links issued by staff or an administrator ----------------------------------------


def test_staff_issue_a_link_shown_once_and_the_curator_sets_a_password(staff, curator_a):
    client = log_in("staff")
    detail = client.get(reverse("accounts:detail", args=[curator_a.pk]))
    assert detail.status_code == 200
    assert "Выдать ссылку для смены пароля" in detail.content.decode()

    response = client.post(reverse("accounts:reset_link", args=[curator_a.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    path = link_path(response)
    token = path.rstrip("/").rsplit("/", 1)[-1]
    assert "действует до" in response.content.decode()
    # Recorded who issued it, for whom and till when; the link itself is nowhere.
    event = AuditEvent.objects.get(action="reset_link")
    assert (event.user, event.object_id, event.school) == (
        staff,
        str(curator_a.pk),
        curator_a.profile.school,
    )
    assert token not in event.detail
    assert flagged(curator_a)
    assert (
        client.get(reverse("accounts:detail", args=[curator_a.pk])).content.decode().count(token)
        == 0
    )

    # The curator opens it on another computer: the token leaves the address at once.
    curator = Client()
    opened = curator.get(path)
    assert opened.status_code == 302 and opened["Location"].endswith("/set-password/")
    form = curator.get(opened["Location"])
    assert form.status_code == 200 and "Новый пароль" in form.content.decode()
    saved = curator.post(
        opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert saved.status_code == 302
    assert saved["Location"] == reverse("accounts:password_reset_complete")
    curator_a.refresh_from_db()
    assert curator_a.check_password(NEW_PASSWORD)
    assert not flagged(curator_a)
    used = AuditEvent.objects.get(action="password")
    assert used.user == curator_a and "по ссылке" in used.detail
    # Logged in with the new password, nothing more is asked.
    assert log_in("curator_a", NEW_PASSWORD).get(reverse("roadmap:my")).status_code == 200


def test_the_link_sets_a_password_by_the_same_rules(staff, curator_a):
    path = accounts.issue_reset_link(user=staff, account=curator_a)
    client = Client()
    target = client.get(path)["Location"]
    short = client.post(target, {"new_password1": "Короткий-11", "new_password2": "Короткий-11"})
    assert short.status_code == 422
    assert "как минимум 12 символов" in short.content.decode()
    same = client.post(target, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert same.status_code == 422 and "совпадает с прежним" in same.content.decode()
    curator_a.refresh_from_db()
    assert curator_a.check_password(PASSWORD)


def test_the_old_password_after_an_issued_link_leads_only_to_the_change(staff, curator_a):
    accounts.issue_reset_link(user=staff, account=curator_a)
    client = log_in("curator_a")
    response = client.get(reverse("roadmap:my"))
    assert response["Location"].startswith(reverse("accounts:password_change"))


def test_setting_a_password_by_link_ends_the_users_open_sessions(staff, curator_a):
    open_session = log_in("curator_a")
    curator_a.refresh_from_db()  # the login's time is part of the link
    path = accounts.issue_reset_link(user=staff, account=curator_a)
    client = Client()
    target = client.get(path)["Location"]
    client.post(target, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert open_session.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_an_administrator_issues_a_link_for_anyone(admin_user, staff, head, curator_b):
    client = log_in("admin")
    for account in (staff, head, curator_b):
        response = client.post(reverse("accounts:reset_link", args=[account.pk]))
        assert response.status_code == 200, account
        link_path(response)
    assert AuditEvent.objects.filter(action="reset_link", user=admin_user).count() == 3


@pytest.mark.parametrize("who", ["curator_a", "head", "region"])
def test_only_staff_and_administrators_issue_links(cast, who):
    if who == "region":
        make_user("region", roles.REGION)
    client = log_in(who)
    target = cast["curator_b"]
    for url in (
        reverse("accounts:list"),
        reverse("accounts:detail", args=[target.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for name in ("reset_link", "deactivate", "reactivate"):
        assert client.post(reverse(f"accounts:{name}", args=[target.pk])).status_code == 403
    assert not AuditEvent.objects.filter(object_type="user").exists()
    target.refresh_from_db()
    assert target.is_active and not flagged(target)


def test_staff_reach_only_the_curators_of_their_municipality(
    staff, head, curator_a, other_staff, other_curator, admin_user
):
    colleague = make_user("colleague", roles.STAFF, municipality=staff.profile.municipality)
    # A curator who also has Django admin access, or a department role: more rights than staff.
    powerful = make_user("powerful", roles.CURATOR, school=curator_a.profile.school, is_staff=True)
    double = make_user("double", roles.CURATOR, school=curator_a.profile.school)
    double.groups.add(*User.objects.get(username="head").groups.all())
    client = log_in("staff")
    for account in (head, colleague, other_staff, other_curator, admin_user, powerful, double):
        for name in ("detail", "reset_link", "deactivate", "reactivate"):
            url = reverse(f"accounts:{name}", args=[account.pk])
            response = client.get(url) if name == "detail" else client.post(url)
            assert response.status_code == 404, (account.username, name)
    assert not AuditEvent.objects.filter(object_type="user").exists()
    assert User.objects.filter(is_active=False).count() == 0
    # The service refuses too, whatever view calls it.
    with pytest.raises(PermissionDenied):
        accounts.issue_reset_link(user=staff, account=other_curator)
    with pytest.raises(PermissionDenied):
        accounts.deactivate_account(user=staff, account=head)
    with pytest.raises(PermissionDenied):
        accounts.issue_reset_link(user=curator_a, account=curator_a)


def test_the_accounts_list_is_scoped_and_searchable(
    staff, curator_a, curator_b, other_curator, admin_user, django_assert_max_num_queries
):
    client = log_in("staff")
    page = client.get(reverse("accounts:list")).content.decode()
    assert "curator_a" in page and "curator_b" in page
    assert "other_curator" not in page and ">admin<" not in page
    found = client.get(reverse("accounts:list"), {"q": "curator_b"}).content.decode()
    assert "curator_b" in found and "curator_a" not in found
    accounts.deactivate_account(user=staff, account=curator_b)
    inactive = client.get(reverse("accounts:list"), {"state": "inactive"}).content.decode()
    assert "curator_b" in inactive and "curator_a" not in inactive
    everyone = log_in("admin").get(reverse("accounts:list")).content.decode()
    for username in ("curator_a", "other_curator", "staff", "admin"):
        assert f'<td translate="no">{username}</td>' in everyone, username


def test_the_accounts_list_costs_the_same_queries_for_more_accounts(
    staff, school_a, django_assert_max_num_queries
):
    client = log_in("staff")
    make_user("c0", roles.CURATOR, school=school_a)
    client.get(reverse("accounts:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:list"))
    for n in range(1, 30):
        accounts.require_password_change(make_user(f"c{n}", roles.CURATOR, school=school_a))
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("accounts:list"))
    assert page.content.decode().count("ждёт смены пароля") == 29


def test_a_link_is_refused_for_an_account_without_access(staff, curator_a):
    accounts.deactivate_account(user=staff, account=curator_a)
    client = log_in("staff")
    response = client.post(reverse("accounts:reset_link", args=[curator_a.pk]))
    assert response.status_code == 409
    assert "сначала восстановите доступ" in response.content.decode()
    assert not AuditEvent.objects.filter(action="reset_link").exists()


def test_the_link_works_once(staff, curator_a):
    path = accounts.issue_reset_link(user=staff, account=curator_a)
    client = Client()
    target = client.get(path)["Location"]
    client.post(target, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = Client().get(path)
    assert again.status_code == 410
    assert "Ссылка недействительна" in again.content.decode()


def test_the_link_lasts_a_day(staff, curator_a, settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 24 * 60 * 60
    generator = accounts.token_generator
    now = generator._num_seconds(generator._now())
    uid = urlsafe_base64_encode(force_bytes(curator_a.pk))

    def opened(age_seconds: int):
        token = generator._make_token_with_timestamp(curator_a, now - age_seconds, generator.secret)
        return Client().get(
            reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
        )

    assert opened(23 * 3600 + 59 * 60).status_code == 302
    assert opened(24 * 3600 + 60).status_code == 410


def test_a_link_made_for_one_account_opens_no_other(staff, curator_a, curator_b):
    path = accounts.issue_reset_link(user=staff, account=curator_a)
    uid_b = urlsafe_base64_encode(force_bytes(curator_b.pk))
    parts = path.rstrip("/").split("/")
    forged = "/".join([*parts[:-2], uid_b, parts[-1]]) + "/"
    assert Client().get(forged).status_code == 410


# --- «Забыли пароль?» --------------------------------------------------------------------------


def test_without_smtp_the_login_page_sends_to_the_department(client, settings, curator_a):
    settings.PASSWORD_RESET_BY_EMAIL = False
    page = client.get(reverse("login")).content.decode()
    assert "Обратитесь в департамент образования" in page
    assert reverse("accounts:password_reset") not in page
    form = client.get(reverse("accounts:password_reset"))
    assert form.status_code == 200 and 'id="reset-ask-department"' in form.content.decode()
    client.post(reverse("accounts:password_reset"), {"email": curator_a.email or "a@b.ru"})
    assert mail.outbox == []


def test_with_smtp_a_link_comes_by_e_mail(client, settings, curator_a):
    settings.PASSWORD_RESET_BY_EMAIL = True
    settings.SITE_URL = "https://cmn.argun.example"
    curator_a.email = "curator.a@school.example"
    curator_a.first_name, curator_a.last_name = "Зарема", "Ахмадова"
    curator_a.save()
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}"' in page
    assert "Забыли пароль?" in page

    response = client.post(
        reverse("accounts:password_reset"),
        {"email": "Curator.A@school.example"},
        headers={"host": "localhost"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["curator.a@school.example"]
    assert letter.subject == "Смена пароля: Дорожная карта ЦМН"
    assert "Здравствуйте, Зарема Ахмадова!" in letter.body
    assert "действует 24 часа" in letter.body
    link = re.search(r"https://cmn\.argun\.example(/accounts/reset/\S+)", letter.body)
    assert link, letter.body
    event = AuditEvent.objects.get(action="reset_link")
    assert event.object_id == str(curator_a.pk) and "e-mail" in event.detail

    browser = Client()
    target = browser.get(link.group(1))["Location"]
    browser.post(target, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    curator_a.refresh_from_db()
    assert curator_a.check_password(NEW_PASSWORD)


def test_the_e_mail_form_tells_nothing_about_who_exists(client, settings, curator_a):
    settings.PASSWORD_RESET_BY_EMAIL = True
    curator_a.email = "gone@school.example"
    curator_a.is_active = False
    curator_a.save()
    for address in ("nobody@school.example", "gone@school.example"):
        response = client.post(reverse("accounts:password_reset"), {"email": address})
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
    bad = client.post(reverse("accounts:password_reset"), {"email": "не адрес"})
    assert bad.status_code == 422


def test_the_setting_follows_smtp():
    from tests.test_production import production_settings

    assert production_settings("PASSWORD_RESET_BY_EMAIL")["PASSWORD_RESET_BY_EMAIL"] is False
    on = production_settings("PASSWORD_RESET_BY_EMAIL", EMAIL_HOST="smtp.argun.example")
    assert on["PASSWORD_RESET_BY_EMAIL"] is True


# --- access switched off and on ------------------------------------------------------------------


def test_staff_switch_off_a_curator_who_leaves_and_the_session_ends_at_once(
    staff, curator_a, roadmap
):
    curator = log_in("curator_a")
    assert curator.get(reverse("roadmap:my")).status_code == 200
    client = log_in("staff")
    response = client.post(reverse("accounts:deactivate", args=[curator_a.pk]))
    assert response.status_code == 302
    curator_a.refresh_from_db()
    assert not curator_a.is_active
    assert AccountState.objects.get(user=curator_a).deactivated_at is not None
    event = AuditEvent.objects.get(action="deactivate")
    assert (event.user, event.object_id) == (staff, str(curator_a.pk))

    # The open session: the next request is anonymous.
    gone = curator.get(reverse("roadmap:my"))
    assert gone.status_code == 302 and gone["Location"].startswith(reverse("login"))
    # No new login either.
    refused = Client().post(reverse("login"), {"username": "curator_a", "password": PASSWORD})
    assert refused.status_code == 200
    assert "правильные имя пользователя и пароль" in refused.content.decode()
    # Nothing deleted: the account, its profile and its school stay; the schools page names it.
    assert User.objects.filter(pk=curator_a.pk).exists()
    schools = client.get(reverse("registry:schools")).content.decode()
    assert "curator_a" in schools and "(доступ отключён)" in schools


def test_history_keeps_the_name_of_a_curator_who_left(staff, curator_a, roadmap):
    """A report the curator submitted still shows who submitted it."""
    from roadmap import services as roadmap_services
    from roadmap.models import Execution

    curator_a.first_name, curator_a.last_name = "Седа", "Ушедшая"
    curator_a.save()
    execution = Execution.objects.filter(school=curator_a.profile.school).first()
    roadmap_services.submit_report(
        user=curator_a,
        execution=execution,
        text="Проведено",
        completed_on=dt.date(2020, 10, 20),
        files=[],
    )
    audit(curator_a, AuditEvent.Action.VIEW, "mentee", 1)
    accounts.deactivate_account(user=staff, account=curator_a)
    client = log_in("staff")
    page = client.get(reverse("roadmap:execution", args=[execution.pk])).content.decode()
    assert "Седа Ушедшая" in page
    assert AuditEvent.objects.filter(action="view", user=curator_a).exists()


def test_reactivation_gives_access_back(staff, curator_a):
    accounts.deactivate_account(user=staff, account=curator_a)
    client = log_in("staff")
    detail = client.get(reverse("accounts:detail", args=[curator_a.pk])).content.decode()
    assert "Восстановить доступ" in detail and "отключён" in detail
    response = client.post(reverse("accounts:reactivate", args=[curator_a.pk]))
    assert response.status_code == 302
    curator_a.refresh_from_db()
    assert curator_a.is_active
    assert AuditEvent.objects.filter(action="reactivate", user=staff).exists()
    assert log_in("curator_a").get(reverse("home")).status_code in {200, 302}
    history = client.get(reverse("accounts:detail", args=[curator_a.pk])).content.decode()
    assert "отключение доступа" in history and "восстановление доступа" in history


def test_switching_off_twice_or_on_twice_is_refused(staff, curator_a):
    client = log_in("staff")
    client.post(reverse("accounts:deactivate", args=[curator_a.pk]))
    again = client.post(reverse("accounts:deactivate", args=[curator_a.pk]))
    assert again.status_code == 409 and "уже отключён" in again.content.decode()
    client.post(reverse("accounts:reactivate", args=[curator_a.pk]))
    twice = client.post(reverse("accounts:reactivate", args=[curator_a.pk]))
    assert twice.status_code == 409 and "не отключён" in twice.content.decode()
    assert AuditEvent.objects.filter(object_type="user").count() == 2


def test_an_administrator_switches_off_anyone_but_themselves(admin_user, staff):
    client = log_in("admin")
    assert client.post(reverse("accounts:deactivate", args=[staff.pk])).status_code == 302
    staff.refresh_from_db()
    assert not staff.is_active
    own = client.post(reverse("accounts:deactivate", args=[admin_user.pk]))
    assert own.status_code == 409
    assert "собственной учётной записи" in own.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_switching_access_off_voids_an_unused_link_for_good(staff, curator_a):
    path = accounts.issue_reset_link(user=staff, account=curator_a)
    accounts.deactivate_account(user=staff, account=curator_a)
    assert Client().get(path).status_code == 410
    accounts.reactivate_account(user=staff, account=curator_a)
    assert Client().get(path).status_code == 410
    fresh = accounts.issue_reset_link(user=staff, account=curator_a)
    assert Client().get(fresh).status_code == 302


def test_accounts_pages_have_no_inline_code(staff, curator_a):
    from tests.test_production import assert_no_inline_code

    client = log_in("staff")
    for url in (
        reverse("accounts:list"),
        reverse("accounts:detail", args=[curator_a.pk]),
        reverse("accounts:password_change"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_inline_code(response, url)
    shown = client.post(reverse("accounts:reset_link", args=[curator_a.pk]))
    assert_no_inline_code(shown, "reset link")
    anonymous = Client()
    target = anonymous.get(link_path(shown))["Location"]
    for url in (target, reverse("accounts:password_reset"), reverse("login")):
        assert_no_inline_code(anonymous.get(url), url)


# --- sessions ------------------------------------------------------------------------------------


def test_sessions_end_after_eight_idle_hours_and_with_the_browser(settings):
    assert settings.SESSION_IDLE_TIMEOUT_MINUTES == 8 * 60
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_SAVE_EVERY_REQUEST is False  # renewed by the middleware instead


def test_the_idle_time_comes_from_the_environment():
    from tests.test_production import production_settings

    values = production_settings(
        "SESSION_COOKIE_AGE",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        "SESSION_REFRESH_SECONDS",
        SESSION_IDLE_TIMEOUT_MINUTES="30",
    )
    assert values["SESSION_COOKIE_AGE"] == 1800
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert values["SESSION_REFRESH_SECONDS"] == 60
    assert production_settings("SESSION_COOKIE_AGE")["SESSION_COOKIE_AGE"] == 8 * 3600


def test_the_session_cookie_lasts_until_the_browser_closes(staff):
    client = Client()
    client.post(reverse("login"), {"username": "staff", "password": PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie.value
    assert not cookie["expires"] and not cookie["max-age"]


def _session(client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def test_each_request_moves_the_expiry_forward_at_most_once_a_minute(staff, roadmap):
    client = log_in("staff")
    assert LAST_SEEN_KEY in client.session  # the idle time counts from the login
    first = _session(client).expire_date
    for _ in range(3):
        assert client.get(reverse("roadmap:list")).status_code == 200
    assert _session(client).expire_date == first  # within the minute: no write
    # A minute and a half later (the last renewal moved back), the request renews it.
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 90
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(hours=7)
    )
    assert client.get(reverse("roadmap:list")).status_code == 200
    renewed = _session(client).expire_date
    assert renewed > timezone.now() + dt.timedelta(hours=7, minutes=59)


def test_a_session_idle_longer_than_the_limit_ends(staff, roadmap):
    client = log_in("staff")
    client.get(reverse("roadmap:list"))
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 8 * 3600 - 5
    session.save()
    response = client.get(reverse("roadmap:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"]).content.decode()
    assert "Сеанс завершён: не было действий дольше 8 часов" in page
    assert client.get(reverse("roadmap:list")).status_code == 302


def test_an_expired_session_in_the_database_is_not_accepted(staff, roadmap):
    client = log_in("staff")
    client.get(reverse("roadmap:list"))
    Session.objects.filter(session_key=client.cookies["sessionid"].value).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(reverse("roadmap:list"))["Location"].startswith(reverse("login"))


@pytest.fixture
def cached_db_sessions(settings):
    """The production profile's engine (with REDIS_URL): the cache in front of the database."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "s"}
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_cached_db_sessions_end_when_idle(cached_db_sessions, staff, roadmap):
    client = log_in("staff")
    assert client.get(reverse("roadmap:list")).status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 8 * 3600 - 5
    session.save()
    assert client.get(reverse("roadmap:list"))["Location"].startswith(reverse("login"))


def test_cached_db_sessions_renew_the_database_expiry_too(cached_db_sessions, staff, roadmap):
    client = log_in("staff")
    client.get(reverse("roadmap:list"))
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 90
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(hours=1)
    )
    client.get(reverse("roadmap:list"))
    assert _session(client).expire_date > timezone.now() + dt.timedelta(hours=7, minutes=59)


def test_cached_db_sessions_of_a_deactivated_user_end(cached_db_sessions, staff, curator_a):
    curator = log_in("curator_a")
    assert curator.get(reverse("roadmap:my")).status_code == 200
    accounts.deactivate_account(user=staff, account=curator_a)
    assert curator.get(reverse("roadmap:my"))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "seconds, text",
    [(8 * 3600, "8 часов"), (3600, "1 часа"), (1800, "30 минут"), (21 * 60, "21 минуты")],
)
def test_the_idle_limit_reads_in_russian(seconds, text):
    assert idle_limit_text(seconds) == text


def test_sessions_in_redis_end_when_switched_off_or_idle(settings, staff, curator_a, roadmap):
    """The production profile with REDIS_URL: cached_db sessions in a real Redis."""
    import secrets

    from tests.test_production import REDIS_URL, redis_reachable

    if not redis_reachable():
        pytest.skip("Redis on 127.0.0.1:6379 is down")
    import redis

    prefix = f"cmn-test-{secrets.token_hex(4)}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    raw = redis.Redis.from_url(REDIS_URL)
    try:
        curator = log_in("curator_a")
        idle = log_in("staff")
        assert curator.get(reverse("roadmap:my")).status_code == 200
        assert any(raw.scan_iter(f"{prefix}:*"))
        # Switched off: the session still in Redis opens nothing.
        accounts.deactivate_account(user=staff, account=curator_a)
        assert curator.get(reverse("roadmap:my"))["Location"].startswith(reverse("login"))
        # Idle past the limit: the session ends though Redis still holds it.
        session = idle.session
        session[LAST_SEEN_KEY] = int(time.time()) - 8 * 3600 - 5
        session.save()
        assert idle.get(reverse("roadmap:list"))["Location"].startswith(reverse("login"))
        # Redis keeps a session no longer than the idle limit.
        fresh = log_in("staff")
        fresh.get(reverse("roadmap:list"))
        key = next(
            k
            for k in raw.scan_iter(f"{prefix}:*")
            if fresh.cookies["sessionid"].value in k.decode()
        )
        assert 8 * 3600 - 60 <= raw.ttl(key) <= 8 * 3600
    finally:
        keys = list(raw.scan_iter(f"{prefix}:*"))
        if keys:
            raw.delete(*keys)
        raw.close()
