"""What happens after a case changes, without `cases` (or `supervision`) importing the apps that
build on them.

Services call `case_changed(person_id)` after a write that can change a case's standing (a
contact, an enforcement decision, a registration, an assessment, an EM event). What to do — typically
queueing a Celery task — is listed in the composition root (`probation/wiring.py`, `AFTER_CHANGE`)
and runs once the transaction commits. The database stays the source of truth: a failing callback (the broker is
down) is logged, never raised, and the nightly sweeps catch the case up.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import transaction

logger = logging.getLogger(__name__)

_LISTENERS: dict[str, Callable[[str], None]] = {}
_quiet = threading.local()


@contextmanager
def quietly() -> Iterator[None]:
    """Announce nothing inside this block: for bulk loads (demo data, imports) that re-evaluate
    the cases they touch themselves, instead of queueing one task per row."""
    previous = getattr(_quiet, "on", False)
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = previous


def on_case_changed(name: str, listener: Callable[[str], None]) -> None:
    """Register `listener(person_id)` under a stable name (registering the name again replaces it)."""
    _LISTENERS[name] = listener


def case_changed(person_id: uuid.UUID | str) -> None:
    """Tell every listener, after the current transaction commits, that this case changed."""
    if getattr(_quiet, "on", False):
        return
    person = str(person_id)

    def notify() -> None:
        for name, listener in _LISTENERS.items():
            try:
                listener(person)
            except Exception:  # a broker outage must not fail the user's request: the change is saved
                logger.warning("After-change step %s failed for case %s; the nightly sweep will catch up", name, person)

    transaction.on_commit(notify)
