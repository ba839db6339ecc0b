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


# --- Safeguarding and domestic-abuse information ---------------------------------------------


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


# --- Management oversight and approvals ------------------------------------------------------


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
