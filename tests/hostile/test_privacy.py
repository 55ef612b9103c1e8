"""Personal data: what the regional coordinator never sees, and what no browser keeps.

test_the_region_reaches_no_name_and_no_file — the regional coordinator's whole reach, on a
region made by `generate_region` (2 municipalities × 2 schools) together with the demo data of
`make run`, after schools and the department wrote people's names into every free text they
have: report texts, evidence file names, return and review comments, SWOT texts, a programme's
expert, consent scans. The crawl starts at the home page and follows every link and hx-get
(menus included; a list in another order — `sort=` — is read once), then requests every named
URL without arguments, every registry export and template, the records behind every figure,
and every URL that takes an id with the id of every object of its kind. Every response —
pages, refusals and the documents the coordinator may download (PDF, DOCX, XLSX, JSON, read
back as text with their metadata) — is searched for the full name of every person in the
database, as words in either order, case kept (names are written with capitals): users,
mentors, mentees, consents' representatives, schools' directors, partners' contact persons,
departments' heads, programmes' experts. Found: none. No evidence file, consent scan, registry
export or template answers 200; evidence files answer 403.

Two things are not searched for, on purpose:
  * the coordinator's own name: the menu bar shows whoever is signed in who they are;
  * the signatory of an order («Л.В. Кагирова» under order № 172/1), as the order prints it:
    it is the text of the roadmap's own document, which the coordinator reads (the same string
    in the department's card is the same text). The head's account — the person's full name —
    is searched like anyone else's.

test_the_department_reads_what_the_region_does_not — the other side: on the same pages the
department reads the texts, the names and the files.

test_personal_responses_are_never_stored — every response to a signed-in user (staff, head,
curator: each one's crawl, with every export, template, list and figure's records; staff every
id URL too) carries `Cache-Control: private, no-store`: pages, exports, evidence files, consent
scans, redirects, refusals. Static files keep their own caching.

Run with -s to see the figures (URLs, documents, names searched, names found, responses).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from core import roles
from core.models import Department, ImportBatch, Municipality, Profile, School
from devdata.demo import tenant as demo
from devdata.region import RegionOptions, generate_region
from monitoring import services as monitoring_services
from monitoring.models import (
    AnswerSet,
    Period,
    Question,
    Questionnaire,
    SchoolReport,
    Swot,
    Target,
)
from registry.models import (
    Consent,
    Mentee,
    MenteeRequest,
    Mentor,
    MentorLinkRequest,
    MentorTraining,
    Pair,
    PartnerOrganization,
    Programme,
)
from registry.services import record_consent
from roadmap import services as roadmap_services
from roadmap.models import (
    Amendment,
    Event,
    Evidence,
    Execution,
    Measure,
    Occurrence,
    OccurrenceExecution,
    Order,
    Report,
    Roadmap,
    Section,
)
from tests.roadmap.files_helpers import PDF_BYTES, upload
from tests.test_access_walk import TARGETS, id_patterns

pytestmark = pytest.mark.django_db

REGION_SIZE = RegionOptions(municipalities=2, schools=2, mentees=40, seed=12)

# The object behind each kind of id (tests/test_access_walk.py names the kind of every URL).
KIND_MODELS = {
    "roadmap": Roadmap,
    "batch": ImportBatch,
    "section": Section,
    "measure": Measure,
    "execution": Execution,
    "report": Report,
    "evidence": Evidence,
    "mentee": Mentee,
    "consent": Consent,
    "mentor": Mentor,
    "programme": Programme,
    "pair": Pair,
    "partner": PartnerOrganization,
    "school": School,
    "target": Target,
    "questionnaire": Questionnaire,
    "question": Question,
    "period": Period,
    "school_report": SchoolReport,
    "answer_set": AnswerSet,
    "link_request": MentorLinkRequest,
    "account": get_user_model(),
    "amendment": Amendment,
    "occurrence": Occurrence,
    # occurrence_report takes the occurrence first, then the execution (SECOND_IDS)
    "occurrence_execution": Occurrence,
    "occurrence_row": OccurrenceExecution,
    "event": Event,
    "mentee_request": MenteeRequest,
    "training": MentorTraining,
}
# A second id in a URL: the first object of its kind will do.
SECOND_IDS = {
    "school_id": School,
    "questionnaire_id": Questionnaire,
    "programme_id": Programme,
    "execution_id": Execution,
}
# Variants of the non-id parts of URLs.
URL_CHOICES = {
    "fmt": {
        "roadmap:document": ["pdf", "docx", "xlsx", "json"],
        "roadmap:amendment_order": ["pdf", "docx"],
        "*": ["xlsx", "pdf"],
    },
    "direction": {"*": ["up"]},
    "entity": {"*": ["mentees"]},
}

# Files that carry people's data: the region never downloads them.
PERSONAL_FILES = {
    "roadmap:evidence",
    "registry:consent_scan",
    "registry:export",
    "registry:template",
}
# The documents the region may download: they are read back and searched like the pages.
DOCUMENTS = {
    "roadmap:document",
    "roadmap:amendment_order",
    "roadmap:report",
    "roadmap:dashboard",
    "monitoring:regional_xlsx",
    "monitoring:regional_pdf",
    "monitoring:summary_file",
    "monitoring:answers_template",
}

WORD = re.compile(r"\w+")
LINK = re.compile(r'(?:href|hx-get)="([^"]*)"')
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- the world: a generated region, the demo data, and names written into every free text ----


def _plant_names(municipality: Municipality, today: dt.date) -> None:
    """A school's curator and the department's staff write people's names where they can."""
    curators = Profile.objects.filter(
        school__municipality=municipality, user__groups__name=roles.CURATOR
    ).select_related("user", "school")
    open_schools = SchoolReport.objects.filter(
        status__in=[SchoolReport.Status.DRAFT, SchoolReport.Status.RETURNED]
    ).values("school")
    profile = (
        curators.filter(school__in=open_schools).order_by("pk").first()
        or curators.order_by("pk").first()
    )
    curator, school = profile.user, profile.school
    staff = (
        get_user_model()
        .objects.filter(
            profile__municipality=municipality,
            profile__school__isnull=True,
            groups__name=roles.STAFF,
        )
        .order_by("pk")
        .first()
    )
    mentee = Mentee.objects.filter(school=school).order_by("pk").first()
    mentor = Mentor.objects.filter(schools=school).order_by("pk").first()
    minor = Mentee.objects.filter(school=school).order_by("-birth_date", "pk").first()

    # A report naming a pupil, with a file named after them; returned naming the curator;
    # reported again (it waits in the review queue).
    execution = (
        Execution.objects.filter(
            school=school,
            status__in=roadmap_services.REPORTABLE,
            measure__section__roadmap__municipality=municipality,
        )
        .order_by("pk")
        .first()
    )
    report = roadmap_services.submit_report(
        user=curator,
        execution=execution,
        text=f"Встреча: {mentee.full_name} и наставник {mentor.full_name}.",
        completed_on=today,
        files=[upload(f"Грамота {mentee.full_name}.pdf", PDF_BYTES)],
    )
    roadmap_services.review_report(
        user=staff,
        report=report,
        accept=False,
        comment=f"{curator.get_full_name()}, приложите приказ; {mentor.full_name} не указан(а).",
    )
    roadmap_services.submit_report(
        user=curator,
        execution=execution,
        text=f"Приложен приказ о назначении {mentor.full_name}.",
        completed_on=today,
        files=[upload(f"Приказ {mentor.last_name} {mentor.first_name}.pdf", PDF_BYTES)],
    )
    # The department's own part, reported by its staff (accepted at once).
    own = (
        Execution.objects.filter(
            school__isnull=True,
            status__in=roadmap_services.REPORTABLE,
            measure__section__roadmap__municipality=municipality,
        )
        .order_by("pk")
        .first()
    )
    roadmap_services.submit_report(
        user=staff,
        execution=own,
        text=f"Ответственный — {staff.get_full_name()}.",
        completed_on=today,
        files=[upload(f"Протокол {staff.last_name}.pdf", PDF_BYTES)],
    )

    record_consent(
        user=staff,
        mentee=minor,
        representative_name=f"{minor.last_name} Мадина Ильясовна",
        relation="mother",
        document="паспорт",
        given_on=today,
        scan=upload(f"Согласие {minor.full_name}.pdf", PDF_BYTES),
    )
    Programme.objects.filter(school=school).update(reviewer=mentor.full_name)

    # The school's monitoring report gets SWOT texts naming people; one still open to the
    # school is returned with a comment naming its curator, then accepted (so the summary of
    # the period carries it). A school whose reports are all accepted wrote them before.
    programme = Programme.objects.filter(school=school).order_by("pk").first()
    texts = {
        "strengths": f"Наставник {mentor.full_name} ведёт группу.",
        "weaknesses": f"{mentee.full_name} пропускает встречи.",
    }
    open_report = (
        SchoolReport.objects.filter(
            school=school,
            status__in=[SchoolReport.Status.DRAFT, SchoolReport.Status.RETURNED],
        )
        .order_by("-period__ends_on")
        .first()
    )
    if open_report is None:
        accepted = SchoolReport.objects.filter(
            school=school, status=SchoolReport.Status.ACCEPTED
        ).first()
        Swot.objects.update_or_create(report=accepted, programme=programme, defaults=texts)
        return
    monitoring_services.save_swot(report=open_report, programme=programme, **texts)
    monitoring_services.submit_report(user=curator, report=open_report)
    monitoring_services.review_report(
        user=staff,
        report=open_report,
        accept=False,
        comment=f"{curator.get_full_name()}, уточните SWOT по {mentee.full_name}.",
    )
    monitoring_services.submit_report(user=curator, report=open_report)
    monitoring_services.review_report(
        user=staff, report=open_report, accept=True, comment=f"Принято: {mentor.full_name}."
    )


