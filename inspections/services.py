"""Running the checks and keeping flags in step with them; an SPO's acknowledgement of a flag.

The sweep works a chunk of cases at a time, each chunk in ONE transaction (a killed worker rolls
the chunk back; re-running converges): load the chunk's facts and evaluate the contact policy once
(supervision.policy: a fixed handful of aggregate queries), run every enabled check (at most one
query each), then reconcile in set-based SQL — one INSERT ... ON CONFLICT for the findings, one
UPDATE resolving the open flags no finding supports — and store the case standings from the same
evaluation. The partial unique index `flag_one_open_per_case_kind` makes concurrent sweeps of the
same chunk safe: the ON CONFLICT clause relies on it, not on code. See docs/checks.md.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cases.models import Person, Sentence, User
from inspections.checks import REGISTRY, CheckFinding, ChunkContext
from inspections.checks.registry import JsonbRows
from inspections.models import CheckDefinition, Flag
from kit.clock import now_as_of
from supervision.models import ApprovalRequest, CaseStanding, ContactPolicy
from supervision.policy.evaluate import evaluate_facts
from supervision.policy.facts import load_cases
from supervision.policy.resolve import longest_early_days, policy_in_force
from supervision.services import standing

CHUNK_SIZE = 500
NOT_SUPERVISED = "No longer under active supervision"
CHECK_DISABLED = "Check disabled"
# How far ahead an SPO may set an acknowledgement to expire.
ACKNOWLEDGEMENT_MAX_DAYS = 90


@dataclass
class SweepResult:
    """What a run did (or, for a dry run, would do). `findings` is kept for small runs only."""

    cases: int = 0
    opened: int = 0
    updated: int = 0
    resolved: int = 0
    unchanged: int = 0
    standings: int = 0
    dry_run: bool = False
    by_kind: Counter[str] = field(default_factory=Counter)
    findings: list[CheckFinding] = field(default_factory=list)

    def add(self, other: SweepResult) -> SweepResult:
        for name in ("cases", "opened", "updated", "resolved", "unchanged", "standings"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.by_kind.update(other.by_kind)
        self.findings.extend(other.findings)
        return self

    def counts(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "opened": self.opened,
            "updated": self.updated,
            "resolved": self.resolved,
            "unchanged": self.unchanged,
            "standings": self.standings,
            "dry_run": self.dry_run,
            "by_kind": dict(sorted(self.by_kind.items())),
        }


@dataclass(frozen=True)
class Plan:
    """What every chunk of one run shares: the date, the policy in force and the check definitions."""

    on: date
    now: datetime
    policy: ContactPolicy
    early_days: int
    definitions: dict[str, CheckDefinition]

    @classmethod
    def load(cls, on: date | None = None) -> Plan:
        on = on or timezone.localdate()
        policy = policy_in_force(on)
        definitions = {d.kind: d for d in CheckDefinition.objects.all()}
        return cls(on, now_as_of(on), policy, longest_early_days(policy), definitions)

    def is_enabled(self, kind: str) -> bool:
        definition = self.definitions.get(kind)
        return definition is not None and definition.is_enabled

    @property
    def running(self) -> list[str]:
        """The kinds this run evaluates: implemented and enabled."""
        return [kind for kind, check in REGISTRY.items() if check.available and self.is_enabled(kind)]


def sweep_population(people: QuerySet[Person], on: date) -> QuerySet[Person]:
    """Whom a sweep visits: cases under active supervision, and anyone with an open flag or a
    standing with shortfalls (so a case that stops being supervised is cleared, not forgotten)."""
    return people.filter(
        Exists(Sentence.objects.in_force(on).filter(person=OuterRef("pk")))
        | Exists(Flag.objects.open().filter(person=OuterRef("pk")))
        | Exists(CaseStanding.objects.filter(person=OuterRef("pk")).exclude(shortfalls=[]))
    )


def run_checks(people: QuerySet[Person] | None = None, *, on: date | None = None, dry_run: bool = False) -> SweepResult:
    """Run every enabled check on `people` (every case in the country, PDU by PDU, when None).
    `dry_run` computes the findings and counts and writes nothing (each chunk is rolled back)."""
    plan = Plan.load(on)
    if people is None:
        from cases.models import PDU

        result = SweepResult(dry_run=dry_run)
        for pdu_id in PDU.objects.order_by("pk").values_list("pk", flat=True):
            people_of_pdu = sweep_population(Person.objects.filter(team__pdu_id=pdu_id), plan.on)
            result.add(_sweep(people_of_pdu, plan, dry_run=dry_run, keep=False))
        return result
    return _sweep(people, plan, dry_run=dry_run, keep=True)


def sweep_pdu(pdu_id: int, on: date | None = None, *, dry_run: bool = False) -> SweepResult:
    """One chunk of the nightly sweep: every case of one PDU worth visiting."""
    plan = Plan.load(on)
    people = sweep_population(Person.objects.filter(team__pdu_id=pdu_id), plan.on)
    return _sweep(people, plan, dry_run=dry_run, keep=False)


def check_case(person: Person, on: date | None = None) -> SweepResult:
    """Re-run every check on one case (after it changed), and refresh its standing."""
    return run_checks(Person.objects.filter(pk=person.pk), on=on)


def _sweep(people: QuerySet[Person], plan: Plan, *, dry_run: bool, keep: bool) -> SweepResult:
    result = SweepResult(dry_run=dry_run)
    ids = list(people.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK_SIZE):
        result.add(reconcile_chunk(ids[start : start + CHUNK_SIZE], plan, dry_run=dry_run, keep=keep))
    return result


def find(ids: Sequence[uuid.UUID], plan: Plan) -> tuple[ChunkContext, list[CheckFinding]]:
    """Evaluate a chunk and run the enabled checks on it: the findings, at most one per case and kind."""
    facts = load_cases(Person.objects.filter(pk__in=ids), plan.on, early_days=plan.early_days)
    evaluations = {pk: evaluate_facts(plan.policy, case, plan.on) for pk, case in facts.items()}
    ctx = ChunkContext(plan.on, plan.now, plan.policy, evaluations, definitions=plan.definitions)
    findings: dict[tuple[uuid.UUID, str], CheckFinding] = {}
    for kind in plan.running:
        finder = REGISTRY[kind].find
        assert finder is not None  # `running` lists available checks only
        for finding in finder(ctx):
            findings.setdefault((finding.person_id, finding.kind), finding)
    return ctx, list(findings.values())


def reconcile_chunk(ids: Sequence[uuid.UUID], plan: Plan, *, dry_run: bool = False, keep: bool = True) -> SweepResult:
    """Bring one chunk's flags and standings in line with the checks, in one transaction."""
    result = SweepResult(cases=len(ids), dry_run=dry_run)
    with transaction.atomic(), pghistory.context(service="checks", on=plan.on.isoformat()):
        ctx, findings = find(ids, plan)
        result.by_kind.update(f.kind for f in findings)
        if keep:
            result.findings = findings
        open_flags = _open_flags(ids)
        resolutions = _resolutions(ctx, open_flags, findings, plan)
        result.opened, result.updated = _upsert(_changed(findings, open_flags, plan), plan)
        result.unchanged = len(findings) - result.opened - result.updated
        result.resolved = _resolve(resolutions)
        result.standings = standing.store_evaluations(ctx.evaluations, ctx.on, queue_tiers=not dry_run)
        if dry_run:
            transaction.set_rollback(True)
    return result


