"""Walk every URL of the app that takes an object id: another school's (or municipality's)
object is never reached, by GET or POST, and nothing changes."""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import AuditEvent
from registry.models import Consent, Mentee, Mentor, MentorLinkRequest, Pair, Programme
from roadmap import services as roadmap_services
from roadmap.models import Amendment, Evidence, Execution, Measure, Report, Section
from tests.factories import make_user
from tests.roadmap.files_helpers import PDF_BYTES, upload


def id_patterns():
    """(name, route, [int kwargs]) for every named pattern that takes an id."""
    found = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = getattr(pattern.pattern, "converters", {})
                route = prefix + str(pattern.pattern)
                ints = [k for k, c in converters.items() if type(c).__name__ == "IntConverter"]
                if "(?P<pk>" in route:
                    ints = ["pk"]
                if ints:
                    found.append(
                        (f"{namespace}:{pattern.name}" if namespace else pattern.name, ints)
                    )

    walk(get_resolver().url_patterns, "", "")
    return found


# Which object an id-taking URL is about. A new URL with an id must be added here.
TARGETS = {
    "roadmap:document": "roadmap",
    "roadmap:report": "roadmap",
    "roadmap:amendment_order": "amendment",
    "roadmap:amendment_requisites": "amendment",
    "roadmap:import_confirm": "batch",
    "roadmap:detail": "roadmap",
    "roadmap:editor": "roadmap",
    "roadmap:settings": "roadmap",
    "roadmap:deadline_preview": "roadmap",
    "roadmap:section_create": "roadmap",
    "roadmap:renumber": "roadmap",
    "roadmap:schools": "roadmap",
    "roadmap:approve": "roadmap",
    "roadmap:amendment_open": "roadmap",
    "roadmap:amendment_close": "roadmap",
    "roadmap:copy": "roadmap",
    "roadmap:dashboard": "roadmap",
    "roadmap:dashboard_evidence": "roadmap",
    "roadmap:school_remove": "roadmap",
    "roadmap:section_edit": "section",
    "roadmap:section_delete": "section",
    "roadmap:section_move": "section",
    "roadmap:measure_create": "section",
    "roadmap:measure": "measure",
    "roadmap:measure_edit": "measure",
    "roadmap:measure_row": "measure",
    "roadmap:measure_binding": "measure",
    "roadmap:measure_delete": "measure",
    "roadmap:measure_move": "measure",
    "roadmap:execution": "execution",
    "roadmap:execution_start": "execution",
    "roadmap:execution_report": "execution",
    "roadmap:report_review": "report",
    "roadmap:evidence": "evidence",
    "roadmap:undated": "roadmap",
    "roadmap:schedule_add": "measure",
    "roadmap:schedule_import": "measure",
    "roadmap:schedule_template": "measure",
    "roadmap:schedule_delete": "occurrence",
    "roadmap:occurrence_report": "occurrence_execution",
    "roadmap:occurrence_review": "occurrence_row",
    "roadmap:events_keep": "measure",
    "roadmap:event_add": "measure",
    "roadmap:event_delete": "event",
    "roadmap:event_file": "event",
    "registry:mentee": "mentee",
    "registry:mentee_edit": "mentee",
    "registry:consent_create": "mentee",
    "registry:consent_withdraw": "consent",
    "registry:consent_scan": "consent",
    "registry:mentor": "mentor",
    "registry:mentor_edit": "mentor",
    "registry:link_request": "link_request",
    "registry:programme": "programme",
    "registry:pair": "pair",
    "registry:agreement_create": "partner",
    "registry:school_edit": "school",
    "registry:school_stats": "school",
    "registry:import_confirm": "batch",
    "registry:mentee_request_edit": "mentee_request",
    "registry:mentee_request_delete": "mentee_request",
    "registry:training_add": "mentor",
    "registry:training_delete": "training",
    "registry:training_file": "training",
    "registry:conclusion_upload": "programme",
    "registry:conclusion_file": "programme",
    "monitoring:target_delete": "target",
    "monitoring:questionnaire": "questionnaire",
    "monitoring:question_delete": "question",
    "monitoring:period": "period",
    "monitoring:period_edit": "period",
    "monitoring:report_start": "period",
    "monitoring:summary": "period",
    "monitoring:summary_file": "period",
    "monitoring:report": "school_report",
    "monitoring:report_submit": "school_report",
    "monitoring:report_review": "school_report",
    "monitoring:answer_set": "school_report",
    "monitoring:answers_template": "school_report",
    "monitoring:answers_import": "school_report",
    "monitoring:swot": "school_report",
    "monitoring:answer_set_delete": "answer_set",
    "accounts:detail": "account",
    "accounts:reset_link": "account",
    "accounts:deactivate": "account",
    "accounts:reactivate": "account",
}
# Objects that belong to the municipality as a whole: a curator of it may see them.
MUNICIPAL = {"roadmap", "section", "measure", "partner", "period"}
ADMIN_PREFIX = "admin:"


