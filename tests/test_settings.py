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
        # Never the development database (.pgdata): .pgdata-test or a folder given for the run.
        assert Path(host) != (Path(settings.BASE_DIR) / ".pgdata").resolve()


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


def test_password_rules_and_upload_limits():
    validators = {v["NAME"].rsplit(".", 1)[-1]: v for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert set(validators) == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }
    assert validators["MinimumLengthValidator"]["OPTIONS"]["min_length"] >= 12
    # Evidence files (20 MB) and imports (10 MB) stream to a temporary file; form fields alone
    # stay small; the file size itself is checked by the forms against EVIDENCE_MAX_BYTES.
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.EVIDENCE_MAX_BYTES
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.EVIDENCE_MAX_BYTES == 20 * 1024 * 1024


def test_the_lockout_backend_comes_first_and_is_off_in_tests():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_ENABLED is False  # its own tests turn it on
