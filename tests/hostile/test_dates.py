"""Far dates, in every form and every URL that takes a date.

One range for the whole product (registry/dates.py): 01.01.1990–31.12.2100, birth dates from
01.01.1900. Each date field below is sent the far dates of an attack or a typo — 01.01.0001,
01.01.0010 (the records behind «педагоги до 35 лет» once subtracted 35 years from it: a 500),
the day before the range, the day after it, 31.12.9999 — and must answer 422 (a form) or
400 (a URL) with a message on that very field, and save nothing. The range's own ends are
accepted. Hypothesis checks the parser over the whole calendar and over arbitrary text; a
structural test finds every date field of every form and of the admin, so a new one cannot miss
the check.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from core import dates
from monitoring import indicators
from monitoring.models import IndicatorCode
from registry.models import Agreement, Consent, PartnerOrganization
from roadmap import deadlines
from tests.hostile.test_inputs import (
    World,
    consent_post,
    evidence,
    fingerprint,
    media,
    mentee_post,
    pair_post,
    period_post,
    programme_post,
    roadmap_post,
    world,
)

__all__ = ["media", "world"]  # fixtures, used by name

FAR = ("01.01.0001", "01.01.0010", "31.12.1989", "01.01.2101", "31.12.9999")
FAR_BIRTH = ("01.01.0001", "01.01.0010", "31.12.1899", "01.01.2101", "31.12.9999")
RANGE = "Год должен быть от 1990 до 2100"
BIRTH_RANGE = "Год должен быть от 1900 до 2100"


def form_in(response):
    """The page's form that carries errors (a page may show more than one form)."""
    for key in ("form", "amendment_form", "review_form"):
        try:
            form = response.context[key]
        except KeyError:
            continue
        if form.errors:
            return form
    raise AssertionError("no form with errors on the page")


def refused_on_field(response, field: str, message: str = RANGE) -> None:
    assert response.status_code == 422, (response.status_code, field)
    form = form_in(response)
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])


def each_far(w: World, send, field: str, guard, far=FAR, message=RANGE) -> None:
    before = fingerprint(guard)
    for value in far:
        refused_on_field(send(w, value), field, message)
    assert fingerprint(guard) == before


# --- forms: 422 on the field, nothing saved -----------------------------------------------------


def mentor_post(w: World, **changes):
    data = {
        "last_name": "Хасанов",
        "first_name": "Ислам",
        "patronymic": "",
        "birth_date": "01.04.1985",
        "phone": "",
        "email": "",
        "kind": "teacher",
        "position": "учитель",
        "partner": "",
    }
    data.update(changes)
    return w.client("curator_a").post(reverse("registry:mentor_create"), data)


def link_post(w: World, birth_date: str):
    mentor = w.reg("b", "mentor")
    data = {"last_name": mentor.last_name, "first_name": mentor.first_name}
    data.update(birth_date=birth_date)
    return w.client("curator_a").post(reverse("registry:mentor_link"), data)


def withdraw_post(w: World, withdrawn_on: str):
    consent = w.reg("a", "minor").consents.get()
    url = reverse("registry:consent_withdraw", args=[consent.pk])
    return w.client("curator_a").post(url, {"withdrawn_on": withdrawn_on, "confirm": "1"})


def review_post(w: World, reviewed_on: str):
    programme = w.reg("a", "programme")
    data = {
        "review_status": "approved",
        "reviewer": "Методический совет",
        "review_conclusion": "Одобрена",
        "reviewed_on": reviewed_on,
    }
    return w.client("staff").post(reverse("registry:programme", args=[programme.pk]), data)


def agreement_post(w: World, **changes):
    partner = PartnerOrganization.objects.get_or_create(
        municipality=w.municipality, name="ООО «Аргунский завод»"
    )[0]
    data = {
        "number": "1",
        "date": "01.09.2020",
        "subject": "Наставничество",
        "valid_from": "01.09.2020",
        "valid_to": "",
    }
    data.update(changes)
    url = reverse("registry:agreement_create", args=[partner.pk])
    return w.client("curator_a").post(url, data)


