import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from roadmap import reminders
from roadmap.models import Execution, ReminderDigest

pytestmark = pytest.mark.django_db
DAY = datetime.date(2020, 10, 26)  # October measures due in 5 days; none overdue yet


@pytest.fixture
def people(staff, curator_a, curator_b, head):
    for user in (staff, curator_a, curator_b, head):
        user.email = f"{user.username}@argun.example"
        user.save()
    return staff, curator_a, curator_b, head


def run(day=DAY) -> str:
    out = io.StringIO()
    call_command("send_deadline_reminders", "--date", day.strftime("%d.%m.%Y"), stdout=out)
    return out.getvalue()


def test_one_digest_per_person_and_nothing_new_on_a_second_run(roadmap, people):
    staff, curator_a, curator_b, _head = people
    first = run()
    assert "отправлено писем 3" in first
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        f"{u.username}@argun.example" for u in (staff, curator_a, curator_b)
    )
    second = run()
    assert "отправлено писем 0, уже отправлено ранее 3" in second
    assert len(mail.outbox) == 3
    assert ReminderDigest.objects.count() == 3
    run(DAY + datetime.timedelta(days=1))
    assert len(mail.outbox) == 6  # a new day, a new digest


def test_digest_lists_own_items_due_soon_and_overdue(roadmap, people, school_a, school_b):
    _, curator_a, _, _ = people
    done = Execution.objects.get(measure__number="1.2", school=school_a)
    done.status = Execution.Status.SUBMITTED
    done.save()
    run(datetime.date(2020, 11, 3))
    body = next(m.body for m in mail.outbox if m.to == [curator_a.email])
    assert "1.7. Разработка дорожных карт" in body
    assert "ПРОСРОЧЕНО (срок 31.10.2020)" in body
    assert "1.2. " not in body  # handed in: waiting for the department, not for the school
    assert "1.1. " not in body  # the department's own
    assert "2.4. " not in body  # April: not yet
    assert school_b.short_name not in body
    assert "/roadmaps/reminders/" in body


def test_the_same_items_appear_in_the_app(client, roadmap, people):
    _, curator_a, _, _ = people
    items = reminders.items_for(curator_a, DAY)
    assert items
    client.force_login(curator_a)
    html = client.get(reverse("roadmap:reminders")).content.decode()
    for item in reminders.items_for(curator_a, datetime.date.today()):
        assert f"{item.execution.measure.number}." in html


def test_people_without_email_are_skipped(roadmap, staff, curator_a):
    assert "отправлено писем 0" in run()
    assert mail.outbox == []


def test_bad_date_is_a_clear_error(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=r"ДД\.ММ\.ГГГГ"):
        call_command("send_deadline_reminders", "--date", "2020-13-45")