@pytest.fixture
def world(db, tmp_path, settings, monkeypatch):
    """The region, the demo municipality, and the regional coordinator who reads them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    generate_region(REGION_SIZE)
    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "demo.json")
    call_command("load_demo_data", stdout=io.StringIO())
    today = timezone.localdate()
    for municipality in Municipality.objects.order_by("pk"):
        _plant_names(municipality, today)
    _amend(today)
    return get_user_model().objects.get(username="region")


def _amend(today: dt.date) -> None:
    """A department amends its approved roadmap (a measure's deadline), so that an amending
    order, signed by its head, is there to be read."""
    roadmap = Roadmap.objects.filter(status=Roadmap.Status.APPROVED).order_by("pk").first()
    staff = (
        get_user_model()
        .objects.filter(
            profile__municipality=roadmap.municipality,
            profile__school__isnull=True,
            groups__name=roles.STAFF,
        )
        .order_by("pk")
        .first()
    )
    amendment = roadmap_services.open_amendment(
        user=staff,
        roadmap=roadmap,
        date=today,
        reason="Уточнение сроков",
        order_date=today,
        order_number="12",
    )
    measure = Measure.objects.filter(section__roadmap=roadmap).order_by("pk").first()
    roadmap_services.update_measure(
        user=staff,
        measure_id=measure.pk,
        version=measure.version,
        number=measure.number,
        title=measure.title,
        deadline_text="в течение всего периода реализации ЦМН",
        result=measure.result,
        parties=[r.party for r in measure.responsibilities.all()],
    )
    roadmap_services.close_amendment(user=staff, amendment=amendment)


# --- names ---------------------------------------------------------------------------------------


def _tokens(text: str) -> tuple[str, ...]:
    """The words of a text. Case is kept: a name is written with capitals, and the demo's
    «Молодой Педагог» must not be found in a programme called «Молодой педагог»."""
    return tuple(WORD.findall(text.replace("ё", "е").replace("Ё", "Е")))


@dataclass
class Names:
    """Every person's full name, in the orders the application writes them, as word tuples."""

    forms: dict[tuple[str, ...], str] = field(default_factory=dict)  # words -> whose
    people: int = 0

    def add(self, text: str, whose: str) -> None:
        words = _tokens(text)
        if len(words) >= 2:
            self.forms.setdefault(words, whose)

    def found_in(self, text: str) -> list[str]:
        words = _tokens(text)
        lengths = {len(form) for form in self.forms}
        grams = {n: set(zip(*(words[i:] for i in range(n)), strict=False)) for n in lengths}
        return sorted(
            f"{' '.join(form)} ({whose})"
            for form, whose in self.forms.items()
            if form in grams[len(form)]
        )


def names_in_database(viewer) -> Names:
    names = Names()
    allowed = {_tokens(name) for name in Order.objects.values_list("signatory_name", flat=True)}
    for user in get_user_model().objects.exclude(pk=viewer.pk):
        first, last = user.first_name.strip(), user.last_name.strip()
        names.people += 1
        if first and last:
            names.add(f"{first} {last}", f"пользователь {user.username}")
            names.add(f"{last} {first}", f"пользователь {user.username}")
        else:
            names.add(first or last, f"пользователь {user.username}")
    for model in (Mentor, Mentee):
        people = model.objects.all()
        if model is Mentee:
            people = people.filter(data_destroyed_at__isnull=True)
        for person in people:
            names.people += 1
            whose = f"{model._meta.verbose_name} {person.pk}"
            names.add(f"{person.last_name} {person.first_name}", whose)
            names.add(f"{person.first_name} {person.last_name}", whose)
            if person.patronymic:
                names.add(f"{person.first_name} {person.patronymic} {person.last_name}", whose)
    fields = [
        (Consent, "representative_name"),
        (School, "director_name"),
        (PartnerOrganization, "contact_person"),
        (Department, "head_name"),
        (Programme, "reviewer"),  # the expert: a person or a body, searched either way
    ]
    for model, name in fields:
        for pk, value in model.objects.exclude(**{name: ""}).values_list("pk", name):
            if _tokens(value) in allowed:
                continue  # the order's signatory, as the order prints it
            names.people += 1
            names.add(value, f"{model._meta.verbose_name} {pk}: {name}")
    return names


# --- reading responses as text -------------------------------------------------------------------


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def text_of(response, body: bytes) -> str:
    """What a person would read in the response, with a document's metadata."""
    kind = response.get("Content-Type", "").split(";")[0].strip()
    if kind == "application/pdf":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(body))
        meta = " ".join(str(v) for v in (reader.metadata or {}).values())
        return meta + "\n" + "\n".join(page.extract_text() or "" for page in reader.pages)
    if kind == XLSX:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        props = book.properties
        parts = [props.creator or "", props.lastModifiedBy or "", props.title or ""]
        for sheet in book.worksheets:
            parts.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                parts.extend(str(value) for value in row if value is not None)
        return "\n".join(parts)
    if kind == DOCX:
        from docx import Document

        document = Document(io.BytesIO(body))
        props = document.core_properties
        parts = [props.author or "", props.last_modified_by or "", props.title or ""]
        parts += [p.text for p in document.paragraphs]
        for table in document.tables:
            parts += [cell.text for row in table.rows for cell in row.cells]
        for section in document.sections:
            parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
        return "\n".join(parts)
    return html.unescape(body.decode("utf-8", errors="replace"))