def amendment_post(w: World, date: str):
    url = reverse("roadmap:amendment_open", args=[w.roadmap.pk])
    return w.client("staff").post(url, {"date": date, "basis": "", "reason": "Правка"})


FORM_CASES = [
    # (id, how to send one value, the field, the guarded tables, far values, message)
    ("mentee-birth-date", lambda w, v: mentee_post(w, birth_date=v), "birth_date",
     ("registry.Mentee",), FAR_BIRTH, BIRTH_RANGE),
    ("mentor-birth-date", lambda w, v: mentor_post(w, birth_date=v), "birth_date",
     ("registry.Mentor",), FAR_BIRTH, BIRTH_RANGE),
    ("mentor-link-birth-date", link_post, "birth_date",
     ("registry.Mentor",), FAR_BIRTH, BIRTH_RANGE),
    ("consent-given-on", lambda w, v: consent_post(w, given_on=v), "given_on",
     ("registry.Consent",), FAR, RANGE),
    ("consent-valid-until", lambda w, v: consent_post(w, valid_until=v), "valid_until",
     ("registry.Consent",), FAR, RANGE),
    ("consent-withdrawn-on", withdraw_post, "withdrawn_on",
     ("registry.Consent", "registry.Pair"), FAR, RANGE),
    ("programme-starts-on", lambda w, v: programme_post(w, starts_on=v), "starts_on",
     ("registry.Programme",), FAR, RANGE),
    ("programme-ends-on", lambda w, v: programme_post(w, ends_on=v), "ends_on",
     ("registry.Programme",), FAR, RANGE),
    ("programme-reviewed-on", review_post, "reviewed_on",
     ("registry.Programme",), FAR, RANGE),
    ("pair-starts-on", lambda w, v: pair_post(w, starts_on=v), "starts_on",
     ("registry.Pair", "registry.PairMentee"), FAR, RANGE),
    ("pair-ends-on", lambda w, v: pair_post(w, ends_on=v), "ends_on",
     ("registry.Pair", "registry.PairMentee"), FAR, RANGE),
    ("agreement-date", lambda w, v: agreement_post(w, date=v), "date",
     ("registry.Agreement",), FAR, RANGE),
    ("agreement-valid-from", lambda w, v: agreement_post(w, valid_from=v), "valid_from",
     ("registry.Agreement",), FAR, RANGE),
    ("agreement-valid-to", lambda w, v: agreement_post(w, valid_to=v), "valid_to",
     ("registry.Agreement",), FAR, RANGE),
    ("roadmap-period-start", lambda w, v: roadmap_post(w, period_start=v), "period_start",
     ("roadmap.Roadmap",), FAR, RANGE),
    ("roadmap-period-end", lambda w, v: roadmap_post(w, period_end=v), "period_end",
     ("roadmap.Roadmap",), FAR, RANGE),
    ("amendment-date", amendment_post, "date",
     ("roadmap.Amendment",), FAR, RANGE),
    ("report-completed-on", lambda w, v: evidence(w, completed_on=v), "completed_on",
     ("roadmap.Report", "roadmap.Execution"), FAR, RANGE),
    ("period-starts-on", lambda w, v: period_post(w, starts_on=v), "starts_on",
     ("monitoring.Period",), FAR, RANGE),
    ("period-ends-on", lambda w, v: period_post(w, ends_on=v), "ends_on",
     ("monitoring.Period",), FAR, RANGE),
    ("period-report-due-on", lambda w, v: period_post(w, report_due_on=v), "report_due_on",
     ("monitoring.Period",), FAR, RANGE),
]  # fmt: skip

