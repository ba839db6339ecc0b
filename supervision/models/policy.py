"""The contact policy: versioned, effective-dated rules an administrator edits and publishes.

A `ContactPolicy` is one version. It holds a base `PolicyRule` (every parameter set) and any number
of scoped rules (by order type, RoSH, tier letter and phase) that override some parameters.
For a case, parameters resolve from the base rule overlaid by each matching scoped rule in order of
specificity (see supervision.policy). The version in force on a date is the published version with
the latest effective date on or before it. Published versions are never edited; a change is a new
draft, so every evaluation can name the exact version it used.
"""

from __future__ import annotations

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import Person, RoshLevel, User


class PolicyStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    PUBLISHED = "PUBLISHED", "Published"
    DISCARDED = "DISCARDED", "Discarded"


class Phase(models.TextChoices):
    EARLY = "EARLY", "Early engagement"
    STANDARD = "STANDARD", "Main supervision"
    FINAL_THIRD = "FINAL_THIRD", "After the two-thirds point (Probation Reset)"


class RemoteSupplementCriterion(models.TextChoices):
    """Cases where remote contact may only supplement face-to-face contact, never replace it."""

    VERY_HIGH_ROSH = "VERY_HIGH_ROSH", "Very high RoSH"
    MAPPA_2_3 = "MAPPA_2_3", "MAPPA level 2 or 3"
    DOMESTIC_ABUSE = "DOMESTIC_ABUSE", "Domestic abuse flag"
    CHILD_PROTECTION = "CHILD_PROTECTION", "Child protection"
    SEXUAL_OFFENCE = "SEXUAL_OFFENCE", "Sexual offence (MAPPA category 1)"
    SUSPENDED_SUPERVISION = "SUSPENDED_SUPERVISION", "Suspended supervision (Probation Reset)"


class ContactPolicyQuerySet(models.QuerySet["ContactPolicy"]):
    def published(self) -> ContactPolicyQuerySet:
        return self.filter(status=PolicyStatus.PUBLISHED)

    def in_force(self, on: object = None) -> ContactPolicy | None:
        """The published version in force on a date (today by default)."""
        on = on or timezone.localdate()
        return self.published().filter(effective_from__lte=on).order_by("-effective_from").first()


@pghistory.track()
class ContactPolicy(models.Model):
    version = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    summary = models.CharField(max_length=500, help_text="What this version changes and why.")
    effective_from = models.DateField(null=True, blank=True)
    based_on = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    remote_supplement_only_for = ArrayField(
        models.CharField(max_length=30, choices=RemoteSupplementCriterion.choices), default=list, blank=True
    )
    remote_replacement_needs_spo_approval = models.BooleanField(
        "Remote contact replacing face-to-face needs SPO approval", default=True
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ContactPolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "contact policies"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="PUBLISHED") | Q(effective_from__isnull=False, published_at__isnull=False),
                name="policy_published_has_date",
            ),
            models.UniqueConstraint(
                fields=["effective_from"], condition=Q(status="PUBLISHED"), name="policy_one_published_per_date"
            ),
        ]

    def __str__(self) -> str:
        return f"Contact policy version {self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == PolicyStatus.DRAFT


# The parameters a rule can set; the base rule sets them all. Labels and hints live on the fields.
RULE_PARAMETERS = (
    "face_to_face_window_days",
    "early_engagement_weeks",
    "early_contact_interval_days",
    "initial_appointment_working_days",
    "initial_must_be_face_to_face",
    "telephone_only_window_days",
    "home_visit_days_high",
    "home_visit_days_medium",
    "home_visit_days_low",
    "outcome_recording_days",
    "failures_limit",
    "warning_response_days",
    "breach_response_days",
    "licence_letter_response_days",
    "recall_response_days",
    "absence_evidence_days",
    "first_assessment_days",
    "assessment_review_weeks",
    "review_trigger_days",
)


def _days(label: str, hint: str) -> models.PositiveSmallIntegerField:  # type: ignore[type-arg]
    return models.PositiveSmallIntegerField(label, null=True, blank=True, help_text=hint)


