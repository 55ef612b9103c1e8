"""A returned report reworked: the form starts from the previous text, date and files; each
file is kept, replaced or removed; a refused form loses nothing."""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse

from roadmap import services
from roadmap.models import Evidence, Execution, Report
from tests.roadmap.files_helpers import PDF_BYTES, docx_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def returned(roadmap, school_a, curator_a, staff) -> Execution:
    execution = Execution.objects.get(
        measure__section__roadmap=roadmap, measure__number="1.7", school=school_a
    )
    services.submit_report(
        user=curator_a,
        execution=execution,
        text="Приказ издан, план утверждён",
        completed_on=datetime.date(2020, 10, 20),
        files=[upload("Приказ.pdf", PDF_BYTES), upload("План.docx", docx_bytes())],
    )
    report = execution.reports.get()
    services.review_report(user=staff, report=report, accept=False, comment="Нет скана подписи")
    execution.refresh_from_db()
    return execution


def _files(execution) -> dict:
    return {e.original_name: e.pk for e in Evidence.objects.filter(report__execution=execution)}


def test_returned_report_opens_with_its_text_date_and_files(client, curator_a, returned):
    client.force_login(curator_a)
    html = client.get(reverse("roadmap:execution", args=[returned.pk])).content.decode()
    form = html[html.index('class="report-form"') :]
    assert "Приказ издан, план утверждён</textarea>" in form
    assert 'value="20.10.2020"' in form
    for name in ("Приказ.pdf", "План.docx"):
        assert f'data-evidence="{name}"' in form
    assert form.count(">удалить</label>") == 2


def test_rework_keeps_replaces_and_removes_files(client, curator_a, returned, media):
    client.force_login(curator_a)
    files = _files(returned)
    old_paths = {Path(e.file.path) for e in Evidence.objects.all()}
    response = client.post(
        reverse("roadmap:execution_report", args=[returned.pk]),
        {
            "text": "Приказ издан, план утверждён; скан с подписью приложен",
            "completed_on": "20.10.2020",
            f"replace_{files['Приказ.pdf']}": upload("Приказ с подписью.pdf", PDF_BYTES),
            "files": [upload("Фото.pdf", PDF_BYTES)],
        },
    )
    assert response.status_code == 302
    latest = returned.reports.order_by("-submitted_at", "-id").first()
    assert latest.decision == Report.Decision.PENDING
    assert latest.completed_on == datetime.date(2020, 10, 20)
    assert sorted(e.original_name for e in latest.evidence.all()) == [
        "План.docx",
        "Приказ с подписью.pdf",
        "Фото.pdf",
    ]
    kept = latest.evidence.get(original_name="План.docx")
    assert (
        Path(kept.file.path).read_bytes()
        == Path(Evidence.objects.get(pk=files["План.docx"]).file.path).read_bytes()
    )
    # The returned report keeps its own files in the history.
    first = returned.reports.order_by("submitted_at", "id").first()
    assert sorted(e.original_name for e in first.evidence.all()) == ["План.docx", "Приказ.pdf"]
    assert all(path.exists() for path in old_paths)


def test_a_file_marked_remove_is_not_carried(client, curator_a, returned):
    client.force_login(curator_a)
    files = _files(returned)
    client.post(
        reverse("roadmap:execution_report", args=[returned.pk]),
        {"text": "Исправлено", "completed_on": "21.10.2020", f"remove_{files['План.docx']}": "on"},
    )
    latest = returned.reports.order_by("-submitted_at", "-id").first()
    assert [e.original_name for e in latest.evidence.all()] == ["Приказ.pdf"]
    assert latest.completed_on == datetime.date(2020, 10, 21)


def test_refused_rework_keeps_the_text_and_the_choices(client, curator_a, returned):
    client.force_login(curator_a)
    files = _files(returned)
    response = client.post(
        reverse("roadmap:execution_report", args=[returned.pk]),
        {"text": "Исправлено", "completed_on": "", f"remove_{files['План.docx']}": "on"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Исправлено</textarea>" in html
    assert 'data-evidence="План.docx"' in html and 'data-evidence="Приказ.pdf"' in html
    remove = re.search(rf'<input[^>]*name="remove_{files["План.docx"]}"[^>]*>', html).group(0)
    assert "checked" in remove
    assert returned.reports.count() == 1
    assert Evidence.objects.count() == 2


def test_files_of_another_execution_cannot_be_carried(returned, curator_a, roadmap, school_a):
    other = Execution.objects.filter(school=school_a).exclude(pk=returned.pk).first()
    stranger = Evidence.objects.first()
    with pytest.raises(Exception, match="другого исполнения"):
        services.submit_report(
            user=curator_a,
            execution=other,
            text="Чужой файл",
            completed_on=datetime.date(2020, 10, 20),
            kept=[stranger],
        )
    assert not other.reports.exists()
