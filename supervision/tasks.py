"""Background jobs owned by supervision. Thin and idempotent: each takes IDs and calls one service."""

from __future__ import annotations

import logging
import uuid

from celery import shared_task
from django.db import OperationalError, transaction

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, time_limit=120)
def refresh_standing(person_id: str) -> str:
    """Re-evaluate one case against the contact policy in force (idempotent: same facts, same result)."""
    from cases.models import Person
    from supervision.policy import refresh_standing as refresh

    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return "missing"
    refresh(person)
    return "ok"


def enqueue_refresh(person_id: uuid.UUID | str) -> None:
    """Queue a re-evaluation once the current transaction commits.

    The database is the source of truth: if the broker is unavailable the change that triggered
    this has still been saved, so the failure is logged and the next sweep catches the case up.
    """

    def send() -> None:
        try:
            refresh_standing.delay(str(person_id))
        except Exception:  # any broker failure: the user's change is already saved
            logger.warning("Could not queue re-evaluation of case %s; the nightly sweep will catch up", person_id)

    transaction.on_commit(send)
