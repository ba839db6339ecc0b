"""Checks over case records, each ONE set-based query for the whole chunk (no per-case loop in
the database): risk-flag reviews, outcomes not recorded, enforcement decisions due."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from cases.models import Registration
from inspections.checks.registry import CheckFinding, ChunkContext, check, day, spoken
from inspections.models import FlagKind
from supervision.models import Contact

# How many records a flag's evidence lists at most (the oldest: the most overdue).
EVIDENCE_ROWS = 20


def _midnight(on: date) -> datetime:
    return timezone.make_aware(datetime.combine(on, datetime.min.time()))


def _oldest_first(contacts: Any) -> Any:
    """Cap each case's rows at EVIDENCE_ROWS with a window function, in the same query."""
    rank = Window(RowNumber(), partition_by=[F("person_id")], order_by=[F("starts_at").asc(), F("id").asc()])
    return contacts.annotate(rank=rank).filter(rank__lte=EVIDENCE_ROWS).order_by("person_id", "starts_at")


@check(FlagKind.REGISTRATION_REVIEW_OVERDUE, resolved_because=lambda ctx, pk: "Registration reviewed or closed")
def registration_review_overdue(ctx: ChunkContext) -> Iterator[CheckFinding]:
    """An active registration (risk flag) whose review date has passed."""
    rows = (
        Registration.objects.review_overdue(ctx.on)
        .filter(person_id__in=ctx.supervised)
        .order_by("person_id", "review_due", "type__code")
        .values("person_id", "id", "type__code", "type__description", "registered_on", "review_due")
    )
    by_person: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_person[row["person_id"]].append(dict(row))
    for person_id, registrations in by_person.items():
        first = registrations[0]
        yield CheckFinding(
            person_id,
            FlagKind.REGISTRATION_REVIEW_OVERDUE,
            first["review_due"],
            {
                "policy_version": ctx.policy.version,
                "summary": f"The review of the {first['type__description']} registration was due on "
                f"{spoken(first['review_due'])}.",
                "registrations": [
                    {
                        "id": str(row["id"]),
                        "type": row["type__code"],
                        "description": row["type__description"],
                        "registered_on": day(row["registered_on"]),
                        "review_due": day(row["review_due"]),
                    }
                    for row in registrations
                ],
            },
        )


@check(FlagKind.OUTCOME_NOT_RECORDED, resolved_because=lambda ctx, pk: "Outcomes recorded")
def outcome_not_recorded(ctx: ChunkContext) -> Iterator[CheckFinding]:
    """Past attendance contacts with no outcome, more than the policy's outcome_recording_days
    (resolved for each case) after the contact: a contact exactly that many days ago is still in time."""
    days = {pk: int(ctx.params(pk)["outcome_recording_days"]) for pk in ctx.supervised}
    if not days:
        return
    # One query with the shortest allowance in the chunk; each case's own allowance is applied below.
    latest = _midnight(ctx.on - timedelta(days=min(days.values())))
    rows = _oldest_first(
        Contact.objects.current()
        .awaiting_outcome(ctx.now)
        .filter(person_id__in=list(days), starts_at__lt=latest)
        .values("person_id", "thread_id", "starts_at", "contact_type__code")
    )
    by_person: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        when = timezone.localdate(row["starts_at"])
        if (ctx.on - when).days > days[row["person_id"]]:
            by_person[row["person_id"]].append({**row, "date": when})
    for person_id, contacts in by_person.items():
        allowance = days[person_id]
        yield CheckFinding(
            person_id,
            FlagKind.OUTCOME_NOT_RECORDED,
            contacts[0]["date"] + timedelta(days=allowance),
            {
                "policy_version": ctx.policy.version,
                "summary": f"The outcome of the contact on {spoken(contacts[0]['date'])} is not recorded. "
                f"Outcomes are due within {allowance} days.",
                "outcome_recording_days": allowance,
                "contacts": [
                    {"date": day(c["date"]), "type": c["contact_type__code"], "thread_id": str(c["thread_id"])}
                    for c in contacts
                ],
            },
        )


@check(FlagKind.ENFORCEMENT_DECISION_DUE, resolved_because=lambda ctx, pk: "Enforcement decision recorded")
def enforcement_decision_due(ctx: ChunkContext) -> Iterator[CheckFinding]:
    """Failures to comply since supervision started that no enforcement decision answers yet
    (Contact.awaiting_enforcement_decision). A decision is due on the failure itself: due_by is
    the earliest unanswered failure's date."""
    supervised = ctx.supervised
    if not supervised:
        return
    rows = _oldest_first(
        Contact.objects.current()
        .awaiting_enforcement_decision()
        .filter(person_id__in=supervised, starts_at__lte=ctx.now)
        .values("person_id", "thread_id", "starts_at", "contact_type__code", "outcome__code")
    )
    by_person: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        when = timezone.localdate(row["starts_at"])
        start = ctx.facts(row["person_id"]).supervision_start
        if start is not None and start <= when <= ctx.on:
            by_person[row["person_id"]].append({**row, "date": when})
    for person_id, failures in by_person.items():
        yield CheckFinding(
            person_id,
            FlagKind.ENFORCEMENT_DECISION_DUE,
            failures[0]["date"],
            {
                "policy_version": ctx.policy.version,
                "summary": f"The failure to comply on {spoken(failures[0]['date'])} has no enforcement decision.",
                "failures_limit": ctx.params(person_id)["failures_limit"],
                "failures": [
                    {
                        "date": day(f["date"]),
                        "type": f["contact_type__code"],
                        "outcome": f["outcome__code"],
                        "thread_id": str(f["thread_id"]),
                    }
                    for f in failures
                ],
            },
        )
