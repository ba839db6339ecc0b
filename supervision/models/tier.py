"""Tier calculations: each one kept with its breakdown and what triggered it; the latest sets the tier."""

from __future__ import annotations

import uuid

import pghistory
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import NO_DELETES, Person


@pghistory.track()
class TierCalculation(models.Model):
    """A tier worked out from RoSH, RSR, MAPPA, registrations and needs, with its breakdown.
    Every recalculation is kept; the latest sets Person.tier."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="tier_calculations")
    calculated_at = models.DateTimeField(default=timezone.now)
    tier = models.CharField(max_length=3)
    protect_points = models.PositiveIntegerField()
    change_points = models.PositiveIntegerField()
    breakdown = models.JSONField(default=dict, help_text="Each factor and the points it gave.")
    trigger = models.CharField(max_length=200, blank=True, help_text="What changed to cause the recalculation.")
    recalculate_on = models.DateField(
        null=True,
        blank=True,
        help_text="The next day the passage of time alone changes an input (a breach or recall leaving the 12 "
        "months, the assessment passing 55 weeks): the daily job recalculates the tier then.",
    )

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-calculated_at"]
        indexes = [models.Index(fields=["recalculate_on"], name="tier_recalculate_on")]
        constraints = [
            models.CheckConstraint(condition=Q(tier__regex=r"^[A-D][0-3]S?$"), name="tier_calculation_format")
        ]

    def __str__(self) -> str:
        return f"Tier {self.tier} for {self.person.crn}"
