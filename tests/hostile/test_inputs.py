"""Hostile input across the app, sent the way a real client would (django test Client,
logged in with the fixtures of tests/conftest.py), each case a row of a table so that the
test ids read as a list of hostile inputs.

test_hostile_input — a 4xx (never a 500), the Russian message shown (naming the file, field,
sheet, row or column) and nothing half-saved (every row of the guarded tables is compared
before and after):

  files        xlsx-random-bytes, xlsx-truncated-zip, xlsx-zip-bomb (200 KB → 210 MB),
               xlsx-too-many-zip-entries, xlsx-over-10000-rows, xlsx-empty-file,
               answers-xlsx-random-bytes, answers-xlsx-zip-bomb, answers-xlsx-over-500-rows,
               roadmap-docx-that-is-a-pdf, roadmap-docx-zip-bomb, roadmap-empty-file,
               evidence-exe-renamed-pdf, evidence-over-20-mb, consent-scan-docx
  formulas     xlsx-real-formula-hyperlink, xlsx-formula-text-in-optional-column,
               answers-xlsx-formula-in-respondents
  dates        birth-date-31-02-2021, birth-date-00-00-0000, birth-date-in-future,
               birth-date-year-9999, programme-start-2021-13-45, programme-ends-before-start,
               consent-given-year-9999, consent-valid-until-before-given,
               pair-start-31-02-2021, period-ends-before-start, period-end-00-00-0000,
               period-year-9999, roadmap-period-year-9999, report-completed-in-future,
               dashboard-on-31-02-2021, roadmap-report-pdf-as-of-2021-13-45
  links        school-website-javascript-url, school-website-data-url
  CSRF         csrf-less-mentee-create, csrf-less-monitoring-submit, csrf-less-execution-report
  foreign ids  pair-with-programme-of-school-b, pair-with-mentor-of-school-b,
  in the body  pair-with-mentee-of-school-b, staff-mentee-in-school-of-other-municipality,
               mentor-with-partner-of-other-municipality, answers-with-inactive-form-id
  sizes        mentee-name-10000-chars, programme-title-10000-chars, period-title-10000-chars,
               measure-title-10000-chars, review-comment-10000-chars,
               monitoring-review-comment-10000-chars, target-note-10000-chars,
               school-stats-10-to-12, experience-years-10-to-12, respondents-10-to-12,
               target-value-nan, target-value-infinity, target-value-1e309, average-score-nan,
               average-score-infinity, average-score-1e309, monitoring-submit-version-abc,
               measure-edit-version-abc
  query junk   records-school-abc, dashboard-sort-password (400); page-abc, page-999999999,
               order-by-password, search-nul, search-sql-injection, records-page-abc: the list
               is shown (200, the junk ignored: first or last page, default order), nothing
               changes

test_markup_is_rendered_escaped — `<script>alert(1)</script>` and
`"><img src=x onerror=alert(1)>` typed into mentee and mentor names, programme titles, a
consent's representative, a partner's name, measure titles (the roadmap editor), report texts,
review comments, SWOT texts, questionnaire questions, period titles, target notes, school names
and a counted mentee's name are accepted as text and shown escaped on every page that shows
them — the monitoring's SVG charts included — never as live markup.

test_hostile_evidence_name_… / test_hostile_consent_scan_name_… — `../../etc/passwd.pdf`,
`C:\\Windows\\System32\\evil.pdf`, percent- and entity-encoded slashes, NUL, control
characters, quotes, 300 characters, `.htaccess`, `report.pdf.exe` (sent in a hand-written
multipart body, as a hostile client would): stored under a server-made name, shown cleaned, and
downloaded with a safe Content-Disposition.

test_formula_… — text a spreadsheet would run (`+cmd|' /C calc'!A0`, `@SUM(…)`, `-2+3`,
`=HYPERLINK(…)` typed into a form or the roadmap editor) is stored as text and exported back
as a text cell (data_type != 'f').

Double submits — the same pair posted twice in a row; and at once, on two threads with their
own database connections: the same monitoring report, the same execution report (with a file),
the same pair. One wins, the other gets a clear refusal, nothing is duplicated.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import re
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from monitoring import services as monitoring_services
from monitoring.models import Questionnaire, SchoolReport, Stage
from registry.models import MentoringForm, PartnerOrganization
from roadmap import services as roadmap_services
from roadmap.models import Execution
from tests.factories import MunicipalityFactory, SchoolFactory
from tests.roadmap.files_helpers import EXE_BYTES, PDF_BYTES, docx_bytes

MB = 1024 * 1024
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
LONG = "Щ" * 10_000
HUGE = str(10**12)
D = dt.date(2021, 1, 31)  # the monitoring fixture's day


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- the world a case runs in -------------------------------------------------------------------


class World:
    """Fixtures on demand (only what a case needs is built) and logged-in clients."""

    def __init__(self, request):
        self._request = request
        self.state: dict = {}
        self._clients: dict = {}

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self._request.getfixturevalue(name)

    def client(self, who: str, *, csrf: bool = False) -> Client:
        key = (who, csrf)
        if key not in self._clients:
            client = Client(enforce_csrf_checks=csrf)
            client.force_login(getattr(self, who))
            self._clients[key] = client
        return self._clients[key]

    # shortcuts to the fixtures' objects
    def reg(self, school: str, what: str):
        return self.registry_data[school][what]

    def execution_a(self) -> Execution:
        return (
            Execution.objects.filter(
                measure__section__roadmap=self.roadmap,
                school=self.school_a,
                status__in=roadmap_services.REPORTABLE,
            )
            .order_by("measure__section__position", "measure__position")
            .first()
        )

    def report_a(self) -> SchoolReport:
        return monitoring_services.report_of(self.period, self.school_a)

    @property
    def report(self) -> SchoolReport:
        """School A's monitoring report (a draft), made before the fingerprint is taken."""
        return self.report_a()

    def questionnaire(self, stage=Stage.QUALITY) -> Questionnaire:
        return (
            Questionnaire.objects.filter(
                municipality=self.period.municipality, stage=stage, is_active=True
            )
            .prefetch_related("questions")
            .first()
        )


@pytest.fixture
def world(request, db):
    return World(request)


def fingerprint(labels) -> dict:
    """Every row of the guarded tables, as stored."""
    prints = {}
    for label in labels:
        model = apps.get_model(label)
        prints[label] = list(model.objects.order_by("pk").values_list())
    return prints


def page_text(response) -> str:
    content = getattr(response, "content", b"")
    return html.unescape(content.decode("utf-8", "replace"))


def visible(response) -> str:
    """The page's main text without tags, for failure messages."""
    text = page_text(response)
    text = text[text.find("<main") :] if "<main" in text else text
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())[:3000]


# --- files made in memory ----------------------------------------------------------------------


