"""Safeguarding information requests (police, children's services) and home-visit risk assessments."""

from __future__ import annotations

import uuid

import pghistory
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import NO_DELETES, Person, User
from supervision.models.assessments import Assessment


class InformationSource(models.TextChoices):
    POLICE_DOMESTIC_ABUSE = "POLICE_DA", "Police: domestic abuse call-outs"
    CHILDRENS_SERVICES = "CHILDRENS_SERVICES", "Children's services: safeguarding"


@pghistory.track()
class InformationRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="information_requests")
    source = models.CharField(max_length=20, choices=InformationSource.choices)
    agency = models.CharField(max_length=200, blank=True, help_text="Force or local authority asked.")
    requested_on = models.DateField()
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    last_chased_on = models.DateField(null=True, blank=True)
    times_chased = models.PositiveSmallIntegerField(default=0)
    received_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True, help_text="What the information says.")
    used_in_assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="information_used"
    )
    how_used = models.TextField(blank=True)

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-requested_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | ~Q(summary=""), name="information_received_has_summary"
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(received_on__gte=models.F("requested_on")),
                name="information_received_after_request",
            ),
        ]
        indexes = [
            models.Index(fields=["requested_on"], condition=Q(received_on__isnull=True), name="info_outstanding")
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} for {self.person.crn}"


@pghistory.track()
class HomeVisitRiskAssessment(models.Model):
    """Lone-working risk assessment recorded before a home visit; the visit itself is a contact."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="home_visit_assessments")
    planned_for = models.DateField()
    address = models.CharField(max_length=300)
    risks = models.TextField(help_text="Risks to staff at or around the address (people, animals, weapons...).")
    controls = models.TextField(help_text="How the risks are managed: visit in pairs, check-in calls...")
    visit_in_pairs = models.BooleanField(default=False)
    assessed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)
    visit_contact_thread_id = models.UUIDField(null=True, blank=True, help_text="The home visit contact.")

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-planned_for"]

    def __str__(self) -> str:
        return f"Home visit risk assessment for {self.person.crn} on {self.planned_for}"
