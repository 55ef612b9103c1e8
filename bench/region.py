"""Region scale (`manage.py generate_region`: 30 municipalities × 50 schools, 300 000 mentees):
the head's dashboard, the registry lists and the monitoring dashboard.

For each page: median and 95th percentile time over repeated requests, its query count, and
the ratio of the page's time to its main query (the slowest SQL it runs) executed directly.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, setup_django, timed

REPEAT = 11
PASSWORD = "Нагрузка-Пароль-2026"
DAY = "31.01.2021"


def main_query(client, url):
    """The page's queries; returns (count, the slowest SQL as executed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    return len(captured.captured_queries), slowest["sql"]


def raw(sql: str) -> dict[str, float]:
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()

    return timed(run, REPEAT)


def main() -> None:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    drop = fresh_database()
    try:
        started = time.perf_counter()
        call_command("generate_region", password=PASSWORD, stdout=io.StringIO())
        print(f"generate_region (default size): {time.perf_counter() - started:.1f} s")
        users = get_user_model().objects
        head, staff = users.get(username="mo01-head"), users.get(username="mo01-staff")
        curator, region = users.get(username="mo01-s001"), users.get(username="region")
        roadmap_client = Client(HTTP_HOST="127.0.0.1")
        roadmap_client.force_login(head)
        dashboard_url = roadmap_client.get("/roadmaps/dashboard/").url
        pages = [
            ("head: roadmap dashboard", head, dashboard_url),
            ("head: roadmap page (home)", head, dashboard_url.replace("dashboard/", "")),
            ("head: monitoring dashboard", head, f"/monitoring/?on={DAY}"),
            ("region: monitoring, 30 municipalities", region, f"/monitoring/?on={DAY}"),
            ("region: regional summary", region, "/monitoring/region/"),
            ("staff: mentees, page 1", staff, "/registry/mentees/"),
            ("staff: mentees, page 150", staff, "/registry/mentees/?page=150"),
            ("staff: search by name start", staff, "/registry/mentees/?q=АБ"),
            ("staff: pairs", staff, "/registry/pairs/"),
            ("curator: own mentees", curator, "/registry/mentees/"),
            ("curator: own monitoring", curator, f"/monitoring/?on={DAY}"),
            ("curator: my measures", curator, "/roadmaps/my/"),
            ("head: monitoring periods", head, "/monitoring/periods/"),
            ("staff: review queue", staff, "/roadmaps/review/"),
        ]
        header = f"{'page':<40}{'median':>9}{'p95':>9}{'queries':>9}{'main SQL':>10}{'ratio':>7}"
        print(header)
        print("-" * len(header))
        ratios = []
        for name, user, url in pages:
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            client.get(url)  # warm
            count, sql = main_query(client, url)
            page = timed(lambda c=client, u=url: c.get(u), REPEAT)
            query = raw(sql)
            ratio = page["median_ms"] / max(query["median_ms"], 0.01)
            ratios.append(ratio)
            print(
                f"{name:<40}{page['median_ms']:>7.0f}ms{page['p95_ms']:>7.0f}ms{count:>9}"
                f"{query['median_ms']:>8.1f}ms{ratio:>7.1f}"
            )
        print(f"median ratio page / main query: {statistics.median(ratios):.1f}")
    finally:
        drop()


if __name__ == "__main__":
    main()
