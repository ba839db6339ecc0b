"""Background jobs of the checks engine. Thin and idempotent: each takes IDs and calls one service.

`sweep_all` runs nightly (probation/celery.py) and fans out one `sweep_pdu` per PDU so more workers
finish sooner; `check_case` runs after any change to a case (cases.changes; listed in probation/wiring.py).
Every task is safe to run twice and safe to kill: each chunk is one transaction and the flags'
partial unique index makes concurrent runs converge.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import OperationalError

from kit.tasks import BATCH, ONE_CASE


@shared_task(**ONE_CASE)
def check_case(person_id: str) -> str:
    """Re-run every check on one case and refresh its contact standing."""
    from cases.models import Person
    from inspections import services

    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return "missing"
    services.check_case(person)
    return "ok"


def queue_check(person_id: str) -> None:
    """The checks listener on cases.changes (probation/wiring.py): re-check the case in the background."""
    check_case.delay(person_id)


@shared_task(**BATCH)
def sweep_pdu(pdu_id: int) -> dict[str, Any]:
    """One PDU's share of the nightly sweep (a chunk at a time, each in one transaction)."""
    from inspections import services

    return services.sweep_pdu(pdu_id).counts()


@shared_task(acks_late=True, soft_time_limit=100, time_limit=120)
def sweep_all() -> int:
    """Fan the nightly sweep out as one task per PDU; returns how many were queued."""
    from cases.models import PDU

    pdu_ids = list(PDU.objects.order_by("pk").values_list("pk", flat=True))
    for pdu_id in pdu_ids:
        sweep_pdu.delay(pdu_id)
    return len(pdu_ids)


class DigestsNotAllSent(Exception):
    """Raised by `send_daily_digests` when some digests failed, so Celery retries (with backoff)."""


@shared_task(**{**BATCH, "autoretry_for": (OperationalError, DigestsNotAllSent), "retry_backoff": 60, "max_retries": 5})
def send_daily_digests() -> dict[str, int]:
    """Each practitioner's and SPO's daily flags digest (inspections.digest). Safe to retry or run
    twice: DigestLog allows one digest per person per day, so a retry sends only those not yet sent."""
    from inspections import digest

    run = digest.send_daily_digests()
    if run.failed:
        raise DigestsNotAllSent(f"{run.failed} digest(s) not sent; {len(run.sent)} sent")
    return {"sent": len(run.sent), "nothing_new": run.nothing_new, "no_email": run.no_email}