# Rules of a draft may be removed before publication, so deletions are recorded too.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PolicyRule(models.Model):
    policy = models.ForeignKey(ContactPolicy, on_delete=models.PROTECT, related_name="rules")
    is_base = models.BooleanField(default=False)
    name = models.CharField(max_length=100)
    # Scope: blank means "any".
    order_type = models.CharField(max_length=10, blank=True)
    rosh = models.CharField("RoSH", max_length=10, blank=True, choices=RoshLevel.choices)
    tier_letter = models.CharField(max_length=1, blank=True, choices=[(t, t) for t in "ABCD"])
    phase = models.CharField(max_length=12, blank=True, choices=Phase.choices)
    # Parameters: blank means "as the base rule".
    face_to_face_window_days = _days("Face-to-face floor (days)", "At least one face-to-face contact in every window.")
    early_engagement_weeks = _days("Early engagement (weeks)", "Weeks of weekly contact at the start.")
    early_contact_interval_days = _days("Early engagement contact interval (days)", "Usually 7: weekly.")
    initial_appointment_working_days = _days("Initial appointment deadline (working days)", "From sentence or release.")
    initial_must_be_face_to_face = models.BooleanField(
        "Initial appointment must be face to face", null=True, blank=True
    )
    telephone_only_window_days = _days("Telephone-only window (days)", "All contacts remote in this window.")
    home_visit_days_high = _days("First home visit, high RoSH (days)", "Also registered sex offenders and CSE.")
    home_visit_days_medium = _days("First home visit, medium RoSH (days)", "")
    home_visit_days_low = _days("First home visit, low RoSH (days)", "")
    outcome_recording_days = _days("Outcome recording (days)", "Outcome due this many days after the contact.")
    failures_limit = _days("Failures to comply limit", "Failures in 12 months that require a referral decision.")
    warning_response_days = _days("Warning letter response (days)", "")
    breach_response_days = _days("Breach referral response (days)", "")
    licence_letter_response_days = _days("Licence compliance letter response (days)", "")
    recall_response_days = _days("Recall consideration response (days)", "")
    absence_evidence_days = _days("Absence evidence (days)", "Time to provide evidence after a failure to attend.")
    first_assessment_days = _days(
        "First assessment (days)",
        "A complete assessment is due this many days after the sentence starts (pages and checks alike).",
    )
    assessment_review_weeks = _days("Assessment review interval (weeks)", "Next review due this long after one.")
    review_trigger_days = _days(
        "Review after a trigger (days)", "A RoSH change, new registration, breach or move brings the review this close."
    )

    class Meta:
        ordering = ["-is_base", "name"]
        constraints = [
            models.UniqueConstraint(fields=["policy"], condition=Q(is_base=True), name="policy_one_base_rule"),
            models.CheckConstraint(
                condition=Q(is_base=False) | Q(order_type="", rosh="", tier_letter="", phase=""),
                name="policy_base_rule_unscoped",
            ),
            models.CheckConstraint(
                condition=Q(is_base=False) | Q(**{f"{name}__isnull": False for name in RULE_PARAMETERS}),
                name="policy_base_rule_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        return sum(bool(v) for v in (self.order_type, self.rosh, self.tier_letter, self.phase))


# Re-evaluation runs nightly for every case: only a change of result (not the time stamp) is history.
@pghistory.track(exclude=["evaluated_at"])
class CaseStanding(models.Model):
    """The latest evaluation of a case against the contact policy, naming the version it used.
    Updated in place on each evaluation; the audit history keeps every earlier, different result."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, primary_key=True, related_name="standing")
    policy = models.ForeignKey(ContactPolicy, on_delete=models.PROTECT, related_name="+")
    evaluated_at = models.DateTimeField(default=timezone.now)
    phase = models.CharField(max_length=12, choices=Phase.choices, blank=True)
    next_face_to_face_due = models.DateField(null=True, blank=True)
    shortfalls = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["policy"])]

    def __str__(self) -> str:
        return f"Standing of {self.person_id} under version {self.policy_id}"
