"""Recording contacts, their outcomes and corrections.

A contact is never edited once recorded: `correct_contact` appends a new version and stamps the
old one superseded, so what was originally recorded (and by whom) stays on the record. Completing
a booked appointment with its outcome is the one in-place change (`record_outcome`), and only
while no outcome has been recorded.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.changes import case_changed
from cases.models import Person, Sentence, User
from supervision.models import Contact, ContactType, OutcomeType
from supervision.models.contacts import NOTES_MAX_LENGTH
from supervision.rules.outcomes import outcome_error

# What a correction may change. Everything else (who, when recorded, the thread) stays.
CORRECTABLE_FIELDS = (
    "contact_type",
    "starts_at",
    "ends_at",
    "location",
    "outcome",
    "notes",
    "is_sensitive",
    "em_discussed",
    "safeguarding_discussed",
)
REASON_MAX_LENGTH = Contact._meta.get_field("correction_reason").max_length or 1000
LOCATION_MAX_LENGTH = Contact._meta.get_field("location").max_length or 200


def _actor(by: User) -> dict[str, Any]:
    return {"user": by.pk}


def sentence_on(person_id: Any, moment: datetime) -> Sentence | None:
    """The sentence the contact was made under: the one governing on the contact's local day."""
    return Sentence.objects.filter(person_id=person_id).governing(timezone.localdate(moment)).first()


def contact_errors(
    *,
    contact_type: ContactType,
    starts_at: datetime,
    outcome: OutcomeType | None,
    notes: str,
    location: str,
    ends_at: datetime | None,
    check_type: bool = True,
    check_outcome: bool = True,
    check_location: bool = True,
) -> dict[str, str]:
    """Field-keyed problems with a contact's details, in words for the user (shared with corrections)."""
    errors: dict[str, str] = {}
    if check_type and not contact_type.is_active:
        errors["contact_type"] = f"{contact_type.description} is no longer in use. Select another contact type"
    if check_outcome and outcome is not None:
        problem = outcome_error(contact_type, outcome, starts_at)
        if problem:
            errors["outcome"] = problem
    if len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer"
    if len(location) > LOCATION_MAX_LENGTH:
        errors["location"] = f"Location must be {LOCATION_MAX_LENGTH} characters or fewer"
    # Where it happened matters when the person came; for an absence or a rescheduled contact the
    # location adds nothing, so it is not demanded after the fact.
    did_not_attend = outcome is not None and not outcome.is_attended
    if check_location and contact_type.location_required and not location.strip() and not did_not_attend:
        errors["location"] = f"Enter where the {contact_type.description.lower()} took place"
    if ends_at is not None and ends_at < starts_at:
        errors["ends_at"] = "The end time must be after the start time"
    return errors


@transaction.atomic
def record_contact(
    person: Person,
    *,
    contact_type: ContactType,
    starts_at: datetime,
    by: User,
    outcome: OutcomeType | None = None,
    notes: str = "",
    is_sensitive: bool | None = None,
    em_discussed: bool | None = None,
    safeguarding_discussed: bool | None = None,
    location: str = "",
    ends_at: datetime | None = None,
) -> Contact:
    """Record a contact that happened (or, with an outcome allowed in advance, one that will not)."""
    errors = contact_errors(
        contact_type=contact_type, starts_at=starts_at, outcome=outcome, notes=notes, location=location, ends_at=ends_at
    )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    contact_id = uuid.uuid4()
    contact = Contact(
        id=contact_id,
        thread_id=contact_id,
        person=person,
        sentence=sentence_on(person.pk, starts_at),
        contact_type=contact_type,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        staff=by,
        outcome=outcome,
        outcome_recorded_at=now if outcome else None,
        outcome_recorded_by=by if outcome else None,
        notes=notes,
        is_sensitive=contact_type.sensitive_by_default if is_sensitive is None else is_sensitive,
        em_discussed=em_discussed,
        safeguarding_discussed=safeguarding_discussed,
        created_by=by,
        created_at=now,
    )
    with pghistory.context(**_actor(by)):
        contact.save(force_insert=True)
    case_changed(person.pk)
    return contact


