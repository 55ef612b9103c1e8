"""What every signed-in page reads about its user: one query brings the user with the
account's state, the profile and its school, and the names of the groups (the role)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import ROLE_CURATOR, ROLE_HEAD, ROLE_STAFF, role_of

pytestmark = pytest.mark.django_db


def _tables_read(client, url) -> list[str]:
    client.get(url)  # warm the per-process caches (content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize(
    ("who", "url"),
    [("curator_a", "/roadmaps/my/"), ("staff", "/monitoring/periods/")],
)
def test_the_user_profile_school_and_role_in_one_query(client, roadmap, request, who, url):
    client.force_login(request.getfixturevalue(who))
    queries = _tables_read(client, url)
    user_queries = [sql for sql in queries if 'FROM "auth_user"' in sql]
    assert len(user_queries) == 1
    assert '"registry_profile"' in user_queries[0] and '"auth_group"' in user_queries[0]
    separate = [
        sql
        for sql in queries
        if sql.startswith(('SELECT "auth_group"', 'SELECT "registry_profile"'))
        or (
            sql.startswith('SELECT "registry_school"."id", "registry_school"."municipality_id"')
            and 'WHERE "registry_school"."id" =' in sql
        )
    ]
    assert separate == []


def test_the_role_loaded_with_the_user(client, roadmap, head, staff, curator_a):
    from django.contrib.auth import get_user

    for user, role in ((head, ROLE_HEAD), (staff, ROLE_STAFF), (curator_a, ROLE_CURATOR)):
        client.force_login(user)
        request = type("Request", (), {"session": client.session})()
        loaded = get_user(request)
        assert loaded.pk == user.pk
        with CaptureQueriesContext(connection) as captured:
            assert role_of(loaded) == role
            assert loaded.profile.school_id == user.profile.school_id
        assert len(captured.captured_queries) == 0