def test_every_id_url_is_known():
    names = {name for name, _ in id_patterns() if not name.startswith(ADMIN_PREFIX)}
    assert names - set(TARGETS) == set(), "add the new URL to TARGETS"


@pytest.fixture
def foreign(roadmap, registry_data, school_b, curator_b, staff, other_roadmap, settings, tmp_path):
    """school_b's objects (for curator_a) and the municipality's (for another municipality)."""
    settings.MEDIA_ROOT = tmp_path
    b = registry_data["b"]
    pair = roadmap_services_pair(staff, b)
    execution = Execution.objects.get(
        measure__section__roadmap=roadmap, measure__number="1.7", school=school_b
    )
    report = roadmap_services.submit_report(
        user=curator_b,
        execution=execution,
        text="Готово",
        completed_on=datetime.date(2020, 10, 20),
        files=[upload("b.pdf", PDF_BYTES)],
    )
    from registry.models import PartnerOrganization
    from registry.services import record_consent

    partner = PartnerOrganization.objects.create(municipality=roadmap.municipality, name="Партнёр")
    consent = record_consent(
        user=staff,
        mentee=b["adult"],
        representative_name="Р",
        relation="mother",
        document="п",
        given_on=datetime.date(2020, 9, 1),
        scan=upload("c.pdf", PDF_BYTES),
    )
    from core.models import ImportBatch

    batch = ImportBatch.objects.create(
        user=curator_b, entity="mentees", original_name="x.xlsx", file="imports/none.xlsx"
    )
    monitoring = monitoring_objects(roadmap.municipality, school_b, curator_b, forms_of(b))
    amendment = roadmap_services.open_amendment(
        user=staff,
        roadmap=roadmap,
        date=datetime.date(2021, 3, 10),
        reason="Уточнение сроков",
        order_date=datetime.date(2021, 3, 12),
        order_number="45",
    )
    roadmap_services.close_amendment(user=staff, amendment=amendment)
    tracked = tracked_objects(roadmap, school_b, curator_b, staff)
    facts_of_b = registry_facts(b, staff, roadmap.municipality)
    return {
        **tracked,
        **facts_of_b,
        "amendment": amendment.pk,
        "link_request": link_request_of(school_b, curator_b).pk,
        **monitoring,
        "roadmap": roadmap.pk,
        "section": Section.objects.filter(roadmap=roadmap).first().pk,
        "measure": Measure.objects.filter(section__roadmap=roadmap).first().pk,
        "execution": execution.pk,
        "report": report.pk,
        "evidence": Evidence.objects.get().pk,
        "mentee": b["minor"].pk,
        "consent": consent.pk,
        "mentor": b["mentor"].pk,
        "programme": b["programme"].pk,
        "pair": pair.pk,
        "partner": partner.pk,
        "school": school_b.pk,
        "batch": batch.pk,
        "account": curator_b.pk,
    }


