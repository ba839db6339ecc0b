"""A case's Probation Reset state on a sentence: its facts read, the rule applied, the SPO's decisions."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from cases.models import Person, Registration, Sentence
from supervision.models import ResetDecision
from supervision.rules.reset import ResetFacts, ResetView, compute_reset, exemptions_for


def reset_state(person: Person, sentence: Sentence, on: date | None = None) -> ResetView:
    """The Probation Reset view of one sentence: the computed state and the SPO decisions (two queries)."""
    on = on or timezone.localdate()
    registrations = Registration.objects.active().filter(person=person).select_related("type")
    facts = ResetFacts(
        order_type=sentence.order_type,
        start_date=sentence.start_date,
        expected_end_date=sentence.expected_end_date,
        terminated_on=sentence.terminated_on,
        exemptions=exemptions_for(person.rosh, registrations),
    )
    view = compute_reset(facts, on)
    view.sentence = sentence
    view.decisions = list(ResetDecision.objects.filter(sentence=sentence).select_related("decided_by"))
    return view