@transaction.atomic
def record_outcome(
    contact: Contact,
    *,
    outcome: OutcomeType,
    by: User,
    notes: str | None = None,
    em_discussed: bool | None = None,
    safeguarding_discussed: bool | None = None,
) -> Contact:
    """Complete a booked appointment with its outcome. Changing an outcome already recorded is a
    correction (`correct_contact`), so the first one stays on the record."""
    problem = outcome_error(contact.contact_type, outcome, contact.starts_at)
    if problem:
        raise ValidationError({"outcome": problem})
    if notes is not None and len(notes) > NOTES_MAX_LENGTH:
        raise ValidationError({"notes": f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer"})
    now = timezone.now()
    changes: dict[str, Any] = {"outcome": outcome, "outcome_recorded_at": now, "outcome_recorded_by": by}
    if notes is not None:
        changes["notes"] = notes
    if em_discussed is not None:
        changes["em_discussed"] = em_discussed
    if safeguarding_discussed is not None:
        changes["safeguarding_discussed"] = safeguarding_discussed
    with pghistory.context(**_actor(by)):
        # Conditional update: of two people recording at once, exactly one succeeds.
        updated = Contact.objects.filter(pk=contact.pk, superseded_at__isnull=True, outcome__isnull=True).update(
            **changes
        )
    if not updated:
        raise ValidationError(
            {"outcome": "An outcome has already been recorded for this contact. To change it, correct the contact"}
        )
    for name, value in changes.items():
        setattr(contact, name, value)
    case_changed(contact.person_id)
    return contact


@transaction.atomic
def correct_contact(contact: Contact, *, by: User, reason: str, **changes: Any) -> Contact:
    """Append a corrected version of `contact` (the current version) with `changes`, giving `reason`.

    The old row keeps its content; it is only stamped superseded. Returns the new version."""
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not correctable: {', '.join(sorted(unknown))}")
    reason = reason.strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Enter why the contact is being corrected"
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer"
    changed = {name: value for name, value in changes.items() if getattr(contact, name) != value}
    if not changed and not errors:
        errors["__all__"] = "Nothing has been changed. Change the details that were wrong, or cancel"
    merged = {name: changed.get(name, getattr(contact, name)) for name in CORRECTABLE_FIELDS}
    errors.update(
        contact_errors(
            contact_type=merged["contact_type"],
            starts_at=merged["starts_at"],
            outcome=merged["outcome"],
            notes=merged["notes"],
            location=merged["location"],
            ends_at=merged["ends_at"],
            # Only what the correction touches is checked again: reference data may have changed
            # since, and an unrelated fix (a typo in the notes) must not be refused for it.
            check_type="contact_type" in changed,
            check_outcome=bool({"outcome", "contact_type", "starts_at"} & set(changed)),
            check_location=bool({"location", "contact_type"} & set(changed)),
        )
    )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with pghistory.context(**_actor(by)):
        superseded = Contact.objects.filter(pk=contact.pk, superseded_at__isnull=True).update(superseded_at=now)
        if not superseded:
            raise ValidationError(
                "This is not the latest version of the contact, so it cannot be corrected. Correct the latest version"
            )
        new = _next_version(contact, merged, changed, by=by, reason=reason, now=now)
        new.save(force_insert=True)
    contact.superseded_at = now
    case_changed(contact.person_id)
    return new


def _next_version(
    old: Contact, merged: dict[str, Any], changed: dict[str, Any], *, by: User, reason: str, now: datetime
) -> Contact:
    new = Contact(
        **{f.attname: getattr(old, f.attname) for f in Contact._meta.concrete_fields},
    )
    new.id = uuid.uuid4()
    new.version = old.version + 1
    new.supersedes_id = old.pk
    new.superseded_at = None
    new.correction_reason = reason
    new.created_by = by
    new.created_at = now
    for name, value in merged.items():
        setattr(new, name, value)
    if isinstance(new.location, str):
        new.location = new.location.strip()
    if "outcome" in changed:
        new.outcome_recorded_at = now if new.outcome_id else None
        new.outcome_recorded_by = by if new.outcome_id else None
    if "starts_at" in changed:
        new.sentence = sentence_on(old.person_id, new.starts_at)
    return new