def tracked_objects(roadmap, school_b, curator_b, staff):
    """A schedule item, school_b's report on an occurrence and its event with a file."""
    from roadmap.services import events as event_services
    from roadmap.services import occurrences as occurrence_services

    schedule = Measure.objects.get(section__roadmap=roadmap, number="2.10")
    item = occurrence_services.add_schedule_item(
        user=staff, measure=schedule, due_on=datetime.date(2020, 12, 15), title="Курсы"
    )
    campaign = Measure.objects.get(section__roadmap=roadmap, number="4.1")
    theirs = Execution.objects.get(measure=campaign, school=school_b)
    occurrence = campaign.occurrences.first()
    row = occurrence_services.report_occurrence(
        user=curator_b,
        occurrence=occurrence,
        execution=theirs,
        completed_on=datetime.date(2020, 10, 20),
        text="Семинар",
    )
    event_services.keep_events(user=staff, measure=campaign, keep=True)
    event = event_services.add_event(
        user=curator_b,
        measure=campaign,
        held_on=datetime.date(2020, 11, 20),
        title="Семинар наставников",
        participants=12,
        file=upload("e.pdf", PDF_BYTES),
    )
    OCCURRENCE_OF[theirs.pk] = occurrence.pk
    return {
        "occurrence": item.pk,
        "occurrence_execution": theirs.pk,
        "occurrence_row": row.pk,
        "event": event.pk,
    }


def registry_facts(b, staff, municipality):
    """A training of school_b's mentor with a certificate, its programme's conclusion file,
    and a request of the municipality's list (the staff's own, curators may not edit it)."""
    from registry.models import MenteeRequest
    from registry.services import facts

    facts.add_training(
        user=staff,
        mentor=b["mentor"],
        course="Наставничество",
        organisation="ЧИПКРО",
        starts_on=datetime.date(2020, 11, 9),
        ends_on=datetime.date(2020, 11, 13),
        certificate=upload("t.pdf", PDF_BYTES),
    )
    facts.attach_conclusion(user=staff, programme=b["programme"], upload=upload("c.pdf", PDF_BYTES))
    foreign_request = MenteeRequest.objects.create(municipality=municipality, name="свой")
    return {
        "training": b["mentor"].trainings.get().pk,
        "mentee_request": foreign_request.pk,
    }


# The occurrence an execution's report URL is built with (the URL takes both ids).
OCCURRENCE_OF: dict = {}


def link_request_of(school_b, curator_b):
    """school_b's pending request for a mentor who works at no school of curator_a."""
    from registry.models import MentorLinkRequest

    elsewhere = Mentor.objects.create(
        municipality=school_b.municipality,
        last_name="Совместитель",
        first_name="Рустам",
        birth_date=datetime.date(1980, 3, 3),
        kind="teacher",
    )
    return MentorLinkRequest.objects.create(
        mentor=elsewhere,
        school=school_b,
        requested_as="Совместитель Рустам, 03.03.1980 г. р.",
        requested_by=curator_b,
    )


def forms_of(b):
    return b["programme"].form


def monitoring_objects(municipality, school_b, curator_b, form):
    """A period with school_b's submitted report (with answers), a target, a questionnaire."""
    from monitoring import services as monitoring_services
    from monitoring.models import Questionnaire, Target

    period = monitoring_services.save_period(
        municipality=municipality,
        title="I полугодие 2020/21",
        starts_on=datetime.date(2020, 9, 1),
        ends_on=datetime.date(2021, 1, 31),
    )
    report = monitoring_services.report_of(period, school_b)
    questionnaire = Questionnaire.objects.filter(municipality=municipality, stage=1).first()
    answer_set = monitoring_services.save_answer_set(
        report=report,
        questionnaire=questionnaire,
        form=form,
        moment="",
        respondents=3,
        averages={q.pk: "7" for q in questionnaire.questions.all()},
    )
    monitoring_services.submit_report(user=curator_b, report=report)
    target = Target.objects.create(
        municipality=municipality, indicator="pupils_10_plus", year=2024, value=70
    )
    return {
        "period": period.pk,
        "school_report": report.pk,
        "answer_set": answer_set.pk,
        "questionnaire": questionnaire.pk,
        "question": questionnaire.questions.first().pk,
        "target": target.pk,
    }


