"""Writes of a case's contact standing and the tier work it triggers, for callers outside supervision
(the checks sweep in `inspections.services`), so supervision's data is written through supervision."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from functools import partial

from django.db import transaction

from supervision.policy.evaluate import Evaluation, save_standings


@transaction.atomic(savepoint=False)  # in the sweep's chunk transaction: no savepoint queries
def store_evaluations(evaluations: Mapping[uuid.UUID, Evaluation], on: date, *, queue_tiers: bool = True) -> int:
    """Store the standings the checks have just judged their flags on (one statement), and queue a
    tier recalculation for each case crossing its two-thirds point on `on`. Returns how many
    standings were stored or found unchanged.

    The tier's `S` suffix (Probation Reset) starts at the two-thirds point with no record changing,
    so nothing announces it. No query here beyond the one write, so a chunk's cost stays fixed; the
    tier task runs after commit, is idempotent and stores nothing when the tier did not change."""
    from supervision.tasks import recalculate_tier

    stored = save_standings(evaluations.values())
    if queue_tiers:
        for person_id, evaluation in evaluations.items():
            facts = evaluation.facts
            if evaluation.active and facts.two_thirds == on and facts.reset_eligible:
                transaction.on_commit(partial(recalculate_tier.delay, str(person_id)), robust=True)
    return stored
