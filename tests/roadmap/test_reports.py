import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from roadmap import services
from roadmap.models import Evidence, Execution, Report
from tests.roadmap.files_helpers import EXE_BYTES, PDF_BYTES, docx_bytes, upload

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def execution_of(roadmap, number, school=None) -> Execution:
    return Execution.objects.get(
        measure__section__roadmap=roadmap, measure__number=number, school=school
    )


def report_post(client, execution, *files, text="Приказ издан", completed_on="20.10.2020"):
    return client.post(
        reverse("roadmap:execution_report", args=[execution.pk]),
        {"text": text, "completed_on": completed_on, "files": list(files)},
    )


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


# --- «Мои мероприятия» -------------------------------------------------------------------------


def test_my_measures_lists_own_school_overdue_first(client, curator_a, school_a, school_b, roadmap):
    client.force_login(curator_a)
    response = client.get(reverse("roadmap:my"))
    html = response.content.decode()
    executions = response.context["executions"]
    assert executions and all(e.school_id == school_a.pk for e in executions)
    overdue_flags = [e.is_overdue for e in executions]
    assert overdue_flags == sorted(overdue_flags, reverse=True)  # overdue ones first
    dated = [e.due_on for e in executions if e.is_overdue]
    assert dated == sorted(dated)
    assert school_b.short_name not in html
    assert "Просрочено:" in html


def test_staff_see_department_executions_as_their_list(client, staff, roadmap):
    client.force_login(staff)
    executions = client.get(reverse("roadmap:my")).context["executions"]
    assert executions and all(e.school_id is None for e in executions)


def test_head_has_no_own_list(client, head, roadmap):
    client.force_login(head)
    assert client.get(reverse("roadmap:my")).status_code == 403


# --- submitting and reviewing ------------------------------------------------------------------


def test_curator_submits_with_evidence_stored_privately(
    client, curator_a, school_a, roadmap, media
):
    client.force_login(curator_a)
    execution = execution_of(roadmap, "1.7", school_a)
    response = report_post(client, execution, upload("../../Дорожная карта СОШ 1.pdf", PDF_BYTES))
    assert response.status_code == 302
    execution.refresh_from_db()
    assert execution.status == Execution.Status.SUBMITTED
    evidence = Evidence.objects.get(report__execution=execution)
    assert evidence.original_name == "Дорожная карта СОШ 1.pdf"
    path = Path(evidence.file.path)
    assert path.is_relative_to(media) and path.suffix == ".pdf"
    assert "Дорожная" not in path.name  # server-made name on disk
    assert not path.is_relative_to(Path(settings.STATIC_ROOT))
    assert path.read_bytes() == PDF_BYTES


def test_21_mb_upload_is_refused_and_nothing_saved(client, curator_a, school_a, roadmap, media):
    client.force_login(curator_a)
    execution = execution_of(roadmap, "1.7", school_a)
    big = upload("скан приказа.pdf", PDF_BYTES + b"0" * (21 * MB))
    response = report_post(client, execution, upload("ok.pdf", PDF_BYTES), big)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Файл «скан приказа.pdf» слишком большой" in html
    execution.refresh_from_db()
    assert execution.status == Execution.Status.NOT_STARTED
    assert not Report.objects.exists() and not Evidence.objects.exists()
    assert stored_files(media) == []


def test_renamed_exe_is_refused_and_nothing_saved(client, curator_a, school_a, roadmap, media):
    client.force_login(curator_a)
    execution = execution_of(roadmap, "1.7", school_a)
    response = report_post(client, execution, upload("приказ.pdf", EXE_BYTES))
    assert response.status_code == 422
    assert "Файл «приказ.pdf» не принят: по содержимому это не PDF" in response.content.decode()
    assert not Report.objects.exists()
    assert stored_files(media) == []


def test_report_needs_text_and_a_sensible_date(client, curator_a, school_a, roadmap):
    client.force_login(curator_a)
    execution = execution_of(roadmap, "1.7", school_a)
    response = report_post(client, execution, text="", completed_on="31.02.2020")
    assert response.status_code == 422
    html = response.content.decode()
    assert "Обязательное поле" in html and "Введите правильную дату" in html
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).strftime("%d.%m.%Y")
    response = report_post(client, execution, completed_on=tomorrow)
    assert "не может быть позже сегодняшней" in response.content.decode()
    assert not Report.objects.exists()


def test_return_resubmit_accept_keeps_every_step(client, staff, curator_a, school_a, roadmap):
    execution = execution_of(roadmap, "1.7", school_a)
    client.force_login(curator_a)
    report_post(client, execution, upload("карта.docx", docx_bytes()))
    first = Report.objects.get()

    client.force_login(staff)
    queue = client.get(reverse("roadmap:review")).content.decode()
    assert school_a.short_name in queue
    empty_return = client.post(
        reverse("roadmap:report_review", args=[first.pk]), {"decision": "return", "comment": ""}
    )
    assert empty_return.status_code == 422
    assert "Напишите, что нужно доработать" in empty_return.content.decode()
    client.post(
        reverse("roadmap:report_review", args=[first.pk]),
        {"decision": "return", "comment": "Нет подписи директора"},
    )
    execution.refresh_from_db()
    assert execution.status == Execution.Status.RETURNED

    client.force_login(curator_a)
    page = client.get(reverse("roadmap:execution", args=[execution.pk])).content.decode()
    assert "Нет подписи директора" in page
    report_post(
        client, execution, upload("карта подписанная.pdf", PDF_BYTES), completed_on="28.10.2020"
    )

    client.force_login(staff)
    second = Report.objects.get(decision=Report.Decision.PENDING)
    client.post(reverse("roadmap:report_review", args=[second.pk]), {"decision": "accept"})
    execution.refresh_from_db()
    assert execution.status == Execution.Status.ACCEPTED
    assert execution.completed_on == datetime.date(2020, 10, 28)
    decisions = list(Report.objects.order_by("submitted_at").values_list("decision", flat=True))
    assert decisions == ["returned", "accepted"]
    statuses = [h.status for h in execution.history.order_by("history_date")]
    assert statuses == ["not_started", "submitted", "returned", "submitted", "accepted"]
    again = client.post(
        reverse("roadmap:report_review", args=[second.pk]), {"decision": "return", "comment": "x"}
    )
    assert "Этот отчёт уже проверен" in again.content.decode()


