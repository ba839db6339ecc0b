"""Checks over assessments, management oversight and safeguarding information requests, each ONE
set-based query for the whole chunk (correlated subqueries or a window function; no per-case
query). Thresholds come from the kind's `CheckDefinition.threshold` (admin-editable); the first
assessment's deadline and the review schedule are supervision's own rules and policy parameters
(`supervision.rules.assessments.first_assessment_due`, `review_due`), the ones the risk page shows,
not a second copy."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, Subquery, Window
from django.db.models.functions import JSONObject, RowNumber
from django.utils import timezone

from cases.models import Person, RoshLevel
from inspections.checks.registry import NO_LONGER_HOLDS, CheckFinding, ChunkContext, check, day, spoken
from inspections.models import FlagKind
from supervision.models import (
    Assessment,
    AssessmentStatus,
    AssessmentType,
    InformationRequest,
    InformationSource,
    ManagementOversight,
    OversightType,
)
from supervision.queries.assessments import review_rows
from supervision.rules.assessments import review_due, review_records

# How many records a flag's evidence lists at most (the oldest: the most overdue).
EVIDENCE_ROWS = 20
# Used only when an administrator has cleared a definition's threshold (the seeded values).
DEFAULT_OVERSIGHT_DAYS = 90
DEFAULT_SAFEGUARDING_DAYS = 14


def _json_rows(queryset: Any, limit: int = EVIDENCE_ROWS, **fields: Any) -> ArraySubquery:
    return ArraySubquery(queryset.values(json=JSONObject(**fields))[:limit])


def _iso(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


# --- Assessments: one query shared by ASSESSMENT_OVERDUE and REVIEW_OVERDUE ----------------------


def _assessment_rows(ctx: ChunkContext) -> dict[uuid.UUID, dict[str, Any]]:
    """The review records of every supervised case of the chunk, with its assessments in progress
    (in ctx.cache: the two assessment checks share one query)."""
    if "assessments" not in ctx.cache:
        rows: dict[uuid.UUID, dict[str, Any]] = {}
        if ctx.supervised:
            pending = Assessment.objects.filter(
                person=OuterRef("pk"),
                status__in=[AssessmentStatus.DRAFT, AssessmentStatus.AWAITING_COUNTERSIGNATURE],
            ).order_by("started_at")
            query = review_rows(Person.objects.filter(pk__in=ctx.supervised), ctx.on).annotate(
                pending=_json_rows(pending, type=F("type"), status=F("status"), started_at=F("started_at"))
            )
            rows = {row["pk"]: row for row in query}
        ctx.cache["assessments"] = rows
    cached: dict[uuid.UUID, dict[str, Any]] = ctx.cache["assessments"]
    return cached


def _in_progress(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "type": a["type"],
            "type_label": AssessmentType(a["type"]).label,
            "status": a["status"],
            "status_label": AssessmentStatus(a["status"]).label,
            "started": day(_iso(a["started_at"])),
        }
        for a in row["pending"] or ()
    ]


def _pending_note(in_progress: list[dict[str, Any]]) -> str:
    statuses = {a["status"] for a in in_progress}
    if AssessmentStatus.AWAITING_COUNTERSIGNATURE in statuses:
        return " An assessment is awaiting countersignature: it does not count until an SPO countersigns it."
    if AssessmentStatus.DRAFT in statuses:
        return " An assessment is in progress."
    return ""


def _assessed_because(ctx: ChunkContext, person_id: uuid.UUID) -> str:
    last = _assessment_rows(ctx).get(person_id, {}).get("last_completed")
    return f"Assessment completed on {spoken(last)}" if last else NO_LONGER_HOLDS


@check(FlagKind.ASSESSMENT_OVERDUE, resolved_because=_assessed_because)
def assessment_overdue(ctx: ChunkContext) -> Iterator[CheckFinding]:
    """Supervision's first-assessment rule (`first_assessment_due`, the policy's `first_assessment_days`
    after the current sentence started; the risk page shows the same date): one completed on the last
    day is in time, and one awaiting countersignature does not count yet."""
    for person_id, row in _assessment_rows(ctx).items():
        days = ctx.params(person_id).first_assessment_days
        records = review_records(row)
        due = records.first_assessment_due(days)
        start, last = records.supervision_start, row["last_completed"]
        if due is None or start is None or ctx.on <= due:
            continue
        in_progress = _in_progress(row)
        yield CheckFinding(
            person_id,
            FlagKind.ASSESSMENT_OVERDUE,
            due,
            {
                "policy_version": ctx.policy.version,
                "summary": f"No assessment has been completed since the sentence started on {spoken(start)}: "
                f"one was due by {spoken(due)}.{_pending_note(in_progress)}",
                "threshold_days": days,
                "sentence_start": day(start),
                "last_complete_before": day(last),
                "in_progress": in_progress,
            },
        )


def _reviewed_because(ctx: ChunkContext, person_id: uuid.UUID) -> str:
    row = _assessment_rows(ctx).get(person_id)
    if row is None or row["last_completed"] is None:
        return NO_LONGER_HOLDS
    due = _review(ctx, person_id, row)
    later = f"; the next review is due on {spoken(due.due)}" if due.due else ""
    return f"Assessment review up to date: last completed on {spoken(row['last_completed'])}{later}"


def _review(ctx: ChunkContext, person_id: uuid.UUID, row: dict[str, Any]) -> Any:
    params = ctx.params(person_id)
    return review_due(
        review_records(row),
        on=ctx.on,
        interval_weeks=int(params.assessment_review_weeks),
        trigger_days=int(params.review_trigger_days),
    )


@check(FlagKind.REVIEW_OVERDUE, resolved_because=_reviewed_because)
def review_overdue(ctx: ChunkContext) -> Iterator[CheckFinding]:
    """The case has a complete assessment and its next review (supervision's rule: the policy's
    interval, brought forward by each trigger since) is before today."""
    for person_id, row in _assessment_rows(ctx).items():
        if row["last_completed"] is None:
            continue  # no assessment yet: ASSESSMENT_OVERDUE's business
        due = _review(ctx, person_id, row)
        if not due.overdue:
            continue
        params = ctx.params(person_id)
        in_progress = _in_progress(row)
        yield CheckFinding(
            person_id,
            FlagKind.REVIEW_OVERDUE,
            due.due,
            {
                "policy_version": ctx.policy.version,
                "summary": f"The assessment review was due on {spoken(due.due)} ({due.reason}). The last "
                f"assessment was completed on {spoken(row['last_completed'])}.{_pending_note(in_progress)}",
                "last_complete": day(row["last_completed"]),
                "reason": due.reason,
                "due": day(due.due),
                "interval_weeks": int(params.assessment_review_weeks),
                "trigger_days": int(params.review_trigger_days),
                "triggers": [
                    {"reason": t.reason, "on": day(t.on), "due": day(t.due)} for t in due.triggers[:EVIDENCE_ROWS]
                ],
                "in_progress": in_progress,
            },
        )


# --- Management oversight --------------------------------------------------------------------


def _needs_oversight(ctx: ChunkContext, person_id: uuid.UUID) -> bool:
    facts = ctx.facts(person_id)
    return facts.high_rosh or facts.very_high_rosh or facts.any_mappa


def _oversight_rows(ctx: ChunkContext) -> dict[uuid.UUID, dict[str, Any]]:
    if "oversight" not in ctx.cache:
        eligible = [pk for pk in ctx.supervised if _needs_oversight(ctx, pk)]
        rows: dict[uuid.UUID, dict[str, Any]] = {}
        if eligible:
            recorded = ManagementOversight.objects.filter(person=OuterRef("pk"), recorded_at__lte=ctx.now)
            latest = recorded.order_by("-recorded_at")
            overdue = recorded.filter(follow_up_due__lt=ctx.on, follow_up_done_at__isnull=True).order_by(
                "follow_up_due", "recorded_at"
            )
            query = (
                Person.objects.filter(pk__in=eligible)
                .annotate(
                    last_at=Subquery(latest.values("recorded_at")[:1]),
                    last_type=Subquery(latest.values("type")[:1]),
                    overdue=_json_rows(
                        overdue, type=F("type"), recorded_at=F("recorded_at"), follow_up_due=F("follow_up_due")
                    ),
                )
                .values("pk", "last_at", "last_type", "overdue")
            )
            rows = {row["pk"]: dict(row) for row in query}
        ctx.cache["oversight"] = rows
    cached: dict[uuid.UUID, dict[str, Any]] = ctx.cache["oversight"]
    return cached


def _overseen_because(ctx: ChunkContext, person_id: uuid.UUID) -> str:
    if not _needs_oversight(ctx, person_id):
        return "No longer a high RoSH or MAPPA case"
    row = _oversight_rows(ctx).get(person_id)
    if row is None or row["last_at"] is None:
        return NO_LONGER_HOLDS
    last = timezone.localdate(row["last_at"])
    return f"Management oversight up to date: last recorded on {spoken(last)}, no follow-up overdue"


def _why_oversight(ctx: ChunkContext, person_id: uuid.UUID) -> str:
    facts = ctx.facts(person_id)
    reasons = []
    if facts.high_rosh or facts.very_high_rosh:
        level = RoshLevel.VERY_HIGH if facts.very_high_rosh else RoshLevel(facts.rosh)
        reasons.append(f"{level.label.lower()} RoSH")
    if facts.any_mappa:
        reasons.append("MAPPA")
    return " and ".join(reasons)


@check(FlagKind.OVERSIGHT_DUE, resolved_because=_overseen_because)
def oversight_due(ctx: ChunkContext) -> Iterator[CheckFinding]:
    """A high or very high RoSH or MAPPA case with no SPO oversight recorded in the threshold's days
    (oversight exactly that many days ago is still in time; with none ever, the days run from the
    start of supervision), or an oversight follow-up past its due date and not done."""
    days = ctx.threshold(FlagKind.OVERSIGHT_DUE, DEFAULT_OVERSIGHT_DAYS)
    for person_id, row in _oversight_rows(ctx).items():
        start = ctx.facts(person_id).supervision_start
        last = timezone.localdate(row["last_at"]) if row["last_at"] else None
        since = last or start
        interval_due = since + timedelta(days=days) if since else None
        stale = interval_due is not None and ctx.on > interval_due
        follow_ups = [(_iso(o["follow_up_due"]) or ctx.on, o) for o in row["overdue"] or ()]
        if not stale and not follow_ups:
            continue
        dues = [due for due, _ in follow_ups]
        parts = []
        if stale and interval_due is not None:
            dues.append(interval_due)
            parts.append(
                f"No management oversight since {spoken(last)}" if last else "No management oversight recorded"
            )
        if follow_ups:
            parts.append(f"a follow-up was due on {spoken(follow_ups[0][0])}")
        summary = "; ".join(parts)
        yield CheckFinding(
            person_id,
            FlagKind.OVERSIGHT_DUE,
            min(dues),
            {
                "policy_version": ctx.policy.version,
                "summary": f"{summary[:1].upper()}{summary[1:]}. A {_why_oversight(ctx, person_id)} case needs "
                f"oversight at least every {days} days.",
                "threshold_days": days,
                "because": _why_oversight(ctx, person_id),
                "supervision_start": day(start),
                "last_oversight": {"date": day(last), "type": row["last_type"]} if last else None,
                "oversight_due": day(interval_due),
                "follow_ups_overdue": [
                    {
                        "type": o["type"],
                        "type_label": OversightType(o["type"]).label,
                        "recorded": day(_local_day(o["recorded_at"])),
                        "follow_up_due": day(due),
                    }
                    for due, o in follow_ups
                ],
            },
        )


def _local_day(value: str) -> date:
    """A timestamp from a JSON row (ISO, with its offset) as a local date."""
    moment = datetime.fromisoformat(value)
    return timezone.localdate(moment if timezone.is_aware(moment) else timezone.make_aware(moment))


# --- Safeguarding information requests ----------------------------------------------------------


@check(FlagKind.SAFEGUARDING_INFO_OUTSTANDING, resolved_because=lambda ctx, pk: "Safeguarding information received")
def safeguarding_info_outstanding(ctx: ChunkContext) -> Iterator[CheckFinding]:
    """Police domestic-abuse or children's services information asked for and not received more
    than the threshold's days after the request (one requested exactly that many days ago is in time)."""
    supervised = ctx.supervised
    if not supervised:
        return
    days = ctx.threshold(FlagKind.SAFEGUARDING_INFO_OUTSTANDING, DEFAULT_SAFEGUARDING_DAYS)
    rank = Window(RowNumber(), partition_by=[F("person_id")], order_by=[F("requested_on").asc(), F("id").asc()])
    rows = (
        InformationRequest.objects.filter(
            person_id__in=supervised, received_on__isnull=True, requested_on__lt=ctx.on - timedelta(days=days)
        )
        .annotate(rank=rank)
        .filter(rank__lte=EVIDENCE_ROWS)
        .order_by("person_id", "requested_on", "id")
        .values("person_id", "id", "source", "agency", "requested_on", "times_chased", "last_chased_on")
    )
    by_person: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_person[row["person_id"]].append(dict(row))
    for person_id, requests in by_person.items():
        first = requests[0]
        label = InformationSource(first["source"]).label
        chased = f", chased {first['times_chased']} times" if first["times_chased"] else ", never chased"
        yield CheckFinding(
            person_id,
            FlagKind.SAFEGUARDING_INFO_OUTSTANDING,
            first["requested_on"] + timedelta(days=days),
            {
                "policy_version": ctx.policy.version,
                "summary": f"{label} information requested on {spoken(first['requested_on'])} has not been "
                f"received{chased}. It is due within {days} days.",
                "threshold_days": days,
                "requests": [
                    {
                        "id": str(r["id"]),
                        "source": r["source"],
                        "source_label": InformationSource(r["source"]).label,
                        "agency": r["agency"],
                        "requested_on": day(r["requested_on"]),
                        "times_chased": r["times_chased"],
                        "last_chased_on": day(r["last_chased_on"]),
                    }
                    for r in requests
                ],
            },
        )
