"""Two curators at once: real transactions on two connections, exactly one wins."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from registry import services
from registry.models import Mentee, Mentor, Pair, PairMentee

D = datetime.date


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_activations_of_one_mentee_end_in_one_active_pair(staff, registry_data):
    a = registry_data["a"]
    other = Mentor.objects.create(
        municipality=a["school"].municipality,
        last_name="Другой",
        first_name="Наставник",
        birth_date=D(1979, 1, 1),
        kind="teacher",
    )
    other.schools.add(a["school"])

    def activate(mentor):
        return lambda: services.save_pair(
            user=staff,
            programme=a["programme"],
            mentor=mentor,
            mentees=[a["minor"]],
            starts_on=D(2020, 11, 2),
            activate=True,
        )

    results = run_together(activate(a["mentor"]), activate(other))
    pairs = [r for r in results if isinstance(r, Pair)]
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(pairs) == 1 and len(refusals) == 1, results
    assert "действующей паре" in " ".join(refusals[0].messages)
    assert PairMentee.objects.filter(mentee=a["minor"], is_active=True).count() == 1
    assert Pair.objects.count() == 1  # the loser left nothing half-saved


@pytest.mark.django_db(transaction=True)
def test_the_same_person_entered_twice_at_once_is_one_record(staff, curator_a, registry_data):
    school = registry_data["a"]["school"]

    def enter():
        return services.save_mentee(
            user=curator_a,
            school=school,
            last_name="Одновременная",
            first_name="Мадина",
            patronymic="",
            birth_date=D(2011, 9, 9),
            phone="",
            email="",
        )

    results = run_together(enter, enter)
    created = [r for r in results if isinstance(r, Mentee)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 1 and len(refused) == 1, results
    assert Mentee.objects.filter(last_name="Одновременная").count() == 1
