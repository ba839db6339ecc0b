"""Background jobs owned by supervision. Thin and idempotent: each takes IDs and calls one service."""

from __future__ import annotations

from celery import shared_task

from kit.tasks import BATCH, ONE_CASE


@shared_task(**ONE_CASE)
def recalculate_tier(person_id: str) -> str:
    """Work one case's tier out again (idempotent: the same facts store nothing new)."""
    from supervision.services.tier import recalculate_tier_for

    calculation = recalculate_tier_for(person_id, trigger="Case record changed")
    return calculation.tier if calculation else "missing"


def queue_tier_recalculation(person_id: str) -> None:
    """The tier listener on cases.changes (probation/wiring.py): recalculate in the background
    (cheap to queue; the task stores nothing when nothing changed, so the change ends there)."""
    recalculate_tier.delay(person_id)


@shared_task(**BATCH)
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
