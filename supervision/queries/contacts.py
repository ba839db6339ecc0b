"""Reads for the contacts tab and the overview panel: each a fixed number of queries, whatever the
number of contacts, using the current-contacts-by-person index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, Q
from django.utils import timezone

from cases.models import Person, Registration, Requirement, RequirementCategory
from kit.clock import end_of_day, local_midnight
from supervision.models import Contact, ContactQuerySet

# Registrations that prompt "Safeguarding discussed": domestic abuse and child concerns.
SAFEGUARDING_REGISTRATIONS = ("ADVP", "ADVV", "REG30", "RCPR", "RCCO", "RCHD")
EM_CATEGORIES = (RequirementCategory.EM, RequirementCategory.CURFEW)


class Mode:
    FACE_TO_FACE = "F2F"
    REMOTE = "REMOTE"
    CHOICES = [("", "Any"), (FACE_TO_FACE, "Face to face"), (REMOTE, "Remote")]


NO_OUTCOME = "NONE"


def person_contacts(person: Person) -> ContactQuerySet:
    return Contact.objects.current().for_person(person)


def timeline(person: Person, filters: dict[str, Any]) -> ContactQuerySet:
    """The person's current contacts, newest first, narrowed by the filters that validated."""
    rows = person_contacts(person).select_related("contact_type", "outcome", "staff").order_by("-starts_at")
    if filters.get("contact_type"):
        rows = rows.filter(contact_type=filters["contact_type"])
    outcome = filters.get("outcome")
    if outcome == NO_OUTCOME:
        rows = rows.filter(outcome__isnull=True)
    elif outcome:
        rows = rows.filter(outcome__code=outcome)
    if filters.get("mode") == Mode.FACE_TO_FACE:
        rows = rows.face_to_face()
    elif filters.get("mode") == Mode.REMOTE:
        rows = rows.remote()
    if filters.get("date_from"):
        rows = rows.filter(starts_at__gte=local_midnight(filters["date_from"]))
    if filters.get("date_to"):
        rows = rows.filter(starts_at__lt=end_of_day(filters["date_to"]))
    if filters.get("keyword"):
        rows = rows.filter(notes__icontains=filters["keyword"])
    return rows


@dataclass(frozen=True)
class ContactCounts:
    face_to_face_6_weeks: int
    remote_6_weeks: int
    face_to_face_3_months: int
    remote_3_months: int
    awaiting_outcome: int


def contact_counts(person: Person, now: datetime | None = None) -> ContactCounts:
    """Made contacts by mode over the last 6 weeks and 3 months, and outcomes to record (one query).

    The windows are what practitioners read at a glance; the policy's own windows drive the checks."""
    now = now or timezone.now()
    six_weeks = now - timedelta(weeks=6)
    three_months = now - relativedelta(months=3)
    # As ContactQuerySet.made(), as a condition for the filtered counts.
    made = Q(starts_at__lte=now) & (
        Q(outcome__is_attended=True) | Q(contact_type__is_attendance=False, outcome__isnull=True)
    )
    f2f, remote = Q(contact_type__is_face_to_face=True), Q(contact_type__is_face_to_face=False)
    totals = person_contacts(person).aggregate(
        f2f_6=Count("pk", filter=made & f2f & Q(starts_at__gte=six_weeks)),
        remote_6=Count("pk", filter=made & remote & Q(starts_at__gte=six_weeks)),
        f2f_3=Count("pk", filter=made & f2f & Q(starts_at__gte=three_months)),
        remote_3=Count("pk", filter=made & remote & Q(starts_at__gte=three_months)),
        awaiting=Count("pk", filter=Q(starts_at__lte=now, contact_type__is_attendance=True, outcome__isnull=True)),
    )
    return ContactCounts(totals["f2f_6"], totals["remote_6"], totals["f2f_3"], totals["remote_3"], totals["awaiting"])


def upcoming_appointments(person: Person, limit: int, now: datetime | None = None) -> list[Contact]:
    """The next appointments still expected to happen (no outcome yet)."""
    rows = (
        person_contacts(person)
        .upcoming(now)
        .filter(contact_type__is_attendance=True, outcome__isnull=True)
        .select_related("contact_type")
        .order_by("starts_at")
    )
    return list(rows[:limit])


@dataclass(frozen=True)
class Prompts:
    """Which "was this discussed?" questions the contact form asks for this case."""

    em: bool
    safeguarding: bool


def prompts_for(person: Person, on: Any = None) -> Prompts:
    """One query: an active EM or curfew requirement, an active DA or child-concern registration."""
    on = on or timezone.localdate()
    em = Requirement.objects.filter(
        sentence__person=person,
        sentence__terminated_on__isnull=True,
        sentence__expected_end_date__gte=on,
        category__in=EM_CATEGORIES,
        terminated_on__isnull=True,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
    safeguarding = Registration.objects.active().filter(person=person, type__code__in=SAFEGUARDING_REGISTRATIONS)
    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(has_em=Exists(em), has_safeguarding=Exists(safeguarding))
        .values_list("has_em", "has_safeguarding")
        .first()
    ) or (False, False)
    return Prompts(em=bool(row[0]), safeguarding=bool(row[1]))
