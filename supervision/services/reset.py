"""SPO decisions on Probation Reset: confirm the computed state or override it, with a reason."""

from __future__ import annotations

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.changes import case_changed
from cases.models import Person, Role, Sentence, User
from supervision.models import ResetDecision, ResetState
from supervision.queries.reset import reset_state


@transaction.atomic
def decide_reset(person: Person, sentence: Sentence, *, by: User, state: str, reason: str) -> ResetDecision:
    """Record an SPO of the case's team confirming (same as computed) or overriding the Reset state."""
    if by.role != Role.SPO or by.team_id != person.team_id:
        raise PermissionDenied("Only a senior probation officer of the case's team can decide on Probation Reset")
    if sentence.person_id != person.pk:
        raise ValueError("The sentence belongs to another person")
    if state not in ResetState.values:
        raise ValidationError({"state": "Select whether Probation Reset applies"})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for your decision"})
    computed = reset_state(person, sentence).computed_state
    with pghistory.context(user=by.pk):
        decision = ResetDecision.objects.create(
            person=person,
            sentence=sentence,
            computed_state=computed,
            state=state,
            reason=reason,
            decided_by=by,
            decided_at=timezone.now(),
        )
    case_changed(person.pk)
    return decision
