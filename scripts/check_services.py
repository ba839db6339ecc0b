"""Before the suite runs: say which database and broker it will use; under CI, insist on real ones.

Under CI (CI=true) the machine's PostgreSQL and Redis are required. If either is not configured
or does not answer, this exits non-zero so the suite fails instead of quietly skipping.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    database_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    problems: list[str] = []
    if database_url:
        try:
            import psycopg

            dsn = database_url.replace("postgres://", "postgresql://", 1)
            with psycopg.connect(dsn, connect_timeout=5) as conn:
                conn.execute("SELECT 1")
        except Exception as error:
            problems.append(f"PostgreSQL at DATABASE_URL does not answer: {error}")
    elif in_ci:
        problems.append("DATABASE_URL is not set (required under CI)")
    if broker_url.startswith("redis://"):
        try:
            import redis

            redis.Redis.from_url(broker_url, socket_connect_timeout=5).ping()
        except Exception as error:
            problems.append(f"Redis at CELERY_BROKER_URL does not answer: {error}")
    elif in_ci:
        problems.append("CELERY_BROKER_URL is not a redis:// URL (Redis is required under CI)")
    for problem in problems:
        sys.stderr.write(f"check_services: {problem}\n")
    if problems:
        return 1
    sys.stdout.write(
        "check_services: database "
        + ("DATABASE_URL" if database_url else "embedded PostgreSQL (var/pgdata)")
        + ", broker "
        + (broker_url or "filesystem transport (var/celery)")
        + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