@dataclass(frozen=True)
class OpenFlag:
    """What the sweep needs of an open flag: its identity, and a digest of its content to skip
    unchanged findings (`evidence_md5`: md5 of the stored jsonb's text, not the evidence itself)."""

    id: uuid.UUID
    person_id: uuid.UUID
    kind: str
    due_by: date | None
    evidence_md5: str
    policy_id: int | None


# Flag.objects.open() for the chunk; the evidence is digested by the server, never sent or decoded.
_OPEN_FLAGS = """
SELECT id, person_id, kind, due_by, md5(evidence::text), policy_id
  FROM inspections_flag
 WHERE resolved_at IS NULL AND person_id = ANY(%(ids)s::uuid[])
"""


def _open_flags(ids: Sequence[uuid.UUID]) -> dict[tuple[uuid.UUID, str], OpenFlag]:
    """The chunk's open flags (at most one per case and kind: `flag_one_open_per_case_kind`)."""
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_FLAGS, {"ids": list(ids)})
        return {(row[1], row[2]): OpenFlag(*row) for row in cursor.fetchall()}


def _jsonb_key(key: str) -> tuple[int, str]:
    return len(key), key


def _jsonb_order(value: Any) -> Any:
    """`value` with every object's keys in jsonb's order (shorter first, then bytewise, for ASCII keys)."""
    if isinstance(value, dict):
        return {key: _jsonb_order(value[key]) for key in sorted(value, key=_jsonb_key)}
    if isinstance(value, JsonbRows):
        return value
    if isinstance(value, list):
        return [_jsonb_order(item) for item in value]
    return value


