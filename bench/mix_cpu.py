"""The load test's mixed scenario (bench/load.py) measured in one process, page by page: the CPU
each page of the mix costs this process and its PostgreSQL backend, its queries, and its share
of the whole — where the server's CPU per request goes, on a machine whose other users make
wall times meaningless.

    bench/mix_cpu.py --database bench_region_30_50_300000   a region generated before
                                                             (bench/region.py --keep)
    bench/mix_cpu.py --database NAME --requests 1000 --cache 60

The requests are those bench/load.py sends (same seed, same weights), each signed in as its
account; the test settings turn the monitoring's cache off unless --cache gives seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a database holding a generated region")
    parser.add_argument("--requests", type=int, default=600, help="requests of the mix (600)")
    parser.add_argument("--cache", type=int, default=0, help="monitoring cache, seconds (0)")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.load import accounts, mixed_requests
    from bench.region import _backend_cpu

    connection.close()
    connection.settings_dict["NAME"] = args.database
    settings.MONITORING_CACHE_SECONDS = args.cache
    data = accounts("mix-cpu-" + "x" * 40)
    username_of = {key: name for people in data["users"].values() for name, key in people}
    requests = mixed_requests(data, count=args.requests)
    users, clients = get_user_model().objects, {}

    def client_for(username: str) -> Client:
        if username not in clients:
            clients[username] = Client(HTTP_HOST="127.0.0.1")
            clients[username].force_login(users.get(username=username))
        return clients[username]

    warmed = set()
    for name, key, path in requests:  # each page once, unmeasured (templates, caches)
        if name not in warmed:
            warmed.add(name)
            response = client_for(username_of[key]).get(path)
            assert response.status_code == 200, (name, path, response.status_code)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    pages: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0])
    total = 0.0
    for name, key, path in requests:
        client = client_for(username_of[key])
        started, backend_started = time.process_time(), _backend_cpu(backend)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        spent = time.process_time() - started + _backend_cpu(backend) - backend_started
        assert response.status_code == 200, (name, path, response.status_code)
        page = pages[name]
        page[0] += 1
        page[1] += spent
        page[2] += len(queries.captured_queries)
        total += spent
    print(f"{'page':<36}{'requests':>9}{'CPU/req':>10}{'queries':>9}{'share':>7}")
    for name, (count, cpu, queries) in sorted(pages.items(), key=lambda item: -item[1][1]):
        print(
            f"{name:<36}{count:>9}{cpu / count * 1000:>8.1f}ms{queries / count:>9.1f}"
            f"{cpu / total:>7.0%}"
        )
    print(
        f"mean CPU per request: {total / len(requests) * 1000:.1f} ms over {len(requests)} "
        f"requests (this process and its PostgreSQL backend; first requests of each session "
        f"included); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
