"""Management oversight: an SPO's recorded review of a case, with its follow-up."""

from __future__ import annotations

import uuid

import pghistory
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import NO_DELETES, Person, User


class OversightType(models.TextChoices):
    ALLOCATION = "ALLOCATION", "Allocation"
    CASE_REVIEW = "CASE_REVIEW", "Case review"
    RISK_ESCALATION = "RISK_ESCALATION", "Risk escalation"
    COUNTERSIGN = "COUNTERSIGN", "Countersignature"
    HOME_VISIT_RA = "HOME_VISIT_RA", "Home visit risk assessment"


@pghistory.track()
class ManagementOversight(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="oversight")
    type = models.CharField(max_length=20, choices=OversightType.choices)
    rationale = models.TextField()
    instructions = models.TextField(blank=True)
    follow_up_due = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    follow_up_notes = models.TextField(blank=True)

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-recorded_at"]
        constraints = [models.CheckConstraint(condition=~Q(rationale=""), name="oversight_has_rationale")]
        indexes = [models.Index(fields=["person", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} oversight of {self.person.crn}"