def roadmap_services_pair(staff, b):
    from registry.services import save_pair

    return save_pair(
        user=staff,
        programme=b["programme"],
        mentor=b["mentor"],
        mentees=[b["minor"]],
        starts_on=datetime.date(2020, 11, 2),
        activate=True,
    )


def fingerprint():
    return (
        Mentee.objects.order_by("pk").values_list("pk", "last_name", "school_id")[::1],
        Mentor.objects.count(),
        Mentor.schools.through.objects.count(),
        list(MentorLinkRequest.objects.order_by("pk").values_list("state", "decided_at")),
        Programme.objects.count(),
        list(Pair.objects.order_by("pk").values_list("status", flat=True)),
        list(Consent.objects.order_by("pk").values_list("withdrawn_on", flat=True)),
        list(Execution.objects.order_by("pk").values_list("status", flat=True)),
        list(Report.objects.order_by("pk").values_list("decision", flat=True)),
        Measure.objects.count(),
        Section.objects.count(),
        list(Amendment.objects.order_by("pk").values_list("order_date", "order_number")),
        monitoring_fingerprint(),
        accounts_fingerprint(),
        tracking_fingerprint(),
        facts_fingerprint(),
    )


def facts_fingerprint():
    from registry.models import ConclusionFile, MenteeRequest, MentorTraining

    return (
        list(MenteeRequest.objects.order_by("pk").values_list("name", "is_active")),
        list(MentorTraining.objects.order_by("pk").values_list("course", "file")),
        list(ConclusionFile.objects.order_by("pk").values_list("original_name", "file")),
        list(Mentee.objects.order_by("pk").values_list("request_id", flat=True)),
    )


def tracking_fingerprint():
    from roadmap.models import Event, EventKeeping, Occurrence, OccurrenceExecution

    return (
        list(Occurrence.objects.order_by("pk").values_list("pk", "due_on", "title")),
        list(OccurrenceExecution.objects.order_by("pk").values_list("status", "text")),
        list(Event.objects.order_by("pk").values_list("pk", "title", "school_id")),
        EventKeeping.objects.count(),
    )


def accounts_fingerprint():
    """Who has access, with which password, who must change it; the account events."""
    from django.contrib.auth import get_user_model

    from core.models import AccountState

    return (
        list(get_user_model().objects.order_by("pk").values_list("is_active", "password")),
        list(AccountState.objects.order_by("pk").values_list("must_change_password", flat=True)),
        AuditEvent.objects.filter(object_type="user").count(),
    )


def monitoring_fingerprint():
    from monitoring.models import Answer, AnswerSet, Period, Question, SchoolReport, Swot, Target

    return (
        list(SchoolReport.objects.order_by("pk").values_list("school_id", "status", "version")),
        list(Answer.objects.order_by("pk").values_list("average", flat=True)),
        AnswerSet.objects.count(),
        Swot.objects.count(),
        list(Target.objects.order_by("pk").values_list("value", flat=True)),
        Question.objects.count(),
        list(Period.objects.order_by("pk").values_list("title", "ends_on")),
    )


def url_for(name, kwargs_names, target_id):
    from django.urls import reverse

    kwargs = {}
    for key in kwargs_names:
        kwargs[key] = target_id
    if name.endswith("_move"):
        kwargs["direction"] = "up"
    if name == "registry:import_confirm":
        kwargs["entity"] = "mentees"
    if name in {"roadmap:document", "roadmap:amendment_order"}:
        kwargs["fmt"] = "pdf"
    if name == "roadmap:import_confirm":
        kwargs = {"batch_id": target_id}
    if name == "roadmap:occurrence_report":
        kwargs = {"pk": OCCURRENCE_OF[target_id], "execution_id": target_id}
    if name == "roadmap:school_remove":
        kwargs["school_id"] = target_id
    if name == "monitoring:summary_file":
        kwargs["fmt"] = "pdf"
    if name == "monitoring:answer_set":
        kwargs["questionnaire_id"] = FOREIGN_EXTRA["questionnaire"]
    if name == "monitoring:swot":
        kwargs["programme_id"] = FOREIGN_EXTRA["programme"]
    return reverse(name, kwargs=kwargs)


