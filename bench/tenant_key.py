"""What the tenant key (the municipality) costs or saves on today's main queries.

Run by hand, not by ``make bench`` (docs/scaling.md has the figures it printed)::

    .venv/bin/python bench/tenant_key.py [--keep] [--repeat 9] [--municipalities 30 …]

1. A region (``generate_region``, by default 30 municipalities × 50 schools, 300 000 mentees)
   in the bench's embedded PostgreSQL (``.pgdata-bench``), database ``tenant_key_bench``; with
   ``--keep`` it stays for the next run, which then skips the generation.
2. The main queries of the pages, captured as the pages run them (the test client, as the head
   and the staff of МО-01 and the regional coordinator): the monitoring counts of one
   municipality and of the region, the records behind a figure (count and page), the review
   queue, the registry list (count and page), the executions of the head's dashboard.
3. A scratch copy of the database (``CREATE DATABASE … TEMPLATE``) where ``municipality_id`` is
   added to the tables that reach the municipality only through joins (programme, pair,
   pair–mentee; section, measure, execution, report), filled from the joins, indexed first
   by it, and the tables compacted (``VACUUM FULL ANALYZE``) in both databases.
4. Each query in up to three forms, ``EXPLAIN (ANALYZE, BUFFERS, TIMING OFF)`` ``--repeat``
   times after a warm-up, the median kept:

   - **today** — as the page sends it, on today's schema;
   - **+ key** — today's schema, with ``municipality_id = X`` added on the tables that have
     it (the mentee, the roadmap) or the scope's sub-select replaced by it;
   - **denormalised** — the scratch copy, ``municipality_id = X`` on every table of the
     query, as a Citus router query would need it (the scope by schools kept);
   - **today, wider rows** — today's query on the scratch copy: what the extra column alone
     costs.

Prints a Markdown table (execution and planning time, shared buffers touched, how each table is
read) and the tables' sizes before and after.
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django

DATABASE = "tenant_key_bench"
SCRATCH = "tenant_key_scratch"
DAY = "31.01.2021"
PASSWORD = "Нагрузка-Пароль-2026"

# The tables that reach the municipality only through joins: the column added, how it is
# filled, the index that leads with it.
DENORMALISED = [
    (
        "registry_programme",
        "UPDATE registry_programme t SET municipality_id = s.municipality_id "
        "FROM registry_school s WHERE s.id = t.school_id",
        "(municipality_id, school_id)",
    ),
    (
        "registry_pair",
        "UPDATE registry_pair t SET municipality_id = pr.municipality_id "
        "FROM registry_programme pr WHERE pr.id = t.programme_id",
        "(municipality_id, programme_id)",
    ),
    (
        "registry_pairmentee",
        "UPDATE registry_pairmentee t SET municipality_id = p.municipality_id "
        "FROM registry_pair p WHERE p.id = t.pair_id",
        "(municipality_id, pair_id)",
    ),
    (
        "roadmap_section",
        "UPDATE roadmap_section t SET municipality_id = r.municipality_id "
        "FROM roadmap_roadmap r WHERE r.id = t.roadmap_id",
        "(municipality_id, roadmap_id)",
    ),
    (
        "roadmap_measure",
        "UPDATE roadmap_measure t SET municipality_id = s.municipality_id "
        "FROM roadmap_section s WHERE s.id = t.section_id",
        "(municipality_id, section_id)",
    ),
    (
        "roadmap_execution",
        "UPDATE roadmap_execution t SET municipality_id = m.municipality_id "
        "FROM roadmap_measure m WHERE m.id = t.measure_id",
        "(municipality_id, measure_id)",
    ),
]
# The tables that carry the key already: the mentee, the roadmap, the report (roadmap 0012).
MEASURED_TABLES = [name for name, _, _ in DENORMALISED] + [
    "registry_mentee",
    "roadmap_roadmap",
    "roadmap_report",
]


@dataclass
class Query:
    name: str
    today: str
    with_key: str | None  # None: today's schema has nothing to add
    denormalised: str | None  # None: the tables already carry the key


def once(sql: str | None, old: str, new: str) -> str | None:
    """``sql`` with ``old`` replaced by ``new``, exactly once. Where the page's SQL has changed
    since this bench was written, the form is not measured (None), and the bench says so
    rather than measure something else."""
    if sql is None:
        return None
    found = sql.count(old)
    if found != 1:
        print(f"not measured: expected one «{old[:60]}» in the query, found {found}", flush=True)
        return None
    return sql.replace(old, new)


def undeclared(sql: str) -> str:
    """The SELECT of a server-side cursor's DECLARE."""
    return re.sub(r"^DECLARE .*? CURSOR WITH(OUT)? HOLD FOR ", "", sql.strip(), flags=re.S)


