"""Background jobs owned by supervision. Thin and idempotent: each takes IDs and calls one service."""

from __future__ import annotations

from celery import shared_task

from kit.tasks import ONE_CASE


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
