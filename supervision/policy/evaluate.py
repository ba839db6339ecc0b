"""Evaluate a case against the contact policy in force, and keep its stored standing up to date."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pghistory
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from cases.models import Person
from supervision.models import CaseStanding, ContactPolicy, Phase
from supervision.policy.facts import CaseFacts, load_cases
from supervision.policy.parameters import PolicyParameters
from supervision.policy.resolve import longest_early_days, phase_and_parameters, policy_in_force
from supervision.policy.rules import Finding, apply_rules, remote_supplement_reasons

CHUNK_SIZE = 500


@dataclass(frozen=True)
class Evaluation:
    policy: ContactPolicy
    params: PolicyParameters
    phase: str
    shortfalls: list[str]
    next_face_to_face_due: date | None
    explanations: list[str]
    on: date
    facts: CaseFacts
    findings: list[Finding] = field(default_factory=list)
    remote_supplement_only: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.facts.active

    @property
    def phase_label(self) -> str:
        return str(Phase(self.phase).label) if self.phase else ""

    def details(self) -> dict[str, Any]:
        """What CaseStanding keeps beside the codes: the explanations and the parameters used."""
        return {
            "on": self.on.isoformat(),
            "policy_version": self.policy.version,
            "explanations": {finding.code: finding.explanation for finding in self.findings},
            "remote_supplement_only": self.remote_supplement_only,
            "params": self.params.as_dict(),
        }


def evaluate_facts(policy: ContactPolicy, facts: CaseFacts, on: date) -> Evaluation:
    """Judge one case's facts under `policy` (its rules already loaded): no queries."""
    rules = list(policy.rules.all())
    phase, params = phase_and_parameters(rules, facts, on)
    result = apply_rules(facts, params, phase, on)
    return Evaluation(
        policy=policy,
        params=params,
        phase=phase,
        shortfalls=result.shortfalls,
        next_face_to_face_due=result.next_face_to_face_due,
        explanations=[finding.explanation for finding in result.findings],
        on=on,
        facts=facts,
        findings=result.findings,
        remote_supplement_only=remote_supplement_reasons(facts, list(policy.remote_supplement_only_for), on)
        if facts.active
        else [],
    )


def evaluate_case(person: Person, on: date | None = None) -> Evaluation:
    """The case judged under the version in force on `on` (today by default), in a handful of queries.
    Raises NoPolicyInForce for a date before the first version."""
    on = on or timezone.localdate()
    policy = policy_in_force(on)
    people = Person.objects.filter(pk=person.pk)
    facts = load_cases(people, on, early_days=longest_early_days(policy), loaded=[person])[person.pk]
    return evaluate_facts(policy, facts, on)


def _standing(evaluation: Evaluation) -> CaseStanding:
    return CaseStanding(
        person_id=evaluation.facts.person_id,
        policy=evaluation.policy,
        evaluated_at=timezone.now(),
        phase=evaluation.phase,
        next_face_to_face_due=evaluation.next_face_to_face_due,
        shortfalls=evaluation.shortfalls,
        details=evaluation.details(),
    )


_UPDATED = ["policy", "evaluated_at", "phase", "next_face_to_face_due", "shortfalls", "details"]


# One statement for a chunk's standings. A standing is rewritten only when its result changed (the
# evaluation date in `details.on` and `evaluated_at` aside): an unchanged night writes no row and
# adds no audit event, so `evaluated_at` and `details.on` say when the result last changed.
_SAVE = """
INSERT INTO supervision_casestanding AS cs
       (person_id, policy_id, evaluated_at, phase, next_face_to_face_due, shortfalls, details)
SELECT r.person_id, r.policy_id, %(now)s, r.phase, r.next_face_to_face_due, r.shortfalls, r.details
  FROM jsonb_to_recordset(%(rows)s::jsonb)
       AS r(person_id uuid, policy_id bigint, phase text, next_face_to_face_due date, shortfalls text[], details jsonb)
ON CONFLICT (person_id) DO UPDATE
   SET policy_id = EXCLUDED.policy_id, evaluated_at = EXCLUDED.evaluated_at, phase = EXCLUDED.phase,
       next_face_to_face_due = EXCLUDED.next_face_to_face_due, shortfalls = EXCLUDED.shortfalls,
       details = EXCLUDED.details
 WHERE (cs.policy_id, cs.phase, cs.next_face_to_face_due, cs.shortfalls, cs.details - 'on')
       IS DISTINCT FROM (EXCLUDED.policy_id, EXCLUDED.phase, EXCLUDED.next_face_to_face_due, EXCLUDED.shortfalls,
                         EXCLUDED.details - 'on')
"""


def _row(evaluation: Evaluation) -> dict[str, Any]:
    due = evaluation.next_face_to_face_due
    return {
        "person_id": str(evaluation.facts.person_id),
        "policy_id": evaluation.policy.pk,
        "phase": evaluation.phase,
        "next_face_to_face_due": due.isoformat() if due else None,
        "shortfalls": list(evaluation.shortfalls),
        "details": evaluation.details(),
    }


def save_standings(evaluations: Iterable[Evaluation]) -> int:
    """Store many evaluations in one statement (insert, or update the ones whose result changed).
    The nightly checks sweep calls it with the evaluations it has just judged its flags on, so one
    pass serves both. Returns how many evaluations were stored or found unchanged."""
    rows = [_row(evaluation) for evaluation in evaluations]
    if rows:
        with connection.cursor() as cursor:
            cursor.execute(_SAVE, {"now": timezone.now(), "rows": json.dumps(rows, cls=DjangoJSONEncoder)})
    return len(rows)


@transaction.atomic
def refresh_standing(person: Person) -> CaseStanding:
    """Store the case's evaluation today (insert or update; pghistory keeps each earlier one)."""
    standing = _standing(evaluate_case(person))
    with pghistory.context(service="refresh_standing"):
        CaseStanding.objects.bulk_create(
            [standing], update_conflicts=True, unique_fields=["person"], update_fields=_UPDATED
        )
    return standing


def refresh_standings(person_ids: Iterable[uuid.UUID | str]) -> int:
    """Re-evaluate many cases today, a chunk at a time (a fixed number of queries per chunk)."""
    on = timezone.localdate()
    policy = policy_in_force(on)
    early_days = longest_early_days(policy)
    ids = list(dict.fromkeys(str(pk) for pk in person_ids))
    count = 0
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start : start + CHUNK_SIZE]
        with transaction.atomic(), pghistory.context(service="refresh_standings"):
            facts = load_cases(Person.objects.filter(pk__in=chunk), on, early_days=early_days)
            count += save_standings(evaluate_facts(policy, case, on) for case in facts.values())
    return count
