"""Checks that reuse the contact policy's own rules (supervision.policy.rules): the chunk is
evaluated once (`evaluate_facts`) and each shortfall that has a flag kind becomes a finding. There is
no second implementation of the rules here, only the evidence each flag keeps.

EARLY_ENGAGEMENT has no flag kind: it stays a shortfall on the case's standing. Under Probation
Reset (phase FINAL_THIRD) the rules raise nothing but a licence's follow-up appointment, so these
flags resolve saying so.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from inspections.checks.registry import NO_LONGER_HOLDS, CheckFinding, ChunkContext, check, day, spoken
from inspections.models import FlagKind
from kit.clock import end_of_day
from supervision.models import Contact, Phase
from supervision.policy.parameters import PolicyParameters
from supervision.policy.rules import (
    Finding,
    Shortfall,
    home_visit_days,
    initial_appointment_deadline,
    initial_appointment_held,
    initial_appointment_lateness,
    needs_home_visit,
)

# How many contacts a flag's evidence lists at most (the newest).
EVIDENCE_CONTACTS = 20


def failing(ctx: ChunkContext, shortfall: Shortfall) -> Iterator[tuple[uuid.UUID, Finding]]:
    """The supervised cases of the chunk with this shortfall, and the rule's finding."""
    for person_id in ctx.supervised:
        for finding in ctx.evaluations[person_id].findings:
            if finding.code == shortfall:
                yield person_id, finding


def _base(ctx: ChunkContext, person_id: uuid.UUID, finding: Finding) -> dict[str, Any]:
    facts = ctx.facts(person_id)
    return {
        "policy_version": ctx.policy.version,
        "supervision_start": day(facts.supervision_start),
        "last_face_to_face": day(facts.contacts.last_face_to_face),
    }


def _window_contacts(ctx: ChunkContext) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """The newest made contacts of every case failing a face-to-face rule, in ONE query for the
    chunk (shared by both checks), back to the longest window either uses."""
    if "window_contacts" in ctx.cache:
        return ctx.cache["window_contacts"]  # type: ignore[no-any-return]
    windows: dict[uuid.UUID, int] = {}
    window_of: list[tuple[Shortfall, Callable[[PolicyParameters], int]]] = [
        (Shortfall.TELEPHONE_ONLY, lambda params: params.telephone_only_window_days),
        (Shortfall.FACE_TO_FACE_OVERDUE, lambda params: params.face_to_face_window_days),
    ]
    for shortfall, window in window_of:
        for person_id, _ in failing(ctx, shortfall):
            windows[person_id] = max(windows.get(person_id, 0), window(ctx.params(person_id)))
    found: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    if windows:
        earliest = ctx.on - timedelta(days=max(windows.values()))
        rows = (
            Contact.objects.current()
            .made()
            .filter(person_id__in=list(windows), starts_at__date__gte=earliest, starts_at__lt=end_of_day(ctx.on))
            .filter(starts_at__lte=ctx.now)
            .annotate(rank=Window(RowNumber(), partition_by=[F("person_id")], order_by=F("starts_at").desc()))
            .filter(rank__lte=EVIDENCE_CONTACTS)
            .order_by("person_id", "-starts_at")
            .values("person_id", "starts_at", "contact_type__code", "contact_type__is_face_to_face")
        )
        for row in rows:
            found[row["person_id"]].append(
                {
                    "date": timezone.localdate(row["starts_at"]),
                    "type": row["contact_type__code"],
                    "face_to_face": row["contact_type__is_face_to_face"],
                }
            )
    ctx.cache["window_contacts"] = found
    return found


def _in_window(ctx: ChunkContext, person_id: uuid.UUID, days: int) -> list[dict[str, Any]]:
    since = ctx.on - timedelta(days=days)
    start = ctx.facts(person_id).supervision_start or since
    return [
        {**contact, "date": contact["date"].isoformat()}
        for contact in _window_contacts(ctx).get(person_id, [])
        if contact["date"] >= max(since, start)
    ]


def _reset_stopped(ctx: ChunkContext, person_id: uuid.UUID) -> str | None:
    """The resolution of a contact flag when Probation Reset has stopped supervision, else None."""
    if ctx.evaluations[person_id].phase != Phase.FINAL_THIRD:
        return None
    two_thirds = ctx.facts(person_id).two_thirds
    when = f" on {spoken(two_thirds)}" if two_thirds else ""
    return f"Probation Reset: supervision stopped at the two-thirds point{when}"


def _face_to_face_since(ctx: ChunkContext, person_id: uuid.UUID) -> str:
    last = ctx.facts(person_id).contacts.last_face_to_face
    recorded = f"Face-to-face contact recorded on {spoken(last)}" if last else NO_LONGER_HOLDS
    reset = _reset_stopped(ctx, person_id)
    if reset and last is not None and last >= (ctx.facts(person_id).two_thirds or last):
        return f"{reset}; {recorded[0].lower()}{recorded[1:]}"
    return reset or recorded


