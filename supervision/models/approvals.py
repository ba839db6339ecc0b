"""Requests an SPO approves or rejects (remote contact, a Probation Reset exception, a flag acknowledgement)."""

from __future__ import annotations

import uuid

import pghistory
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import NO_DELETES, Person, User


class ApprovalKind(models.TextChoices):
    REMOTE_CONTACT = "REMOTE_CONTACT", "Remote contact replacing face-to-face contact"
    RESET_OVERRIDE = "RESET_OVERRIDE", "Probation Reset exception"
    FLAG_ACKNOWLEDGEMENT = "FLAG_ACKNOWLEDGEMENT", "Flag acknowledgement"


class ApprovalStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting for a decision"
    APPROVED = "APPROVED", "Approved"
    REJECTED = "REJECTED", "Not approved"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


@pghistory.track()
class ApprovalRequest(models.Model):
    """Something a practitioner asks their SPO to approve. Countersignatures are queued from the
    assessments themselves (status AWAITING_COUNTERSIGNATURE), not here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="approval_requests")
    kind = models.CharField(max_length=30, choices=ApprovalKind.choices)
    subject_id = models.UUIDField(null=True, blank=True, help_text="The sentence, flag... the request is about.")
    details = models.JSONField(default=dict, blank=True, help_text="What is asked (e.g. the proposed state).")
    reason = models.TextField(help_text="Why the practitioner asks.")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    valid_until = models.DateField(null=True, blank=True, help_text="An approval may lapse (e.g. remote contact).")

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["requested_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="approval_request_has_reason"),
            models.CheckConstraint(
                condition=Q(status="PENDING")
                | Q(status="WITHDRAWN")
                | (Q(decided_at__isnull=False) & ~Q(decision_reason="")),
                name="approval_decided_with_reason",
            ),
            models.UniqueConstraint(
                fields=["person", "kind", "subject_id"],
                condition=Q(status="PENDING"),
                name="approval_one_pending_per_subject",
                nulls_distinct=False,
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person.crn}"
