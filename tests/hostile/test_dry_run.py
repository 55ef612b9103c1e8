"""Commands that destroy, send or overwrite have `--dry-run`: it prints, in Russian, what would
happen — the items listed — and changes nothing: every table, the files and the outbox are as
before. Each is run through `call_command`, as cron or an administrator would."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ops.backup import Database
from registry import services
from tests.ops.test_backup import database_url, media_root, scratch_database, table_fingerprints
from tests.roadmap.files_helpers import PNG_BYTES, upload

__all__ = ["media_root", "scratch_database"]  # fixtures, used by name

DAY = dt.date(2020, 10, 26)  # the seed roadmap's October measures are due within days


def everything() -> dict:
    """Every row of every model of the project's apps."""
    prints = {}
    for app in ("registry", "roadmap", "monitoring", "auth"):
        for model in apps.get_app_config(app).get_models():
            prints[model._meta.label] = list(model.objects.order_by("pk").values_list())
    return prints


def files_under(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def withdrawn(staff, registry_data, media_root):
    """Both schools' minors with every consent withdrawn long ago; school B's with a scan."""
    minor_a, minor_b = registry_data["a"]["minor"], registry_data["b"]["minor"]
    services.record_consent(
        user=staff,
        mentee=minor_b,
        representative_name="Отец О. О.",
        relation="father",
        document="паспорт 96 00 111111",
        given_on=dt.date(2021, 1, 2),
        scan=upload("скан.png", PNG_BYTES),
    )
    for minor in (minor_a, minor_b):
        for consent in minor.consents.all():
            services.withdraw_consent(user=staff, consent=consent, withdrawn_on=dt.date(2021, 1, 3))
    return minor_a, minor_b


@pytest.mark.django_db
def test_destroy_withdrawn_personal_data_dry_run_lists_and_keeps_everything(withdrawn, media_root):
    minor_a, minor_b = withdrawn
    before, files = everything(), files_under(media_root)
    assert files  # the scan that a real run would delete
    printed = run("destroy_withdrawn_personal_data", "--dry-run")
    assert "Пробный запуск (--dry-run): ничего не изменено" in printed
    assert "Будут уничтожены персональные данные наставляемых: 2." in printed
    assert f"наставляемый № {minor_a.pk} (МБОУ «СОШ № 1» г. Аргун)" in printed
    assert f"наставляемый № {minor_b.pk} (МБОУ «СОШ № 2» г. Аргун)" in printed
    assert "согласие отозвано 03.01.2021" in printed and "сканов к удалению — 1" in printed
    assert minor_a.last_name not in printed  # the list itself names nobody
    assert everything() == before
    assert files_under(media_root) == files
    # and the real run does what was announced
    assert "наставляемых: 2." in run("destroy_withdrawn_personal_data")
    assert everything() != before and files_under(media_root) == {}


@pytest.fixture
def people(staff, curator_a, curator_b, head):
    for user in (staff, curator_a, curator_b, head):
        user.email = f"{user.username}@argun.example"
        user.save()
    return staff, curator_a, curator_b


@pytest.mark.django_db
def test_send_deadline_reminders_dry_run_sends_and_records_nothing(roadmap, people):
    before = everything()
    printed = run("send_deadline_reminders", "--date", DAY.strftime("%d.%m.%Y"), "--dry-run")
    assert "Пробный запуск (--dry-run): письма не отправлены, ничего не записано" in printed
    assert "было бы отправлено писем 3" in printed
    for user in people:
        assert f"{user.username} <{user.email}>: «Сроки по дорожной карте на 26.10.2020" in printed
    assert mail.outbox == []
    assert everything() == before
    # and the real run sends exactly those
    assert "отправлено писем 3" in run("send_deadline_reminders", "--date", "26.10.2020")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in people)


@pytest.mark.django_db(transaction=True)
def test_restore_data_dry_run_checks_and_restores_nothing(
    roadmap, registry_data, scratch_database, media_root, tmp_path
):
    backups = tmp_path / "backups"
    run("backup_data", "--output-dir", str(backups))
    (folder,) = backups.iterdir()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    target_media = tmp_path / "restored-media"
    printed = run(
        "restore_data",
        str(folder),
        "--database-url",
        database_url(scratch_database),
        "--media-root",
        str(target_media),
        "--dry-run",
    )
    assert "Пробный запуск (--dry-run): ничего не изменено." in printed
    tables = manifest["database"]["tables"]
    assert f"таблиц {len(tables)}, строк {sum(tables.values())}" in printed
    assert "public.registry_mentee" in printed and "public.roadmap_measure" in printed
    assert f"распаковку файлов пользователей в {target_media}" in printed
    assert table_fingerprints(scratch_database) == {}  # not a table restored
    assert not target_media.exists()

    # Into the working (non-empty) database: the same refusal as a real run, nothing dropped.
    this = Database.from_settings(connection.settings_dict)
    before = table_fingerprints(this)
    with pytest.raises(CommandError, match="не пуста"):
        run("restore_data", str(folder), "--media-root", str(target_media), "--dry-run")
    # With --force: it says the schema would be dropped, and drops nothing.
    printed = run(
        "restore_data", str(folder), "--media-root", str(target_media), "--force", "--dry-run"
    )
    assert "удаление схемы public со всем содержимым" in printed
    assert table_fingerprints(this) == before
    assert not target_media.exists()
