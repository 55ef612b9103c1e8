"""The head's dashboard and the roadmap page at 50 and 500 participating schools.

Prints the median and 95th percentile response time and the query count of each page.
"""

from __future__ import annotations

import datetime
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, setup_django, timed

SIZES = (50, 500)
REPEAT = 15


def populate(schools: int):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core import roles
    from core.models import Profile, School
    from roadmap.models import Execution, Measure, Participation
    from roadmap.seed import load_seed
    from roadmap.services import sync_executions

    roadmap = load_seed().roadmap
    municipality = roadmap.municipality
    created = School.objects.bulk_create(
        School(municipality=municipality, full_name=f"Школа № {n}", short_name=f"СОШ № {n}")
        for n in range(1, schools + 1)
    )
    Participation.objects.bulk_create(Participation(roadmap=roadmap, school=s) for s in created)
    sync_executions(roadmap)
    rng = random.Random(1)
    statuses = [choice for choice, _ in Execution.Status.choices]
    executions = list(Execution.objects.filter(measure__section__roadmap=roadmap))
    for execution in executions:
        execution.status = rng.choice(statuses)
        if execution.status == Execution.Status.ACCEPTED:
            execution.completed_on = roadmap.period_start
    Execution.objects.bulk_update(executions, ["status", "completed_on"], batch_size=2000)
    # The history says all this happened when the period began, so "as of" has a past to show.
    moment = datetime.datetime.combine(roadmap.period_start, datetime.time(9), tzinfo=datetime.UTC)
    for model in (Measure, Execution):
        model.history.update(history_date=moment)
    head = get_user_model().objects.create_user("bench-head", password="bench-password-1")
    head.groups.add(Group.objects.get_or_create(name=roles.HEAD)[0])
    Profile.objects.create(user=head, municipality=municipality)
    return roadmap, head, len(executions)


def measure_page(client, url: str) -> tuple[dict, int]:
    from django.db import connection

    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    client.get(url)
    with connection.execute_wrapper(counter):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return timed(lambda: client.get(url), REPEAT), count


def main() -> None:
    setup_django()
    from django.test import Client
    from django.urls import reverse

    header = ("page", "schools", "executions", "median, ms", "p95, ms", "queries")
    print(
        f"{header[0]:<34}{header[1]:>8}{header[2]:>12}{header[3]:>12}{header[4]:>10}{header[5]:>9}"
    )
    for size in SIZES:
        drop = fresh_database()
        try:
            roadmap, head, executions = populate(size)
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(head)
            pages = [
                ("dashboard", reverse("roadmap:dashboard", args=[roadmap.pk])),
                (
                    "dashboard, overdue filter",
                    reverse("roadmap:dashboard", args=[roadmap.pk]) + "?status=overdue",
                ),
                (
                    "dashboard as of 01.12.2020",
                    reverse("roadmap:dashboard", args=[roadmap.pk]) + "?as_of=01.12.2020",
                ),
                ("roadmap page", reverse("roadmap:detail", args=[roadmap.pk])),
            ]
            for name, url in pages:
                figures, queries = measure_page(client, url)
                print(
                    f"{name:<34}{size:>8}{executions:>12}{figures['median_ms']:>12.1f}"
                    f"{figures['p95_ms']:>10.1f}{queries:>9}"
                )
        finally:
            drop()


if __name__ == "__main__":
    main()
