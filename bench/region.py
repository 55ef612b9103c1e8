"""Region and national scale (`manage.py generate_region`): the head's dashboard, the registry
lists, the monitoring dashboards of a municipality, of a school and of the whole region (the
municipalities compared), the records behind a figure and the regional summary.

    bench/region.py                      region: 30 municipalities × 50 schools, 300 000 mentees
    bench/region.py --national           ten times that: 300 × 50, 3 000 000 mentees
    bench/region.py --municipalities 60  a part of the national size (mentees in proportion)
    bench/region.py --national --keep    keep the generated database (in .pgdata-bench) and
                                         reuse it on the next run
    bench/region.py --national --database NAME
                                         measure a database generated before, as it is

For each page: median and 95th percentile time over repeated requests (uncached: the test
settings turn the monitoring's cache off), its query count, and the ratio of the page's time
to its main query (the slowest SQL it runs) executed directly. The monitoring reads the figures
kept for the day (`manage.py refresh_figures --on 31.01.2021`, run after the generation); one
row shows the region's dashboard on a day not kept, counted live.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, setup_django, timed

REPEAT = 11
PASSWORD = "Нагрузка-Пароль-2026"
DAY = "31.01.2021"
NOT_KEPT = "01.02.2021"
REGION = (30, 50, 300_000)  # municipalities, schools in each, mentees in total
NATIONAL = (300, 50, 3_000_000)


def main_query(client, url):
    """The page's queries; returns (count, the slowest SQL as executed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    return len(captured.captured_queries), slowest["sql"]


def raw(sql: str, repeat: int) -> dict[str, float]:
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()

    return timed(run, repeat)


TICK = os.sysconf("SC_CLK_TCK")


def _backend_cpu(pid: int) -> float:
    """CPU seconds of a PostgreSQL backend (from /proc; 0 where /proc is not readable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def cpu_per_request(call, repeat: int) -> float:
    """Mean CPU milliseconds a request costs this process and its PostgreSQL backend: on a
    shared machine the wall time also counts the time spent waiting for a core."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    started, backend_started = time.process_time(), _backend_cpu(backend)
    for _ in range(repeat):
        call()
    spent = time.process_time() - started + _backend_cpu(backend) - backend_started
    return spent / repeat * 1000


def kept_database(name: str):
    """The database ``name`` in the bench's PostgreSQL, created and migrated when missing and
    never dropped; returns whether a region is already in it."""
    from django.db import connection

    from core.models import Municipality

    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=True)
    return Municipality.objects.exists()


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national", action="store_true", help="300 × 50, 3 000 000 mentees")
    parser.add_argument("--municipalities", type=int, help="municipalities (mentees in proportion)")
    parser.add_argument("--keep", action="store_true", help="keep and reuse the database")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="requests per page (11)")
    parser.add_argument(
        "--database", help="an existing database holding a generated region, used as it is"
    )
    args = parser.parse_args()
    municipalities, schools, mentees = NATIONAL if args.national else REGION
    if args.municipalities:
        mentees = mentees * args.municipalities // municipalities
        municipalities = args.municipalities
    return args, municipalities, schools, mentees


def main() -> None:
    args, municipalities, schools, mentees = arguments()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    size = f"{municipalities} × {schools}, {mentees:,} mentees".replace(",", " ")
    name = f"bench_region_{municipalities}_{schools}_{mentees}"
    drop = None
    if args.database:
        from django.db import connection

        connection.close()
        connection.settings_dict["NAME"] = name = args.database
        generated = True
    elif args.keep:
        generated = kept_database(name)
    else:
        drop, generated = fresh_database(), False
    try:
        if generated:
            print(f"generate_region ({size}): reused database {name}")
        else:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend = cursor.fetchone()[0]
            started, cpu = time.perf_counter(), time.process_time()
            backend_cpu = _backend_cpu(backend)
            call_command(
                "generate_region",
                municipalities=municipalities,
                schools=schools,
                mentees=mentees,
                password=PASSWORD,
                stdout=io.StringIO(),
            )
            wall = time.perf_counter() - started
            cpu = time.process_time() - cpu + _backend_cpu(backend) - backend_cpu
            print(
                f"generate_region ({size}): {wall:.1f} s, CPU {cpu:.1f} s (Python and its "
                f"PostgreSQL backend; load average {os.getloadavg()[0]:.1f})"
            )
        started = time.perf_counter()
        call_command("refresh_figures", on=[DAY], keep_days=0, stdout=io.StringIO())
        print(f"refresh_figures --on {DAY}: {time.perf_counter() - started:.1f} s")
        measure(Client, get_user_model(), municipalities, args.repeat)
    finally:
        if drop is not None:
            drop()


