"""Approval requests: a practitioner asks, the SPO of the case's team decides with a reason, and the
handler for the kind (supervision.approvals) applies an approval in the same transaction.

One request per case, kind and subject may be waiting at a time (a partial unique constraint); a
second is refused with a message rather than a database error.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.changes import case_changed
from cases.models import Person, Role, Sentence, User
from supervision.approvals import handler_for, remote_contact_refusal, remote_supplement_reasons
from supervision.models import ApprovalKind, ApprovalRequest, ApprovalStatus, ResetState

REASON_MAX = 5000
ALREADY_PENDING = "A request like this is already waiting for a decision: withdraw it or wait for the decision"


def can_decide(user: User, person: Person) -> bool:
    """Only a senior probation officer of the case's own team decides its approvals."""
    return user.role == Role.SPO and user.team_id is not None and user.team_id == person.team_id


def _clean_reason(reason: str, field: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: message})
    if len(reason) > REASON_MAX:
        raise ValidationError({field: f"The reason must be {REASON_MAX} characters or fewer"})
    return reason


def _check_request(person: Person, kind: str, subject_id: uuid.UUID | None, details: dict[str, Any]) -> None:
    if kind == ApprovalKind.REMOTE_CONTACT:
        reasons = remote_supplement_reasons(person)
        if reasons:
            raise ValidationError(remote_contact_refusal(reasons))
    elif kind == ApprovalKind.RESET_OVERRIDE:
        if subject_id is None or not Sentence.objects.filter(pk=subject_id, person=person).exists():
            raise ValidationError({"sentence": "Select the sentence the exception is for"})
        if details.get("state") not in ResetState.values:
            raise ValidationError({"state": "Select what Probation Reset should be"})


@transaction.atomic
def request_approval(
    person: Person,
    *,
    kind: str,
    reason: str,
    by: User,
    subject_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> ApprovalRequest:
    """Ask the case's SPO to approve something (remote contact, a Reset exception, a flag acknowledgement)."""
    if not by.can_change_cases:
        raise PermissionDenied("Your role cannot ask for approvals")
    if kind not in ApprovalKind.values:
        raise ValidationError({"kind": "Select what you are asking for"})
    reason = _clean_reason(reason, "reason", "Enter why you are asking")
    details = details or {}
    _check_request(person, kind, subject_id, details)
    pending = ApprovalRequest.objects.filter(person=person, kind=kind, subject_id=subject_id, status="PENDING")
    if pending.exists():
        raise ValidationError(ALREADY_PENDING)
    try:
        with transaction.atomic(), pghistory.context(user=by.pk):
            request = ApprovalRequest.objects.create(
                person=person, kind=kind, subject_id=subject_id, details=details, reason=reason, requested_by=by
            )
    except IntegrityError:  # two requests at once: the constraint keeps one
        raise ValidationError(ALREADY_PENDING) from None
    case_changed(person.pk)
    return request


def _check_valid_until(request: ApprovalRequest, approve: bool, valid_until: date | None) -> date | None:
    if valid_until is None:
        return None
    if not approve or request.kind != ApprovalKind.REMOTE_CONTACT:
        return None  # only an approval of remote contact lapses
    if valid_until < timezone.localdate():
        raise ValidationError({"valid_until": "The date the approval ends must be today or in the future"})
    return valid_until


@transaction.atomic
def decide_approval(
    request: ApprovalRequest, *, by: User, approve: bool, reason: str, valid_until: date | None = None
) -> ApprovalRequest:
    """Approve or reject a waiting request, with a reason; an approval runs its kind's handler."""
    request = ApprovalRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
    if not can_decide(by, request.person):
        raise PermissionDenied("Only a senior probation officer of the case's team can decide this request")
    if request.status != ApprovalStatus.PENDING:
        raise ValidationError("This request has already been decided or withdrawn")
    request.decision_reason = _clean_reason(reason, "reason", "Enter the reason for your decision")
    request.valid_until = _check_valid_until(request, approve, valid_until)
    request.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    request.decided_by = by
    request.decided_at = timezone.now()
    with pghistory.context(user=by.pk):
        if approve:
            handler = handler_for(request.kind)
            if handler is None:
                raise ValidationError("Requests of this kind cannot be approved here yet")
            handler(request, by)
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "valid_until"])
    case_changed(request.person_id)
    return request


@transaction.atomic
def withdraw_request(request: ApprovalRequest, *, by: User) -> ApprovalRequest:
    """The person who asked takes the request back while it waits."""
    request = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    if request.requested_by_id != by.pk:
        raise PermissionDenied("Only the person who asked can withdraw a request")
    if request.status != ApprovalStatus.PENDING:
        raise ValidationError("This request has already been decided or withdrawn")
    request.status = ApprovalStatus.WITHDRAWN
    with pghistory.context(user=by.pk):
        request.save(update_fields=["status"])
    case_changed(request.person_id)
    return request
