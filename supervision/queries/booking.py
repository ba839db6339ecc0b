"""The warnings a booking gets: the calendar's (pure, supervision.rules.booking) and clashes with other bookings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from cases.models import Person, User
from supervision.models import Contact
from supervision.rules.booking import DEFAULT_LENGTH, Slot, calendar_warnings, clash_message


def clash_warnings(person: Person, staff: User | None, slots: Sequence[Slot]) -> list[str]:
    """Slots that overlap another live appointment of the person, or of the member of staff.

    One query for all the slots: candidates are fetched for the whole span and compared here,
    since an appointment without an end time has the default length."""
    if not slots:
        return []
    first = min(s.starts_at for s in slots)
    last = max(s.end for s in slots)
    whose = Q(person=person) | Q(staff=staff) if staff is not None else Q(person=person)
    candidates = list(
        Contact.objects.current()
        .filter(whose, starts_at__lt=last)
        .filter(Q(ends_at__gt=first) | Q(ends_at__isnull=True, starts_at__gt=first - DEFAULT_LENGTH))
        # Rescheduled or excused appointments no longer take up the slot.
        .exclude(outcome__is_rescheduled=True)
        .exclude(outcome__is_acceptable_absence=True)
        .values_list("person_id", "starts_at", "ends_at", "contact_type__description")
    )
    found: list[str] = []
    for slot in slots:
        for person_id, starts_at, ends_at, description in candidates:
            other = Slot(starts_at, ends_at)
            if other.starts_at < slot.end and slot.starts_at < other.end:
                found.append(clash_message(slot, other, description, same_person=person_id == person.pk, staff=staff))
    return found


def booking_warnings(
    person: Person, staff: User | None, slots: Sequence[Slot], now: datetime | None = None
) -> list[str]:
    now = now or timezone.now()
    found: list[str] = []
    for slot in slots:
        found.extend(calendar_warnings(slot, now))
    found.extend(clash_warnings(person, staff, slots))
    return found