def jsonb_md5(value: Any) -> str:
    """md5 of the text PostgreSQL prints for `value` stored as jsonb (`md5(evidence::text)`): keys in
    jsonb's order, ", " and ": " separators, non-ASCII as is. A value it prints differently (a float
    in exponent form, say) only looks changed and is sent; the upsert's own guard then decides."""
    text = json.dumps(_jsonb_order(value), ensure_ascii=False)
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _changed(
    findings: Sequence[CheckFinding], open_flags: dict[tuple[uuid.UUID, str], OpenFlag], plan: Plan
) -> list[CheckFinding]:
    """The findings the upsert must send: new ones, and those whose due date, evidence or policy
    differ from the open flag's. Evidence is compared by the digest of the JSON the flag stores,
    so an unchanged night sends nothing."""
    changed = []
    for finding in findings:
        flag = open_flags.get((finding.person_id, finding.kind))
        if (
            flag is None
            or flag.due_by != finding.due_by
            or flag.policy_id != plan.policy.pk
            or flag.evidence_md5 != jsonb_md5(finding.evidence)
        ):
            changed.append(finding)
    return changed


def _resolutions(
    ctx: ChunkContext, open_flags: dict[tuple[uuid.UUID, str], OpenFlag], findings: Iterable[CheckFinding], plan: Plan
) -> dict[uuid.UUID, str]:
    """The open flags of the chunk that no finding supports any more, and why each resolves.
    Kinds that are not implemented yet are left alone."""
    found = {(f.person_id, f.kind) for f in findings}
    supervised = set(ctx.supervised)
    reasons: dict[uuid.UUID, str] = {}
    for flag in open_flags.values():
        flag_id, person_id, kind = flag.id, flag.person_id, flag.kind
        check = REGISTRY.get(kind)
        if (person_id, kind) in found or check is None:
            continue
        if person_id not in supervised:
            reasons[flag_id] = NOT_SUPERVISED
        elif not plan.is_enabled(kind):
            reasons[flag_id] = CHECK_DISABLED
        elif check.available:
            reasons[flag_id] = check.resolved_because(ctx, person_id)[:500]
    return reasons


_UPSERT = """
INSERT INTO inspections_flag (id, person_id, kind, severity, opened_at, due_by, standard, key_question, evidence,
                              policy_id, last_checked_at, resolution, acknowledgement_reason)
SELECT gen_random_uuid(), f.person_id, f.kind, d.severity, %(now)s, f.due_by, d.standard, d.key_question, f.evidence,
       %(policy)s, %(now)s, '', ''
  FROM jsonb_to_recordset(%(findings)s::jsonb) AS f(person_id uuid, kind text, due_by date, evidence jsonb)
  JOIN inspections_checkdefinition d ON d.kind = f.kind
ON CONFLICT (person_id, kind) WHERE resolved_at IS NULL DO UPDATE
   SET due_by = EXCLUDED.due_by, evidence = EXCLUDED.evidence, policy_id = EXCLUDED.policy_id,
       last_checked_at = EXCLUDED.last_checked_at
 WHERE (inspections_flag.due_by, inspections_flag.evidence, inspections_flag.policy_id)
       IS DISTINCT FROM (EXCLUDED.due_by, EXCLUDED.evidence, EXCLUDED.policy_id)
RETURNING (xmax = 0) AS opened
"""