def measure(Client, User, municipalities: int, repeat: int = REPEAT) -> None:
    users = User.objects
    head, staff = users.get(username="mo01-head"), users.get(username="mo01-staff")
    curator, region = users.get(username="mo01-s001"), users.get(username="region")
    roadmap_client = Client(HTTP_HOST="127.0.0.1")
    roadmap_client.force_login(head)
    dashboard_url = roadmap_client.get("/roadmaps/dashboard/").url
    behind = "/monitoring/indicators"
    live = 3 if municipalities <= REGION[0] else 1
    pages = [
        ("head: roadmap dashboard", head, dashboard_url, repeat),
        ("head: roadmap page (home)", head, dashboard_url.replace("dashboard/", ""), repeat),
        ("head: monitoring dashboard", head, f"/monitoring/?on={DAY}", repeat),
        (
            f"region: monitoring, {municipalities} municip.",
            region,
            f"/monitoring/?on={DAY}",
            repeat,
        ),
        (
            "region: compare by mentees",
            region,
            f"/monitoring/?on={DAY}&compare=mentees",
            repeat,
        ),
        ("region: one municipality", region, f"/monitoring/?on={DAY}&municipality=", repeat),
        ("region: regional summary", region, "/monitoring/region/", repeat),
        # Counted live: seconds at national size, so measured once there.
        ("region: monitoring, day not kept", region, f"/monitoring/?on={NOT_KEPT}", live),
        ("head: mentees behind figure, p. 1", head, f"{behind}/mentees/?on={DAY}", repeat),
        ("head: mentees behind, p. 100", head, f"{behind}/mentees/?on={DAY}&page=100", repeat),
        ("head: pupils 10+ behind, p. 1", head, f"{behind}/pupils_10_plus/?on={DAY}", repeat),
        ("staff: mentees, page 1", staff, "/registry/mentees/", repeat),
        ("staff: mentees, page 150", staff, "/registry/mentees/?page=150", repeat),
        ("staff: search by name start", staff, "/registry/mentees/?q=АБ", repeat),
        ("staff: pairs", staff, "/registry/pairs/", repeat),
        ("curator: own mentees", curator, "/registry/mentees/", repeat),
        ("curator: own monitoring", curator, f"/monitoring/?on={DAY}", repeat),
        ("curator: my measures", curator, "/roadmaps/my/", repeat),
        ("head: monitoring periods", head, "/monitoring/periods/", repeat),
        ("staff: review queue", staff, "/roadmaps/review/", repeat),
    ]
    first = head.profile.municipality_id
    header = (
        f"{'page':<40}{'median':>9}{'p95':>9}{'CPU':>8}{'queries':>9}{'main SQL':>10}{'ratio':>7}"
    )
    print(header)
    print("-" * len(header))
    ratios, p95s = [], []
    for name, user, url, times in pages:
        if url.endswith("municipality="):
            url += str(first)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        client.get(url)  # warm
        count, sql = main_query(client, url)
        page = timed(lambda c=client, u=url: c.get(u), times)
        cpu = cpu_per_request(lambda c=client, u=url: c.get(u), times)
        query = raw(sql, times)
        ratio = page["median_ms"] / max(query["median_ms"], 0.01)
        ratios.append(ratio)
        if times == repeat:
            p95s.append((page["p95_ms"], name))
        print(
            f"{name:<40}{page['median_ms']:>7.0f}ms{page['p95_ms']:>7.0f}ms{cpu:>6.0f}ms{count:>9}"
            f"{query['median_ms']:>8.1f}ms{ratio:>7.1f}"
        )
    print(f"median ratio page / main query: {statistics.median(ratios):.1f}")
    worst, worst_name = max(p95s)
    print(
        f"slowest p95 (days kept): {worst:.0f} ms ({worst_name}); load average: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores. CPU: this process and its "
        "PostgreSQL backend per request (the wall time also waits for a core)"
    )


if __name__ == "__main__":
    main()
