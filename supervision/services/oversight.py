"""SPO management oversight: the SPO of the case's team records it, the case's practitioner
acknowledges it and records the follow-up. Records are never edited beyond those two steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cases.changes import case_changed
from cases.models import Person, User
from supervision.models import ManagementOversight, OversightType
from supervision.services.approvals import can_decide

TEXT_MAX = 5000


def can_record(user: User, person: Person) -> bool:
    """Oversight is recorded by a senior probation officer of the case's own team."""
    return can_decide(user, person)


def is_practitioner_of(user: User, person: Person) -> bool:
    return person.practitioner_id is not None and person.practitioner_id == user.pk


def _text(value: str, field: str, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: required})
    if len(value) > TEXT_MAX:
        raise ValidationError({field: f"This must be {TEXT_MAX} characters or fewer"})
    return value


@transaction.atomic
def record_oversight(
    person: Person,
    *,
    type: str,
    rationale: str,
    instructions: str = "",
    follow_up_due: date | None = None,
    by: User,
) -> ManagementOversight:
    """Record an SPO's oversight of a case, with any instructions and the date a follow-up is due."""
    if not can_record(by, person):
        raise PermissionDenied("Only a senior probation officer of the case's team can record oversight")
    if type not in OversightType.values:
        raise ValidationError({"type": "Select the type of oversight"})
    rationale = _text(rationale, "rationale", "Enter the rationale for your oversight")
    instructions = _text(instructions, "instructions")
    if follow_up_due is not None and follow_up_due < timezone.localdate():
        raise ValidationError({"follow_up_due": "The follow-up due date must be today or in the future"})
    with pghistory.context(user=by.pk):
        oversight = ManagementOversight.objects.create(
            person=person,
            type=type,
            rationale=rationale,
            instructions=instructions,
            follow_up_due=follow_up_due,
            recorded_by=by,
        )
    case_changed(person.pk)
    return oversight


def _locked(oversight: ManagementOversight, by: User, action: str) -> ManagementOversight:
    oversight = ManagementOversight.objects.select_for_update().select_related("person").get(pk=oversight.pk)
    if not is_practitioner_of(by, oversight.person):
        raise PermissionDenied(f"Only the case's practitioner can {action}")
    return oversight


@transaction.atomic
def acknowledge_oversight(oversight: ManagementOversight, *, by: User) -> ManagementOversight:
    """The case's practitioner confirms they have read the oversight and its instructions."""
    oversight = _locked(oversight, by, "acknowledge oversight")
    if oversight.acknowledged_at is not None:
        raise ValidationError("This oversight has already been acknowledged")
    oversight.acknowledged_by = by
    oversight.acknowledged_at = timezone.now()
    with pghistory.context(user=by.pk):
        oversight.save(update_fields=["acknowledged_by", "acknowledged_at"])
    case_changed(oversight.person_id)
    return oversight


@transaction.atomic
def complete_follow_up(oversight: ManagementOversight, *, by: User, notes: str) -> ManagementOversight:
    """The case's practitioner records that the follow-up the SPO asked for has been done, and how."""
    oversight = _locked(oversight, by, "record the follow-up")
    if oversight.follow_up_due is None:
        raise ValidationError("This oversight has no follow-up to record")
    if oversight.follow_up_done_at is not None:
        raise ValidationError("The follow-up has already been recorded")
    oversight.follow_up_notes = _text(notes, "notes", "Enter what was done")
    oversight.follow_up_done_at = timezone.now()
    update = ["follow_up_notes", "follow_up_done_at"]
    if oversight.acknowledged_at is None:  # doing the follow-up acknowledges the instructions
        oversight.acknowledged_by, oversight.acknowledged_at = by, oversight.follow_up_done_at
        update += ["acknowledged_by", "acknowledged_at"]
    with pghistory.context(user=by.pk):
        oversight.save(update_fields=update)
    case_changed(oversight.person_id)
    return oversight


@dataclass(frozen=True)
class OversightSummary:
    last: ManagementOversight | None
    total: int
    unacknowledged: int
    follow_ups_overdue: int

    @property
    def last_on(self) -> date | None:
        return timezone.localtime(self.last.recorded_at).date() if self.last else None


def oversight_summary(person: Person, on: date | None = None) -> OversightSummary:
    """The latest oversight of a case and what is outstanding on it (two queries)."""
    on = on or timezone.localdate()
    records = ManagementOversight.objects.filter(person=person)
    counts = records.aggregate(
        total=Count("pk"),
        unacknowledged=Count("pk", filter=Q(acknowledged_at__isnull=True)),
        overdue=Count("pk", filter=Q(follow_up_due__lt=on, follow_up_done_at__isnull=True)),
    )
    last = records.select_related("recorded_by").order_by("-recorded_at").first() if counts["total"] else None
    return OversightSummary(last, counts["total"], counts["unacknowledged"], counts["overdue"])
