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
    """Announce that a case changed (after commit): the checks engine (inspections.check_case)
    re-runs its checks and refreshes the case's standing. See cases.changes. The nightly catch-up
    is the checks sweep (inspections.tasks.sweep_all), which stores every standing too."""
    case_changed(person_id)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=100,
    time_limit=120,
)
def recalculate_tier(person_id: str) -> str:
    """Work one case's tier out again (idempotent: the same facts store nothing new)."""
    from supervision.services.tier import recalculate_tier_for

    calculation = recalculate_tier_for(person_id, trigger="Case record changed")
    return calculation.tier if calculation else "missing"


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=840,
    time_limit=900,
)
def recalculate_due_tiers() -> int:
    """Queue a tier recalculation for every case whose inputs time alone has changed today (a breach
    or recall leaving the 12 months, an assessment passing 55 weeks). Idempotent: a recalculated case
    is no longer due, and recalculating one twice stores nothing new. Returns how many it queued."""
    from django.utils import timezone

    from supervision.services.tier import due_for_recalculation

    due = due_for_recalculation(timezone.localdate())
    for person_id in due:
        recalculate_tier.delay(str(person_id))
    return len(due)
