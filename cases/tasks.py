"""Background jobs owned by the cases app. Thin and idempotent: each calls one service."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def clear_expired_sessions() -> str:
    """Delete expired sign-in sessions (idempotent: a second run finds nothing to delete)."""
    call_command("clearsessions")
    return "ok"
