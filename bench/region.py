"""Region and national scale (`manage.py generate_region`): the head's dashboard, the registry
lists, the monitoring dashboards of a municipality, of a school and of the whole region (the
municipalities compared), the records behind a figure and the regional summary.

    bench/region.py                      region: 30 municipalities × 50 schools, 300 000 mentees
    bench/region.py --national           ten times that: 300 × 50, 3 000 000 mentees
    bench/region.py --municipalities 60  a part of the national size (mentees in proportion)
    bench/region.py --both               the region and the nation side by side (`make bench`):
                                         the nation is measured when its database is kept in
                                         .pgdata-bench (from `make bench-national`) or with
                                         BENCH_NATIONAL=1 (generated and kept, ≈ 10 min on two
                                         cores); otherwise its column says how to get it
    bench/region.py --national --keep    keep the generated database (in .pgdata-bench) and
                                         reuse it on the next run
    bench/region.py --national --database NAME
                                         measure a database generated before, as it is

For each page: median and 95th percentile time over repeated requests (uncached: the test
settings turn the monitoring's cache off), the CPU a request costs this process and its
PostgreSQL backend, its query count, and the ratio of the page's time to its main query (the
slowest SQL it runs) executed directly. The monitoring reads the figures kept for the day
(`manage.py refresh_figures --on 31.01.2021`, run after the generation); the rows «day not
kept» ask for another day, read from the figures kept for every day as steps (the same
command keeps them).
"""

from __future__ import annotations

import argparse
import html
import io
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, setup_django, timed

REPEAT = 11
PASSWORD = "Нагрузка-Пароль-2026"
DAY = "31.01.2021"
NOT_KEPT = "01.02.2021"
REGION = (30, 50, 300_000)  # municipalities, schools in each, mentees in total
NATIONAL = (300, 50, 3_000_000)
NATIONAL_REPEAT = 5


def main_query(client, url):
    """The page's queries; returns (count, the slowest read among them, as executed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    reads = [
        (float(q["time"]), _select(q["sql"]))
        for q in captured.captured_queries
        if _select(q["sql"]).lstrip().upper().startswith(("SELECT", "WITH"))
    ]
    return len(captured.captured_queries), max(reads)[1]


def _select(sql: str) -> str:
    """The SELECT of a server-side cursor's DECLARE (a template iterating a queryset)."""
    return re.sub(r"^DECLARE .*? CURSOR WITH(OUT)? HOLD FOR ", "", sql.strip(), flags=re.S)


def raw(sql: str, repeat: int) -> dict[str, float]:
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            if cursor.description is not None:
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
    parser.add_argument(
        "--both", action="store_true", help="the region and the nation side by side"
    )
    parser.add_argument("--municipalities", type=int, help="municipalities (mentees in proportion)")
    parser.add_argument("--keep", action="store_true", help="keep and reuse the database")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="requests per page (11)")
    parser.add_argument(
        "--national-repeat",
        type=int,
        default=NATIONAL_REPEAT,
        help="requests per page at national size with --both (5)",
    )
    parser.add_argument(
        "--database", help="an existing database holding a generated region, used as it is"
    )
    args = parser.parse_args()
    if args.both:
        sizes = [Size("region", *REGION, args.repeat), Size("national", *NATIONAL, 0)]
        sizes[1].repeat = args.national_repeat
        return args, sizes
    municipalities, schools, mentees = NATIONAL if args.national else REGION
    if args.municipalities:
        mentees = mentees * args.municipalities // municipalities
        municipalities = args.municipalities
    label = "national" if args.national and not args.municipalities else "region"
    if args.municipalities:
        label = f"{municipalities} municip."
    return args, [Size(label, municipalities, schools, mentees, args.repeat)]


class Size:
    def __init__(self, label, municipalities, schools, mentees, repeat):
        self.label, self.repeat = label, repeat
        self.municipalities, self.schools, self.mentees = municipalities, schools, mentees

    @property
    def database(self) -> str:
        return f"bench_region_{self.municipalities}_{self.schools}_{self.mentees}"

    def __str__(self) -> str:
        mentees = f"{self.mentees:,}".replace(",", " ")
        return f"{self.municipalities} × {self.schools}, {mentees} mentees"