@check(FlagKind.TELEPHONE_ONLY, resolved_because=_face_to_face_since)
def telephone_only(ctx: ChunkContext) -> Iterator[CheckFinding]:
    for person_id, finding in failing(ctx, Shortfall.TELEPHONE_ONLY):
        window = int(ctx.params(person_id).telephone_only_window_days)
        yield CheckFinding(
            person_id,
            FlagKind.TELEPHONE_ONLY,
            finding.due,
            {
                **_base(ctx, person_id, finding),
                "summary": f"Every contact made in the last {window} days was remote: none was face to face.",
                "window_days": window,
                "contacts": _in_window(ctx, person_id, window),
            },
        )


@check(FlagKind.FACE_TO_FACE_OVERDUE, resolved_because=_face_to_face_since)
def face_to_face_overdue(ctx: ChunkContext) -> Iterator[CheckFinding]:
    for person_id, finding in failing(ctx, Shortfall.FACE_TO_FACE_OVERDUE):
        window = int(ctx.params(person_id).face_to_face_window_days)
        facts = ctx.facts(person_id)
        last = facts.contacts.last_face_to_face
        since = (
            f"The last face-to-face contact was on {spoken(last)}"
            if last
            else f"No face-to-face contact since supervision started on {spoken(facts.supervision_start or ctx.on)}"
        )
        summary = f"{since}. The policy requires one every {window} days."
        reset: dict[str, Any] = {}
        if ctx.evaluations[person_id].phase == Phase.FINAL_THIRD:  # the licence's Reset follow-up
            summary = finding.explanation
            reset = {"reset_follow_up_due": day(finding.due), "two_thirds": day(facts.two_thirds)}
        yield CheckFinding(
            person_id,
            FlagKind.FACE_TO_FACE_OVERDUE,
            finding.due,
            {
                **_base(ctx, person_id, finding),
                "summary": summary,
                "window_days": window,
                "contacts": _in_window(ctx, person_id, window),
                **reset,
            },
        )


def _initial_held(ctx: ChunkContext, person_id: uuid.UUID) -> str:
    """Held late, the flag resolves and its resolution keeps how late (the flag's history shows it)."""
    facts, params = ctx.facts(person_id), ctx.params(person_id)
    held = initial_appointment_held(facts, params)
    if held is None:
        return _reset_stopped(ctx, person_id) or NO_LONGER_HOLDS
    how = " face to face" if params.initial_must_be_face_to_face else ""
    late = initial_appointment_lateness(facts, params)
    deadline = initial_appointment_deadline(facts, params)
    if late and deadline:
        days = f"{late} working day{'s' if late != 1 else ''}"
        return f"Initial appointment held{how} on {spoken(held)}, {days} late (due by {spoken(deadline)})"
    return f"Initial appointment held{how} on {spoken(held)}"


@check(FlagKind.INITIAL_APPOINTMENT_OVERDUE, resolved_because=_initial_held)
def initial_appointment_overdue(ctx: ChunkContext) -> Iterator[CheckFinding]:
    for person_id, finding in failing(ctx, Shortfall.INITIAL_APPOINTMENT):
        params, contacts = ctx.params(person_id), ctx.facts(person_id).contacts
        yield CheckFinding(
            person_id,
            FlagKind.INITIAL_APPOINTMENT_OVERDUE,
            finding.due,
            {
                **_base(ctx, person_id, finding),
                "summary": finding.explanation,
                "working_days": params.initial_appointment_working_days,
                "must_be_face_to_face": bool(params.initial_must_be_face_to_face),
                "first_contact": day(contacts.first_made),
                "first_face_to_face": day(contacts.first_face_to_face),
            },
        )


def _home_visit_done(ctx: ChunkContext, person_id: uuid.UUID) -> str:
    facts = ctx.facts(person_id)
    if facts.contacts.first_home_visit:
        return f"Home visit recorded on {spoken(facts.contacts.first_home_visit)}"
    if not needs_home_visit(facts):
        return "No longer a case that needs a home visit"
    return _reset_stopped(ctx, person_id) or NO_LONGER_HOLDS


@check(FlagKind.HOME_VISIT_OVERDUE, resolved_because=_home_visit_done)
def home_visit_overdue(ctx: ChunkContext) -> Iterator[CheckFinding]:
    for person_id, finding in failing(ctx, Shortfall.HOME_VISIT_OVERDUE):
        facts = ctx.facts(person_id)
        yield CheckFinding(
            person_id,
            FlagKind.HOME_VISIT_OVERDUE,
            finding.due,
            {
                **_base(ctx, person_id, finding),
                "summary": finding.explanation,
                "days": home_visit_days(facts, ctx.params(person_id)),
                "rosh": facts.rosh,
                "domestic_abuse": facts.domestic_abuse,
                "child_concern": facts.child_concern,
                "first_home_visit": day(facts.contacts.first_home_visit),
            },
        )
