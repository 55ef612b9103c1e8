"""Occurrences of recurring work and of schedules: dated inside the roadmap's period, reported
per executor, overdue; measures without a deadline listed and warned about at approval."""

import datetime as dt
import io
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from roadmap.dashboard import Filters, build_dashboard
from roadmap.deadlines import RECURRENCES, parse_deadline
from roadmap.deadlines.occurrences import occurrences, rhythm_of
from roadmap.deadlines.words import RECURRING_PHRASES
from roadmap.models import Execution, Measure, Occurrence, OccurrenceExecution
from roadmap.services import occurrences as services
from roadmap.services import update_measure, update_roadmap
from roadmap.tracking import approval_warnings, current_due, occurrence_lines, undated_measures

D = dt.date
PERIOD = (D(2020, 10, 1), D(2021, 5, 31))  # the seed's: order 172/1 of 28.10.2020

# Hand-counted due days in 01.10.2020–31.05.2021 (default school quarters).
MONTH_ENDS = [
    D(2020, 10, 31), D(2020, 11, 30), D(2020, 12, 31), D(2021, 1, 31),
    D(2021, 2, 28), D(2021, 3, 31), D(2021, 4, 30), D(2021, 5, 31),
]  # fmt: skip
EXPECTED = {
    "month": MONTH_ENDS,
    "quarter": [D(2020, 12, 31), D(2021, 3, 31), D(2021, 5, 31)],
    "halfyear": [D(2020, 12, 31), D(2021, 5, 31)],
    "year": [D(2021, 5, 31)],
    # I 01.09–27.10 (cut to 01.10), II 06.11–29.12, III 09.01–22.03, IV 01.04–31.05
    "term": [D(2020, 10, 27), D(2020, 12, 29), D(2021, 3, 22), D(2021, 5, 31)],
}
# Thursday 01.10.2020 to Sunday 04.10 is the first week; 34 whole weeks follow to Sunday
# 30.05.2021, and Monday 31.05.2021 is a week of its own: 36.
WEEKS = 36


def dues(phrase: str) -> list[dt.date]:
    deadline = parse_deadline(phrase, 2020, period=PERIOD)
    rhythm = rhythm_of(deadline.kind, deadline.recurrence)
    assert rhythm is not None, phrase
    return [due for _, due in occurrences(rhythm, PERIOD)]


@pytest.mark.parametrize("phrase", sorted(RECURRING_PHRASES))
def test_every_phrase_of_the_parsers_table_hand_counted(phrase):
    found = dues(phrase)
    unit = RECURRING_PHRASES[phrase]
    if unit == "week":
        assert len(found) == WEEKS
        assert found[0] == D(2020, 10, 4) and found[-1] == D(2021, 5, 31)
    else:
        assert found == EXPECTED[unit]


@pytest.mark.parametrize(
    ("phrase", "unit"),
    [
        ("ежегодная актуализация", "year"),
        ("в течение всего периода реализации ЦМН", "term"),  # the seed's 2.8, 2.9, 4.1
        ("в течение всего периода", "term"),
        ("не реже 1 раза в квартал", "quarter"),
        ("2 раза в год", "halfyear"),
        ("раз в месяц", "month"),
        ("1 раз в четверть", "term"),
        ("раз в полугодие", "halfyear"),
        ("четыре раза в год", "quarter"),
        ("12 раз в год", "month"),
        ("раз в год", "year"),
    ],
)
def test_other_recurring_wordings_hand_counted(phrase, unit):
    assert dues(phrase) == EXPECTED[unit]


def test_quarterly_in_2020_21_never_leaves_the_period():
    """Not «31.12.2026»: the last quarter is cut to the period's end."""
    assert dues("ежеквартально") == [D(2020, 12, 31), D(2021, 3, 31), D(2021, 5, 31)]


periods = st.tuples(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)),
    st.integers(min_value=0, max_value=800),
).map(lambda p: (p[0], p[0] + dt.timedelta(days=p[1])))


@settings(max_examples=300, deadline=None)
@given(period=periods, recurrence=st.sampled_from(RECURRENCES))
def test_property_occurrences_inside_ordered_disjoint(period, recurrence):
    found = occurrences(recurrence, period)
    for first, due in found:
        assert period[0] <= first <= due <= period[1]
    for (_, due), (following, _) in itertools.pairwise(found):
        assert due < following
    if recurrence not in ("term", "year"):  # calendar spans cover the period without a gap
        # (school quarters and school years leave out holidays and the summer)
        assert found[0][0] == period[0] and found[-1][1] == period[1]
        for (_, due), (following, _) in itertools.pairwise(found):
            assert following == due + dt.timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(period=periods)