NEEDS = {
    "registry": ("registry_data", "staff"),
    "roadmap": ("roadmap", "staff", "curator_a"),
    "amendment": ("roadmap", "staff"),
    "report": ("roadmap", "curator_a"),
    "period": ("known", "staff"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("send", "field", "guard", "far", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in FORM_CASES],
)
def test_a_far_date_in_a_form_is_refused_on_its_field(world, request, send, field, guard, far,
                                                       message):  # fmt: skip
    case = request.node.callspec.id
    prefix = next((k for k in NEEDS if case.startswith(k)), "registry")
    for name in NEEDS[prefix]:
        request.getfixturevalue(name)
    each_far(world, send, field, guard, far, message)


@pytest.mark.django_db
def test_the_ends_of_the_range_are_accepted(world, registry_data):
    assert programme_post(world, starts_on="01.01.1990", ends_on="31.12.2100").status_code == 302
    response = mentee_post(world, birth_date="01.01.1930", last_name="Старейшая")
    assert response.status_code == 302, response.context["form"].errors


@pytest.mark.django_db
def test_a_far_date_in_the_admin_is_refused_on_its_field(world, registry_data, admin_user):
    minor = world.reg("a", "minor")
    before = fingerprint(("registry.Consent",))
    for value in FAR:
        response = world.client("admin_user").post(
            reverse("admin:registry_consent_add"),
            {
                "mentee": minor.pk,
                "representative_name": "Родитель",
                "relation": "mother",
                "document": "паспорт",
                "given_on": value,
                "purposes": "Участие",
                "data_scope": "ФИО",
            },
        )
        assert response.status_code == 200  # the admin shows its form again
        assert RANGE in " ".join(response.context["adminform"].form.errors["given_on"])
    assert fingerprint(("registry.Consent",)) == before


# --- URLs: 400 naming the field, never a 500 ------------------------------------------------------


def monitoring_urls():
    yield "dashboard", reverse("monitoring:dashboard")
    for code in IndicatorCode.values:
        yield f"records-{code}", reverse("monitoring:records", args=[code])


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "url"), [("staff", u) for _, u in monitoring_urls()] + [
    ("curator_a", reverse("monitoring:records", args=["young_teachers"]))
], ids=[i for i, _ in monitoring_urls()] + ["records-young_teachers-curator"])  # fmt: skip
def test_a_far_date_in_the_monitorings_url_is_a_400_naming_it(world, known, who, url):
    client = world.client(who)
    for value in FAR:
        response = client.get(url, {"on": value})
        assert response.status_code == 400, (value, response.status_code)
        text = response.content.decode()
        assert "«На дату»" in text and RANGE in text, text[-2000:]
    for value in ("01.01.1990", "31.12.2100"):  # the range's ends: shown, whatever the figures
        assert client.get(url, {"on": value}).status_code == 200


@pytest.mark.django_db
def test_a_far_date_in_the_roadmap_dashboard_url_is_a_400_naming_it(world, roadmap):
    url = reverse("roadmap:dashboard", args=[roadmap.pk])
    client = world.client("staff")
    for value in FAR:
        response = client.get(url, {"as_of": value})
        assert response.status_code == 400
        assert RANGE in " ".join(response.context["form"].errors["as_of"])
        response = client.get(url, {"as_of": value, "format": "xlsx"})
        assert response.status_code == 400, "the Excel list is not built for a refused date"
    for value in ("01.01.1990", "31.12.2100"):
        assert client.get(url, {"as_of": value}).status_code == 200


@pytest.mark.django_db
def test_a_far_date_in_the_execution_report_url_is_a_400_naming_it(world, roadmap):
    url = reverse("roadmap:report", args=[roadmap.pk])
    for value in FAR:
        response = world.client("staff").get(url, {"as_of": value})
        assert response.status_code == 400
        assert f"«На дату»: {RANGE}" in response.content.decode()


@pytest.mark.django_db
def test_a_far_date_in_a_commands_option_is_refused_naming_it(db):
    for value in FAR:
        with pytest.raises(CommandError, match=rf"--date.*«{value}».*{RANGE}"):
            call_command("send_deadline_reminders", "--date", value)


# --- the parser itself, over the whole calendar and over any text ------------------------------