# --- the crawl -----------------------------------------------------------------------------------


@dataclass
class Crawl:
    client: Client
    names: Names | None = None
    statuses: dict[str, int] = field(default_factory=dict)  # url -> status
    seen: set[str] = field(default_factory=set)  # urls without their order
    by_link: int = 0
    by_id: int = 0
    documents: list[str] = field(default_factory=list)
    found: list[tuple[str, str]] = field(default_factory=list)
    personal_files: Counter = field(default_factory=Counter)  # url name -> requests
    personal_files_served: list[str] = field(default_factory=list)
    other_files_served: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # url -> Cache-Control

    def get(self, url: str) -> list[str]:
        """Request once; search the response; return the links it offers."""
        if _unsorted(url) in self.seen:
            return []
        self.seen.add(_unsorted(url))
        response = self.client.get(url)
        body = body_of(response)
        self.statuses[url] = response.status_code
        self.headers[url] = response.get("Cache-Control", "")
        if response.status_code >= 500:
            self.server_errors.append(url)
        name = _url_name(url)
        is_file = "attachment" in response.get("Content-Disposition", "")
        if name in PERSONAL_FILES:
            self.personal_files[name] += 1
            if response.status_code == 200:
                self.personal_files_served.append(url)
        elif is_file and response.status_code == 200:
            if name in DOCUMENTS:
                self.documents.append(url)
            else:
                self.other_files_served.append(url)
        if self.names is not None and (not is_file or name in DOCUMENTS):
            for found in self.names.found_in(text_of(response, body)):
                self.found.append((url, found))
        if response.status_code in (301, 302, 303, 307, 308):
            return [response["Location"]]
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            page = body.decode("utf-8", errors="replace")
            return [html.unescape(link) for link in LINK.findall(page)]
        return []

    def follow_links(self, start: str = "/", limit: int = 3000) -> None:
        queue = [start]
        while queue:
            url = queue.pop()
            if _unsorted(url) in self.seen:
                continue
            before = len(self.statuses)
            links = self.get(url)
            self.by_link += len(self.statuses) - before
            assert len(self.statuses) < limit, "the crawl does not end"
            for link in links:
                target = _internal(urljoin(url, link))
                if target and _unsorted(target) not in self.seen:
                    queue.append(target)

    def every_id_url(self) -> None:
        for url in id_urls() + named_urls():
            if _unsorted(url) not in self.seen:
                self.get(url)
                self.by_id += 1


