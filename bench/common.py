"""Benchmarks run against a throwaway database in their own embedded PostgreSQL folder."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("EMBEDDED_PG_DIR", str(ROOT / ".pgdata-bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "argun_mentoring.settings.test")
    import django

    # No setup_test_environment(): its template instrumentation would be measured too.
    django.setup()


def fresh_database():
    """A new, empty, migrated test database; returns a function that drops it."""
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)

    def drop() -> None:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    return drop


def timed(call, repeat: int) -> dict[str, float]:
    """Median and 95th percentile of ``repeat`` calls, in a process settled as the server's
    workers are (argun_mentoring.wsgi.settle: what is loaded by then is out of the garbage
    collector's reach, so a full collection walks the requests' objects only)."""
    from argun_mentoring.wsgi import settle

    settle()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": samples[max(0, round(0.95 * len(samples)) - 1)],
    }