@given(st.dates())
@settings(max_examples=400)
def test_every_calendar_date_is_accepted_exactly_within_the_range(day):
    text = f"{day.day:02d}.{day.month:02d}.{day.year:04d}"
    if dt.date(1990, 1, 1) <= day <= dt.date(2100, 12, 31):
        assert dates.parse(text, label="Дата") == day
    else:
        with pytest.raises(ValidationError, match=rf"Дата: «{text}» — {RANGE}"):
            dates.parse(text, label="Дата")
    born_ok = dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31)
    if born_ok:
        assert dates.parse(text, label="Дата рождения", birth=True) == day
    else:
        with pytest.raises(ValidationError, match=BIRTH_RANGE):
            dates.parse(text, label="Дата рождения", birth=True)


@given(st.text(max_size=40))
@settings(max_examples=400)
def test_any_text_is_a_date_in_range_or_a_field_error(text):
    for field in (dates.DateField(required=False), dates.BirthDateField(required=False)):
        try:
            value = field.clean(text)
        except ValidationError:
            continue
        assert value is None or dates.in_range(value, birth=field.birth)


@given(st.dates(), st.integers(min_value=0, max_value=200))
def test_years_before_never_fails(day, years):
    earlier = indicators.years_before(day, years)
    assert earlier <= day


# --- every date field of every form and of the admin carries the check -------------------------


def project_forms():
    import monitoring.forms  # noqa: F401
    import registry.forms  # noqa: F401
    import roadmap.forms.dashboard
    import roadmap.forms.documents
    import roadmap.forms.editor
    import roadmap.forms.executions  # noqa: F401

    seen, queue = [], [forms.BaseForm]
    while queue:
        cls = queue.pop()
        for sub in cls.__subclasses__():
            queue.append(sub)
            if sub.__module__.split(".")[0] in {"registry", "roadmap", "monitoring"}:
                seen.append(sub)
    return seen


def plain_date(field) -> bool:
    return isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField)


def test_every_date_field_of_every_form_is_range_checked():
    checked = []
    for form_class in project_forms():
        for name, field in form_class.base_fields.items():
            if not plain_date(field):
                continue
            wanted = dates.BirthDateField if "birth_date" in name else dates.DateField
            assert isinstance(field, wanted), f"{form_class.__qualname__}.{name}"
            checked.append(f"{form_class.__name__}.{name}")
    # the forms of this issue's list, at least
    for name in ("MenteeForm.birth_date", "ConsentForm.given_on", "DayForm.on", "ReportForm.as_of",
                 "PeriodForm.report_due_on", "DraftForm.period_end", "AgreementForm.valid_to",
                 "MentorIdentityForm.birth_date", "DashboardFilterForm.as_of"):  # fmt: skip
        assert name in checked, name


@pytest.mark.django_db
def test_every_date_field_in_the_admin_is_range_checked(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    checked = 0
    for model_admin in admin.site._registry.values():
        admins = [model_admin, *model_admin.get_inline_instances(request)]
        for each in admins:
            for db_field in each.model._meta.get_fields():
                if not isinstance(db_field, models.DateField) or isinstance(
                    db_field, models.DateTimeField
                ):
                    continue
                if not db_field.editable:
                    continue
                field = each.formfield_for_dbfield(db_field, request)
                assert isinstance(field, dates.DateField), f"{each}.{db_field.name}"
                checked += 1
    assert checked >= 10
    assert Consent in admin.site._registry and Agreement in admin.site._registry


def test_the_deadline_parser_uses_the_same_years():
    assert (dates.DATE_MIN.year, dates.DATE_MAX.year) == (deadlines.MIN_YEAR, deadlines.MAX_YEAR)


def test_a_far_date_in_an_imported_cell_is_that_cells_error():
    from core.xlsx.reader import clean_value
    from core.xlsx.spec import Column

    starts = Column("starts_on", "Начало", kind="date")
    born = Column("birth_date", "Дата рождения", kind="date")
    for value in ("01.01.0010", "31.12.1989", dt.date(1, 1, 1), dt.datetime(9999, 12, 31)):
        assert clean_value(starts, value)[1].endswith("год должен быть от 1990 до 2100")
    assert clean_value(born, "31.12.1899")[1].endswith("год должен быть от 1900 до 2100")
    assert clean_value(born, "01.01.1930") == (dt.date(1930, 1, 1), None)
    assert clean_value(starts, "01.01.1990") == (dt.date(1990, 1, 1), None)
