"""Inspection standards, the automated checks that measure cases against them, and the flags the
checks raise.

A `CheckDefinition` (one per flag kind, seeded, admin-editable) names the inspection standard and
key question a check serves, its severity, and any threshold that does not come from the contact
policy. A `Flag` is a finding on one case: at most one open flag per case and kind (a partial
unique index, so concurrent sweeps cannot double-open one); it resolves itself when the condition
ends, recording when and why, and stays as history. An SPO may acknowledge an open flag with a
reason and an expiry.
"""

from __future__ import annotations

import uuid

import pghistory
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import NO_DELETES, Person, User


class FlagKind(models.TextChoices):
    """Stable codes used everywhere: pages, API, exports, `run_checks --json`."""

    TELEPHONE_ONLY = "TELEPHONE_ONLY", "Telephone-only supervision"
    FACE_TO_FACE_OVERDUE = "FACE_TO_FACE_OVERDUE", "Face-to-face contact overdue"
    INITIAL_APPOINTMENT_OVERDUE = "INITIAL_APPOINTMENT_OVERDUE", "Initial appointment overdue"
    ASSESSMENT_OVERDUE = "ASSESSMENT_OVERDUE", "Assessment overdue"
    REVIEW_OVERDUE = "REVIEW_OVERDUE", "Assessment review overdue"
    REGISTRATION_REVIEW_OVERDUE = "REGISTRATION_REVIEW_OVERDUE", "Risk flag review overdue"
    OUTCOME_NOT_RECORDED = "OUTCOME_NOT_RECORDED", "Outcome not recorded"
    ENFORCEMENT_DECISION_DUE = "ENFORCEMENT_DECISION_DUE", "Enforcement decision due"
    HOME_VISIT_OVERDUE = "HOME_VISIT_OVERDUE", "Home visit overdue"
    OVERSIGHT_DUE = "OVERSIGHT_DUE", "Management oversight due"
    SAFEGUARDING_INFO_OUTSTANDING = "SAFEGUARDING_INFO_OUTSTANDING", "Safeguarding information outstanding"
    EM_LOCATION_DATA_OVERDUE = "EM_LOCATION_DATA_OVERDUE", "EM location data overdue"
    HDC_CHECKS_INCOMPLETE = "HDC_CHECKS_INCOMPLETE", "HDC checks incomplete"


class Severity(models.TextChoices):
    HIGH = "HIGH", "High"
    MEDIUM = "MEDIUM", "Medium"
    LOW = "LOW", "Low"


@pghistory.track()
class CheckDefinition(models.Model):
    """What a check serves and how it behaves; administrators edit these in the admin."""

    kind = models.CharField(max_length=40, choices=FlagKind.choices, unique=True)
    standard = models.CharField(max_length=20, help_text="Inspection standard, e.g. 2.3.")
    key_question = models.CharField(max_length=300)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    threshold = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="For checks whose limit is not in the contact policy (e.g. days, or hours for EM data).",
    )
    threshold_unit = models.CharField(max_length=10, blank=True)
    is_enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class FlagQuerySet(models.QuerySet["Flag"]):
    def open(self) -> FlagQuerySet:
        return self.filter(resolved_at__isnull=True)

    def unacknowledged(self, on: object = None) -> FlagQuerySet:
        """Open flags with no acknowledgement in force (an expired one no longer counts)."""
        on = on or timezone.localdate()
        return self.open().exclude(acknowledged_at__isnull=False, acknowledgement_expires__gte=on)


@pghistory.track()
class Flag(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=40, choices=FlagKind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    due_by = models.DateField(null=True, blank=True, help_text="When the work was (or is) due.")
    standard = models.CharField(max_length=20)
    key_question = models.CharField(max_length=300)
    evidence = models.JSONField(default=dict, blank=True, help_text="What raised it (e.g. the contacts in the window).")
    policy = models.ForeignKey(
        "supervision.ContactPolicy", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_checked_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=500, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    acknowledgement_reason = models.CharField(max_length=1000, blank=True)
    acknowledgement_expires = models.DateField(null=True, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"], condition=Q(resolved_at__isnull=True), name="flag_one_open_per_case_kind"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution=""), name="flag_resolved_with_reason"
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True)
                | (~Q(acknowledgement_reason="") & Q(acknowledgement_expires__isnull=False)),
                name="flag_acknowledged_with_reason_and_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "opened_at"], condition=Q(resolved_at__isnull=True), name="flag_open_kind"),
            models.Index(fields=["person"], condition=Q(resolved_at__isnull=True), name="flag_open_person"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.person_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def is_acknowledged(self) -> bool:
        return (
            self.acknowledged_at is not None
            and self.acknowledgement_expires is not None
            and self.acknowledgement_expires >= timezone.localdate()
        )


class DigestLog(models.Model):
    """One row per member of staff per day a digest was sent: the daily job is safe to re-run."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    flags = models.PositiveIntegerField(default=0, help_text="How many flags the digest listed.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "sent_on"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"Digest to {self.user_id} on {self.sent_on}"
