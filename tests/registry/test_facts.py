"""The registry's further facts: mentees' requests from the municipality's list (form, card,
Excel both ways), mentors' training with certificates, a programme's conclusion file."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from core import roles
from registry.models import ConclusionFile, Mentee, MenteeRequest, MentorTraining
from registry.reference import USUAL_MENTEE_REQUESTS, ensure_mentee_requests
from registry.services import facts
from tests.factories import MunicipalityFactory, make_user
from tests.registry.test_import_export import HEADERS, confirm, post_file, workbook_bytes
from tests.roadmap.files_helpers import EXE_BYTES, PDF_BYTES, upload

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def requests_list(municipality):
    return {r.name: r for r in ensure_mentee_requests(municipality)}


# --- requests --------------------------------------------------------------------------------


def test_usual_requests_once_per_municipality(municipality, requests_list):
    assert set(requests_list) == set(USUAL_MENTEE_REQUESTS)
    assert "адаптация в коллективе" in requests_list and "профориентация" in requests_list
    ensure_mentee_requests(municipality)
    assert MenteeRequest.objects.filter(municipality=municipality).count() == len(
        USUAL_MENTEE_REQUESTS
    )


def test_staff_keep_the_list_curators_do_not(client, staff, head, curator_a, requests_list):
    client.force_login(curator_a)
    assert client.get(reverse("registry:mentee_requests")).status_code == 403
    client.force_login(head)
    assert client.post(reverse("registry:mentee_requests"), {"name": "x"}).status_code == 403
    client.force_login(staff)
    response = client.post(
        reverse("registry:mentee_requests"), {"name": "  Финансовая   грамотность ", "position": 20}
    )
    assert response.status_code == 302
    assert MenteeRequest.objects.filter(name="Финансовая грамотность").exists()
    twice = client.post(
        reverse("registry:mentee_requests"), {"name": "ПРОФОРИЕНТАЦИЯ", "position": 1}
    )
    assert twice.status_code == 422
    assert "Такой запрос уже есть" in twice.content.decode()


def test_request_in_use_is_switched_off_not_deleted(client, staff, registry_data, requests_list):
    used = requests_list["профориентация"]
    Mentee.objects.filter(pk=registry_data["a"]["minor"].pk).update(request=used)
    client.force_login(staff)
    response = client.post(reverse("registry:mentee_request_delete", args=[used.pk]))
    assert response.status_code == 409
    client.post(
        reverse("registry:mentee_request_edit", args=[used.pk]),
        {"name": used.name, "position": 3, "is_active": ""},
    )
    used.refresh_from_db()
    assert not used.is_active
    spare = requests_list["подготовка к олимпиаде"]
    client.post(reverse("registry:mentee_request_delete", args=[spare.pk]))
    assert not MenteeRequest.objects.filter(pk=spare.pk).exists()


def test_mentee_form_and_card_show_the_request(client, curator_a, school_a, requests_list):
    other = MenteeRequest.objects.create(municipality=MunicipalityFactory(), name="чужой")
    client.force_login(curator_a)
    data = {
        "last_name": "Запросова",
        "first_name": "Амина",
        "birth_date": "01.02.2011",
        "kind": "pupil",
        "class_name": "4А",
        "request": other.pk,
    }
    refused = client.post(reverse("registry:mentee_create"), data)
    assert refused.status_code == 422 and not Mentee.objects.exists()
    data["request"] = requests_list["адаптация в коллективе"].pk
    assert client.post(reverse("registry:mentee_create"), data).status_code == 302
    mentee = Mentee.objects.get()
    assert mentee.request.name == "адаптация в коллективе"
    card = client.get(reverse("registry:mentee", args=[mentee.pk])).content.decode()
    assert "адаптация в коллективе" in card


def test_import_export_round_trip_of_requests(client, staff, school_a, forms, requests_list):
    client.force_login(staff)

    def row(name, day, request):
        return [
            name,
            "Ахмед",
            "",
            D(2010, 1, day),
            school_a.short_name,
            "обучающийся",
            "7А",
            request,
        ]

    rows = [
        row("Первый", 1, "профориентация"),
        row("Второй", 2, "Подготовка к олимпиаде"),  # as typed, in another case
        row("Третий", 3, ""),
    ]
    headers = [*HEADERS, "Запрос"]
    bad = [*rows, row("Четвёртый", 4, "танцы")]
    response = post_file(client, "mentees", workbook_bytes(bad, headers))
    assert response.status_code == 422
    assert "Строка 5, столбец «Запрос»" in response.content.decode()
    post_file(client, "mentees", workbook_bytes(rows, headers))
    confirm(client, "mentees")
    got = dict(Mentee.objects.values_list("last_name", "request__name"))
    assert got == {
        "Первый": "профориентация",
        "Второй": "подготовка к олимпиаде",
        "Третий": None,
    }
    exported = client.get(reverse("registry:export", args=["mentees"]))
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index("Запрос")
    back = {row[0]: row[column] or None for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert back == got
    # A file without the column leaves the requests as they are.
    post_file(client, "mentees", workbook_bytes([r[:7] for r in rows]))
    confirm(client, "mentees")
    assert dict(Mentee.objects.values_list("last_name", "request__name")) == got


# --- trainings -------------------------------------------------------------------------------


def training(user, mentor, **extra):
    return facts.add_training(
        user=user,
        mentor=mentor,
        course="Наставничество в ОО",
        organisation="ЧИПКРО",
        starts_on=D(2020, 11, 9),
        ends_on=D(2020, 11, 13),
        **extra,
    )


def test_training_rules(staff, head, curator_a, curator_b, registry_data):
    mentor = registry_data["a"]["mentor"]
    with pytest.raises(PermissionDenied):
        training(curator_b, mentor)
    with pytest.raises(PermissionDenied):
        training(head, mentor)
    with pytest.raises(ValidationError) as exe:
        training(staff, mentor, certificate=upload("удостоверение.pdf", EXE_BYTES))
    assert "не принят" in str(exe.value)
    with pytest.raises(ValidationError, match="раньше"):
        facts.add_training(
            user=staff, mentor=mentor, course="К", organisation="ЧИПКРО",
            starts_on=D(2020, 11, 9), ends_on=D(2020, 11, 1),
        )  # fmt: skip
    done = training(curator_a, mentor, certificate=upload("удостоверение.pdf", PDF_BYTES))
    assert done.original_name == "удостоверение.pdf" and done.content_type == "application/pdf"
    assert MentorTraining.objects.count() == 1


def test_training_access_walk(client, staff, curator_a, curator_b, registry_data):
    mentor = registry_data["a"]["mentor"]
    item = training(staff, mentor, certificate=upload("удостоверение.pdf", PDF_BYTES))
    region = make_user("region", roles.REGION)
    card = reverse("registry:mentor", args=[mentor.pk])
    client.force_login(curator_a)
    page = client.get(card).content.decode()
    assert "ЧИПКРО" in page and "удостоверение.pdf" in page
    assert client.get(reverse("registry:training_file", args=[item.pk])).status_code == 200
    client.force_login(curator_b)
    assert client.get(card).status_code == 404
    assert client.get(reverse("registry:training_file", args=[item.pk])).status_code == 404
    assert client.post(reverse("registry:training_delete", args=[item.pk])).status_code == 404
    assert client.get(reverse("registry:training_add", args=[mentor.pk])).status_code == 404
    client.force_login(region)
    assert client.get(reverse("registry:training_file", args=[item.pk])).status_code == 403
    assert MentorTraining.objects.count() == 1
    client.force_login(curator_a)
    response = client.post(
        reverse("registry:training_add", args=[mentor.pk]),
        {
            "course": "Курс 2",
            "organisation": "ЧИПКРО",
            "starts_on": "01.12.2020",
            "ends_on": "05.12.2020",
        },
    )
    assert response.status_code == 302
    assert client.post(reverse("registry:training_delete", args=[item.pk])).status_code == 302
    assert list(MentorTraining.objects.values_list("course", flat=True)) == ["Курс 2"]


# --- the expert conclusion's file ------------------------------------------------------------


def test_conclusion_file_access_walk(client, staff, head, curator_a, curator_b, registry_data):
    programme = registry_data["a"]["programme"]
    region = make_user("region", roles.REGION)
    upload_url = reverse("registry:conclusion_upload", args=[programme.pk])
    file_url = reverse("registry:conclusion_file", args=[programme.pk])
    client.force_login(curator_a)
    assert client.get(file_url).status_code == 404  # nothing yet
    response = client.post(upload_url, {"file": upload("заключение.pdf", PDF_BYTES)})
    assert response.status_code == 403 and not ConclusionFile.objects.exists()
    client.force_login(staff)
    bad = client.post(upload_url, {"file": upload("заключение.pdf", EXE_BYTES)})
    assert bad.status_code == 422 and not ConclusionFile.objects.exists()
    assert client.post(upload_url, {"file": upload("заключение.pdf", PDF_BYTES)}).status_code == 302
    assert client.post(upload_url, {"file": upload("новое.pdf", PDF_BYTES)}).status_code == 302
    assert ConclusionFile.objects.get().original_name == "новое.pdf"
    for user, status in ((curator_a, 200), (head, 200), (curator_b, 404), (region, 403)):
        client.force_login(user)
        response = client.get(file_url)
        assert response.status_code == status, user
        if status == 200:
            assert response["Content-Disposition"].startswith("attachment")
            assert response["Cache-Control"] == "private, no-store"
    client.force_login(curator_a)
    page = client.get(reverse("registry:programme", args=[programme.pk])).content.decode()
    assert "новое.pdf" in page
