"""Sentence plans and their objectives, agreed with the person on probation."""

from __future__ import annotations

import uuid

import pghistory
from django.db import models
from django.utils import timezone

from cases.models import NO_DELETES, Person, User
from supervision.models.assessments import Assessment, Need


class ObjectiveStatus(models.TextChoices):
    NOT_STARTED = "NOT_STARTED", "Not started"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    ACHIEVED = "ACHIEVED", "Achieved"
    NO_LONGER_NEEDED = "NO_LONGER_NEEDED", "No longer needed"


@pghistory.track()
class SentencePlan(models.Model):
    """The plan agreed with the person; reviewed (a new plan version) with each assessment."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sentence_plans")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="sentence_plans"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    agreed_with_person_on = models.DateField(null=True, blank=True)
    person_comments = models.TextField(blank=True, help_text="The person's own words about the plan.")

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Sentence plan for {self.person.crn}"


@pghistory.track()
class PlanObjective(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(SentencePlan, on_delete=models.PROTECT, related_name="objectives")
    need = models.CharField(max_length=30, choices=Need.choices, blank=True)
    title = models.CharField(max_length=300)
    steps = models.TextField(blank=True)
    owner = models.CharField(max_length=100, help_text="Who does it: the person, the practitioner, a partner.")
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ObjectiveStatus.choices, default=ObjectiveStatus.NOT_STARTED)

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["target_date", "title"]

    def __str__(self) -> str:
        return self.title
