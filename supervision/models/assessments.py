"""Risk assessments and their reviews, sentence plans, tier calculations, safeguarding and
domestic-abuse information requests, home-visit risk assessments, and SPO management oversight
and approvals."""

from __future__ import annotations

import uuid

import pghistory
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import NO_DELETES, Person, RoshLevel, Sentence, User

# --- Assessments -----------------------------------------------------------------------------


class AssessmentType(models.TextChoices):
    INITIAL = "INITIAL", "Initial"
    REVIEW = "REVIEW", "Review"
    SIGNIFICANT_CHANGE = "SIGNIFICANT_CHANGE", "Significant change"
    PRE_RELEASE = "PRE_RELEASE", "Pre-release"
    TERMINATION = "TERMINATION", "Termination"


class AssessmentStatus(models.TextChoices):
    DRAFT = "DRAFT", "In progress"
    AWAITING_COUNTERSIGNATURE = "AWAITING_COUNTERSIGNATURE", "Awaiting countersignature"
    COMPLETE = "COMPLETE", "Complete"


class Need(models.TextChoices):
    """Criminogenic needs (OASys sections), with their tier weighting in supervision.rules.tier."""

    ACCOMMODATION = "ACCOMMODATION", "Accommodation"
    ETE = "ETE", "Education, training and employment"
    FINANCE = "FINANCE", "Finance"
    RELATIONSHIPS = "RELATIONSHIPS", "Relationships"
    LIFESTYLE = "LIFESTYLE", "Lifestyle and associates"
    DRUGS = "DRUGS", "Drug misuse"
    ALCOHOL = "ALCOHOL", "Alcohol misuse"
    EMOTIONAL_WELLBEING = "EMOTIONAL_WELLBEING", "Emotional wellbeing"
    THINKING_BEHAVIOUR = "THINKING_BEHAVIOUR", "Thinking and behaviour"
    ATTITUDES = "ATTITUDES", "Attitudes"


class NeedSeverity(models.TextChoices):
    NONE = "NONE", "No need"
    STANDARD = "STANDARD", "Some need"
    SEVERE = "SEVERE", "Severe need"


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def counting(self) -> AssessmentQuerySet:
        """Assessments that count: complete (countersigned where that was required)."""
        return self.filter(status=AssessmentStatus.COMPLETE)

    def latest_first(self) -> AssessmentQuerySet:
        """Newest first: by completion date, then (the same day) the later started."""
        return self.order_by("-completed_on", "-started_at")

    def latest_complete(self) -> Assessment | None:
        """The latest complete assessment: the one the tier, a new draft and a new plan work from."""
        return self.counting().latest_first().first()

    def awaiting_countersignature(self) -> AssessmentQuerySet:
        return self.filter(status=AssessmentStatus.AWAITING_COUNTERSIGNATURE)


ROSH_FIELDS = ("rosh_public", "rosh_known_adult", "rosh_children", "rosh_staff", "rosh_prisoners")
PREDICTOR_FIELDS = ("ogrs", "ovp", "ogp", "osp", "rsr")
# Asked of women only; the tier scores them (TIER `AdditionalFactorsForWomen`: OASys 6.9, 11.2, 11.4).
WOMEN_FIELDS = ("parenting_responsibilities", "impulsivity", "temper_control")


def _rosh(label: str) -> models.CharField:  # type: ignore[type-arg]
    return models.CharField(label, max_length=10, choices=RoshLevel.choices, blank=True)


def _predictor(label: str) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(label, max_digits=5, decimal_places=2, null=True, blank=True, help_text="Percent")


@pghistory.track()
class Assessment(models.Model):
    """A risk assessment. Edited while in progress; once submitted it is never changed (a later
    assessment supersedes it), so the history of assessments is the history of the risk picture."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    type = models.CharField(max_length=20, choices=AssessmentType.choices)
    status = models.CharField(max_length=30, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    completed_on = models.DateField(null=True, blank=True)
    rosh_public = _rosh("RoSH to the public")
    rosh_known_adult = _rosh("RoSH to a known adult")
    rosh_children = _rosh("RoSH to children")
    rosh_staff = _rosh("RoSH to staff")
    rosh_prisoners = _rosh("RoSH to prisoners")
    rosh_overall = _rosh("Overall RoSH")
    ogrs = _predictor("OGRS (2-year)")
    ovp = _predictor("OVP (2-year)")
    ogp = _predictor("OGP (2-year)")
    osp = _predictor("OSP")
    rsr = _predictor("RSR")
    needs = models.JSONField(default=dict, blank=True, help_text="Need code → severity (NeedSeverity).")
    parenting_responsibilities = models.BooleanField(
        "Parenting responsibilities", null=True, blank=True, help_text="OASys 6.9. Women only; blank: not asked."
    )
    impulsivity = models.BooleanField(
        "Impulsivity is a problem", null=True, blank=True, help_text="OASys 11.2. Women only; blank: not asked."
    )
    temper_control = models.BooleanField(
        "Temper control is a problem", null=True, blank=True, help_text="OASys 11.4. Women only; blank: not asked."
    )
    risk_of_harm_analysis = models.TextField(blank=True)
    risk_management_plan = models.TextField(blank=True)
    contingency_plan = models.TextField(blank=True)
    safeguarding_information_used = models.TextField(
        blank=True, help_text="How domestic-abuse and safeguarding information was used."
    )
    next_review_due = models.DateField(null=True, blank=True)
    countersignature_required = models.BooleanField(default=False)
    countersigned_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    countersigned_at = models.DateTimeField(null=True, blank=True)
    countersignature_notes = models.CharField(max_length=2000, blank=True)
    returned_reason = models.CharField(max_length=2000, blank=True, help_text="Why an SPO returned it for changes.")

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="COMPLETE") | Q(completed_on__isnull=False), name="assessment_complete_has_date"
            ),
            models.CheckConstraint(
                condition=Q(countersigned_at__isnull=True) | Q(countersigned_by__isnull=False),
                name="assessment_countersigned_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(countersignature_required=False)
                | ~Q(status="COMPLETE")
                | Q(countersigned_at__isnull=False),
                name="assessment_countersigned_before_it_counts",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0, f"{name}__lte": 100}),
                    name=f"assessment_{name}_percent",
                )
                for name in PREDICTOR_FIELDS
            ],
        ]
        indexes = [models.Index(fields=["person", "-completed_on"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} assessment for {self.person.crn}"


@pghistory.track()
class ReviewTrigger(models.Model):
    """An event that brings the next assessment review forward (RoSH change, new registration,
    breach or recall, change of address, pre-release). Met by the next completed assessment."""

    class Reason(models.TextChoices):
        ROSH_CHANGE = "ROSH_CHANGE", "RoSH changed"
        NEW_REGISTRATION = "NEW_REGISTRATION", "New registration"
        BREACH_OR_RECALL = "BREACH_OR_RECALL", "Breach or recall"
        ADDRESS_CHANGE = "ADDRESS_CHANGE", "Change of address"
        PRE_RELEASE = "PRE_RELEASE", "Pre-release"
        SIGNIFICANT_CHANGE = "SIGNIFICANT_CHANGE", "Other significant change"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="review_triggers")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    details = models.CharField(max_length=500, blank=True)
    raised_on = models.DateField(default=timezone.localdate)
    review_due = models.DateField()
    met_by = models.ForeignKey(Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-raised_on"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} for {self.person.crn}"


# --- Safeguarding and domestic-abuse information ---------------------------------------------


# --- Management oversight and approvals ------------------------------------------------------
