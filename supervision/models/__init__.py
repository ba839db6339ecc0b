"""Supervision records, one module per subdomain: contacts and appointments (with their reference
data), enforcement and Probation Reset decisions, the versioned contact policy, assessments and
review triggers, sentence plans, tier, safeguarding, oversight and approvals.

Contacts are never deleted or edited after their outcome is recorded: a correction appends a new
version of the contact and marks the old one superseded (see `Contact`)."""

from supervision.models.approvals import ApprovalKind, ApprovalRequest, ApprovalStatus
from supervision.models.assessments import (
    Assessment,
    AssessmentStatus,
    AssessmentType,
    Need,
    NeedSeverity,
    ReviewTrigger,
)
from supervision.models.contacts import (
    AppointmentSeries,
    Contact,
    ContactQuerySet,
    ContactType,
    Frequency,
    OutcomeType,
)
from supervision.models.enforcement import (
    EnforcementAction,
    EnforcementKind,
    EnforcementOutcome,
    ResetDecision,
    ResetState,
)
from supervision.models.oversight import ManagementOversight, OversightType
from supervision.models.plans import ObjectiveStatus, PlanObjective, SentencePlan
from supervision.models.policy import (
    CaseStanding,
    ContactPolicy,
    Phase,
    PolicyRule,
    PolicyStatus,
    RemoteSupplementCriterion,
)
from supervision.models.safeguarding import HomeVisitRiskAssessment, InformationRequest, InformationSource
from supervision.models.tier import TierCalculation

__all__ = [
    "AppointmentSeries",
    "ApprovalKind",
    "ApprovalRequest",
    "ApprovalStatus",
    "Assessment",
    "AssessmentStatus",
    "AssessmentType",
    "CaseStanding",
    "Contact",
    "ContactPolicy",
    "ContactQuerySet",
    "ContactType",
    "EnforcementAction",
    "EnforcementKind",
    "EnforcementOutcome",
    "Frequency",
    "HomeVisitRiskAssessment",
    "InformationRequest",
    "InformationSource",
    "ManagementOversight",
    "Need",
    "NeedSeverity",
    "ObjectiveStatus",
    "OutcomeType",
    "OversightType",
    "Phase",
    "PlanObjective",
    "PolicyRule",
    "PolicyStatus",
    "RemoteSupplementCriterion",
    "ResetDecision",
    "ResetState",
    "ReviewTrigger",
    "SentencePlan",
    "TierCalculation",
]
