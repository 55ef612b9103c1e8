import datetime
import os
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import timezone

from argun_mentoring import embedded_db


def test_database_url_from_the_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.example:5432/cmn")
    assert embedded_db.database_url(tmp_path / "unused") == "postgresql://u:p@db.example:5432/cmn"
    assert not (tmp_path / "unused").exists()


def test_tests_use_their_own_embedded_folder_or_the_given_server():
    host = settings.DATABASES["default"]["HOST"]
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    if host.startswith("/"):
        assert Path(host) == Path(os.environ["EMBEDDED_PG_DIR"]).resolve()
        assert Path(host).name.startswith(".pgdata-test")


def test_russian_language_time_zone_and_dates():
    assert settings.LANGUAGE_CODE == "ru"
    assert settings.TIME_ZONE == "Europe/Moscow"
    rendered = Template('{{ d|date:"SHORT_DATE_FORMAT" }} · {{ d }} · {{ d|date:"E Y" }}').render(
        Context({"d": datetime.date(2020, 10, 28)})
    )
    assert rendered == "28.10.2020 · 28.10.2020 · октября 2020"
    moment = datetime.datetime(2020, 10, 28, 9, 0, tzinfo=datetime.UTC)
    assert timezone.localtime(moment).hour == 12


def test_a_bad_host_is_a_400_page_not_a_crash(client):
    response = client.get("/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Неверный запрос" in response.content.decode()


def test_years_are_pluralised_in_russian():
    from registry.templatetags.registry_tags import years

    assert [years(n) for n in (1, 2, 5, 11, 14, 21, 22, 25, 101, 112)] == [
        "1 год",
        "2 года",
        "5 лет",
        "11 лет",
        "14 лет",
        "21 год",
        "22 года",
        "25 лет",
        "101 год",
        "112 лет",
    ]
