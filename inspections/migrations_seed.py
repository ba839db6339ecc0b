"""The checks the service starts with: the inspection standard and key question each serves, its
severity and, where the contact policy does not set it, its threshold (DOMAIN.md "Automated
checks"). Administrators change them in the admin; existing rows are left as they set them."""

from __future__ import annotations

from typing import Any

Q21_SAFE = "2.1 Assessment: does assessment focus sufficiently on keeping other people safe?"
Q21_ENGAGE = "2.1 Assessment: does assessment focus sufficiently on engaging the person on probation?"
Q23_ENGAGE = "2.3 Implementation and delivery: is the sentence implemented with a focus on engagement?"
Q23_SAFE = "2.3 Implementation and delivery: does delivery support the safety of other people?"
Q24_COMPLY = "2.4 Reviewing: does reviewing support compliance and engagement?"
Q24_SAFE = "2.4 Reviewing: does reviewing focus sufficiently on keeping other people safe?"
OVERSIGHT = "Management oversight: is oversight sufficient to support the quality of work?"
EM = "Electronic monitoring: is location data available to practitioners within 24 hours?"

# kind, standard, key question, severity, threshold, unit
DEFINITIONS: list[tuple[str, str, str, str, int | None, str]] = [
    ("TELEPHONE_ONLY", "2.3", Q23_ENGAGE, "HIGH", None, ""),
    ("FACE_TO_FACE_OVERDUE", "2.3", Q23_SAFE, "HIGH", None, ""),
    ("INITIAL_APPOINTMENT_OVERDUE", "2.3", Q23_ENGAGE, "MEDIUM", None, ""),
    ("ASSESSMENT_OVERDUE", "2.1", Q21_ENGAGE, "HIGH", None, ""),  # the policy's first_assessment_days
    ("REVIEW_OVERDUE", "2.4", Q24_SAFE, "MEDIUM", None, ""),
    ("REGISTRATION_REVIEW_OVERDUE", "2.4", Q24_SAFE, "MEDIUM", None, ""),
    ("OUTCOME_NOT_RECORDED", "2.3", Q23_ENGAGE, "LOW", None, ""),
    ("ENFORCEMENT_DECISION_DUE", "2.4", Q24_COMPLY, "HIGH", None, ""),
    ("HOME_VISIT_OVERDUE", "2.3", Q23_SAFE, "HIGH", None, ""),
    ("OVERSIGHT_DUE", "Oversight", OVERSIGHT, "MEDIUM", 90, "days"),
    ("SAFEGUARDING_INFO_OUTSTANDING", "2.1", Q21_SAFE, "HIGH", 14, "days"),
    ("EM_LOCATION_DATA_OVERDUE", "EM", EM, "HIGH", 24, "hours"),
    ("HDC_CHECKS_INCOMPLETE", "2.1", Q21_SAFE, "HIGH", None, ""),
]


def seed(apps: Any, schema_editor: Any = None) -> None:
    CheckDefinition = apps.get_model("inspections", "CheckDefinition")
    for kind, standard, question, severity, threshold, unit in DEFINITIONS:
        CheckDefinition.objects.get_or_create(
            kind=kind,
            defaults={
                "standard": standard,
                "key_question": question,
                "severity": severity,
                "threshold": threshold,
                "threshold_unit": unit,
            },
        )
