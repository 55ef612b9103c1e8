import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from registry.models import Consent, Mentee, MentorLinkRequest, Pair
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "registry:mentees",
    "registry:mentors",
    "registry:programmes",
    "registry:pairs",
    "registry:partners",
    "registry:schools",
]


@pytest.mark.parametrize("name", LISTS)
def test_lists_need_login(client, name):
    assert client.get(reverse(name))["Location"].startswith("/login/")


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("who", ["staff", "head", "curator_a", "admin"])
def test_lists_open_for_every_role(client, cast, registry_data, name, who):
    client.force_login(cast[who])
    assert client.get(reverse(name)).status_code == 200


def test_curator_lists_show_only_their_school(client, curator_a, registry_data):
    client.force_login(curator_a)
    html = client.get(reverse("registry:mentees")).content.decode()
    assert "УченикA" in html and "УченикB" not in html
    html = client.get(reverse("registry:mentors")).content.decode()
    assert "НаставникA" in html and "НаставникB" not in html
    html = client.get(reverse("registry:programmes")).content.decode()
    assert "Программа A" in html and "Программа B" not in html


def test_staff_see_all_and_filter(client, staff, registry_data, school_b):
    client.force_login(staff)
    html = client.get(reverse("registry:mentees")).content.decode()
    assert "УченикA" in html and "УченикB" in html
    filtered = client.get(reverse("registry:mentees"), {"school": school_b.pk}).content.decode()
    assert "УченикA" not in filtered and "УченикB" in filtered
    found = client.get(reverse("registry:mentees"), {"q": "учени"}).content.decode()
    assert "УченикA" in found and "ПедагогA" not in found
    ordered = client.get(reverse("registry:mentees"), {"o": "-birth"}).context["rows"]
    assert ordered[0][0].text.startswith("Ученик")


def test_consent_filter_finds_minors_without_consent(client, staff, registry_data):
    a = registry_data["a"]
    Mentee.objects.create(
        municipality=a["school"].municipality,
        school=a["school"],
        last_name="Безсогласия",
        first_name="Х",
        birth_date=datetime.date(2014, 1, 1),
    )
    client.force_login(staff)
    html = client.get(reverse("registry:mentees"), {"consent": "missing"}).content.decode()
    assert "Безсогласия" in html and "УченикA" not in html and "ПедагогA" not in html


def test_curator_creates_a_mentee_for_their_school_whatever_is_posted(
    client, curator_a, school_a, school_b, registry_data
):
    client.force_login(curator_a)
    response = client.post(
        reverse("registry:mentee_create"),
        {
            "last_name": "Новикова",
            "first_name": "Ася",
            "patronymic": "",
            "birth_date": "01.02.2011",
            "kind": "pupil",
            "class_name": "8В",
            "school": school_b.pk,
            "municipality": 999,
        },
    )
    assert response.status_code == 302
    created = Mentee.objects.get(last_name="Новикова")
    assert created.school == school_a


