"""The demonstration's schedules, occurrences, events and the registry's further facts: the
schedule of 2.10, reports on the information campaign's quarters, seminars with their
participants, mentees' requests, mentors' training by ЧИПКРО and an expert conclusion's file.
Each part is added once: loading again changes nothing."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.models import ConclusionFile, Mentee, Mentor, Programme
from registry.reference import ensure_mentee_requests
from registry.services import facts
from roadmap.models import Event, Execution, Measure, Occurrence, Roadmap
from roadmap.services import events, occurrences

# A one-page PDF: enough for the demo's certificates and protocols to open.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
EVENT_MEASURES = ("2.7", "2.8", "2.9", "4.1")
SCHEDULE = [
    (date(2020, 11, 9), date(2020, 11, 13), "Курсы ЧИПКРО для наставников, первый поток"),
    (date(2021, 1, 18), date(2021, 1, 22), "Курсы ЧИПКРО для кураторов ОО"),
    (date(2021, 3, 15), date(2021, 3, 19), "Курсы ЧИПКРО для наставников, второй поток"),
]
REQUESTS = ["подготовка к олимпиаде", "адаптация в коллективе", "профориентация"]


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def load_tracking_demo(roadmap: Roadmap, schools) -> None:
    names = ["staff", "curator1", "curator2"]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    staff = users["staff"]
    _schedule(roadmap, staff)
    _events(roadmap, staff, users, schools)
    _occurrence_reports(roadmap, users, schools)
    _registry_facts(roadmap.municipality, staff)


def _measure(roadmap: Roadmap, number: str) -> Measure | None:
    return Measure.objects.filter(section__roadmap=roadmap, number=number).first()


def _schedule(roadmap: Roadmap, staff) -> None:
    measure = _measure(roadmap, "2.10")
    if measure is None or measure.occurrences.exists():
        return
    for starts_on, due_on, title in SCHEDULE:
        occurrences.add_schedule_item(
            user=staff, measure=measure, due_on=due_on, title=title, starts_on=starts_on
        )


def _events(roadmap: Roadmap, staff, users, schools) -> None:
    events.mark_event_measures(roadmap, EVENT_MEASURES)
    if Event.objects.filter(measure__section__roadmap=roadmap).exists():
        return
    seminars, campaign = _measure(roadmap, "2.7"), _measure(roadmap, "4.1")
    if seminars is not None:
        events.add_event(
            user=staff, measure=seminars, held_on=date(2020, 11, 24),
            title="Муниципальный семинар «Целевая модель наставничества: первые шаги»",
            participants=46, file=pdf("протокол семинара.pdf"),
        )  # fmt: skip
        events.add_event(
            user=staff, measure=seminars, held_on=date(2021, 2, 17),
            title="Семинар-практикум для кураторов «Программа наставничества в ОО»",
            participants=28, link="https://argun-edu.example/news/seminar-2021-02",
        )  # fmt: skip
    if campaign is not None:
        for number, school in enumerate(schools[:2], start=1):
            curator = users.get(f"curator{number}")
            if curator is None:
                continue
            events.add_event(
                user=curator, measure=campaign, held_on=date(2020, 12, 10 + number),
                title=f"Фестиваль наставнических практик ({school.short_name})",
                participants=30 + 10 * number,
                link=f"https://argun-edu.example/schools/{number}/festival",
            )  # fmt: skip


def _occurrence_reports(roadmap: Roadmap, users, schools) -> None:
    """The first two school quarters of the campaign (4.1) reported by the first school."""
    campaign = _measure(roadmap, "4.1")
    curator = users.get("curator1")
    if campaign is None or curator is None or not schools:
        return
    execution = Execution.objects.filter(measure=campaign, school=schools[0]).first()
    if execution is None or execution.occurrence_executions.exists():
        return
    staff = users["staff"]
    for item in Occurrence.objects.filter(measure=campaign).order_by("due_on")[:2]:
        row = occurrences.report_occurrence(
            user=curator, occurrence=item, execution=execution,
            completed_on=item.due_on, text="Проведены классные часы и встреча с выпускниками.",
        )  # fmt: skip
        occurrences.review_occurrence(user=staff, row=row, accept=True)


def give_mentee_requests(municipality) -> None:
    """Every demo mentee without a request gets one of the usual requests (in turn)."""
    requests = {r.name: r for r in ensure_mentee_requests(municipality)}
    for index, mentee in enumerate(
        Mentee.objects.filter(municipality=municipality, request__isnull=True).order_by("pk")
    ):
        mentee.request = requests[REQUESTS[index % len(REQUESTS)]]
        mentee.save(update_fields=["request"])


def _registry_facts(municipality, staff) -> None:
    give_mentee_requests(municipality)
    trained = Mentor.objects.filter(municipality=municipality, trainings__isnull=False).exists()
    for mentor in [] if trained else Mentor.objects.filter(municipality=municipality)[:5]:
        facts.add_training(
            user=staff, mentor=mentor, course="Наставничество в образовательной организации",
            organisation="ЧИПКРО", starts_on=date(2020, 11, 9), ends_on=date(2020, 11, 13),
            certificate=pdf("удостоверение.pdf"),
        )  # fmt: skip
    programme = Programme.objects.filter(school__municipality=municipality).order_by("pk").first()
    if programme is not None and not ConclusionFile.objects.filter(programme=programme).exists():
        facts.attach_conclusion(
            user=staff, programme=programme, upload=pdf("заключение экспертизы.pdf")
        )