FOREIGN_EXTRA: dict = {}


def check(client, user, foreign, name, kwargs_names, method):
    FOREIGN_EXTRA.update(foreign)
    target = TARGETS[name]
    if target in MUNICIPAL and user.username == "curator_a":
        return  # the municipality's roadmap and partners are the curator's too
    target_id = foreign[target]
    url = url_for(name, kwargs_names, target_id)
    client.force_login(user)
    before = fingerprint()
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(
            url,
            {
                "status": "accepted",
                "decision": "accept",
                "school": foreign["school"],
                "text": "x",
                "completed_on": "20.10.2020",
                "withdrawn_on": "01.10.2020",
                "title": "Захват",
                "last_name": "Захват",
                "ends_on": "28.02.2021",
                "starts_on": "01.09.2020",
                "respondents": "5",
                "form": "1",
                "strengths": "Захват",
                "version": "2",
                "order_date": "01.05.2021",
                "order_number": "99",
                "confirm": "1",
            },
        )
    assert response.status_code in {403, 404, 405}, (name, method, response.status_code)
    assert fingerprint() == before, (name, method)


@pytest.mark.django_db
def test_no_foreign_object_through_any_url(client, curator_a, foreign, other_roadmap):
    outsider = make_user(
        "outsider", "Сотрудник департамента", municipality=other_roadmap.municipality
    )
    patterns = [(n, k) for n, k in id_patterns() if n in TARGETS]
    for user in (curator_a, outsider):
        for name, kwargs_names in patterns:
            for method in ("GET", "POST"):
                check(client, user, foreign, name, kwargs_names, method)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_property_foreign_ids_stay_out_of_reach(client, curator_a, foreign, data):
    """Any id-taking URL, any method, and any id of another school's object: never reached."""
    patterns = [(n, k) for n, k in id_patterns() if n in TARGETS and TARGETS[n] not in MUNICIPAL]
    name, kwargs_names = data.draw(st.sampled_from(patterns))
    method = data.draw(st.sampled_from(["GET", "POST"]))
    check(client, curator_a, foreign, name, kwargs_names, method)


@pytest.mark.django_db
def test_refusals_do_not_leak_and_views_are_audited(client, curator_a, foreign):
    client.force_login(curator_a)
    from django.urls import reverse

    response = client.get(reverse("registry:mentee", args=[foreign["mentee"]]))
    assert response.status_code == 404
    assert "Ученик" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="view", object_id=str(foreign["mentee"])).exists()


@pytest.mark.django_db
def test_the_region_changes_nothing_through_any_url(client, foreign):
    """The regional coordinator reads; every POST to an id URL is refused, nothing changes."""
    region = make_user("region", "Региональный координатор")
    client.force_login(region)
    for name, kwargs_names in id_patterns():
        if name not in TARGETS:
            continue
        url = url_for(name, kwargs_names, foreign[TARGETS[name]])
        before = fingerprint()
        response = client.post(
            url,
            {
                "decision": "accept",
                "title": "Захват",
                "text": "x",
                "order_date": "01.05.2021",
                "order_number": "99",
                "confirm": "1",
            },
        )
        assert response.status_code in {403, 404, 405}, (name, response.status_code)
        assert fingerprint() == before, name
    personal = (
        "registry:mentee",
        "registry:mentor",
        "registry:consent_scan",
        "registry:pair",
        "registry:link_request",
    )
    for name in personal:
        response = client.get(url_for(name, ["pk"], foreign[TARGETS[name]]))
        assert response.status_code == 403, name