def _unsorted(url: str) -> str:
    """The same list in another order is the same data: one order of each list is read."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "sort"]
    return parts.path + (f"?{urlencode(query)}" if query else "")


def _url_name(url: str) -> str:
    try:
        match = resolve(urlsplit(url).path)
    except Exception:
        return ""
    return match.view_name


def _internal(url: str) -> str | None:
    """A same-site URL worth requesting (no static files, no fragments), else None."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(("/static/", "/admin/")):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def id_urls() -> list[str]:
    """Every URL that takes an id, with the id of every object of its kind."""
    urls = []
    for name, kwargs_names in id_patterns():
        if name not in TARGETS:
            continue
        model = KIND_MODELS[TARGETS[name]]
        primary, *others = kwargs_names
        fixed = {}
        for other in others:
            fixed[other] = SECOND_IDS[other].objects.order_by("pk").values_list("pk")[0][0]
        variants = [{}]
        for key, choices in URL_CHOICES.items():
            if f"(?P<{key}>" in _route(name) or f"<str:{key}>" in _route(name):
                values = choices.get(name, choices["*"])
                variants = [{**v, key: value} for v in variants for value in values]
        for pk in model.objects.order_by("pk").values_list("pk", flat=True):
            for variant in variants:
                urls.append(reverse(name, kwargs={primary: pk, **fixed, **variant}))
    return urls


