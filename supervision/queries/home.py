"""Read model for the practitioner's launch page: what needs doing today, across their cases.

Every section is one query whatever the caseload, so the page costs the same for 5 cases or 80.
Cases are those allocated to the practitioner that they may see (`visible_people(user).allocated_to(user)`);
appointments also include ones the practitioner holds on those cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet, Subquery
from django.utils import timezone

from cases.access import visible_people
from cases.models import Person, User
from kit.clock import end_of_day, local_midnight
from supervision.models import CaseStanding, Contact, ContactPolicy, ContactQuerySet, PolicyRule

# How far ahead "upcoming appointments" looks: a page layout choice, not a policy number.
UPCOMING_DAYS = 14


@dataclass(frozen=True)
class Appointment:
    contact: Contact
    is_past: bool


@dataclass(frozen=True)
class OutcomeDue:
    contact: Contact
    days_since: int
    is_overdue: bool


@dataclass(frozen=True)
class Shortfall:
    person: Person
    codes: list[str]
    labels: list[str]
    next_face_to_face_due: date | None


@dataclass
class LaunchPage:
    today: list[Appointment] = field(default_factory=list)
    upcoming: list[Contact] = field(default_factory=list)
    outcomes_due: list[OutcomeDue] = field(default_factory=list)
    decisions_due: list[Contact] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    outcome_recording_days: int | None = None
    upcoming_days: int = UPCOMING_DAYS


def _contacts(case_ids: QuerySet[Person, Any]) -> ContactQuerySet:
    return (
        Contact.objects.current()
        .filter(person__in=case_ids)
        .select_related("person", "contact_type", "outcome")
        .order_by("starts_at", "person__crn")
    )


def _appointments(
    user: User, visible: QuerySet[Person, Any], mine: QuerySet[Person, Any], start: datetime, end: datetime
) -> list[Contact]:
    """Attendance contacts on the practitioner's cases, and those she holds on other cases she may see.

    Two queries rather than one with an OR: each half then uses its own index (by person, by staff),
    where the OR made PostgreSQL scan every current contact in the date range (seconds at national scale).
    """
    window = {"starts_at__gte": start, "starts_at__lt": end, "contact_type__is_attendance": True}
    on_my_cases = list(_contacts(mine).filter(**window))
    held = _contacts(visible.values("pk")).filter(staff=user, **window).exclude(person__in=mine)
    return sorted([*on_my_cases, *held], key=lambda c: (c.starts_at, c.person.crn))


def outcome_recording_days(on: date) -> int | None:
    """Days the policy in force allows for recording an outcome (the base rule: the page spans cases)."""
    # One query: the base rule of the version `ContactPolicy.objects.in_force(on)` would return.
    in_force = ContactPolicy.objects.published().filter(effective_from__lte=on).order_by("-effective_from")
    rule = (
        PolicyRule.objects.filter(policy=Subquery(in_force.values("pk")[:1]), is_base=True)
        .only("outcome_recording_days")
        .first()
    )
    return rule.outcome_recording_days if rule else None


def shortfall_label(code: str) -> str:
    """A readable name for a shortfall code recorded by the policy evaluation."""
    try:
        from supervision import policy as evaluation

        labels = getattr(evaluation, "SHORTFALL_LABELS", {})
    except ImportError:  # the evaluation engine is not installed in this build
        labels = {}
    return str(labels.get(code) or code.replace("_", " ").capitalize())


def launch_page(user: User, now: datetime | None = None) -> LaunchPage:
    now = now or timezone.now()
    today = timezone.localdate(now)
    visible = visible_people(user)
    mine = visible.allocated_to(user).values("pk")
    page = LaunchPage(outcome_recording_days=outcome_recording_days(today))

    start, end = local_midnight(today), local_midnight(today + timedelta(days=UPCOMING_DAYS + 1))
    tomorrow = end_of_day(today)
    for contact in _appointments(user, visible, mine, start, end):
        if contact.starts_at < tomorrow:
            page.today.append(Appointment(contact, is_past=contact.starts_at <= now))
        else:
            page.upcoming.append(contact)

    for contact in _contacts(mine).awaiting_outcome(now):
        days = (today - timezone.localdate(contact.starts_at)).days
        limit = page.outcome_recording_days
        page.outcomes_due.append(OutcomeDue(contact, days, is_overdue=limit is not None and days > limit))

    page.decisions_due = list(_contacts(mine).awaiting_enforcement_decision())

    standings = (
        CaseStanding.objects.filter(person__in=mine)
        .exclude(shortfalls=[])
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "person__crn")
    )
    page.shortfalls = [
        Shortfall(s.person, list(s.shortfalls), [shortfall_label(c) for c in s.shortfalls], s.next_face_to_face_due)
        for s in standings
    ]
    return page
