"""The numbers a contact policy sets for one case, once its rules are resolved: a frozen, typed
object, so every reader names the parameter it uses (and mypy checks the name), never a string key.

The fields are exactly `supervision.models.policy.RULE_PARAMETERS` (a test holds them together);
the base rule sets every one, so a resolved set is always complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class PolicyParameters:
    face_to_face_window_days: int
    early_engagement_weeks: int
    early_contact_interval_days: int
    initial_appointment_working_days: int
    initial_must_be_face_to_face: bool
    telephone_only_window_days: int
    home_visit_days_high: int
    home_visit_days_medium: int
    home_visit_days_low: int
    outcome_recording_days: int
    failures_limit: int
    warning_response_days: int
    breach_response_days: int
    licence_letter_response_days: int
    recall_response_days: int
    absence_evidence_days: int
    first_assessment_days: int
    assessment_review_weeks: int
    review_trigger_days: int

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> PolicyParameters:
        """From a rule's values by field name (a base rule overlaid by scoped rules)."""
        return cls(**{f.name: values[f.name] for f in fields(cls)})

    def as_dict(self) -> dict[str, int | bool]:
        """For the stored standing's details (JSON)."""
        return asdict(self)