def named_urls() -> list[str]:
    """URLs with a name instead of an id: registry exports and templates, and the records
    behind every figure (with and without a school)."""
    from monitoring.models import IndicatorCode
    from registry.entities import ENTITIES

    urls = [reverse(name) for name in plain_names()]
    for entity in sorted(ENTITIES):
        urls += [
            reverse("registry:template", args=[entity]),
            reverse("registry:export", args=[entity]),
            reverse("registry:export", args=[entity]) + "?depersonalised=1",
        ]
    school = School.objects.order_by("pk").first()
    for code in IndicatorCode.values:
        records = reverse("monitoring:records", args=[code])
        urls += [records, f"{records}?school={school.pk}"]
    return urls


def plain_names() -> list[str]:
    """Every named URL that takes nothing (lists, new-object forms), outside the admin."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, pattern.namespace or namespace)
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name
                and not pattern.default_args
                and "<" not in str(pattern.pattern)
                and "(?P" not in str(pattern.pattern)
            ):
                found.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return [name for name in found if name not in {"logout", "login", "healthz"}]


def _route(name: str) -> str:
    from django.urls import get_resolver

    namespace, _, short = name.rpartition(":")
    resolver = get_resolver()
    if namespace:
        resolver = resolver.namespace_dict[namespace][1]
    for pattern in resolver.url_patterns:
        if getattr(pattern, "name", None) == short:
            return str(pattern.pattern)
    return ""


# --- the region ----------------------------------------------------------------------------------


def test_the_region_reaches_no_name_and_no_file(world, caplog):
    caplog.set_level(logging.ERROR, logger="django.request")  # 403s and 405s are expected
    region = world
    names = names_in_database(region)
    client = Client()
    client.force_login(region)
    crawl = Crawl(client, names)
    started, cpu = time.monotonic(), time.process_time()
    crawl.follow_links("/")
    crawl.every_id_url()
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu

    figures = (
        f"region crawl: {len(crawl.statuses)} URLs requested ({crawl.by_link} by following "
        f"links from the home page, {crawl.by_id} more by id), "
        f"{sum(1 for s in crawl.statuses.values() if s == 200)} answered 200, "
        f"{len(crawl.documents)} documents read back; {names.people} people and name fields, "
        f"{len(names.forms)} name forms searched; names found: {len(crawl.found)}; "
        f"personal files requested: {sum(crawl.personal_files.values())} "
        f"({dict(crawl.personal_files)}), served: {len(crawl.personal_files_served)}; "
        f"{seconds:.1f} s ({cpu:.1f} s of this process's CPU)"
    )
    print("\n" + figures)
    assert crawl.found == [], figures + "\n" + "\n".join(f"{u}: {n}" for u, n in crawl.found)
    assert crawl.personal_files_served == [], figures
    assert crawl.other_files_served == [], figures
    assert crawl.server_errors == [], figures
    # The crawl reached what the region reads, and tried every kind of personal file.
    reached = Counter(_url_name(u) for u, s in crawl.statuses.items() if s == 200)
    for name in (
        "roadmap:list",
        "roadmap:detail",
        "roadmap:measure",
        "roadmap:execution",
        "roadmap:review",
        "roadmap:dashboard",
        "monitoring:dashboard",
        "monitoring:regional",
        "monitoring:period",
        "monitoring:summary",
        "monitoring:report",
        "monitoring:records",
    ):
        assert reached[name], (name, figures)
    assert {name.split(":")[1] for name in DOCUMENTS} <= {
        _url_name(u).split(":")[1] for u in crawl.documents
    }, figures
    assert crawl.personal_files["roadmap:evidence"] == Evidence.objects.count() >= 9, figures
    assert crawl.personal_files["registry:consent_scan"] == Consent.objects.count(), figures
    refused = [crawl.statuses[u] for u in crawl.statuses if _url_name(u) == "roadmap:evidence"]
    assert set(refused) == {403}, figures
    assert names.people > 200 and crawl.by_link > 100, figures


def test_the_department_reads_what_the_region_does_not(
    client, roadmap, registry_data, staff, curator_a, settings, tmp_path
):
    """The same execution, review queue, monitoring report and summary: the department sees
    the texts, the people and the files; the regional coordinator the dates and decisions."""
    from tests.factories import make_user

    settings.MEDIA_ROOT = tmp_path
    curator_a.first_name, curator_a.last_name = "Хеда", "Куратова"
    curator_a.save()
    a = registry_data["a"]
    execution = Execution.objects.get(
        measure__section__roadmap=roadmap, measure__number="1.7", school=a["school"]
    )
    report = roadmap_services.submit_report(
        user=curator_a,
        execution=execution,
        text="Встреча с УченикA Али",
        completed_on=dt.date(2020, 10, 20),
        files=[upload("Грамота УченикA.pdf", PDF_BYTES)],
    )
    evidence = Evidence.objects.get(report=report)
    period = monitoring_services.save_period(
        municipality=roadmap.municipality,
        title="I полугодие 2020/21",
        starts_on=dt.date(2020, 9, 1),
        ends_on=dt.date(2021, 1, 31),
    )
    school_report = monitoring_services.report_of(period, a["school"])
    monitoring_services.save_swot(
        report=school_report, programme=a["programme"], strengths="НаставникA Иван — опора"
    )
    monitoring_services.submit_report(user=curator_a, report=school_report)
    monitoring_services.review_report(user=staff, report=school_report, accept=True)
    pages = {
        "execution": reverse("roadmap:execution", args=[execution.pk]),
        "queue": reverse("roadmap:review"),
        "report": reverse("monitoring:report", args=[school_report.pk]),
        "summary": reverse("monitoring:summary", args=[period.pk]),
    }
    evidence_url = reverse("roadmap:evidence", args=[evidence.pk])
    personal = {
        "execution": ["Встреча с УченикA Али", "Хеда Куратова", "Грамота УченикA.pdf"],
        "queue": ["Хеда Куратова"],
        "report": ["НаставникA Иван — опора", "Хеда Куратова"],
        "summary": ["НаставникA Иван — опора"],
    }

    client.force_login(staff)
    for key, url in pages.items():
        page = html.unescape(client.get(url).content.decode())
        assert all(text in page for text in personal[key]), key
    assert client.get(evidence_url).status_code == 200

    client.force_login(make_user("region", roles.REGION))
    for key, url in pages.items():
        response = client.get(url)
        page = html.unescape(response.content.decode())
        assert response.status_code == 200, key
        assert not [text for text in personal[key] if text in page], key
    execution_page = client.get(pages["execution"]).content.decode()
    assert "на проверке" in execution_page and "файлов: 1" in execution_page
    assert "Тексты SWOT-анализа" in client.get(pages["summary"]).content.decode()
    refused = client.get(evidence_url)
    assert refused.status_code == 403
    assert "персональные данные" in refused.content.decode()


# --- browser caches ------------------------------------------------------------------------------


@pytest.fixture
def municipal_data(roadmap, registry_data, staff, curator_a, settings, tmp_path):
    """School A's people with a pair, a consent scan, a report with a file, a monitoring report."""
    from registry.services import save_pair

    settings.MEDIA_ROOT = tmp_path
    a = registry_data["a"]
    save_pair(
        user=staff,
        programme=a["programme"],
        mentor=a["mentor"],
        mentees=[a["minor"]],
        starts_on=dt.date(2020, 11, 2),
        activate=True,
    )
    record_consent(
        user=staff,
        mentee=a["minor"],
        representative_name="Родитель Р. Р.",
        relation="father",
        document="паспорт",
        given_on=dt.date(2020, 9, 1),
        scan=upload("согласие.pdf", PDF_BYTES),
    )
    execution = Execution.objects.get(
        measure__section__roadmap=roadmap, measure__number="1.7", school=a["school"]
    )
    roadmap_services.submit_report(
        user=curator_a,
        execution=execution,
        text="Сделано",
        completed_on=dt.date(2020, 10, 20),
        files=[upload("приказ.pdf", PDF_BYTES)],
    )
    period = monitoring_services.save_period(
        municipality=roadmap.municipality,
        title="I полугодие 2020/21",
        starts_on=dt.date(2020, 9, 1),
        ends_on=dt.date(2021, 1, 31),
    )
    monitoring_services.submit_report(
        user=curator_a, report=monitoring_services.report_of(period, a["school"])
    )
    return registry_data


