"""The database the project talks to: ``DATABASE_URL`` if set, else an embedded PostgreSQL.

The embedded server (the ``pgserver`` package) lives in a git-ignored folder inside the
project, so that ``make run`` and ``make test`` need nothing installed by hand. It stops
when the last process that uses it exits.
"""

import os
import warnings
from pathlib import Path
from urllib.parse import quote

EMBEDDED_DATABASE_NAME = "argun_mentoring"


def database_url(default_folder: Path) -> str:
    """Return ``DATABASE_URL`` or start the embedded server in ``EMBEDDED_PG_DIR``/default."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    folder = Path(os.environ.get("EMBEDDED_PG_DIR") or default_folder).resolve()
    return start_embedded(folder)


def start_embedded(folder: Path, database: str = EMBEDDED_DATABASE_NAME) -> str:
    """Start (or join) the embedded PostgreSQL in ``folder`` and make sure ``database`` exists."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        folder.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(folder, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    # The socket folder goes into the host part, percent-encoded, so that every
    # libpq client (psql, pg_dump, Django) reads the same URL.
    return f"postgresql://postgres:@{quote(str(folder), safe='')}/{database}"
