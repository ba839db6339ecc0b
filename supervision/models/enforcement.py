"""Enforcement decisions on failures to comply, and Probation Reset decisions."""

from __future__ import annotations

import uuid

import pghistory
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import NO_DELETES, OrderType, Person, Sentence, User


class EnforcementKind(models.TextChoices):
    WARNING_LETTER = "WARNING_LETTER", "Warning letter"
    BREACH_REFERRAL = "BREACH_REFERRAL", "Refer for breach"
    LICENCE_COMPLIANCE_LETTER = "LICENCE_COMPLIANCE_LETTER", "Licence compliance letter"
    RECALL_CONSIDERATION = "RECALL_CONSIDERATION", "Recall consideration"
    NO_FURTHER_ACTION = "NO_FURTHER_ACTION", "No further action"


class EnforcementOutcome(models.TextChoices):
    """How breach or recall proceedings ended. Which outcomes the law allows depends on the order
    (supervision.compliance.outcomes_for)."""

    # Community order: Sentencing Act 2020 Sch. 10 para 10. Suspended sentence order: Sch. 16 para 13.
    ORDER_AMENDED = "ORDER_AMENDED", "Order amended: more onerous requirements (or a longer period)"
    FINED = "FINED", "Fine"
    RESENTENCED = "RESENTENCED", "Order revoked and re-sentenced for the original offence"
    SENTENCE_ACTIVATED = "SENTENCE_ACTIVATED", "Suspended sentence activated (in full or a lesser term)"
    # Post-sentence supervision: Criminal Justice Act 2003 s.256AC(4).
    COMMITTED = "COMMITTED", "Committed to prison (up to 14 days)"
    SUPERVISION_DEFAULT_ORDER = "SUPERVISION_DEFAULT_ORDER", "Supervision default order (unpaid work or curfew)"
    NO_ORDER = "NO_ORDER", "Breach proved: the court made no order"
    # Licence: Criminal Justice Act 2003 s.254 (and s.255A fixed-term recall).
    RECALLED_FIXED_TERM = "RECALLED_FIXED_TERM", "Recalled: fixed-term recall"
    RECALLED_STANDARD = "RECALLED_STANDARD", "Recalled: standard recall"
    NOT_RECALLED = "NOT_RECALLED", "Not recalled: the licence continues"
    # Any order.
    NOT_PROVEN = "NOT_PROVEN", "Breach not proved, or the proceedings were withdrawn"
    # Proceedings concluded before outcomes were recorded (the conclusion says in words).
    NOT_RECORDED = "NOT_RECORDED", "Not recorded (see the details)"


# What a breach referral is called on post-sentence supervision: it goes to the magistrates' court.
PSS_BREACH_REFERRAL_LABEL = "Refer to the magistrates' court for breach"


def decision_label(order_type: str, kind: str) -> str:
    """A decision as offered and shown for this order: on PSS a breach referral goes to the magistrates' court."""
    if order_type == OrderType.PSS and kind == EnforcementKind.BREACH_REFERRAL:
        return PSS_BREACH_REFERRAL_LABEL
    return str(EnforcementKind(kind).label)


class EnforcementQuerySet(models.QuerySet["EnforcementAction"]):
    def breaches_in_progress(self) -> EnforcementQuerySet:
        """Breach referrals and recall considerations not yet concluded."""
        return self.filter(
            kind__in=[EnforcementKind.BREACH_REFERRAL, EnforcementKind.RECALL_CONSIDERATION], concluded_on__isnull=True
        )


@pghistory.track()
class EnforcementAction(models.Model):
    """A practitioner's decision on a failure to comply, with its rationale and response period.

    `failure_date` is the (latest) failure the decision answers; failures after it await a new
    decision. A breach referral or recall stays "in progress" until `concluded_on` is set; the
    count of failures "since the last breach" restarts from that date.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enforcement_actions")
    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, related_name="enforcement_actions")
    kind = models.CharField(max_length=30, choices=EnforcementKind.choices)
    failure_date = models.DateField(help_text="The date of the failure to comply this decision answers.")
    contact_thread_id = models.UUIDField(null=True, blank=True, help_text="The contact the failure was recorded on.")
    decided_on = models.DateField(default=timezone.localdate)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField()
    referral_required = models.BooleanField(
        default=False, help_text="The service found a warning in the previous 12 months, so referral was required."
    )
    response_days = models.PositiveSmallIntegerField(default=0)
    evidence_due = models.DateField(null=True, blank=True)
    policy = models.ForeignKey(
        "supervision.ContactPolicy", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    concluded_on = models.DateField(null=True, blank=True, help_text="When breach or recall proceedings ended.")
    outcome = models.CharField(
        max_length=30, choices=EnforcementOutcome.choices, blank=True, help_text="How the proceedings ended."
    )
    conclusion = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = EnforcementQuerySet.as_manager()

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-decided_on", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(rationale=""), name="enforcement_has_rationale"),
            models.CheckConstraint(
                condition=Q(referral_required=False) | Q(kind="BREACH_REFERRAL") | Q(kind="RECALL_CONSIDERATION"),
                name="enforcement_required_referral_is_referral",
            ),
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True) | Q(concluded_on__gte=models.F("decided_on")),
                name="enforcement_concluded_after_decision",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__gte=models.F("failure_date")), name="enforcement_decided_after_failure"
            ),
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True) | ~Q(outcome=""), name="enforcement_concluded_with_outcome"
            ),
        ]
        indexes = [models.Index(fields=["person", "-decided_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person.crn} on {self.decided_on:%d %b %Y}"

    @property
    def in_progress(self) -> bool:
        return (
            self.kind in (EnforcementKind.BREACH_REFERRAL, EnforcementKind.RECALL_CONSIDERATION)
            and self.concluded_on is None
        )

    @property
    def label(self) -> str:
        """The decision as the practitioner chose it (a PSS breach referral goes to the magistrates'
        court). Reads the sentence: select it with the action."""
        return decision_label(self.sentence.order_type, self.kind)


class ResetState(models.TextChoices):
    ELIGIBLE = "ELIGIBLE", "Eligible: supervision stops at the two-thirds point"
    EXEMPT = "EXEMPT", "Exempt: supervision continues to the end"
    NOT_APPLICABLE = "NOT_APPLICABLE", "Not applicable"


@pghistory.track()
class ResetDecision(models.Model):
    """An SPO's confirmation or override of the computed Probation Reset state of a sentence.
    The latest decision for a sentence applies; earlier ones stay as history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reset_decisions")
    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, related_name="reset_decisions")
    computed_state = models.CharField(max_length=20, choices=ResetState.choices)
    state = models.CharField(max_length=20, choices=ResetState.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-decided_at"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="reset_decision_has_reason")]

    def __str__(self) -> str:
        return f"Probation Reset {self.get_state_display()} for {self.person.crn}"

    @property
    def is_override(self) -> bool:
        return self.state != self.computed_state