def _exists(name: str) -> bool:
    """Whether the bench's PostgreSQL holds the database (asked of its maintenance database:
    on a fresh machine nothing else is there yet)."""
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def main() -> None:
    args, sizes = arguments()
    setup_django()
    results: dict[str, Measured | str] = {}
    for size in sizes:
        if not args.both:
            results[size.label] = run_size(size, keep=args.keep, database=args.database)
            continue
        # Side by side: a size kept from an earlier run is reused; the region is generated
        # otherwise (dropped at the end unless --keep), the nation only when asked for.
        kept = _exists(size.database)
        if size.label == "national" and not kept and not os.environ.get("BENCH_NATIONAL"):
            results[size.label] = (
                "not measured: make bench-national (generates the nation once, ≈ 10 min on "
                "two cores, and keeps it in .pgdata-bench: every make bench measures it then)"
            )
            continue
        keep = kept or args.keep or size.label == "national"
        results[size.label] = run_size(size, keep=keep, database=None)
    print_table(sizes, results)


def run_size(size: Size, *, keep: bool, database: str | None) -> Measured:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    drop = None
    if database:
        connection.close()
        connection.settings_dict["NAME"] = database
        generated = True
    elif keep:
        generated = kept_database(size.database)
    else:
        drop, generated = fresh_database(), False
    try:
        if generated:
            print(f"generate_region ({size}): reused database {connection.settings_dict['NAME']}")
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend = cursor.fetchone()[0]
            started, cpu = time.perf_counter(), time.process_time()
            backend_cpu = _backend_cpu(backend)
            call_command(
                "generate_region",
                municipalities=size.municipalities,
                schools=size.schools,
                mentees=size.mentees,
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
        return measure(Client, get_user_model(), size)
    finally:
        if drop is not None:
            drop()
        else:
            connection.close()


@dataclass
class Row:
    name: str
    median: float
    p95: float
    cpu: float
    queries: int
    main_sql: float
    ratio: float


@dataclass
class Measured:
    size: str
    repeat: int
    rows: list[Row]
    load: tuple[float, float]  # load average before and after


def measure(Client, User, size: Size) -> Measured:
    repeat = size.repeat
    users = User.objects
    head, staff = users.get(username="mo01-head"), users.get(username="mo01-staff")
    curator, region = users.get(username="mo01-s001"), users.get(username="region")
    roadmap_client = Client(HTTP_HOST="127.0.0.1")
    roadmap_client.force_login(head)
    dashboard_url = roadmap_client.get("/roadmaps/dashboard/").url
    behind = "/monitoring/indicators"
    pages = [
        ("head: roadmap dashboard", head, dashboard_url, repeat),
        ("head: roadmap page (home)", head, dashboard_url.replace("dashboard/", ""), repeat),
        ("head: monitoring dashboard", head, f"/monitoring/?on={DAY}", repeat),
        ("region: monitoring, all municip.", region, f"/monitoring/?on={DAY}", repeat),
        ("region: compare by mentees", region, f"/monitoring/?on={DAY}&compare=mentees", repeat),
        ("region: one municipality", region, f"/monitoring/?on={DAY}&municipality=", repeat),
        ("region: regional summary", region, "/monitoring/region/", repeat),
        ("region: monitoring, day not kept", region, f"/monitoring/?on={NOT_KEPT}", repeat),
        ("head: monitoring, day not kept", head, f"/monitoring/?on={NOT_KEPT}", repeat),
        ("curator: monitoring, day not kept", curator, f"/monitoring/?on={NOT_KEPT}", repeat),
        ("head: mentees behind figure, p. 1", head, f"{behind}/mentees/?on={DAY}", repeat),
        ("head: mentees behind, p. 100", head, f"{behind}/mentees/?on={DAY}&page=100", repeat),
        ("head: mentees behind, next by key", head, f"{behind}/mentees/?on={DAY}&page=100", -1),
        ("head: pupils 10+ behind, p. 1", head, f"{behind}/pupils_10_plus/?on={DAY}", repeat),
        ("head: mentees behind, day not kept", head, f"{behind}/mentees/?on={NOT_KEPT}", repeat),
        ("staff: mentees, page 1", staff, "/registry/mentees/", repeat),
        ("staff: mentees, page 150", staff, "/registry/mentees/?page=150", repeat),
        ("staff: mentees, next by key", staff, "/registry/mentees/?page=150", -1),
        ("staff: search by name start", staff, "/registry/mentees/?q=АБ", repeat),
        ("staff: pairs", staff, "/registry/pairs/", repeat),
        ("curator: own mentees", curator, "/registry/mentees/", repeat),
        ("curator: own monitoring", curator, f"/monitoring/?on={DAY}", repeat),
        ("curator: my measures", curator, "/roadmaps/my/", repeat),
        ("head: monitoring periods", head, "/monitoring/periods/", repeat),
        ("staff: review queue", staff, "/roadmaps/review/", repeat),
    ]
    first = head.profile.municipality_id
    load_before = os.getloadavg()[0]
    rows = []
    for name, user, url, times in pages:
        if url.endswith("municipality="):
            url += str(first)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        response = client.get(url)  # warm
        if times == -1:  # the page's «Следующая» link: by key from where the row above was
            url = _next_link(url, response)
            times = repeat
            if url is None:
                continue
            client.get(url)
        count, sql = main_query(client, url)
        page = timed(lambda c=client, u=url: c.get(u), times)
        cpu = cpu_per_request(lambda c=client, u=url: c.get(u), times)
        query = raw(sql, times)
        ratio = page["median_ms"] / max(query["median_ms"], 0.01)
        rows.append(
            Row(
                name,
                page["median_ms"],
                page["p95_ms"],
                cpu,
                count,
                query["median_ms"],
                ratio,
            )
        )
        print(f"  {size.label}: {name} {page['median_ms']:.0f} ms", file=sys.stderr)
    return Measured(str(size), repeat, rows, (load_before, os.getloadavg()[0]))


def _next_link(url: str, response) -> str | None:
    """The page's «Следующая» link (None on a page without one)."""
    found = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
    if found is None:
        return None
    return url.partition("?")[0] + html.unescape(found.group(1))


CELLS = f"{'median':>8}{'p95':>8}{'CPU':>7}{'queries':>8}{'main SQL':>9}{'ratio':>7}"


def _cells(row: Row | None) -> str:
    if row is None:
        return f"{'—':>8}{'':>8}{'':>7}{'':>8}{'':>9}{'':>7}"
    return (
        f"{row.median:>6.0f}ms{row.p95:>6.0f}ms{row.cpu:>5.0f}ms{row.queries:>8}"
        f"{row.main_sql:>7.1f}ms{row.ratio:>7.1f}"
    )


def print_table(sizes: list[Size], results: dict) -> None:
    """One line per page, each size's figures side by side."""
    width = len(CELLS)
    names: list[str] = []
    for result in results.values():
        if isinstance(result, Measured):
            names += [r.name for r in result.rows if r.name not in names]
    heads = [f"{s.label}: {s}"[:width].center(width) for s in sizes]
    print()
    print(f"{'':<36}" + " | ".join(heads))
    print(f"{'page':<36}" + " | ".join(CELLS for _ in sizes))
    print("-" * (36 + (width + 3) * len(sizes) - 3))
    for name in names:
        cells = []
        for size in sizes:
            result = results[size.label]
            if not isinstance(result, Measured):
                cells.append(f"{'not measured: make bench-national':^{width}}")
                continue
            cells.append(_cells(next((r for r in result.rows if r.name == name), None)))
        print(f"{name[:35]:<36}" + " | ".join(cells))
    print("(ms; CPU: this process and its PostgreSQL backend per request — the wall time also")
    print(" waits for a core; main SQL: the page's slowest query run alone; ratio: median / it)")
    for size in sizes:
        result = results[size.label]
        if not isinstance(result, Measured):
            print(f"{size.label}: {result}")
            continue
        ratios = [r.ratio for r in result.rows]
        worst = max(result.rows, key=lambda r: r.p95)
        print(
            f"{size.label} ({result.size}, {result.repeat} requests a page): median ratio "
            f"{statistics.median(ratios):.1f}; slowest p95 {worst.p95:.0f} ms "
            f"({worst.name}); load average {result.load[0]:.1f} → {result.load[1]:.1f} on "
            f"{os.cpu_count()} cores"
        )


if __name__ == "__main__":
    main()
