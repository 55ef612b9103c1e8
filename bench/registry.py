"""Registry lists at 300 000 mentees, and importing 10 000 mentees from XLSX.

Prints median and 95th percentile page times with query counts, and the import's time.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, setup_django, timed
from bench.region import _next_link

MENTEES = 300_000
SCHOOLS = 50
IMPORT_ROWS = 10_000
REPEAT = 11


def populate():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    from core import roles
    from core.models import Municipality, Profile, School
    from registry.reference import ensure_mentoring_forms

    ensure_mentoring_forms()
    municipality = Municipality.objects.create(name="городской округ Тест")
    schools = School.objects.bulk_create(
        School(municipality=municipality, full_name=f"Школа № {n}", short_name=f"СОШ № {n}")
        for n in range(1, SCHOOLS + 1)
    )
    ids = [s.pk for s in schools]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO registry_mentee (municipality_id, school_id, last_name, first_name,
                patronymic, birth_date, phone, email, search_name, created_at, updated_at, kind,
                class_name, position)
            SELECT %s, (%s::bigint[])[1 + g %% %s], 'Фамилия' || g, 'Имя' || (g %% 97),
                'Отчество' || (g %% 13), date '2005-01-01' + (g %% 4000), '', '',
                upper('Фамилия' || g || ' Имя' || (g %% 97) || ' Отчество' || (g %% 13)),
                now(), now(), 'pupil', ((g %% 11) + 1) || 'А', ''
            FROM generate_series(1, %s) AS g
            """,
            [municipality.pk, ids, len(ids), MENTEES],
        )
        cursor.execute("ANALYZE registry_mentee")
    User = get_user_model()
    staff = User.objects.create_user("bench-staff", password="bench-password-1")
    staff.groups.add(Group.objects.get_or_create(name=roles.STAFF)[0])
    Profile.objects.create(user=staff, municipality=municipality)
    curator = User.objects.create_user("bench-curator", password="bench-password-1")
    curator.groups.add(Group.objects.get_or_create(name=roles.CURATOR)[0])
    Profile.objects.create(user=curator, municipality=municipality, school=schools[0])
    return staff, curator, schools


def count_queries(client, url) -> int:
    from django.db import connection

    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return count


def import_file(school_name: str) -> bytes:
    import datetime

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Наставляемые")
    sheet.append(["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Кто", "Класс"])
    for n in range(IMPORT_ROWS):
        sheet.append(
            [
                f"Загрузкин{n}",
                "Ислам",
                "Русланович",
                datetime.date(2008, 1, 1) + datetime.timedelta(days=n % 3000),
                school_name,
                "обучающийся",
                "8Б",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


NEXT_FROM_PAGE_200 = object()


def main() -> None:
    setup_django()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from registry.entities import ENTITIES

    drop = fresh_database()
    try:
        started = time.perf_counter()
        staff, curator, schools = populate()
        print(
            f"generated {MENTEES} mentees in {SCHOOLS} schools: "
            f"{time.perf_counter() - started:.1f} s"
        )
        pages = [
            ("staff: mentees, page 1", staff, "/registry/mentees/"),
            # The deepest page opened by number (core.paging: rows up to 10 000), then the
            # «Следующая» link from it (by key: as cheap from any depth).
            ("staff: mentees, page 200", staff, "/registry/mentees/?page=200"),
            ("staff: mentees, next by key", staff, NEXT_FROM_PAGE_200),
            ("staff: search «Фамилия12345»", staff, "/registry/mentees/?q=Фамилия12345"),
            (
                "staff: one school, by birth date",
                staff,
                f"/registry/mentees/?school={schools[7].pk}&o=-birth",
            ),
            ("staff: minors without consent", staff, "/registry/mentees/?consent=missing"),
            ("curator: own school", curator, "/registry/mentees/"),
        ]
        print(f"{'page':<36}{'median, ms':>12}{'p95, ms':>10}{'queries':>9}")
        for name, user, url in pages:
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            if url is NEXT_FROM_PAGE_200:
                url = _next_link("/registry/mentees/?page=200", client.get(pages[1][2]))
            queries = count_queries(client, url)
            figures = timed(lambda c=client, u=url: c.get(u), REPEAT)
            print(f"{name:<36}{figures['median_ms']:>12.1f}{figures['p95_ms']:>10.1f}{queries:>9}")

        content = import_file(schools[0].short_name)
        mentees = ENTITIES["mentees"]
        upload = SimpleUploadedFile("import.xlsx", content)
        started = time.perf_counter()
        plan = mentees.plan_file(curator, upload)
        checked = time.perf_counter()
        assert plan.ok, plan.errors[:3]
        created, updated = mentees.apply(plan)
        done = time.perf_counter()
        print(
            f"import of {IMPORT_ROWS} mentees: read and checked in {checked - started:.1f} s, "
            f"saved in {done - checked:.1f} s (created {created}, updated {updated})"
        )
        upload = SimpleUploadedFile("import.xlsx", content)
        started = time.perf_counter()
        plan = mentees.plan_file(curator, upload)
        mentees.apply(plan)
        print(
            f"the same file again: {time.perf_counter() - started:.1f} s, "
            f"created {len(plan.to_create)}, updated {len(plan.to_update)}"
        )
    finally:
        drop()


if __name__ == "__main__":
    main()
