import io
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

pytestmark = pytest.mark.django_db

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx", "json"])
@pytest.mark.parametrize("who", ["head", "staff"])
def test_documents_download_with_a_proper_name(client, cast, roadmap, fmt, who):
    client.force_login(cast[who])
    response = client.get(reverse("roadmap:document", args=[roadmap.pk, fmt]))
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    name = f"Приказ_172-1_от_28.10.2020.{fmt}"
    assert f"filename*=UTF-8''{quote(name)}" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert len(response.content) > 1000


def test_roadmap_page_offers_the_documents(client, head, roadmap):
    client.force_login(head)
    html = client.get(reverse("roadmap:detail", args=[roadmap.pk])).content.decode()
    for fmt in ("pdf", "docx", "xlsx"):
        assert reverse("roadmap:document", args=[roadmap.pk, fmt]) in html
    assert reverse("roadmap:report", args=[roadmap.pk]) in html


def test_curators_and_outsiders_get_no_documents(client, curator_a, roadmap, other_roadmap):
    client.force_login(curator_a)
    assert client.get(reverse("roadmap:document", args=[roadmap.pk, "pdf"])).status_code == 403
    from tests.factories import make_user

    outsider = make_user(
        "outsider", "Начальник департамента", municipality=other_roadmap.municipality
    )
    client.force_login(outsider)
    assert client.get(reverse("roadmap:document", args=[roadmap.pk, "pdf"])).status_code == 404
    assert client.get(reverse("roadmap:report", args=[roadmap.pk])).status_code == 404
    assert client.get(f"/roadmaps/{roadmap.pk}/order.exe").status_code == 404


def test_execution_report_as_of_a_date(client, head, roadmap):
    client.force_login(head)
    response = client.get(reverse("roadmap:report", args=[roadmap.pk]), {"as_of": "16.11.2020"})
    assert response.status_code == 200
    assert "16.11.2020" in response["Content-Disposition"].replace("%2E", ".")
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "на 16.11.2020" in text
    bad = client.get(reverse("roadmap:report", args=[roadmap.pk]), {"as_of": "31.02.2020"})
    assert bad.status_code == 400


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_command_writes_each_format(roadmap, tmp_path, fmt):
    target = tmp_path / f"order.{fmt}"
    call_command("export_roadmap", roadmap.pk, "--format", fmt, "-o", str(target))
    head = target.read_bytes()[:4]
    assert head == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")


def test_import_a_roadmap_in_the_browser(client, staff, roadmap):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from roadmap.documents.docx_export import export_docx
    from roadmap.models import Measure, Roadmap

    client.force_login(staff)
    upload = SimpleUploadedFile("план.docx", export_docx(roadmap))
    preview = client.post(reverse("roadmap:import"), {"file": upload})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Прочитано: разделов 4, мероприятий 34" in html
    from core.models import ImportBatch

    batch = ImportBatch.objects.get(entity="roadmap")
    bad = client.post(
        reverse("roadmap:import_confirm", args=[batch.pk]),
        {
            "title": "План",
            "school_year_start": "2021",
            "period_start": "31.05.2022",
            "period_end": "01.09.2021",
        },
    )
    assert bad.status_code == 422 and "Окончание периода раньше его начала" in bad.content.decode()
    data = {
        "title": "План на 2021-2022 учебный год",
        "school_year_start": "2021",
        "period_start": "01.09.2021",
        "period_end": "31.05.2022",
    }
    # The file's deadlines are written for 2020-2021: another year is warned about first.
    warned = client.post(reverse("roadmap:import_confirm", args=[batch.pk]), data)
    assert warned.status_code == 422
    assert "выходят за период 01.09.2021 – 31.05.2022" in warned.content.decode()
    done = client.post(
        reverse("roadmap:import_confirm", args=[batch.pk]), data | {"accept_outside": "on"}
    )
    draft = Roadmap.objects.get(title="План на 2021-2022 учебный год")
    assert done["Location"] == reverse("roadmap:editor", args=[draft.pk])
    assert draft.status == Roadmap.Status.DRAFT
    assert Measure.objects.filter(section__roadmap=draft).count() == 34


def test_import_refuses_a_file_that_is_not_a_table(client, staff, roadmap):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff)
    response = client.post(
        reverse("roadmap:import"), {"file": SimpleUploadedFile("план.docx", b"MZ" + b"\x00" * 100)}
    )
    assert response.status_code == 422
    assert "не принят" in response.content.decode()
    client.force_login(staff)


def test_only_staff_import(client, head, curator_a, roadmap):
    for user in (head, curator_a):
        client.force_login(user)
        assert client.get(reverse("roadmap:import")).status_code == 403