def test_department_execution_is_marked_done_by_staff(client, staff, roadmap):
    execution = execution_of(roadmap, "1.1")
    client.force_login(staff)
    response = report_post(client, execution, upload("приказ.pdf", PDF_BYTES))
    assert response.status_code == 302
    execution.refresh_from_db()
    assert execution.status == Execution.Status.ACCEPTED
    report = Report.objects.get(execution=execution)
    assert report.decision == Report.Decision.ACCEPTED and report.reviewed_by == staff


def test_posted_status_or_school_fields_are_ignored(client, curator_a, school_a, school_b, roadmap):
    client.force_login(curator_a)
    execution = execution_of(roadmap, "1.7", school_a)
    client.post(
        reverse("roadmap:execution_report", args=[execution.pk]),
        {
            "text": "Готово",
            "completed_on": "20.10.2020",
            "status": "accepted",
            "school": school_b.pk,
            "decision": "accepted",
        },
    )
    execution.refresh_from_db()
    assert (execution.status, execution.school_id) == (Execution.Status.SUBMITTED, school_a.pk)
    assert Report.objects.get().decision == Report.Decision.PENDING


# --- access ------------------------------------------------------------------------------------


@pytest.fixture
def reported(curator_a, school_a, roadmap):
    execution = execution_of(roadmap, "1.7", school_a)
    report = services.submit_report(
        user=curator_a,
        execution=execution,
        text="Готово",
        completed_on=datetime.date(2020, 10, 20),
        files=[upload("карта.pdf", PDF_BYTES)],
    )
    return execution, report, report.evidence.get()


def test_other_school_gets_404_everywhere(client, curator_b, reported):
    execution, report, evidence = reported
    client.force_login(curator_b)
    assert client.get(reverse("roadmap:execution", args=[execution.pk])).status_code == 404
    assert client.get(reverse("roadmap:evidence", args=[evidence.pk])).status_code == 404
    assert report_post(client, execution).status_code == 404
    assert client.post(reverse("roadmap:execution_start", args=[execution.pk])).status_code == 404
    review = client.post(reverse("roadmap:report_review", args=[report.pk]), {"decision": "accept"})
    assert review.status_code == 403
    assert Report.objects.get(pk=report.pk).decision == Report.Decision.PENDING
    html = client.get(reverse("roadmap:my")).content.decode()
    assert "карта.pdf" not in html


def test_other_municipality_gets_404(client, other_roadmap, reported):
    from tests.factories import make_user

    execution, report, evidence = reported
    outsider = make_user(
        "outsider", "Сотрудник департамента", municipality=other_roadmap.municipality
    )
    client.force_login(outsider)
    assert client.get(reverse("roadmap:execution", args=[execution.pk])).status_code == 404
    assert client.get(reverse("roadmap:evidence", args=[evidence.pk])).status_code == 404
    review = client.post(reverse("roadmap:report_review", args=[report.pk]), {"decision": "accept"})
    assert review.status_code == 404
    assert "Готово" not in client.get(reverse("roadmap:review")).content.decode()


def test_head_reads_but_cannot_review_or_report(client, head, reported):
    execution, report, evidence = reported
    client.force_login(head)
    assert client.get(reverse("roadmap:execution", args=[execution.pk])).status_code == 200
    assert client.get(reverse("roadmap:evidence", args=[evidence.pk])).status_code == 200
    review = client.post(reverse("roadmap:report_review", args=[report.pk]), {"decision": "accept"})
    assert review.status_code == 403
    assert report_post(client, execution).status_code == 403
    assert Report.objects.get(pk=report.pk).decision == Report.Decision.PENDING


def test_curator_cannot_report_for_the_department(client, curator_a, roadmap):
    client.force_login(curator_a)
    department_part = execution_of(roadmap, "1.1")
    assert client.get(reverse("roadmap:execution", args=[department_part.pk])).status_code == 404


def test_download_is_an_attachment_with_a_safe_name(client, curator_a, staff, reported):
    _, _, evidence = reported
    for user in (curator_a, staff):
        client.force_login(user)
        response = client.get(reverse("roadmap:evidence", args=[evidence.pk]))
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=utf-8''%D0%BA%D0%B0%D1%80%D1%82%D0%B0.pdf" in disposition
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF_BYTES


def test_anonymous_is_sent_to_login(client, reported):
    execution, _, evidence = reported
    for url in [
        reverse("roadmap:execution", args=[execution.pk]),
        reverse("roadmap:evidence", args=[evidence.pk]),
        reverse("roadmap:my"),
        reverse("roadmap:review"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