def page_queries(user, url: str) -> list[str]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [undeclared(q["sql"]) for q in captured.captured_queries]


def pick(queries: list[str], *needles: str, outer: bool = False) -> str | None:
    """The one query holding every needle; with ``outer``, the longest of them (a page of a
    list reads its keys, then its rows with the keys as a sub-select: both match)."""
    found = [q for q in queries if all(n in q for n in needles)]
    if outer and found:
        found = [max(found, key=len)]
    if len(found) != 1:
        print(f"not measured: expected one query with {needles}, found {len(found)}", flush=True)
        return None
    return found[0]


def capture() -> tuple[list[Query], int, list[int]]:
    """The pages' main queries, in their three forms; МО-01's id and the region's ids."""
    from django.contrib.auth import get_user_model

    from core.models import Municipality

    users = get_user_model().objects
    head, staff = users.get(username="mo01-head"), users.get(username="mo01-staff")
    region = users.get(username="region")
    x = head.profile.municipality_id
    everyone = sorted(Municipality.objects.values_list("pk", flat=True))
    key = f"municipality_id = {x}"
    region_key = f"municipality_id = ANY(ARRAY{everyone})"

    def counts(sql: str, predicate: str) -> tuple[str, str]:
        with_key = once(sql, "WHERE pr.school_id", f"WHERE me.{predicate} AND pr.school_id")
        every = " AND ".join(f"{t}.{predicate}" for t in ("pm", "p", "pr", "me"))
        return with_key, once(sql, "WHERE pr.school_id", f"WHERE {every} AND pr.school_id")

    queries = []
    monitoring = page_queries(head, f"/monitoring/?on={DAY}")
    sql = pick(monitoring, "FROM registry_pairmentee pm")
    queries.append(Query("monitoring counts, МО-01 (50 ОО)", sql, *counts(sql, key)))
    regional = page_queries(region, f"/monitoring/?on={DAY}")
    sql = pick(regional, "FROM registry_pairmentee pm")
    queries.append(Query("monitoring counts, region (30 МО)", sql, *counts(sql, region_key)))

    records = page_queries(head, f"/monitoring/indicators/mentees/?on={DAY}")
    # The number of records comes from the figures kept for the day (no count query) where
    # the day is kept; the page's rows are read by their keys first (core.paging).
    counted = [q for q in records if "COUNT(*)" in q and "registry_pairmentee" in q]
    behind = [("records behind a figure: count", counted[0])] if counted else []
    behind.append(
        ("records behind a figure: page", pick(records, "LIMIT", "registry_pairmentee", outer=True))
    )
    for label, sql in behind:
        with_key = once(
            sql,
            'WHERE "registry_mentee"."id" IN (',
            f'WHERE "registry_mentee"."municipality_id" = {x} AND "registry_mentee"."id" IN (',
        )
        inner = once(
            with_key, 'V0."pair_id" IN (', f'V0."municipality_id" = {x} AND V0."pair_id" IN ('
        )
        inner = once(
            inner,
            'WHERE (U0."starts_on"',
            f'WHERE (U0."municipality_id" = {x} AND U1."municipality_id" = {x} AND U0."starts_on"',
        )
        queries.append(Query(label, sql, with_key, inner))

    review = page_queries(staff, "/roadmaps/review/")
    sql = pick(review, 'FROM "roadmap_report"', "LIMIT", outer=True)
    if sql is not None and '"roadmap_report"."municipality_id"' in sql:
        # Keyed since the report carries its municipality (roadmap migration 0012): the
        # query today is the keyed one.
        queries.append(Query("review queue (report keyed)", sql, None, None))
        sql = None
    pending = """AND "roadmap_report"."decision" = 'pending'"""
    if sql is not None:
        with_key = once(sql, pending, f'AND "roadmap_roadmap"."municipality_id" = {x} {pending}')
        scope = re.search(
            r'"roadmap_report"\."execution_id" IN \(SELECT V0\."id" .*?= \d+\)\)', sql
        )
        if scope is None:
            raise SystemExit(f"the review queue's scope has changed:\n{sql[:500]}")
        denormalised = sql.replace(
            scope.group(0),
            f'"roadmap_report"."municipality_id" = {x} AND '
            f'"roadmap_execution"."municipality_id" = {x}',
        )
        queries.append(Query("review queue", sql, with_key, denormalised))

    registry = page_queries(staff, "/registry/mentees/")
    scope = f'"registry_mentee"."municipality_id" IN (SELECT U0."id" FROM "registry_municipality" U0 WHERE U0."id" = {x})'  # noqa: E501
    for label, sql in (
        ("registry list: count", pick(registry, "COUNT(*)", 'FROM "registry_mentee"')),
        ("registry list: page", pick(registry, 'FROM "registry_mentee"', "LIMIT", outer=True)),
    ):
        with_key = once(sql, scope, f'"registry_mentee"."municipality_id" = {x}')
        queries.append(Query(label, sql, with_key, None))

    dashboard_url = _dashboard_url(head)
    dashboard = page_queries(head, dashboard_url)
    sql = pick(dashboard, 'FROM "roadmap_execution"', '"roadmap_section"."roadmap_id" =')
    found = sql and re.search(r'WHERE "roadmap_section"\."roadmap_id" = \d+', sql)
    if found:
        roadmap = found.group(0)
        every = " AND ".join(
            f'"{t}"."municipality_id" = {x}'
            for t in ("roadmap_execution", "roadmap_measure", "roadmap_section")
        )
        denormalised = once(sql, roadmap, f"WHERE {every} AND {roadmap.removeprefix('WHERE ')}")
        queries.append(Query("roadmap dashboard: executions", sql, None, denormalised))
    return queries, x, everyone


