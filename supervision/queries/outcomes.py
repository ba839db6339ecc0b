"""The outcomes a contact may be given, from the reference data in use."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from supervision.models import ContactType, OutcomeType
from supervision.rules.outcomes import valid_outcomes


def outcomes_for(contact_type: ContactType | None, starts_at: datetime | None) -> list[OutcomeType]:
    """The active outcomes to offer for a contact (one query). Unknown type or time: all active outcomes,
    since the form's validation will still refuse an unsuitable choice."""
    outcomes = list(OutcomeType.objects.filter(is_active=True))
    if contact_type is None or starts_at is None:
        return outcomes
    return valid_outcomes(contact_type, starts_at, timezone.now(), outcomes)
