"""Celery options shared by the project's tasks, so each task states its kind, not its numbers.

Every task acknowledges late (a worker killed half way leaves the message to be redelivered; every
task is idempotent) and retries with backoff when the database is briefly unavailable.
"""

from __future__ import annotations

from typing import Any

from django.db import OperationalError

# One case's work (seconds): re-check, recalculate, refresh.
ONE_CASE: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
    "soft_time_limit": 100,
    "time_limit": 120,
}

# A share of a nightly sweep or a batch (minutes): fewer retries, the long time limits.
BATCH: dict[str, Any] = {
    **ONE_CASE,
    "max_retries": 3,
    "soft_time_limit": 840,
    "time_limit": 900,
}