def test_duplicate_is_offered_on_the_form(client, curator_a, curator_b, registry_data):
    """A curator of another school is told the mentor is in the municipal registry and may
    ask to link them; linking happens once the mentor's school approves."""
    client.force_login(curator_b)
    response = client.post(
        reverse("registry:mentor_create"),
        {
            "last_name": "НаставникA",
            "first_name": "Иван",
            "birth_date": "01.01.1985",
            "kind": "teacher",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "уже есть в муниципальном реестре" in html
    assert "Отправить запрос на связь с моей ОО" in html
    assert registry_data["a"]["school"].short_name not in html
    mentor = registry_data["a"]["mentor"]
    sent = client.post(
        reverse("registry:mentor_link"),
        {
            "last_name": "НаставникA",
            "first_name": "Иван",
            "birth_date": "01.01.1985",
        },
    )
    assert sent.status_code == 302
    assert mentor.schools.count() == 1
    assert client.get(reverse("registry:mentor", args=[mentor.pk])).status_code == 404
    link_request = MentorLinkRequest.objects.get(mentor=mentor)
    client.force_login(curator_a)
    client.post(reverse("registry:link_request", args=[link_request.pk]), {"decision": "approve"})
    assert mentor.schools.count() == 2
    client.force_login(curator_b)
    assert client.get(reverse("registry:mentor", args=[mentor.pk])).status_code == 200


def test_bad_mentee_input_names_the_fields(client, curator_a, registry_data):
    client.force_login(curator_a)
    response = client.post(
        reverse("registry:mentee_create"),
        {
            "last_name": "",
            "first_name": "Ася",
            "birth_date": "31.02.2011",
            "kind": "pupil",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Обязательное поле" in html and "Введите правильную дату" in html


def test_forming_a_pair_in_the_browser(client, curator_a, registry_data):
    a = registry_data["a"]
    client.force_login(curator_a)
    response = client.post(
        reverse("registry:pair_create"),
        {
            "programme": a["programme"].pk,
            "mentor": a["mentor"].pk,
            "mentees": [a["minor"].pk],
            "starts_on": "02.11.2020",
            "activate": "on",
        },
    )
    assert response.status_code == 302
    pair = Pair.objects.get()
    assert pair.status == Pair.Status.ACTIVE
    page = client.get(reverse("registry:pair", args=[pair.pk])).content.decode()
    assert "действует" in page
    bad = client.post(reverse("registry:pair", args=[pair.pk]), {"status": "terminated"})
    assert bad.status_code == 422 and "Укажите причину" in bad.content.decode()


def test_consent_recorded_with_scan_and_withdrawn(
    client, curator_a, registry_data, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from tests.roadmap.files_helpers import PDF_BYTES, upload

    adult_pupil = Mentee.objects.create(
        municipality=registry_data["a"]["school"].municipality,
        school=registry_data["a"]["school"],
        last_name="Малыш",
        first_name="Тимур",
        birth_date=datetime.date(2015, 3, 3),
    )
    client.force_login(curator_a)
    response = client.post(
        reverse("registry:consent_create", args=[adult_pupil.pk]),
        {
            "representative_name": "Малыш Лейла Ахмедовна",
            "relation": "mother",
            "document": "паспорт 96 00 111111",
            "given_on": "01.09.2020",
            "purposes": "Участие в программе",
            "data_scope": "ФИО, дата рождения",
            "scan": upload("согласие.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(mentee=adult_pupil)
    assert consent.scan_name == "согласие.pdf" and consent.recorded_by == curator_a
    download = client.get(reverse("registry:consent_scan", args=[consent.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="download", object_type="consent").exists()
    client.post(
        reverse("registry:consent_withdraw", args=[consent.pk]),
        {"withdrawn_on": "01.10.2020", "confirm": "1"},
    )
    consent.refresh_from_db()
    assert consent.withdrawn_on == datetime.date(2020, 10, 1)
    assert consent.withdrawal_recorded_by == curator_a


def test_viewing_a_mentee_is_audited(client, staff, registry_data):
    client.force_login(staff)
    minor = registry_data["a"]["minor"]
    client.get(reverse("registry:mentee", args=[minor.pk]))
    event = AuditEvent.objects.get(action="view", object_type="mentee")
    assert (event.user, event.object_id, event.school) == (staff, str(minor.pk), minor.school)


def test_head_reads_but_does_not_write(client, head, registry_data):
    client.force_login(head)
    minor = registry_data["a"]["minor"]
    assert client.get(reverse("registry:mentee", args=[minor.pk])).status_code == 200
    response = client.post(reverse("registry:mentee_edit", args=[minor.pk]), {"last_name": "X"})
    assert response.status_code == 403
    minor.refresh_from_db()
    assert minor.last_name == "УченикA"


def test_programme_review_by_staff_only(client, staff, curator_a, registry_data):
    programme = registry_data["a"]["programme"]
    client.force_login(curator_a)
    denied = client.post(
        reverse("registry:programme", args=[programme.pk]), {"review_status": "approved"}
    )
    assert denied.status_code == 403
    client.force_login(staff)
    missing = client.post(
        reverse("registry:programme", args=[programme.pk]),
        {"review_status": "approved", "reviewer": "ЧИПКРО"},
    )
    assert missing.status_code == 422 and "заключения эксперта" in missing.content.decode()
    client.post(
        reverse("registry:programme", args=[programme.pk]),
        {
            "review_status": "approved",
            "reviewer": "ЧИПКРО",
            "review_conclusion": "Одобрить",
            "reviewed_on": "20.11.2020",
        },
    )
    programme.refresh_from_db()
    assert programme.review_status == "approved"


def test_staff_appoint_a_curator(client, staff, school_a):
    client.force_login(staff)
    weak = client.post(
        reverse("registry:curator_create"),
        {
            "school": school_a.pk,
            "last_name": "Куратова",
            "first_name": "Элина",
            "email": "e@x.ru",
            "username": "kuratova",
            "password": "123",
        },
    )
    assert weak.status_code == 422 and "пароль" in weak.content.decode().lower()
    client.post(
        reverse("registry:curator_create"),
        {
            "school": school_a.pk,
            "last_name": "Куратова",
            "first_name": "Элина",
            "email": "e@x.ru",
            "username": "kuratova",
            "password": "длинный-пароль-куратора-1",
        },
    )
    from django.contrib.auth import get_user_model

    curator = get_user_model().objects.get(username="kuratova")
    assert curator.profile.school == school_a
    assert curator.groups.filter(name="Куратор ОО").exists()


def test_school_counts_per_year(client, staff, school_a):
    client.force_login(staff)
    bad = client.post(
        reverse("registry:school_stats", args=[school_a.pk]),
        {
            "stats-school_year_start": "2020",
            "stats-pupils_total": "100",
            "stats-pupils_10_plus": "120",
            "stats-teachers_total": "10",
            "stats-young_teachers": "2",
        },
    )
    assert bad.status_code == 422
    assert "больше, чем обучающихся всего" in bad.content.decode()
    client.post(
        reverse("registry:school_stats", args=[school_a.pk]),
        {
            "stats-school_year_start": "2020",
            "stats-pupils_total": "100",
            "stats-pupils_10_plus": "80",
            "stats-teachers_total": "10",
            "stats-young_teachers": "2",
        },
    )
    assert school_a.year_stats.get().pupils_10_plus == 80


def _grow(school, n):
    Mentee.objects.bulk_create(
        Mentee(
            municipality=school.municipality,
            school=school,
            last_name=f"Массовый{i}",
            first_name="Т",
            birth_date=datetime.date(2010, 1, 1) + datetime.timedelta(days=i),
            search_name=f"МАССОВЫЙ{i} Т",
        )
        for i in range(n)
    )


@pytest.mark.parametrize(
    "name", ["registry:mentees", "registry:mentors", "registry:pairs", "registry:programmes"]
)
def test_list_queries_do_not_grow(client, staff, registry_data, name):
    client.force_login(staff)
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse(name))
    _grow(registry_data["a"]["school"], 200)
    for n in range(5):
        SchoolFactory(municipality=registry_data["a"]["school"].municipality, short_name=f"Доп {n}")
    with CaptureQueriesContext(connection) as large:
        client.get(reverse(name))
    assert len(large) == len(small)


def test_linking_needs_the_identity_not_an_id(client, curator_b, registry_data):
    client.force_login(curator_b)
    wrong = client.post(
        reverse("registry:mentor_link"),
        {
            "last_name": "НаставникA",
            "first_name": "Иван",
            "birth_date": "02.01.1985",
        },
    )
    assert wrong.status_code == 404
    assert registry_data["a"]["mentor"].schools.count() == 1


@pytest.mark.parametrize(
    "name",
    [
        "registry_mentee",
        "registry_mentor",
        "registry_consent",
        "registry_programme",
        "registry_pair",
        "registry_partnerorganization",
        "registry_agreement",
        "registry_schoolyearstats",
        "registry_mentoringform",
        "core_auditevent",
        "core_importbatch",
    ],
)
def test_admin_changelists(client, admin_user, registry_data, name):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:{name}_changelist"), {"q": "Ученик"}).status_code == 200


def test_audit_log_cannot_be_edited_even_by_admins(client, admin_user, staff, registry_data):
    client.force_login(staff)
    client.get(reverse("registry:mentee", args=[registry_data["a"]["minor"].pk]))
    event = AuditEvent.objects.get()
    client.force_login(admin_user)
    assert (
        client.post(
            reverse("admin:core_auditevent_change", args=[event.pk]), {"detail": "подчищено"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.detail == ""


def test_partner_and_agreements_through_the_pages(
    client, staff, curator_a, school_a, registry_data
):
    from registry.models import Agreement, PartnerOrganization

    client.force_login(staff)
    empty = client.post(reverse("registry:partner_create"), {"name": ""})
    assert empty.status_code == 422 and "Обязательное поле" in empty.content.decode()
    client.post(reverse("registry:partner_create"), {"name": "ООО «Аргунский завод»"})
    partner = PartnerOrganization.objects.get()
    client.force_login(curator_a)
    reversed_term = client.post(
        reverse("registry:agreement_create", args=[partner.pk]),
        {
            "number": "7",
            "date": "01.11.2020",
            "subject": "Наставники от предприятия",
            "valid_from": "01.11.2021",
            "valid_to": "01.11.2020",
        },
    )
    assert reversed_term.status_code == 422
    assert "заканчивается раньше, чем начинается" in reversed_term.content.decode()
    client.post(
        reverse("registry:agreement_create", args=[partner.pk]),
        {
            "number": "7",
            "date": "01.11.2020",
            "subject": "Наставники от предприятия",
            "valid_from": "01.11.2020",
        },
    )
    agreement = Agreement.objects.get()
    assert agreement.school == school_a and agreement.partner == partner


def _link_requests(curator, school, n, start=0):
    """n mentors of the municipality (at no school) that the curator's school asks for;
    every other one decided by the department."""
    from registry import services
    from registry.models import Mentor

    mentors = Mentor.objects.bulk_create(
        Mentor(
            municipality=school.municipality,
            last_name=f"Запрошенный{i}",
            first_name="Р",
            birth_date=datetime.date(1980, 1, 1) + datetime.timedelta(days=i),
            kind="teacher",
            search_name=f"ЗАПРОШЕННЫЙ{i} Р",
        )
        for i in range(start, start + n)
    )
    return services.request_mentor_links(
        user=curator, school=school, wanted=[(m, m.full_name) for m in mentors]
    ).created


@pytest.mark.parametrize("who", ["staff", "curator_a"])
def test_link_request_pages_queries_do_not_grow(
    client, staff, curator_a, curator_b, registry_data, who
):
    from registry import services

    def decide_half(requests):
        for link_request in requests[::2]:
            services.decide_link_request(
                user=staff, link_request=link_request, approve=False, comment="Нет"
            )

    decide_half(_link_requests(curator_a, registry_data["a"]["school"], 2))
    decide_half(_link_requests(curator_b, registry_data["b"]["school"], 2, start=10))
    client.force_login({"staff": staff, "curator_a": curator_a}[who])
    url = reverse("registry:link_requests")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    decide_half(_link_requests(curator_a, registry_data["a"]["school"], 40, start=100))
    decide_half(_link_requests(curator_b, registry_data["b"]["school"], 40, start=200))
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(large) == len(small)
    assert "Запрошенный101" in response.content.decode()


def test_pairs_list_names_every_mentee_as_the_registry_does(client, staff, registry_data):
    from tests.factories import MenteeFactory, PairFactory

    a = registry_data["a"]
    group = [
        MenteeFactory(school=a["school"], last_name="Яковлев", first_name="Ибрагим"),
        MenteeFactory(school=a["school"], last_name="Абаев", first_name="Ислам", patronymic=""),
        a["minor"],
    ]
    PairFactory(programme=a["programme"], mentor=a["mentor"], mentees=group)
    client.force_login(staff)
    rows = client.get(reverse("registry:pairs")).context["rows"]
    names = [row[1].text for row in rows if row[0].text == a["mentor"].full_name]
    ordered = sorted(group, key=lambda m: (m.last_name, m.first_name, m.patronymic, m.pk))
    assert names == [", ".join(m.full_name for m in ordered)]
    assert names[0].startswith("Абаев Ислам, ")  # no double space for a missing patronymic