# What must be among the responses checked, answered 200 (with a file where it is one).
CACHED_NOWHERE = {
    "registry:mentees",
    "registry:mentee",
    "registry:mentee_edit",
    "registry:mentors",
    "registry:mentor",
    "registry:programme",
    "registry:pairs",
    "registry:pair",
    "registry:schools",
    "registry:export",
    "registry:template",
    "registry:consent_scan",
    "roadmap:evidence",
    "roadmap:execution",
    "roadmap:review",
    "roadmap:report",
    "roadmap:document",
    "monitoring:records",
    "monitoring:report",
    "monitoring:summary_file",
}


def _never_stored(cache_control: str) -> bool:
    """`private, no-store`, or Django's `never_cache` set, which holds both."""
    directives = {part.strip() for part in cache_control.split(",")}
    return {"private", "no-store"} <= directives


def test_personal_responses_are_never_stored(
    client, municipal_data, staff, head, curator_a, caplog
):
    """Each role's crawl from the home page, with every export, template, list and figure's
    records besides (staff: every id URL too): every response is `private, no-store`, whatever
    it is — page, file, redirect or refusal."""
    caplog.set_level(logging.ERROR, logger="django.request")
    checked: dict[str, str] = {}
    reached: set[str] = set()
    for user in (staff, head, curator_a):
        client.force_login(user)
        crawl = Crawl(client)
        crawl.follow_links("/")
        for url in named_urls():  # exports, templates, every figure's records, every list
            crawl.get(url)
        if user == staff:
            crawl.every_id_url()
        assert crawl.server_errors == [], (user.username, crawl.server_errors)
        for url, cache_control in crawl.headers.items():
            checked[f"{user.username} {url}"] = cache_control
            if crawl.statuses[url] == 200:
                reached.add(_url_name(url))
    stored = {url: value for url, value in checked.items() if not _never_stored(value)}
    figures = f"{len(checked)} responses checked, {len(stored)} without private, no-store"
    print("\ncache headers: " + figures)
    assert stored == {}, figures
    assert reached >= CACHED_NOWHERE, sorted(CACHED_NOWHERE - reached)

    # Static files keep WhiteNoise's caching, signed in or not; the login page is never cached.
    client.force_login(staff)
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
    client.logout()
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]


def test_a_view_may_set_its_own_cache_control(rf, staff):
    """The middleware fills in only what a view left unsaid."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from core.middleware import PrivateNoStoreMiddleware

    def view_with(header):
        def view(request):
            response = HttpResponse("ok")
            if header:
                response["Cache-Control"] = header
            return response

        return PrivateNoStoreMiddleware(view)

    request = rf.get("/")
    request.user = staff
    assert view_with(None)(request)["Cache-Control"] == "private, no-store"
    assert view_with("max-age=60")(request)["Cache-Control"] == "max-age=60"
    request.user = AnonymousUser()
    assert not view_with(None)(request).has_header("Cache-Control")
