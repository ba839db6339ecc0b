"""Background jobs owned by supervision. Thin and idempotent: each takes IDs and calls one service."""

from __future__ import annotations

import logging
import uuid

from celery import shared_task
from django.db import OperationalError, transaction

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=100,
    time_limit=120,
)
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


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=840,
    time_limit=900,
)
def refresh_pdu_standings(pdu_id: int) -> int:
    """Re-evaluate every case of one PDU (one chunk of the nightly run; safe to repeat)."""
    from cases.models import Person
    from supervision.policy import refresh_standings

    return refresh_standings(Person.objects.filter(team__pdu_id=pdu_id).values_list("pk", flat=True))


@shared_task(acks_late=True, soft_time_limit=100, time_limit=120)
def refresh_all_standings() -> int:
    """Fan the nightly re-evaluation out as one task per PDU, so more workers finish it sooner."""
    from cases.models import PDU

    pdu_ids = list(PDU.objects.values_list("pk", flat=True))
    for pdu_id in pdu_ids:
        refresh_pdu_standings.delay(pdu_id)
    return len(pdu_ids)
