"""Which outcomes suit which contacts.

The rules read the policy flags on the reference data, so an administrator who adds a contact type
or an outcome code changes what is offered without a code change:

- an inactive outcome is never offered;
- a contact that needs no attendance (an email or text message) takes no outcome;
- before the appointment time, only outcomes allowed in the future (rescheduled, acceptable absence);
- a remote contact (not face to face) cannot end with the person being "sent home".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from supervision.models import ContactType, OutcomeType


def outcome_error(
    contact_type: ContactType, outcome: OutcomeType, starts_at: datetime, now: datetime | None = None
) -> str | None:
    """Why `outcome` cannot be recorded on a contact of this type at this time, in words for the user;
    None when it can."""
    now = now or timezone.now()
    if not outcome.is_active:
        return f"{outcome.description} is no longer in use. Select another outcome"
    if not contact_type.is_attendance:
        return f"An outcome is not recorded for {_a(contact_type.description)}"
    if starts_at > now and not outcome.allowed_in_future:
        return (
            f"{outcome.description} cannot be recorded before the contact has happened. "
            "A future appointment can only be rescheduled or marked as an acceptable absence"
        )
    if contact_type.is_remote and outcome.is_sent_home:
        return f"A remote contact ({contact_type.description.lower()}) cannot have the outcome {outcome.description}"
    return None


def valid_outcomes(
    contact_type: ContactType, starts_at: datetime, now: datetime | None, outcomes: Iterable[OutcomeType]
) -> list[OutcomeType]:
    """The outcomes (from `outcomes`, in their order) that may be recorded on this contact."""
    return [o for o in outcomes if outcome_error(contact_type, o, starts_at, now) is None]


def _a(description: str) -> str:
    text = description.lower()
    return f"an {text}" if text[:1] in "aeiou" else f"a {text}"