def _dashboard_url(head) -> str:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(head)
    return client.get("/roadmaps/dashboard/").url


# --- the databases -------------------------------------------------------------------------------


def admin_connection():
    import psycopg2
    from django.db import connection

    params = connection.settings_dict
    admin = psycopg2.connect(
        host=params["HOST"],
        port=params["PORT"] or None,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname="postgres",
    )
    admin.autocommit = True
    return admin


def connect(name: str):
    import psycopg2
    from django.db import connection

    params = connection.settings_dict
    conn = psycopg2.connect(
        host=params["HOST"],
        port=params["PORT"] or None,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname=name,
    )
    conn.autocommit = True
    return conn


def ensure_region(args) -> None:
    """``tenant_key_bench`` with a region in it: generated now, or kept from a run before."""
    from django.core.management import call_command
    from django.db import connection

    admin = admin_connection()
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        exists = cursor.fetchone() is not None
        if exists:
            conn = connect(DATABASE)
            with conn.cursor() as c:
                c.execute("SELECT to_regclass('registry_municipality') IS NOT NULL")
                ready = c.fetchone()[0]
                if ready:
                    c.execute("SELECT count(*) FROM registry_municipality")
                    ready = c.fetchone()[0] > 0
            conn.close()
            if ready:
                print(f"the region kept in {DATABASE} from a run before (--keep)")
                connection.settings_dict["NAME"] = DATABASE
                return
            cursor.execute(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    admin.close()
    connection.close()
    connection.settings_dict["NAME"] = DATABASE
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command(
        "generate_region",
        municipalities=args.municipalities,
        schools=args.schools,
        mentees=args.mentees,
        password=PASSWORD,
        stdout=io.StringIO(),
    )
    print(f"generate_region: {time.perf_counter() - started:.0f} s")


def sizes(conn) -> dict[str, tuple[int, int]]:
    """Each measured table's rows and total size (with indexes and TOAST), in bytes."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint, pg_total_relation_size(oid) FROM pg_class "
            "WHERE relname = ANY(%s) AND relkind = 'r'",
            [MEASURED_TABLES],
        )
        return {name: (rows, size) for name, rows, size in cursor.fetchall()}


def make_scratch() -> float:
    """The scratch copy with the key on every table; returns the seconds it took."""
    from django.db import connection

    connection.close()
    started = time.perf_counter()
    admin = admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{SCRATCH}" TEMPLATE "{DATABASE}"')
    admin.close()
    scratch = connect(SCRATCH)
    with scratch.cursor() as cursor:
        for table, fill, index in DENORMALISED:
            cursor.execute(f"ALTER TABLE {table} ADD COLUMN municipality_id bigint")
            cursor.execute(fill)
            cursor.execute(f"ALTER TABLE {table} ALTER COLUMN municipality_id SET NOT NULL")
            cursor.execute(f"CREATE INDEX ON {table} {index}")
        cursor.execute(f"VACUUM FULL ANALYZE {', '.join(MEASURED_TABLES)}")
        cursor.execute("ANALYZE")
    scratch.close()
    return time.perf_counter() - started


def compact(name: str) -> None:
    conn = connect(name)
    with conn.cursor() as cursor:
        cursor.execute(f"VACUUM FULL ANALYZE {', '.join(MEASURED_TABLES)}")
        cursor.execute("ANALYZE")
    conn.close()


# --- measuring -----------------------------------------------------------------------------------


@dataclass
class Measured:
    execution_ms: float  # the median
    fastest_ms: float  # the fastest run: what the query costs when nothing else runs
    planning_ms: float
    buffers: int
    reads: str


def scans(plan: dict, found: dict[str, str]) -> dict[str, str]:
    table = plan.get("Relation Name")
    if table:
        kind = {
            "Seq Scan": "seq",
            "Index Scan": "index",
            "Index Only Scan": "index only",
            "Bitmap Heap Scan": "bitmap",
        }.get(plan["Node Type"], plan["Node Type"])
        short = table.split("_", 1)[1]
        if short not in found or kind != found[short]:
            found[short] = f"{found[short]}+{kind}" if short in found else kind
    for child in plan.get("Plans", []):
        scans(child, found)
    return found


def measure(conn, sql: str, repeat: int) -> Measured:
    with conn.cursor() as cursor:
        cursor.execute(sql)  # warm-up
        cursor.fetchall()
        runs = []
        for _ in range(repeat):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) {sql}")
            runs.append(cursor.fetchone()[0][0])
    plan = runs[-1]["Plan"]
    return Measured(
        execution_ms=statistics.median(r["Execution Time"] for r in runs),
        fastest_ms=min(r["Execution Time"] for r in runs),
        planning_ms=statistics.median(r["Planning Time"] for r in runs),
        buffers=plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0),
        reads=", ".join(f"{t}: {k}" for t, k in sorted(scans(plan, {}).items())),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the region for the next run")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--municipalities", type=int, default=30)
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--mentees", type=int, default=300_000)
    args = parser.parse_args()

    setup_django()
    ensure_region(args)
    queries, x, everyone = capture()
    print(f"МО-01 is municipality {x}; the region has {len(everyone)}")
    compact(DATABASE)
    before = sizes(connect(DATABASE))
    print(f"scratch copy with the key on {len(DENORMALISED)} more tables: {make_scratch():.0f} s")
    today, scratch = connect(DATABASE), connect(SCRATCH)
    after = sizes(scratch)

    print()
    print("| query | form | execution, ms (fastest) | planning, ms | buffers | tables read |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for query in queries:
        if query.today is None:  # the page no longer sends it (said above)
            continue
        forms = [("today", today, query.today)]
        if query.with_key:
            forms.append(("+ key", today, query.with_key))
        if query.denormalised:
            forms.append(("denormalised", scratch, query.denormalised))
            forms.append(("today, wider rows", scratch, query.today))
        for form, conn, sql in forms:
            m = measure(conn, sql, args.repeat)
            print(
                f"| {query.name} | {form} | {m.execution_ms:.1f} ({m.fastest_ms:.1f}) | "
                f"{m.planning_ms:.1f} | "
                f"{m.buffers} | {m.reads} |"
            )
    print()
    print("| table | rows | today, MB | with the key and its index, MB |")
    print("| --- | ---: | ---: | ---: |")
    for table in MEASURED_TABLES:
        (rows, today_size), (_, key_size) = before[table], after[table]
        print(f"| {table} | {rows} | {today_size / 2**20:.1f} | {key_size / 2**20:.1f} |")
    today.close()
    scratch.close()

    admin = admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
        if not args.keep:
            cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    admin.close()


if __name__ == "__main__":
    main()
