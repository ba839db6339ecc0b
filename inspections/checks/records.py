"""Checks over case records, each ONE set-based query for the whole chunk (no per-case loop in
the database): risk-flag reviews, outcomes not recorded, enforcement decisions due."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from cases.models import Registration
from inspections.checks.registry import CheckFinding, ChunkContext, JsonbRows, check, day, spoken
from inspections.models import FlagKind
from kit.clock import local_midnight

# How many records a flag's evidence lists at most (the oldest: the most overdue).
EVIDENCE_ROWS = 20


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


# The oldest EVIDENCE_ROWS contacts of each case (ranked before the per-case filter, as the flag has
# always listed them), then each case's own cut-off applied and its evidence rows built as JSON by
# the server: Python receives one ready list per case, not one dict per contact.
_OUTCOMES = """
WITH cases AS (SELECT * FROM unnest(%(ids)s::uuid[], %(days)s::int[]) AS c(person_id, days)),
ranked AS (
  SELECT ct.person_id, ct.id, ct.thread_id, ct.starts_at, t.code AS type,
         (ct.starts_at AT TIME ZONE %(tz)s)::date AS day,
         row_number() OVER (PARTITION BY ct.person_id ORDER BY ct.starts_at, ct.id) AS rank
    FROM supervision_contact ct
    JOIN supervision_contacttype t ON t.id = ct.contact_type_id
   WHERE ct.person_id = ANY(%(ids)s::uuid[]) AND ct.superseded_at IS NULL AND ct.starts_at <= %(now)s
     AND t.is_attendance AND ct.outcome_id IS NULL AND ct.starts_at < %(latest)s
)
SELECT r.person_id, c.days, min(r.day),
       jsonb_agg(jsonb_build_object('date', r.day, 'type', r.type, 'thread_id', r.thread_id)
                 ORDER BY r.starts_at, r.id)
  FROM ranked r JOIN cases c USING (person_id)
 WHERE r.rank <= %(rows)s AND %(on)s::date - r.day > c.days
 GROUP BY r.person_id, c.days
"""


@check(FlagKind.OUTCOME_NOT_RECORDED, resolved_because=lambda ctx, pk: "Outcomes recorded")
def outcome_not_recorded(ctx: ChunkContext) -> Iterator[CheckFinding]:
    """Past attendance contacts with no outcome, more than the policy's outcome_recording_days
    (resolved for each case) after the contact: a contact exactly that many days ago is still in time."""
    days = {pk: int(ctx.params(pk).outcome_recording_days) for pk in ctx.supervised}
    if not days:
        return
    # The shortest allowance in the chunk bounds the scan; each case's own allowance is applied after.
    latest = local_midnight(ctx.on - timedelta(days=min(days.values())))
    params = {"ids": list(days), "days": list(days.values()), "latest": latest, "now": ctx.now}
    for person_id, allowance, first, contacts in _evidence(_OUTCOMES, ctx, params):
        yield CheckFinding(
            person_id,
            FlagKind.OUTCOME_NOT_RECORDED,
            first + timedelta(days=allowance),
            {
                "policy_version": ctx.policy.version,
                "summary": f"The outcome of the contact on {spoken(first)} is not recorded. "
                f"Outcomes are due within {allowance} days.",
                "outcome_recording_days": allowance,
                "contacts": contacts,
            },
        )


# Contact.objects.current().awaiting_enforcement_decision(), in SQL (see _OUTCOMES for the shape).
_FAILURES = """
WITH cases AS (SELECT * FROM unnest(%(ids)s::uuid[], %(starts)s::date[]) AS c(person_id, start)),
ranked AS (
  SELECT ct.person_id, ct.id, ct.thread_id, ct.starts_at, t.code AS type, o.code AS outcome,
         (ct.starts_at AT TIME ZONE %(tz)s)::date AS day,
         row_number() OVER (PARTITION BY ct.person_id ORDER BY ct.starts_at, ct.id) AS rank
    FROM supervision_contact ct
    JOIN supervision_contacttype t ON t.id = ct.contact_type_id
    JOIN supervision_outcometype o ON o.id = ct.outcome_id
   WHERE ct.person_id = ANY(%(ids)s::uuid[]) AND ct.superseded_at IS NULL AND ct.starts_at <= %(now)s
     AND t.is_national_standard AND o.is_failure
     AND NOT EXISTS (SELECT 1 FROM supervision_enforcementaction e
                      WHERE e.person_id = ct.person_id
                        AND e.failure_date >= (ct.starts_at AT TIME ZONE %(tz)s)::date)
)
SELECT r.person_id, NULL, min(r.day),
       jsonb_agg(jsonb_build_object('date', r.day, 'type', r.type, 'outcome', r.outcome, 'thread_id', r.thread_id)
                 ORDER BY r.starts_at, r.id)
  FROM ranked r JOIN cases c USING (person_id)
 WHERE r.rank <= %(rows)s AND c.start IS NOT NULL AND r.day BETWEEN c.start AND %(on)s::date
 GROUP BY r.person_id
"""


def _evidence(sql: str, ctx: ChunkContext, params: dict[str, Any]) -> Iterator[tuple[uuid.UUID, Any, date, Any]]:
    """(person, parameter, first date, evidence rows) for each case the query finds. A raw cursor
    returns jsonb as text (Django leaves the decoding to JSONField): one json.loads per case."""
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "on": ctx.on, "tz": timezone.get_current_timezone_name(), "rows": EVIDENCE_ROWS})
        rows = cursor.fetchall()
    for person_id, parameter, first, evidence in rows:
        yield person_id, parameter, first, JsonbRows(json.loads(evidence))


@check(FlagKind.ENFORCEMENT_DECISION_DUE, resolved_because=lambda ctx, pk: "Enforcement decision recorded")
def enforcement_decision_due(ctx: ChunkContext) -> Iterator[CheckFinding]:
    """Failures to comply since supervision started that no enforcement decision answers yet
    (Contact.awaiting_enforcement_decision). A decision is due on the failure itself: due_by is
    the earliest unanswered failure's date."""
    supervised = ctx.supervised
    if not supervised:
        return
    starts = [ctx.facts(pk).supervision_start for pk in supervised]
    params = {"ids": supervised, "starts": starts, "now": ctx.now}
    for person_id, _, first, failures in _evidence(_FAILURES, ctx, params):
        yield CheckFinding(
            person_id,
            FlagKind.ENFORCEMENT_DECISION_DUE,
            first,
            {
                "policy_version": ctx.policy.version,
                "summary": f"The failure to comply on {spoken(first)} has no enforcement decision.",
                "failures_limit": ctx.params(person_id).failures_limit,
                "failures": failures,
            },
        )
