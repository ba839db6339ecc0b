"""Supervision records: contact types and outcomes (reference data), contacts and appointments,
enforcement, Probation Reset decisions and the versioned contact policy.

Contacts are never deleted or edited after their outcome is recorded: a correction appends a new
version of the contact and marks the old one superseded (see `Contact`)."""

from supervision.models.contacts import (
    AppointmentSeries,
    Contact,
    ContactQuerySet,
    ContactType,
    Frequency,
    OutcomeType,
)
from supervision.models.enforcement import EnforcementAction, EnforcementKind, ResetDecision, ResetState
from supervision.models.policy import (
    CaseStanding,
    ContactPolicy,
    Phase,
    PolicyRule,
    PolicyStatus,
    RemoteSupplementCriterion,
)

__all__ = [
    "AppointmentSeries",
    "CaseStanding",
    "Contact",
    "ContactPolicy",
    "ContactQuerySet",
    "ContactType",
    "EnforcementAction",
    "EnforcementKind",
    "Frequency",
    "OutcomeType",
    "Phase",
    "PolicyRule",
    "PolicyStatus",
    "RemoteSupplementCriterion",
    "ResetDecision",
    "ResetState",
]
