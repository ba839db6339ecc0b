"""Booking appointments (single or recurring) and rescheduling them.

Booking checks (clashes, bank holidays, weekends, working hours, dates in the past) are warnings:
the booking goes ahead only once the user gives a reason, which is stored with the warnings on each
appointment booked."""

from __future__ import annotations

import uuid
from datetime import datetime

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.changes import case_changed
from cases.models import Person, Sentence, User, governing_sentence
from supervision.models import AppointmentSeries, Contact, ContactType, Frequency, OutcomeType
from supervision.queries.booking import booking_warnings
from supervision.rules.booking import BookingWarnings, Slot
from supervision.services.contacts import LOCATION_MAX_LENGTH, record_outcome

MIN_OCCURRENCES, MAX_OCCURRENCES = 2, 52  # as the AppointmentSeries constraint
OVERRIDE_MAX_LENGTH = Contact._meta.get_field("override_reason").max_length or 500


def occurrence_times(starts_at: datetime, frequency: Frequency | None, occurrences: int) -> list[datetime]:
    """Start times of each appointment, keeping the same local clock time across clock changes."""
    if frequency is None:
        return [starts_at]
    local = timezone.localtime(starts_at).replace(tzinfo=None)
    interval = Frequency(frequency).interval
    return [timezone.make_aware(local + i * interval) for i in range(occurrences)]


def _booking_errors(
    contact_type: ContactType,
    starts_at: datetime,
    ends_at: datetime | None,
    location: str,
    frequency: Frequency | None,
    occurrences: int,
    override_reason: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (contact_type.is_active and contact_type.is_bookable):
        errors["contact_type"] = f"{contact_type.description} cannot be booked. Select another type of appointment"
    if contact_type.location_required and not location.strip():
        errors["location"] = f"Enter where the {contact_type.description.lower()} will take place"
    elif len(location) > LOCATION_MAX_LENGTH:
        errors["location"] = f"Location must be {LOCATION_MAX_LENGTH} characters or fewer"
    if ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = "The end time must be after the start time"
    if frequency is None and occurrences != 1:
        errors["frequency"] = "Select how often the appointments repeat"
    if frequency is not None and not MIN_OCCURRENCES <= occurrences <= MAX_OCCURRENCES:
        errors["occurrences"] = f"Enter a number of appointments between {MIN_OCCURRENCES} and {MAX_OCCURRENCES}"
    if len(override_reason) > OVERRIDE_MAX_LENGTH:
        errors["override_reason"] = f"The reason must be {OVERRIDE_MAX_LENGTH} characters or fewer"
    return errors


@transaction.atomic
def book_appointment(
    person: Person,
    *,
    contact_type: ContactType,
    starts_at: datetime,
    by: User,
    ends_at: datetime | None = None,
    location: str = "",
    frequency: Frequency | str | None = None,
    occurrences: int = 1,
    override_reason: str = "",
) -> list[Contact]:
    """Book one appointment, or `occurrences` of them at `frequency`. Raises BookingWarnings when
    the checks find something and no `override_reason` is given."""
    frequency = Frequency(frequency) if frequency else None
    override_reason = override_reason.strip()
    errors = _booking_errors(contact_type, starts_at, ends_at, location, frequency, occurrences, override_reason)
    if errors:
        raise ValidationError(errors)
    length = ends_at - starts_at if ends_at else None
    slots = [
        Slot(start, start + length if length else None) for start in occurrence_times(starts_at, frequency, occurrences)
    ]
    staff = person.practitioner or by
    warnings = booking_warnings(person, staff, slots)
    if warnings and not override_reason:
        raise BookingWarnings(warnings)
    now = timezone.now()
    sentences = list(Sentence.objects.filter(person=person))
    with pghistory.context(user=by.pk):
        series = None
        if frequency is not None:
            series = AppointmentSeries.objects.create(
                person=person,
                contact_type=contact_type,
                frequency=frequency,
                first_starts_at=starts_at,
                occurrences=occurrences,
                created_by=by,
                created_at=now,
            )
        contacts = [
            _appointment(person, slot, contact_type, location, staff, by, series, sentences, now) for slot in slots
        ]
        for contact in contacts:
            contact.booking_warnings = warnings if warnings else []
            contact.override_reason = override_reason if warnings else ""
        Contact.objects.bulk_create(contacts)
    case_changed(person.pk)
    return contacts


def _appointment(
    person: Person,
    slot: Slot,
    contact_type: ContactType,
    location: str,
    staff: User,
    by: User,
    series: AppointmentSeries | None,
    sentences: list[Sentence],
    now: datetime,
) -> Contact:
    day = timezone.localdate(slot.starts_at)
    sentence = governing_sentence(sentences, day)
    contact_id = uuid.uuid4()
    return Contact(
        id=contact_id,
        thread_id=contact_id,
        person=person,
        sentence=sentence,
        contact_type=contact_type,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        location=location.strip(),
        staff=staff,
        is_sensitive=contact_type.sensitive_by_default,
        series=series,
        created_by=by,
        created_at=now,
    )


@transaction.atomic
def reschedule_appointment(
    contact: Contact,
    *,
    by: User,
    new_starts_at: datetime,
    reason_outcome: OutcomeType,
    override_reason: str = "",
    new_ends_at: datetime | None = None,
) -> Contact:
    """Record the appointment as rescheduled and book its replacement, both or neither.

    The replacement keeps the type, location and length unless `new_ends_at` says otherwise."""
    if not reason_outcome.is_rescheduled:
        raise ValidationError({"reason_outcome": "Select who asked for the appointment to be rescheduled"})
    if new_ends_at is None and contact.ends_at is not None:
        new_ends_at = new_starts_at + (contact.ends_at - contact.starts_at)
    record_outcome(contact, outcome=reason_outcome, by=by)
    # Any BookingWarnings raised here rolls back the outcome too: the old appointment stays as it was.
    [replacement] = book_appointment(
        contact.person,
        contact_type=contact.contact_type,
        starts_at=new_starts_at,
        ends_at=new_ends_at,
        location=contact.location,
        by=by,
        override_reason=override_reason,
    )
    return replacement