def _upsert(findings: Sequence[CheckFinding], plan: Plan) -> tuple[int, int]:
    """Open a flag for each new finding; update an open one only if its due date, evidence or
    policy changed (no audit noise for a night on which nothing changed). Returns (opened, updated)."""
    if not findings:
        return 0, 0
    rows = [
        {
            "person_id": str(f.person_id),
            "kind": f.kind,
            "due_by": f.due_by.isoformat() if f.due_by else None,
            "evidence": f.evidence,
        }
        for f in findings
    ]
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, {"policy": plan.policy.pk, "findings": json.dumps(rows), "now": timezone.now()})
        written = [opened for (opened,) in cursor.fetchall()]
    opened = sum(written)
    return opened, len(written) - opened


_RESOLVE = """
UPDATE inspections_flag AS fl SET resolved_at = %(now)s, resolution = r.resolution
  FROM jsonb_to_recordset(%(resolutions)s::jsonb) AS r(id uuid, resolution text)
 WHERE fl.id = r.id AND fl.resolved_at IS NULL
"""


def _resolve(resolutions: dict[uuid.UUID, str]) -> int:
    if not resolutions:
        return 0
    rows = [{"id": str(pk), "resolution": reason} for pk, reason in resolutions.items()]
    with connection.cursor() as cursor:
        cursor.execute(_RESOLVE, {"resolutions": json.dumps(rows), "now": timezone.now()})
        resolved: int = cursor.rowcount
        return resolved


@transaction.atomic
def acknowledge_flag(flag: Flag, *, by: User, reason: str, expires: date) -> Flag:
    """An SPO of the case's team accepts an open flag for now, with a reason, until `expires`
    (today up to 90 days ahead). The flag stays open and is still re-checked; audited."""
    flag = Flag.objects.select_for_update().select_related("person").get(pk=flag.pk)
    if not by.is_spo or by.team_id is None or by.team_id != flag.person.team_id:
        raise PermissionDenied("Only a senior probation officer of the case's team can acknowledge a flag")
    if not flag.is_open:
        raise ValidationError("This flag is resolved, so it cannot be acknowledged")
    reason = reason.strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Enter why you are acknowledging this flag"
    elif len(reason) > 1000:
        errors["reason"] = "The reason must be 1,000 characters or fewer"
    today = timezone.localdate()
    latest = today + timedelta(days=ACKNOWLEDGEMENT_MAX_DAYS)
    if expires < today:
        errors["expires"] = "The expiry date must be today or in the future"
    elif expires > latest:
        errors["expires"] = f"The expiry date must be within {ACKNOWLEDGEMENT_MAX_DAYS} days, by {latest:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    flag.acknowledged_at = timezone.now()
    flag.acknowledged_by = by
    flag.acknowledgement_reason = reason
    flag.acknowledgement_expires = expires
    with pghistory.context(service="acknowledge_flag", user=by.pk):
        flag.save(
            update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_reason", "acknowledgement_expires"]
        )
    return flag


# How long an acknowledgement approved through an approval request lasts when it does not say.
APPROVED_ACKNOWLEDGEMENT_DAYS = 30


def approve_flag_acknowledgement(request: ApprovalRequest, spo: User) -> None:
    """The FLAG_ACKNOWLEDGEMENT approval handler (registered by InspectionsConfig.ready()): the
    deciding SPO acknowledges the flag the request is about (`subject_id`), with the decision's
    reason, until `details["expires"]` (an ISO date) or 30 days from today. Runs inside
    decide_approval's transaction: a refusal (ValidationError) records no decision."""
    flag = (
        Flag.objects.filter(pk=request.subject_id, person_id=request.person_id).first()
        if request.subject_id is not None
        else None
    )
    if flag is None:
        raise ValidationError("The flag this request is about does not exist on this case")
    raw = request.details.get("expires")
    if raw:
        try:
            expires = date.fromisoformat(str(raw))
        except ValueError:
            raise ValidationError({"expires": "The expiry date asked for is not a real date"}) from None
    else:
        expires = timezone.localdate() + timedelta(days=APPROVED_ACKNOWLEDGEMENT_DAYS)
    acknowledge_flag(flag, by=spo, reason=request.decision_reason, expires=expires)