def xlsx_of(rows, *, formulas: dict | None = None, title: str | None = None) -> bytes:
    """A workbook of rows; ``formulas`` maps (row, col) -> a real formula (data_type 'f')."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.title = title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # typed as text, not a formula
    for (r, c), formula in (formulas or {}).items():
        sheet.cell(row=r, column=c).value = formula  # openpyxl: a string with «=» is a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


MENTEE_HEADERS = ["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Кто", "Класс"]


def mentee_row(school, last="Иванова", first="Мария", patronymic="", born="14.03.2010"):
    return [last, first, patronymic, born, school.short_name, "обучающийся", "7Б"]


@functools.cache
def zip_bomb(inner: str) -> bytes:
    """~200 KB that unpack to 210 MB of zeros, dressed as an XLSX or a DOCX."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(inner, "<x/>")
        with archive.open("bomb.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * MB
            for _ in range(210):
                member.write(chunk)
    return buffer.getvalue()


@functools.cache
def many_entries() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        for i in range(2100):
            archive.writestr(f"xl/n{i}.xml", "")
    return buffer.getvalue()


@functools.cache
def random_bytes(n: int = 4096) -> bytes:
    import random

    return random.Random(145).randbytes(n)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- how a case sends its input -----------------------------------------------------------------


def registry_import(w: World, content: bytes, name="mentees.xlsx", who="curator_a"):
    url = reverse("registry:import", args=["mentees"])
    return w.client(who).post(url, {"file": upload(name, content)})


def answers_import(w: World, content: bytes, name="answers.xlsx"):
    report = w.report_a()
    url = reverse("monitoring:answers_import", args=[report.pk])
    return w.client("curator_a").post(url, {"file": upload(name, content)})


def roadmap_import(w: World, content: bytes, name: str):
    return w.client("staff").post(reverse("roadmap:import"), {"file": upload(name, content)})


def evidence(w: World, *files, text="Приказ издан", completed_on="20.10.2020"):
    execution = w.execution_a()
    w.state["execution"] = execution
    return w.client("curator_a").post(
        reverse("roadmap:execution_report", args=[execution.pk]),
        {"text": text, "completed_on": completed_on, "files": list(files)},
    )


def mentee_post(w: World, who="curator_a", **changes):
    data = {
        "last_name": "Новикова",
        "first_name": "Амина",
        "patronymic": "",
        "birth_date": "05.05.2012",
        "phone": "",
        "email": "",
        "kind": "pupil",
        "class_name": "7А",
        "position": "",
        "experience_years": "",
    }
    data.update(changes)
    return w.client(who).post(reverse("registry:mentee_create"), data)


def programme_post(w: World, **changes):
    data = {
        "title": "Программа «Старт»",
        "form": w.forms["учитель – ученик"].pk,
        "starts_on": "01.11.2020",
        "ends_on": "31.05.2021",
    }
    data.update(changes)
    return w.client("curator_a").post(reverse("registry:programme_create"), data)


def consent_post(w: World, files=(), **changes):
    mentee = w.reg("a", "minor")
    data = {
        "representative_name": "Родитель Р. Р.",
        "relation": "father",
        "document": "паспорт 96 00 111111",
        "given_on": "01.09.2021",
        "valid_until": "",
        "purposes": "Участие в программе",
        "data_scope": "ФИО",
    }
    data.update(changes)
    if files:
        data["scan"] = files[0]
    return w.client("curator_a").post(reverse("registry:consent_create", args=[mentee.pk]), data)


def pair_post(w: World, who="curator_a", **changes):
    a = w.registry_data["a"]
    data = {
        "programme": a["programme"].pk,
        "mentor": a["mentor"].pk,
        "mentees": [a["minor"].pk],
        "starts_on": "02.11.2020",
        "ends_on": "",
        "goals": "",
    }
    data.update(changes)
    return w.client(who).post(reverse("registry:pair_create"), data)


def period_post(w: World, **changes):
    w.known  # noqa: B018 - the municipality with its schools
    data = {
        "title": "II полугодие 2020/21",
        "starts_on": "01.02.2021",
        "ends_on": "30.06.2021",
        "report_due_on": "10.07.2021",
    }
    data.update(changes)
    return w.client("staff").post(reverse("monitoring:period_create"), data)


def roadmap_post(w: World, **changes):
    w.municipality  # noqa: B018
    data = {
        "title": "Дорожная карта 2021/22",
        "school_year_start": "2021",
        "period_start": "01.09.2021",
        "period_end": "31.08.2022",
    }
    data.update(changes)
    return w.client("staff").post(reverse("roadmap:create"), data)


def target_post(w: World, **changes):
    w.municipality  # noqa: B018
    data = {"indicator": "mentors", "year": "2021", "value": "10", "note": ""}
    data.update(changes)
    return w.client("staff").post(reverse("monitoring:targets"), data)


def answer_post(w: World, **changes):
    report = w.report_a()
    questionnaire = w.questionnaire()
    data = {"form": w.forms["учитель – ученик"].pk, "respondents": "12"}
    data.update({f"q{q.pk}": "7,5" for q in questionnaire.questions.all()})
    first = questionnaire.questions.all()[0]
    for key, value in changes.items():
        data[f"q{first.pk}" if key == "first_question" else key] = value
    url = reverse("monitoring:answer_set", args=[report.pk, questionnaire.pk])
    return w.client("curator_a").post(url, data)


def school_post(w: World, **changes):
    school = w.school_a
    data = {
        "full_name": "Муниципальное бюджетное общеобразовательное учреждение № 1",
        "short_name": school.short_name,
        "kind": "school",
        "address": "",
        "director_name": "",
        "phone": "",
        "email": "",
        "website": "",
        "is_active": "on",
    }
    data.update(changes)
    return w.client("staff").post(reverse("registry:school_edit", args=[school.pk]), data)


def open_amendment(w: World):
    roadmap_services.open_amendment(
        user=w.staff, roadmap=w.roadmap, date=dt.date(2020, 11, 2), reason="Правка"
    )


def measure_post(w: World, **changes):
    section = w.roadmap.sections.order_by("position").first()
    from roadmap.models import ResponsibleParty

    data = {"number": "1.99", "title": "Новое мероприятие", "deadline_text": "", "result": ""}
    data["parties"] = [ResponsibleParty.objects.get(name="Образовательные организации").pk]
    data.update(changes)
    return w.client("staff").post(
        reverse("roadmap:measure_create", args=[section.pk]), data, HTTP_HX_REQUEST="true"
    )


def submit_execution_report(w: World):
    """A curator's report on review: the department can return or accept it."""
    execution = w.execution_a()
    report = roadmap_services.submit_report(
        user=w.curator_a, execution=execution, text="Сделано", completed_on=dt.date(2020, 10, 20)
    )
    w.state["report"] = report


def answers_workbook(w: World) -> tuple:
    """The report's own template, opened for editing, and its first questionnaire sheet."""
    report = w.report_a()
    response = w.client("curator_a").get(reverse("monitoring:answers_template", args=[report.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    info = w.questionnaire()
    sheet = next(s for s in book.worksheets if s.title.startswith(info.title[:10]))
    return book, sheet, info


def saved_bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def answers_over_limit(w: World):
    book, sheet, _info = answers_workbook(w)
    for row in range(2, 2 + 501):
        sheet.cell(row=row, column=1).value = "учитель – ученик"
        sheet.cell(row=row, column=2).value = 5
    return answers_import(w, saved_bytes(book))


def answers_formula(w: World):
    book, sheet, info = answers_workbook(w)
    sheet.cell(row=2, column=1).value = "учитель – ученик"
    sheet.cell(row=2, column=2).value = '=HYPERLINK("http://evil.example","12")'
    for column in range(3, 3 + len(info.questions.all())):
        sheet.cell(row=2, column=column).value = "7,5"
    return answers_import(w, saved_bytes(book))


def registry_over_limit(w: World):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Наставляемые")
    sheet.append(MENTEE_HEADERS)
    for i in range(10_001):
        sheet.append([f"Фамилия{i}"])
    return registry_import(w, saved_bytes(book))


def staff_in_other_municipality(w: World):
    other = SchoolFactory(municipality=MunicipalityFactory(name="Чужой округ"))
    w.state["other_school"] = other
    return mentee_post(w, who="staff", school=other.pk)


def mentor_with_foreign_partner(w: World):
    foreign = PartnerOrganization.objects.create(
        municipality=MunicipalityFactory(name="Чужой округ"), name="Чужой партнёр"
    )
    mentor = w.reg("a", "mentor")
    data = {
        "last_name": mentor.last_name,
        "first_name": mentor.first_name,
        "patronymic": "",
        "birth_date": "01.01.1985",
        "phone": "",
        "email": "",
        "kind": "teacher",
        "position": "",
        "partner": foreign.pk,
    }
    return w.client("curator_a").post(reverse("registry:mentor_edit", args=[mentor.pk]), data)


def answers_inactive_form(w: World):
    retired = MentoringForm.objects.create(
        name="Упразднённая форма", mentor_kinds=["teacher"], mentee_kinds=["pupil"], is_active=False
    )
    return answer_post(w, form=retired.pk)


# --- checks after the response -----------------------------------------------------------------


def field_error(field_name: str, *words: str):
    """The form in the response carries an error on the field, with these words."""

    def check(w: World, response):
        form = response.context["form"]
        assert field_name in form.errors, form.errors
        text = " ".join(form.errors[field_name])
        for word in words:
            assert word in text, text

    return check


def says_pattern(pattern: str, response) -> None:
    assert re.search(pattern, page_text(response)), pattern


# --- the table of refused inputs ----------------------------------------------------------------

IMPORT_GUARD = ("registry.Mentee", "core.ImportBatch")
EVIDENCE_GUARD = ("roadmap.Report", "roadmap.Evidence", "roadmap.Execution")
ANSWER_GUARD = ("monitoring.AnswerSet", "monitoring.Answer", "monitoring.SchoolReport")
ROADMAP_GUARD = ("roadmap.Roadmap", "roadmap.Section", "roadmap.Measure", "core.ImportBatch")


@dataclass(frozen=True)
class Hostile:
    id: str
    send: Callable[[World], object]
    status: int | tuple[int, ...]
    says: tuple[str, ...] = ()  # the Russian message shown, naming the place
    guard: tuple[str, ...] = ()  # tables whose rows must not change
    needs: tuple[str, ...] = ()  # fixtures to build before the fingerprint
    arrange: Callable[[World], None] | None = None
    check: Callable | None = None
    marks: tuple = field(default_factory=tuple)


CASES = [
    # --- broken and huge files
    Hostile(
        "xlsx-random-bytes",
        lambda w: registry_import(w, random_bytes()),
        422,
        ("Файл «mentees.xlsx» не принят: по содержимому это не XLSX",),
        IMPORT_GUARD,
        ("registry_data",),
    ),
    Hostile(
        "xlsx-truncated-zip",
        lambda w: registry_import(w, xlsx_of([MENTEE_HEADERS])[:1500]),
        422,
        ("Файл «mentees.xlsx» повреждён",),
        IMPORT_GUARD,
        ("registry_data",),
    ),
    Hostile(
        "xlsx-zip-bomb",
        lambda w: registry_import(w, zip_bomb("xl/workbook.xml")),
        422,
        ("Файл «mentees.xlsx»: архив распаковывается в слишком большой объём",),
        IMPORT_GUARD,
        ("registry_data",),
    ),
    Hostile(
        "xlsx-too-many-zip-entries",
        lambda w: registry_import(w, many_entries()),
        422,
        ("Файл «mentees.xlsx»: архив распаковывается в слишком большой объём",),
        IMPORT_GUARD,
        ("registry_data",),
    ),
    Hostile(
        "xlsx-over-10000-rows",
        registry_over_limit,
        422,
        ("В файле 10 001 строка с данными, а за один раз можно загрузить не более 10 000",),
        IMPORT_GUARD,
        ("registry_data",),
    ),
    Hostile(
        "xlsx-empty-file",
        lambda w: registry_import(w, b""),
        422,
        ("Отправленный файл пуст",),
        IMPORT_GUARD,
        ("registry_data",),
    ),
    Hostile(
        "answers-xlsx-random-bytes",
        lambda w: answers_import(w, random_bytes()),
        409,
        ("Файл «answers.xlsx» не принят: по содержимому это не XLSX",),
        ANSWER_GUARD,
        ("report",),
    ),
    Hostile(
        "answers-xlsx-zip-bomb",
        lambda w: answers_import(w, zip_bomb("xl/workbook.xml")),
        409,
        ("Файл «answers.xlsx»: архив распаковывается в слишком большой объём",),
        ANSWER_GUARD,
        ("report",),
    ),
    Hostile(
        "answers-xlsx-over-500-rows",
        answers_over_limit,
        409,
        ("больше 500 заполненных строк",),
        ANSWER_GUARD,
        ("report",),
        check=lambda w, r: says_pattern(r"Лист «[^»]+»: больше 500", r),
    ),
    Hostile(
        "roadmap-docx-that-is-a-pdf",
        lambda w: roadmap_import(w, PDF_BYTES, "Приложение.docx"),
        422,
        ("Файл «Приложение.docx» не принят: по содержимому это не DOCX, XLSX",),
        ROADMAP_GUARD,
        ("roadmap",),
    ),
    Hostile(
        "roadmap-docx-zip-bomb",
        lambda w: roadmap_import(w, zip_bomb("word/document.xml"), "Приложение.docx"),
        422,
        ("Файл «Приложение.docx»: архив распаковывается в слишком большой объём",),
        ROADMAP_GUARD,
        ("roadmap",),
    ),
    Hostile(
        "roadmap-empty-file",
        lambda w: roadmap_import(w, b"", "Приложение.docx"),
        422,
        ("Отправленный файл пуст",),
        ROADMAP_GUARD,
        ("roadmap",),
    ),
    Hostile(
        "evidence-exe-renamed-pdf",
        lambda w: evidence(w, upload("Приказ.pdf", EXE_BYTES)),
        422,
        ("Файл «Приказ.pdf» не принят: по содержимому это не PDF",),
        EVIDENCE_GUARD,
        ("roadmap", "curator_a"),
    ),
    Hostile(
        "evidence-over-20-mb",
        lambda w: evidence(w, upload("Скан.pdf", PDF_BYTES + b"\0" * (20 * MB))),
        422,
        ("Файл «Скан.pdf» слишком большой", "допускается не более 20,0"),
        EVIDENCE_GUARD,
        ("roadmap", "curator_a"),
    ),
    Hostile(
        "consent-scan-docx",
        lambda w: consent_post(w, files=[upload("Согласие.pdf", docx_bytes())]),
        422,
        ("Файл «Согласие.pdf» не принят: по содержимому это не PDF, JPEG, PNG",),
        ("registry.Consent",),
        ("registry_data",),
        check=field_error("scan", "не принят"),
    ),
    # --- formulas
    Hostile(
        "xlsx-real-formula-hyperlink",
        lambda w: registry_import(
            w,
            xlsx_of(
                [MENTEE_HEADERS, mentee_row(w.school_a)],
                formulas={(2, 1): '=HYPERLINK("http://evil.example/","Иванова")'},
            ),
        ),
        422,
        ("Строка 2, столбец «Фамилия»", "формулы не принимаются"),
        IMPORT_GUARD,
        ("registry_data",),
    ),
    Hostile(
        "xlsx-formula-text-in-optional-column",
        lambda w: registry_import(
            w,
            xlsx_of([MENTEE_HEADERS, mentee_row(w.school_a)], formulas={(2, 3): "=1+1"}),
        ),
        422,
        ("Строка 2, столбец «Отчество»", "формулы не принимаются"),
        IMPORT_GUARD,
        ("registry_data",),
    ),
    Hostile(
        "answers-xlsx-formula-in-respondents",
        answers_formula,
        409,
        ("строка 2, столбец «Число ответивших»: формулы не принимаются",),
        ANSWER_GUARD,
        ("report",),
    ),
    # --- dates
    Hostile(
        "birth-date-31-02-2021",
        lambda w: mentee_post(w, birth_date="31.02.2021"),
        422,
        ("Введите правильную дату",),
        ("registry.Mentee",),
        ("registry_data",),
        check=field_error("birth_date", "правильную дату"),
    ),
    Hostile(
        "birth-date-00-00-0000",
        lambda w: mentee_post(w, birth_date="00.00.0000"),
        422,
        ("Введите правильную дату",),
        ("registry.Mentee",),
        ("registry_data",),
        check=field_error("birth_date"),
    ),
    Hostile(
        "birth-date-in-future",
        lambda w: mentee_post(w, birth_date="01.01.2099"),
        422,
        ("Дата рождения не может быть в будущем",),
        ("registry.Mentee",),
        ("registry_data",),
        check=field_error("birth_date", "в будущем"),
    ),
    Hostile(
        "birth-date-year-9999",
        lambda w: mentee_post(w, birth_date="31.12.9999"),
        422,
        ("Год должен быть от 1900 до 2100",),
        ("registry.Mentee",),
        ("registry_data",),
        check=field_error("birth_date"),
    ),
    Hostile(
        "programme-start-2021-13-45",
        lambda w: programme_post(w, starts_on="2021-13-45"),
        422,
        ("Введите правильную дату",),
        ("registry.Programme",),
        ("registry_data",),
        check=field_error("starts_on"),
    ),
    Hostile(
        "programme-ends-before-start",
        lambda w: programme_post(w, starts_on="01.06.2021", ends_on="01.09.2020"),
        422,
        ("Окончание программы раньше её начала",),
        ("registry.Programme",),
        ("registry_data",),
        check=field_error("ends_on", "раньше"),
    ),
    Hostile(
        "consent-given-year-9999",
        lambda w: consent_post(w, given_on="01.01.9999"),
        422,
        ("Год должен быть от 1990 до 2100",),
        ("registry.Consent",),
        ("registry_data",),
        check=field_error("given_on"),
    ),
    Hostile(
        "consent-valid-until-before-given",
        lambda w: consent_post(w, given_on="01.09.2021", valid_until="31.08.2021"),
        422,
        ("Срок действия согласия раньше даты согласия",),
        ("registry.Consent",),
        ("registry_data",),
        check=field_error("valid_until"),
    ),
    Hostile(
        "pair-start-31-02-2021",
        lambda w: pair_post(w, starts_on="31.02.2021"),
        422,
        ("Введите правильную дату",),
        ("registry.Pair", "registry.PairMentee"),
        ("registry_data",),
        check=field_error("starts_on"),
    ),
    Hostile(
        "period-ends-before-start",
        lambda w: period_post(w, starts_on="01.02.2021", ends_on="31.01.2021"),
        422,
        ("Окончание периода раньше его начала",),
        ("monitoring.Period",),
        ("known",),
        check=field_error("ends_on", "раньше"),
    ),
    Hostile(
        "period-end-00-00-0000",
        lambda w: period_post(w, ends_on="00.00.0000"),
        422,
        ("Введите правильную дату",),
        ("monitoring.Period",),
        ("known",),
        check=field_error("ends_on"),
    ),
    Hostile(
        "period-year-9999",
        lambda w: period_post(w, ends_on="31.12.9999", report_due_on="31.12.9999"),
        422,
        ("Год должен быть от",),
        ("monitoring.Period",),
        ("known",),
        check=field_error("ends_on", "Год"),
    ),
    Hostile(
        "roadmap-period-year-9999",
        lambda w: roadmap_post(w, period_end="31.12.9999"),
        422,
        ("Год должен быть от",),
        ("roadmap.Roadmap",),
        ("municipality", "staff"),
        check=field_error("period_end", "Год"),
    ),
    Hostile(
        "report-completed-in-future",
        lambda w: evidence(w, completed_on="01.01.2099"),
        422,
        ("Дата выполнения не может быть позже сегодняшней",),
        EVIDENCE_GUARD,
        ("roadmap", "curator_a"),
        check=field_error("completed_on"),
    ),
    Hostile(
        "dashboard-on-31-02-2021",
        lambda w: w.client("staff").get(reverse("monitoring:dashboard"), {"on": "31.02.2021"}),
        400,
        ("На дату", "Введите правильную дату"),
        (),
        ("known",),
    ),
    Hostile(
        "roadmap-report-pdf-as-of-2021-13-45",
        lambda w: w.client("staff").get(
            reverse("roadmap:report", args=[w.roadmap.pk]), {"as_of": "2021-13-45"}
        ),
        400,
        ("«На дату»: Введите правильную дату",),
        (),
        ("roadmap",),
    ),
    # --- links
    Hostile(
        "school-website-javascript-url",
        lambda w: school_post(w, website="javascript:alert(1)"),
        422,
        ("Введите правильный URL",),
        ("core.School",),
        ("school_a", "staff"),
        check=field_error("website"),
    ),
    Hostile(
        "school-website-data-url",
        lambda w: school_post(w, website="data:text/html,<script>alert(1)</script>"),
        422,
        ("Введите правильный URL",),
        ("core.School",),
        ("school_a", "staff"),
        check=field_error("website"),
    ),
    # --- CSRF-less posts
    Hostile(
        "csrf-less-mentee-create",
        lambda w: w.client("curator_a", csrf=True).post(
            reverse("registry:mentee_create"),
            {"last_name": "Без", "first_name": "Токена", "birth_date": "01.01.2010"},
        ),
        403,
        ("CSRF",),
        ("registry.Mentee",),
        ("registry_data",),
    ),
    Hostile(
        "csrf-less-monitoring-submit",
        lambda w: w.client("curator_a", csrf=True).post(
            reverse("monitoring:report_submit", args=[w.state["report"].pk])
        ),
        403,
        ("CSRF",),
        ("monitoring.SchoolReport", "monitoring.ReportEvent"),
        ("period",),
        arrange=lambda w: w.state.update(report=w.report_a()),
    ),
    Hostile(
        "csrf-less-execution-report",
        lambda w: w.client("curator_a", csrf=True).post(
            reverse("roadmap:execution_report", args=[w.execution_a().pk]),
            {"text": "Сделано", "completed_on": "20.10.2020"},
        ),
        403,
        ("CSRF",),
        EVIDENCE_GUARD,
        ("roadmap", "curator_a"),
    ),
    # --- another school's ids inside the POST body
    Hostile(
        "pair-with-programme-of-school-b",
        lambda w: pair_post(w, programme=w.reg("b", "programme").pk),
        404,  # the programme is chosen first: another school's is not found, as by its page
        ("Такой страницы нет",),
        ("registry.Pair", "registry.PairMentee"),
        ("registry_data",),
    ),
    Hostile(
        "pair-with-mentor-of-school-b",
        lambda w: pair_post(w, mentor=w.reg("b", "mentor").pk),
        422,
        ("Выберите корректный вариант",),
        ("registry.Pair", "registry.PairMentee"),
        ("registry_data",),
        check=field_error("mentor"),
    ),
    Hostile(
        "pair-with-mentee-of-school-b",
        lambda w: pair_post(w, mentees=[w.reg("a", "minor").pk, w.reg("b", "minor").pk]),
        422,
        ("Выберите корректный вариант",),
        ("registry.Pair", "registry.PairMentee"),
        ("registry_data",),
        check=field_error("mentees"),
    ),
    Hostile(
        "staff-mentee-in-school-of-other-municipality",
        staff_in_other_municipality,
        422,
        ("Выберите корректный вариант",),
        ("registry.Mentee",),
        ("registry_data",),
        check=field_error("school"),
    ),
    Hostile(
        "mentor-with-partner-of-other-municipality",
        mentor_with_foreign_partner,
        422,
        ("Выберите корректный вариант",),
        ("registry.Mentor",),
        ("registry_data",),
        check=field_error("partner"),
    ),
    Hostile(
        "answers-with-inactive-form-id",
        answers_inactive_form,
        422,
        ("Выберите корректный вариант",),
        ANSWER_GUARD,
        ("report",),
        check=field_error("form"),
    ),
    # --- sizes and numbers
    Hostile(
        "mentee-name-10000-chars",
        lambda w: mentee_post(w, last_name=LONG),
        422,
        ("не более 100 символов (сейчас 10000)",),
        ("registry.Mentee",),
        ("registry_data",),
        check=field_error("last_name", "100"),
    ),
    Hostile(
        "programme-title-10000-chars",
        lambda w: programme_post(w, title=LONG),
        422,
        ("не более 500 символов (сейчас 10000)",),
        ("registry.Programme",),
        ("registry_data",),
        check=field_error("title"),
    ),
    Hostile(
        "period-title-10000-chars",
        lambda w: period_post(w, title=LONG),
        422,
        ("не более 120 символов (сейчас 10000)",),
        ("monitoring.Period",),
        ("known",),
        check=field_error("title"),
    ),
    Hostile(
        "measure-title-10000-chars",
        lambda w: measure_post(w, title=LONG),
        422,
        ("не более 2000 символов (сейчас 10000)",),
        ("roadmap.Measure",),
        ("roadmap", "staff"),
        arrange=open_amendment,
        check=field_error("title", "символов"),
    ),
    Hostile(
        "review-comment-10000-chars",
        lambda w: w.client("staff").post(
            reverse("roadmap:report_review", args=[w.state["report"].pk]),
            {"decision": "return", "comment": LONG},
        ),
        422,
        ("не более 5000 символов (сейчас 10000)",),
        EVIDENCE_GUARD,
        ("roadmap", "curator_a", "staff"),
        arrange=submit_execution_report,
    ),
    Hostile(
        "monitoring-review-comment-10000-chars",
        lambda w: w.client("staff").post(
            reverse("monitoring:report_review", args=[w.state["report"].pk]),
            {"decision": "return", "comment": LONG},
        ),
        422,
        ("Комментарий: Убедитесь, что это значение содержит не более 4000 символов",),
        ("monitoring.SchoolReport", "monitoring.ReportEvent"),
        ("period", "staff"),
        arrange=lambda w: w.state.update(
            report=monitoring_services.submit_report(user=w.curator_a, report=w.report_a())
        ),
    ),
    Hostile(
        "target-note-10000-chars",
        lambda w: target_post(w, note=LONG),
        422,
        ("не более 255 символов (сейчас 10000)",),
        ("monitoring.Target",),
        ("staff",),
        check=field_error("note"),
    ),
    Hostile(
        "school-stats-10-to-12",
        lambda w: w.client("staff").post(
            reverse("registry:school_stats", args=[w.school_a.pk]),
            {
                "stats-school_year_start": "2020",
                "stats-pupils_total": HUGE,
                "stats-pupils_10_plus": HUGE,
                "stats-teachers_total": HUGE,
                "stats-young_teachers": "0",
            },
        ),
        422,
        ("меньше либо равно 2147483647",),
        ("registry.SchoolYearStats",),
        ("school_a", "staff"),
    ),
    Hostile(
        "experience-years-10-to-12",
        lambda w: mentee_post(w, kind="teacher", birth_date="01.01.1990", experience_years=HUGE),
        422,
        ("меньше либо равно",),
        ("registry.Mentee",),
        ("registry_data",),
        check=field_error("experience_years"),
    ),
    Hostile(
        "respondents-10-to-12",
        lambda w: answer_post(w, respondents=HUGE),
        422,
        ("меньше либо равно 100000",),
        ANSWER_GUARD,
        ("report",),
        check=field_error("respondents"),
    ),
    *[
        Hostile(
            f"target-value-{slug}",
            functools.partial(lambda w, v: target_post(w, value=v), v=value),
            422,
            (said,),
            ("monitoring.Target",),
            ("staff",),
            check=field_error("value"),
        )
        for slug, value, said in (
            ("nan", "NaN", "Введите число"),
            ("infinity", "Infinity", "Введите число"),
            ("1e309", "1e309", "не более 9 цифр"),
        )
    ],
    *[
        Hostile(
            f"average-score-{slug}",
            functools.partial(lambda w, v: answer_post(w, first_question=v), v=value),
            422,
            (said,),
            ANSWER_GUARD,
            ("report",),
        )
        for slug, value, said in (
            ("nan", "NaN", "Вопрос 1: средний балл должен быть от 1 до"),
            ("infinity", "-Infinity", "Вопрос 1: средний балл должен быть от 1 до"),
            ("1e309", "1e309", "Вопрос 1: средний балл должен быть от 1 до"),
        )
    ],
    Hostile(
        "monitoring-submit-version-abc",
        lambda w: w.client("curator_a").post(
            reverse("monitoring:report_submit", args=[w.state["report"].pk]),
            {"version": "abc", "confirm": "1"},
        ),
        409,
        ("Отчёт изменился, пока вы его смотрели",),
        ("monitoring.SchoolReport", "monitoring.ReportEvent"),
        ("period",),
        arrange=lambda w: w.state.update(report=w.report_a()),
    ),
    Hostile(
        "measure-edit-version-abc",
        lambda w: w.client("staff").post(
            reverse("roadmap:measure_edit", args=[w.roadmap.sections.first().measures.first().pk]),
            {"number": "1.1", "title": "Правка", "version": "abc"},
        ),
        422,
        ("Форма устарела: откройте мероприятие заново",),
        ("roadmap.Measure",),
        ("roadmap", "staff"),
        arrange=open_amendment,
    ),
    # --- query strings
    *[
        Hostile(
            f"{slug}",
            functools.partial(
                lambda w, q: w.client("curator_a").get(reverse("registry:mentees"), q), q=query
            ),
            200,
            ("Наставляемые",),
            ("registry.Mentee",),
            ("registry_data",),
        )
        for slug, query in (
            ("page-abc", {"page": "abc"}),
            ("page-999999999", {"page": "999999999"}),
            ("order-by-password", {"o": "password"}),
            ("search-nul", {"q": "\x00"}),
            ("search-sql-injection", {"q": "'; DROP TABLE registry_mentee; --"}),
        )
    ],
    Hostile(
        "records-page-abc",
        lambda w: w.client("staff").get(
            reverse("monitoring:records", args=["mentees"]), {"on": "31.01.2021", "page": "abc"}
        ),
        200,
        ("Наставляемые в действующих парах",),
        (),
        ("known",),
    ),
    Hostile(
        "records-school-abc",
        lambda w: w.client("staff").get(
            reverse("monitoring:records", args=["mentees"]), {"school": "abc"}
        ),
        400,
        ("ОО", "Введите целое число"),
        (),
        ("known",),
    ),
    Hostile(
        "dashboard-sort-password",
        lambda w: w.client("staff").get(
            reverse("roadmap:dashboard", args=[w.roadmap.pk]), {"sort": "password"}
        ),
        400,  # an unknown sort is refused; the board is still shown, unsorted by it
        ("Сводка исполнения дорожной карты",),
        (),
        ("roadmap", "staff"),
    ),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_hostile_input(case: Hostile, world: World):
    for name in case.needs:
        getattr(world, name)
    if case.arrange:
        case.arrange(world)
    before = fingerprint(case.guard)
    response = case.send(world)
    statuses = case.status if isinstance(case.status, tuple) else (case.status,)
    text = page_text(response)
    assert response.status_code in statuses, (response.status_code, visible(response))
    for said in case.says:
        assert said in text, (said, visible(response))
    assert fingerprint(case.guard) == before, "something was half-saved"
    if case.check:
        case.check(world, response)


# --- markup in every text field that is shown back: stored, and rendered escaped ---------------


def mentor_post(w: World, **changes):
    data = {
        "last_name": "Исаев",
        "first_name": "Ислам",
        "patronymic": "",
        "birth_date": "01.04.1985",
        "phone": "",
        "email": "",
        "kind": "teacher",
        "position": "",
        "partner": "",
    }
    data.update(changes)
    return w.client("curator_a").post(reverse("registry:mentor_create"), data)


def swot_post(w: World, **texts):
    report = w.report
    programme = w.reg("a", "programme")
    w.state["report"] = report
    return w.client("curator_a").post(
        reverse("monitoring:swot", args=[report.pk, programme.pk]),
        {"strengths": "", "weaknesses": "", "opportunities": "", "threats": "", **texts},
    )


def question_post(w: World, text: str):
    questionnaire = w.questionnaire()
    w.state["questionnaire"] = questionnaire
    return w.client("staff").post(
        reverse("monitoring:questionnaire", args=[questionnaire.pk]), {"text": text}
    )


def rename_known_mentee(w: World, last_name: str):
    """A mentee counted on the monitoring's day, renamed through the edit form."""
    from registry.models import Mentee

    mentee = Mentee.objects.get(last_name="Пэ-один")
    w.state["mentee"] = mentee
    data = {
        "last_name": last_name,
        "first_name": mentee.first_name,
        "patronymic": "",
        "birth_date": mentee.birth_date.strftime("%d.%m.%Y"),
        "phone": "",
        "email": "",
        "kind": mentee.kind,
        "class_name": "",
        "position": "",
        "experience_years": "",
    }
    return w.client("curator_a").post(reverse("registry:mentee_edit", args=[mentee.pk]), data)


def return_report(w: World, comment: str):
    return w.client("staff").post(
        reverse("roadmap:report_review", args=[w.state["report"].pk]),
        {"decision": "return", "comment": comment},
    )


def by(model_label: str, **lookup):
    return apps.get_model(model_label).objects.get(**lookup)


@dataclass(frozen=True)
class Rendered:
    id: str
    payload: str
    store: Callable[[World], object]  # sends the payload as a browser would: it is accepted
    pages: Callable[[World], list[tuple[str, str]]]  # (who, url) that show it back
    needs: tuple[str, ...] = ()
    arrange: Callable[[World], None] | None = None
    in_svg: bool = False  # shown in the monitoring's charts too


RENDERED = [
    Rendered(
        "mentee-name-script",
        SCRIPT,
        lambda w: mentee_post(w, last_name=SCRIPT),
        lambda w: [
            ("curator_a", reverse("registry:mentees")),
            ("staff", reverse("registry:mentees")),
            (
                "curator_a",
                reverse("registry:mentee", args=[by("registry.Mentee", last_name=SCRIPT).pk]),
            ),
            ("curator_a", reverse("registry:pair_create")),
        ],
        ("registry_data",),
    ),
    Rendered(
        "mentor-name-img-onerror",
        IMG,
        lambda w: mentor_post(w, first_name=IMG),
        lambda w: [
            ("curator_a", reverse("registry:mentors")),
            (
                "curator_a",
                reverse("registry:mentor", args=[by("registry.Mentor", first_name=IMG).pk]),
            ),
            ("curator_a", reverse("registry:pair_create")),
        ],
        ("registry_data",),
    ),
    Rendered(
        "programme-title-script",
        SCRIPT,
        lambda w: programme_post(w, title=SCRIPT),
        lambda w: [
            ("curator_a", reverse("registry:programmes")),
            (
                "curator_a",
                reverse("registry:programme", args=[by("registry.Programme", title=SCRIPT).pk]),
            ),
            ("curator_a", reverse("registry:pair_create")),
            ("curator_a", reverse("monitoring:report", args=[w.report.pk])),
        ],
        ("registry_data", "report"),
    ),
    Rendered(
        "consent-representative-img",
        IMG,
        lambda w: consent_post(w, representative_name=IMG),
        lambda w: [("curator_a", reverse("registry:mentee", args=[w.reg("a", "minor").pk]))],
        ("registry_data",),
    ),
    Rendered(
        "partner-name-script",
        SCRIPT,
        lambda w: w.client("staff").post(
            reverse("registry:partner_create"),
            {
                "name": SCRIPT,
                "inn": "",
                "address": "",
                "contact_person": "",
                "phone": "",
                "email": "",
            },
        ),
        lambda w: [
            ("staff", reverse("registry:partners")),
            ("curator_a", reverse("registry:mentor_create")),
        ],
        ("registry_data",),
    ),
    Rendered(
        "measure-title-img-onerror",
        IMG,
        lambda w: measure_post(w, title=IMG),
        lambda w: [
            ("staff", reverse("roadmap:editor", args=[w.roadmap.pk])),
            ("staff", reverse("roadmap:detail", args=[w.roadmap.pk])),
            ("staff", reverse("roadmap:measure", args=[by("roadmap.Measure", title=IMG).pk])),
        ],
        ("roadmap", "staff"),
        open_amendment,
    ),
    Rendered(
        "report-text-script",
        SCRIPT,
        lambda w: evidence(w, text=SCRIPT),
        lambda w: [
            ("curator_a", reverse("roadmap:execution", args=[w.state["execution"].pk])),
            ("staff", reverse("roadmap:execution", args=[w.state["execution"].pk])),
        ],
        ("roadmap", "curator_a", "staff"),
    ),
    Rendered(
        "review-comment-img-onerror",
        IMG,
        lambda w: return_report(w, IMG),
        lambda w: [
            ("curator_a", reverse("roadmap:execution", args=[w.state["report"].execution_id])),
            ("curator_a", reverse("roadmap:my")),
        ],
        ("roadmap", "curator_a", "staff"),
        submit_execution_report,
    ),
    Rendered(
        "swot-texts-script",
        SCRIPT,
        lambda w: swot_post(w, strengths=SCRIPT, threats=SCRIPT),
        lambda w: [
            ("curator_a", reverse("monitoring:report", args=[w.state["report"].pk])),
            ("staff", reverse("monitoring:report", args=[w.state["report"].pk])),
        ],
        ("registry_data", "report"),
    ),
    Rendered(
        "question-text-img-onerror",
        IMG,
        lambda w: question_post(w, IMG),
        lambda w: [
            ("staff", reverse("monitoring:questionnaire", args=[w.state["questionnaire"].pk])),
            (
                "curator_a",
                reverse("monitoring:answer_set", args=[w.report.pk, w.state["questionnaire"].pk]),
            ),
        ],
        ("report", "staff"),
    ),
    Rendered(
        "period-title-script",
        SCRIPT,
        lambda w: period_post(w, title=SCRIPT),
        lambda w: [
            ("staff", reverse("monitoring:periods")),
            ("curator_a", reverse("monitoring:periods")),
            (
                "staff",
                reverse("monitoring:period", args=[by("monitoring.Period", title=SCRIPT).pk]),
            ),
            (
                "staff",
                reverse("monitoring:summary", args=[by("monitoring.Period", title=SCRIPT).pk]),
            ),
            (
                "curator_a",
                reverse("monitoring:period", args=[by("monitoring.Period", title=SCRIPT).pk]),
            ),
        ],
        ("known", "staff", "curator_a"),
    ),
    Rendered(
        "target-note-img-onerror",
        IMG,
        lambda w: target_post(w, note=IMG),
        lambda w: [("staff", reverse("monitoring:targets"))],
        ("staff",),
    ),
    Rendered(
        "school-name-script-in-svg-charts",
        SCRIPT,
        lambda w: school_post(w, short_name=SCRIPT),
        lambda w: [
            ("staff", reverse("registry:schools")),
            ("staff", reverse("monitoring:dashboard") + "?on=31.01.2021&compare=pairs"),
            ("staff", reverse("roadmap:dashboard", args=[w.roadmap.pk])),
        ],
        ("known", "staff"),
        in_svg=True,
    ),
    Rendered(
        "mentee-in-monitoring-records-script",
        SCRIPT,
        lambda w: rename_known_mentee(w, SCRIPT),
        lambda w: [
            ("staff", reverse("monitoring:records", args=["mentees"]) + "?on=31.01.2021"),
            ("curator_a", reverse("monitoring:records", args=["mentees"]) + "?on=31.01.2021"),
        ],
        ("known", "staff", "curator_a"),
    ),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in RENDERED])
def test_markup_is_rendered_escaped(case: Rendered, world: World):
    from django.utils.html import escape

    for name in case.needs:
        getattr(world, name)
    if case.arrange:
        case.arrange(world)
    response = case.store(world)
    assert response.status_code in (200, 204, 302), (response.status_code, visible(response))
    assert response.status_code != 200 or "HX-Retarget" in response, visible(response)
    escaped = escape(case.payload)
    for who, url in case.pages(world):
        page = world.client(who).get(url)
        assert page.status_code == 200, (url, page.status_code)
        raw = page.content.decode()
        assert case.payload not in raw, f"{url}: the payload is live markup"
        assert "<img src=x" not in raw and "<script>alert" not in raw, url
        assert escaped in raw, f"{url}: the payload is not shown (escaped) on the page"
        charts = re.findall(r"<svg\b.*?</svg>", raw, flags=re.S)  # the monitoring's SVG
        for svg in charts:
            assert "<script" not in svg and "<img" not in svg, url
        if case.in_svg and "/monitoring/" in url:
            assert any(escaped in svg for svg in charts), f"{url}: not in any chart"


# --- hostile file names: a server-made storage name, a cleaned shown name, a safe download ------

BOUNDARY = "HostileBoundary145"


def multipart(fields: dict, files: list[tuple[str, bytes, bytes]]) -> bytes:
    """A multipart body written by hand: the file name goes out exactly as given (the test
    client would have cut it to its last path part itself, as a browser does)."""
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, filename, content in files:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="'.encode()
            + filename
            + b'"\r\nContent-Type: application/pdf\r\n\r\n'
            + content
            + b"\r\n"
        )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def raw_post(client: Client, url: str, fields: dict, files) -> object:
    return client.post(
        url, multipart(fields, files), content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )


HOSTILE_NAMES = [
    pytest.param(b"../../etc/passwd.pdf", "passwd.pdf", id="dot-dot-etc-passwd"),
    pytest.param(b"C:\\Windows\\System32\\evil.pdf", "evil.pdf", id="windows-path"),
    pytest.param(b"..%2F..%2Fevil.pdf", None, id="percent-encoded-slashes"),
    pytest.param(b"&#x2F;etc&#x2F;passwd.pdf", "passwd.pdf", id="html-entity-slashes"),
    pytest.param(b"nul\x00byte.exe.pdf", None, id="nul-byte"),
    pytest.param(b"bell\x07esc\x1b[31m.pdf", None, id="control-characters"),
    pytest.param(b'quote"semi;colon.pdf', None, id="quote-and-semicolon"),
    pytest.param(("я" * 300 + ".pdf").encode(), None, id="300-character-name"),
    pytest.param(b".htaccess", "htaccess.pdf", id="dot-file-no-extension"),
    pytest.param(b"report.pdf.exe", "report.pdf.pdf", id="double-extension"),
]
STORED = re.compile(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf")


def assert_safe_disposition(header: str) -> str:
    assert header.startswith("attachment"), header
    assert not re.search(r"[\x00-\x1f\x7f]", header), repr(header)
    names = re.findall(r"filename=\"((?:[^\"\\\\]|\\\\.)*)\"", header)  # quoted, not decoded
    names += [unquote(n) for n in re.findall(r"filename\*=utf-8''([^;\s]+)", header, flags=re.I)]
    assert names, header
    for name in names:
        assert "/" not in name and "\\" not in name and not name.startswith("."), header
    return header


@pytest.mark.parametrize(("filename", "shown"), HOSTILE_NAMES)
def test_hostile_evidence_name_is_stored_under_a_server_name(world: World, filename, shown):
    from roadmap.models import Evidence

    execution = world.execution_a()
    response = raw_post(
        world.client("curator_a"),
        reverse("roadmap:execution_report", args=[execution.pk]),
        {"text": "Приказ издан", "completed_on": "20.10.2020"},
        [("files", filename, PDF_BYTES)],
    )
    assert response.status_code == 302, visible(response)
    stored = Evidence.objects.get(report__execution=execution)
    assert STORED.fullmatch(stored.file.name), stored.file.name
    name = stored.original_name
    assert name.endswith(".pdf") and len(name) <= 150, name
    assert not re.search(r'[\x00-\x1f\x7f/\\<>:"|?*]', name), repr(name)
    if shown is not None:
        assert name == shown
    download = world.client("curator_a").get(reverse("roadmap:evidence", args=[stored.pk]))
    assert download.status_code == 200
    assert_safe_disposition(download["Content-Disposition"])
    assert download["X-Content-Type-Options"] == "nosniff"


def test_hostile_consent_scan_name_is_stored_under_a_server_name(world: World):
    from registry.models import Consent

    mentee = world.reg("a", "minor")
    response = raw_post(
        world.client("curator_a"),
        reverse("registry:consent_create", args=[mentee.pk]),
        {
            "representative_name": "Родитель Р. Р.",
            "relation": "father",
            "document": "паспорт",
            "given_on": "01.09.2021",
            "valid_until": "",
            "purposes": "Участие",
            "data_scope": "ФИО",
        },
        [("scan", b"..\\..\\..\\windows\\win.ini\x00.pdf", PDF_BYTES)],
    )
    assert response.status_code == 302, visible(response)
    consent = Consent.objects.filter(mentee=mentee).latest("pk")
    assert re.fullmatch(r"consents/[0-9a-f]{32}\.pdf", consent.scan.name), consent.scan.name
    assert "/" not in consent.scan_name and "\\" not in consent.scan_name
    download = world.client("curator_a").get(reverse("registry:consent_scan", args=[consent.pk]))
    assert download.status_code == 200
    assert_safe_disposition(download["Content-Disposition"])


# --- text a spreadsheet would run: stored as text, exported as a text cell ----------------------

DDE = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
HYPERLINK = '=HYPERLINK("http://evil.example/","нажмите")'


def exported_cells(content: bytes, first: str) -> dict:
    """The exported row whose first cell is ``first``: header -> cell."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == first:
            return dict(zip(header, row, strict=False))
    raise AssertionError(f"{first} is not exported")


def test_formula_like_text_from_an_xlsx_import_is_exported_as_text(world: World):
    school = world.registry_data["a"]["school"]
    headers = [*MENTEE_HEADERS, "Должность (для педагога)"]
    row = [*mentee_row(school, last="Формулова", patronymic=DDE), AT_SUM]
    row[6] = "-2+3"  # Класс
    client = world.client("curator_a")
    preview = registry_import(world, xlsx_of([headers, row]))
    assert preview.status_code == 200, visible(preview)
    batch = preview.context["batch"]
    confirmed = client.post(reverse("registry:import_confirm", args=["mentees", batch.pk]))
    assert confirmed.status_code == 302
    mentee = by("registry.Mentee", last_name="Формулова")
    assert (mentee.patronymic, mentee.position, mentee.class_name) == (DDE, AT_SUM, "-2+3")
    export = client.get(reverse("registry:export", args=["mentees"]))
    cells = exported_cells(export.content, "Формулова")
    for header, value in (("Отчество", DDE), ("Должность", AT_SUM), ("Класс", "-2+3")):
        assert cells[header].value == value
        assert cells[header].data_type != "f", header


def test_formula_typed_in_a_form_is_exported_as_text(world: World):
    world.registry_data  # noqa: B018
    response = mentee_post(world, last_name="Гиперссылкина", kind="teacher", position=HYPERLINK)
    assert response.status_code == 302
    export = world.client("curator_a").get(reverse("registry:export", args=["mentees"]))
    cell = exported_cells(export.content, "Гиперссылкина")["Должность"]
    assert (cell.value, cell.data_type) == (HYPERLINK, "s")


def test_formula_typed_as_a_measure_title_is_exported_as_text(world: World):
    open_amendment(world)
    assert measure_post(world, number="1.99", title=HYPERLINK).status_code == 200
    export = world.client("staff").get(reverse("roadmap:document", args=[world.roadmap.pk, "xlsx"]))
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    found = [c for row in sheet.iter_rows() for c in row if c.value == HYPERLINK]
    assert found and all(c.data_type == "s" for c in found)


# --- double submits -----------------------------------------------------------------------------


def test_the_same_pair_submitted_twice_is_one_pair(world: World):
    from registry.models import Pair

    assert pair_post(world).status_code == 302
    again = pair_post(world)
    assert again.status_code == 422
    assert "Такая пара (группа) уже есть" in page_text(again)
    assert Pair.objects.filter(programme=world.reg("a", "programme")).count() == 1


def run_together(*calls):
    """Each call in its own thread (and so its own database connection), started at once."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # pragma: no cover - shown by the assertion
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def two_clients(user) -> list[Client]:
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def outcomes(results) -> list[int]:
    for result in results:
        assert not isinstance(result, Exception), result
    return sorted(r.status_code for r in results)


@pytest.mark.django_db(transaction=True)
def test_one_monitoring_report_submitted_twice_at_once(curator_a, period, school_a):
    from monitoring.models import ReportEvent

    report = monitoring_services.report_of(period, school_a)
    url = reverse("monitoring:report_submit", args=[report.pk])
    data = {"version": report.version, "confirm": "1"}
    results = run_together(*(lambda c=c: c.post(url, data) for c in two_clients(curator_a)))
    assert outcomes(results) == [302, 409]
    refused = next(r for r in results if r.status_code == 409)
    assert "Отчёт изменился, пока вы его смотрели" in page_text(refused) or (
        "изменять его нельзя" in page_text(refused)
    )
    report.refresh_from_db()
    assert report.status == SchoolReport.Status.SUBMITTED
    assert ReportEvent.objects.filter(report=report, action="submitted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_execution_report_submitted_twice_at_once(curator_a, roadmap, school_a, media):
    from roadmap.models import Evidence, Report

    execution = (
        Execution.objects.filter(measure__section__roadmap=roadmap, school=school_a)
        .order_by("pk")
        .first()
    )
    url = reverse("roadmap:execution_report", args=[execution.pk])

    def send(client):
        files = [SimpleUploadedFile("Приказ.pdf", PDF_BYTES, content_type="application/pdf")]
        return client.post(url, {"text": "Сделано", "completed_on": "20.10.2020", "files": files})

    results = run_together(*(lambda c=c: send(c) for c in two_clients(curator_a)))
    assert outcomes(results) == [302, 422]
    refused = next(r for r in results if r.status_code == 422)
    assert "Отчёт уже отправлен или принят" in page_text(refused)
    assert Report.objects.filter(execution=execution).count() == 1
    assert Evidence.objects.filter(report__execution=execution).count() == 1
    assert len([p for p in media.rglob("*") if p.is_file()]) == 1  # the loser stored no file


@pytest.mark.django_db(transaction=True)
def test_one_pair_created_twice_at_once(curator_a, registry_data):
    from registry.models import Pair, PairMentee

    a = registry_data["a"]
    data = {
        "programme": a["programme"].pk,
        "mentor": a["mentor"].pk,
        "mentees": [a["minor"].pk],
        "starts_on": "02.11.2020",
        "ends_on": "",
        "goals": "Двойной клик",
    }
    url = reverse("registry:pair_create")
    results = run_together(*(lambda c=c: c.post(url, data) for c in two_clients(curator_a)))
    assert outcomes(results) == [302, 422]
    refused = next(r for r in results if r.status_code == 422)
    assert "Такая пара (группа) уже есть" in page_text(refused)
    assert Pair.objects.filter(programme=a["programme"]).count() == 1
    assert PairMentee.objects.filter(mentee=a["minor"]).count() == 1