def test_property_count_by_phrase(period):
    start, end = period
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    quarters = (end.year * 4 + (end.month - 1) // 3) - (start.year * 4 + (start.month - 1) // 3) + 1
    halves = (end.year * 2 + (end.month > 6)) - (start.year * 2 + (start.month > 6)) + 1
    weeks = (
        (end - dt.timedelta(days=end.weekday())) - (start - dt.timedelta(days=start.weekday()))
    ).days // 7 + 1
    assert len(occurrences("month", period)) == months
    assert len(occurrences("quarter", period)) == quarters
    assert len(occurrences("halfyear", period)) == halves
    assert len(occurrences("week", period)) == weeks


# --- in the database ----------------------------------------------------------------------------


def measure(roadmap, number) -> Measure:
    return Measure.objects.get(section__roadmap=roadmap, number=number)


def set_deadline(staff, m: Measure, text: str) -> Measure:
    return update_measure(
        user=staff,
        measure_id=m.pk,
        version=m.version,
        number=m.number,
        title=m.title,
        deadline_text=text,
        result=m.result,
        parties=[r.party for r in m.responsibilities.all()],
    )


@pytest.fixture
def draft(roadmap):
    roadmap.status = "draft"
    roadmap.save()
    return roadmap


@pytest.mark.django_db
def test_seed_throughout_measures_get_quarterly_occurrences(roadmap):
    for number in ("2.8", "2.9", "4.1"):
        assert (
            list(measure(roadmap, number).occurrences.values_list("due_on", flat=True))
            == EXPECTED["term"]
        )
    assert not Occurrence.objects.filter(measure__number="1.1").exists()


@pytest.mark.django_db
def test_quarterly_measure_shows_current_due_inside_period(client, draft, staff):
    m = set_deadline(staff, measure(draft, "4.2"), "ежеквартально")
    assert list(m.occurrences.values_list("due_on", flat=True)) == EXPECTED["quarter"]
    client.force_login(staff)
    page = client.get(reverse("roadmap:measure", args=[m.pk])).content.decode()
    assert "Текущий срок: <strong data-current-due>31.12.2020</strong>" in page
    assert "31.12.2026" not in page
    # Changed to monthly: the quarterly occurrences nobody reported on give way.
    m = set_deadline(staff, m, "ежемесячно")
    assert list(m.occurrences.values_list("due_on", flat=True)) == MONTH_ENDS


@pytest.mark.django_db
def test_period_change_redates_occurrences_and_keeps_reported(draft, staff, curator_a):
    m = measure(draft, "4.1")
    first = m.occurrences.first()
    execution = Execution.objects.get(measure=m, school=curator_a.profile.school)
    services.report_occurrence(
        user=curator_a, occurrence=first, execution=execution,
        completed_on=D(2020, 10, 20), text="Семинар",
    )  # fmt: skip
    update_roadmap(
        user=staff, roadmap=draft, title=draft.title, school_year_start=2020,
        period_start=D(2020, 11, 1), period_end=D(2021, 5, 31),
    )  # fmt: skip
    dues_now = list(m.occurrences.values_list("due_on", flat=True))
    # I четверть is outside the new period but was reported on: kept.
    assert dues_now == [D(2020, 10, 27), D(2020, 12, 29), D(2021, 3, 22), D(2021, 5, 31)]
    assert all(D(2020, 11, 1) <= o.starts_on for o in m.occurrences.all()[1:])


@pytest.mark.django_db
def test_reports_per_occurrence_complete_the_execution(roadmap, staff, curator_a):
    m = measure(roadmap, "4.1")
    execution = Execution.objects.get(measure=m, school=curator_a.profile.school)
    items = list(m.occurrences.all())
    lines = occurrence_lines(m, curator_a, today=D(2021, 1, 15))
    assert [line.overdue for line in lines] == [True, True, False, False]
    assert len(lines[0].cells) == 1  # the curator sees only their school
    assert current_due(lines) == D(2020, 10, 27)
    for index, item in enumerate(items):
        row = services.report_occurrence(
            user=curator_a, occurrence=item, execution=execution,
            completed_on=D(2020, 10, 20), text=f"Отчёт {index}",
        )  # fmt: skip
        assert row.status == OccurrenceExecution.Status.SUBMITTED
        with pytest.raises(ValidationError):  # twice is refused
            services.report_occurrence(
                user=curator_a, occurrence=item, execution=execution,
                completed_on=D(2020, 10, 20), text="ещё",
            )  # fmt: skip
        execution.refresh_from_db()
        assert execution.status == Execution.Status.IN_PROGRESS
        services.review_occurrence(user=staff, row=row, accept=True)
        execution.refresh_from_db()
    assert execution.status == Execution.Status.ACCEPTED
    assert execution.completed_on == D(2020, 10, 20)
    assert not any(line.overdue for line in occurrence_lines(m, curator_a, D(2021, 6, 1)))


@pytest.mark.django_db
def test_returned_report_can_be_sent_again(roadmap, staff, curator_a, curator_b):
    m = measure(roadmap, "4.1")
    item = m.occurrences.first()
    mine = Execution.objects.get(measure=m, school=curator_a.profile.school)
    theirs = Execution.objects.get(measure=m, school=curator_b.profile.school)
    with pytest.raises(Exception) as refused:
        services.report_occurrence(
            user=curator_a, occurrence=item, execution=theirs,
            completed_on=D(2020, 10, 20), text="чужое",
        )  # fmt: skip
    assert refused.type.__name__ == "PermissionDenied"
    row = services.report_occurrence(
        user=curator_a, occurrence=item, execution=mine, completed_on=D(2020, 10, 20), text="x"
    )
    with pytest.raises(ValidationError):
        services.review_occurrence(user=staff, row=row, accept=False, comment="")
    services.review_occurrence(user=staff, row=row, accept=False, comment="Нет протокола")
    row = services.report_occurrence(
        user=curator_a, occurrence=item, execution=mine, completed_on=D(2020, 10, 21), text="y"
    )
    assert row.status == OccurrenceExecution.Status.SUBMITTED


@pytest.mark.django_db
def test_department_part_is_accepted_at_once(roadmap, staff):
    m = measure(roadmap, "2.8")  # the department's own
    execution = Execution.objects.get(measure=m, school__isnull=True)
    for item in m.occurrences.all():
        row = services.report_occurrence(
            user=staff, occurrence=item, execution=execution,
            completed_on=D(2020, 10, 20), text="Публикация",
        )  # fmt: skip
        assert row.status == OccurrenceExecution.Status.ACCEPTED
    execution.refresh_from_db()
    assert execution.status == Execution.Status.ACCEPTED


# --- schedules («в соответствии с графиком») ----------------------------------------------------


def xlsx_upload(rows, header=("Срок", "Что сделать", "Начало")) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("график.xlsx", buffer.getvalue())


@pytest.mark.django_db
def test_schedule_by_hand_is_tracked_and_overdue(roadmap, staff, curator_a):
    m = measure(roadmap, "2.10")
    assert m.deadline_kind == "schedule"
    assert m in undated_measures(roadmap)
    with pytest.raises(ValidationError) as outside:
        services.add_schedule_item(user=staff, measure=m, due_on=D(2021, 6, 30), title="Курсы")
    assert "вне периода" in str(outside.value)
    with pytest.raises(Exception) as refused:
        services.add_schedule_item(user=curator_a, measure=m, due_on=D(2020, 12, 1), title="x")
    assert refused.type.__name__ == "PermissionDenied"
    services.add_schedule_item(user=staff, measure=m, due_on=D(2020, 12, 15), title="Курсы ЧИПКРО")
    services.add_schedule_item(user=staff, measure=m, due_on=D(2021, 3, 1), title="Семинар")
    assert m not in undated_measures(roadmap)
    lines = occurrence_lines(m, staff, today=D(2021, 1, 10))
    assert [line.overdue for line in lines] == [True, False]
    board = build_dashboard(roadmap, Filters(), today=D(2021, 1, 10))
    state = next(s for s in board.measures if s.number == "2.10")
    assert state.dated and state.overdue and state.due_on == D(2020, 12, 15)


@pytest.mark.django_db
def test_schedule_import_all_or_nothing_with_row_and_column(roadmap, staff):
    m = measure(roadmap, "2.10")
    bad = xlsx_upload(
        [
            (dt.datetime(2020, 11, 10), "Курсы", None),
            ("31.02.2021", "Семинар", None),
            (dt.datetime(2022, 1, 10), "Поздно", None),
            (dt.datetime(2021, 2, 10), "", None),
        ]
    )
    with pytest.raises(ValidationError) as error:
        services.import_schedule(user=staff, measure=m, upload=bad)
    text = " ".join(error.value.messages)
    assert "Строка 3, столбец «Срок»" in text
    assert "Строка 4, столбец «Срок»: Срок вне периода" in text
    assert "Строка 5, столбец «Что сделать»" in text
    assert not m.occurrences.exists()
    good = xlsx_upload(
        [
            (dt.datetime(2020, 11, 10), "Курсы", dt.datetime(2020, 11, 2)),
            ("15.03.2021", "Семинар", None),
        ]
    )
    items = services.import_schedule(user=staff, measure=m, upload=good)
    assert [(i.due_on, i.title) for i in items] == [
        (D(2020, 11, 10), "Курсы"),
        (D(2021, 3, 15), "Семинар"),
    ]
    again = xlsx_upload([("15.03.2021", "Семинар", None)])
    with pytest.raises(ValidationError, match="уже есть в графике"):
        services.import_schedule(user=staff, measure=m, upload=again)


@pytest.mark.django_db
def test_schedule_pages(client, roadmap, staff, curator_a):
    m = measure(roadmap, "2.10")
    client.force_login(staff)
    template = client.get(reverse("roadmap:schedule_template", args=[m.pk]))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd")
    response = client.post(
        reverse("roadmap:schedule_import", args=[m.pk]),
        {"file": xlsx_upload([("31.02.2021", "Семинар", None)])},
    )
    assert response.status_code == 422
    assert "Строка 2, столбец «Срок»" in response.content.decode()
    response = client.post(
        reverse("roadmap:schedule_add", args=[m.pk]), {"due_on": "15.12.2020", "title": "Курсы"}
    )
    assert response.status_code == 302
    item = m.occurrences.get()
    client.force_login(curator_a)
    assert client.post(reverse("roadmap:schedule_delete", args=[item.pk])).status_code == 403
    client.force_login(staff)
    client.post(reverse("roadmap:schedule_delete", args=[item.pk]))
    assert not m.occurrences.exists()


@pytest.mark.django_db
def test_occurrence_report_and_review_pages(client, roadmap, staff, curator_a):
    m = measure(roadmap, "4.1")
    item = m.occurrences.first()
    execution = Execution.objects.get(measure=m, school=curator_a.profile.school)
    client.force_login(curator_a)
    url = reverse("roadmap:occurrence_report", args=[item.pk, execution.pk])
    assert client.post(url, {"text": "", "completed_on": "20.10.2020"}).status_code == 422
    assert client.post(url, {"text": "Сделано", "completed_on": "20.10.2020"}).status_code == 302
    row = OccurrenceExecution.objects.get()
    page = client.get(reverse("roadmap:measure", args=[m.pk])).content.decode()
    assert "на проверке" in page
    client.force_login(staff)
    review = reverse("roadmap:occurrence_review", args=[row.pk])
    assert client.post(review, {"decision": "accept"}).status_code == 302
    row.refresh_from_db()
    assert row.status == "accepted"


# --- without a deadline ------------------------------------------------------------------------


@pytest.mark.django_db
def test_undated_list_and_approval_warnings(client, roadmap, staff, head):
    numbers = [m.number for m in undated_measures(roadmap)]
    assert numbers == ["2.10", "3.1"]
    warnings = approval_warnings(roadmap)
    assert warnings == [
        "Мероприятие 2.10: график не заполнен: нет ни одного срока — оно не будет просрочено "
        "никогда.",
        "Мероприятие 3.1: срок не указан — оно не будет просрочено никогда.",
    ]
    client.force_login(head)
    page = client.get(reverse("roadmap:undated", args=[roadmap.pk])).content.decode()
    assert "Мероприятия без срока" in page and "Подготовка условий" in page


@pytest.mark.django_db
def test_my_measures_and_reminders_follow_occurrences(roadmap, staff, curator_a):
    """«Мои мероприятия» and the reminders date recurring work by its first occurrence this
    school has not had accepted — not by the period's end (31.05.2021 for 4.1)."""
    from roadmap.reminders import items_for
    from roadmap.selectors import my_executions

    roadmap.status = "approved"
    roadmap.save()
    m = measure(roadmap, "4.1")
    execution = Execution.objects.get(measure=m, school=curator_a.profile.school)

    def mine(day):
        return next(e for e in my_executions(curator_a, day) if e.pk == execution.pk)

    on_16_11 = mine(D(2020, 11, 16))
    assert (on_16_11.due_on, on_16_11.is_overdue, on_16_11.days_overdue) == (
        D(2020, 10, 27), True, 20,
    )  # fmt: skip
    reminded = {i.execution.pk: i for i in items_for(curator_a, D(2020, 11, 16))}
    assert reminded[execution.pk].due_on == D(2020, 10, 27)
    row = services.report_occurrence(
        user=curator_a, occurrence=m.occurrences.first(), execution=execution,
        completed_on=D(2020, 10, 20), text="Семинар",
    )  # fmt: skip
    services.review_occurrence(user=staff, row=row, accept=True)
    after = mine(D(2020, 11, 16))
    assert (after.due_on, after.is_overdue) == (D(2020, 12, 29), False)
    # the next occurrence is 43 days away: outside the reminder's window on 16.11 …
    assert execution.pk not in {i.execution.pk for i in items_for(curator_a, D(2020, 11, 16))}
    # … and inside it a week before
    soon = {i.execution.pk: i for i in items_for(curator_a, D(2020, 12, 24))}
    assert (soon[execution.pk].due_on, soon[execution.pk].days_left) == (D(2020, 12, 29), 5)
