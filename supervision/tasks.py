"""Background jobs owned by supervision. Thin and idempotent: each takes IDs and calls one service."""

from __future__ import annotations

import uuid

from celery import shared_task
from django.db import OperationalError

from cases.changes import case_changed


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
    """Announce that a case changed (after commit): its standing is re-evaluated, and any other
    app listening (the checks engine) re-runs its work for the case. See cases.changes."""
    case_changed(person_id)


def queue_refresh(person_id: str) -> None:
    """The supervision listener on cases.changes: re-evaluate the case in the background."""
    refresh_standing.delay(person_id)


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
