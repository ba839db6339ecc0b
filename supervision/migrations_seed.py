"""Reference data the service starts with: nDelius contact types and outcome codes, and version 1
of the contact policy with DOMAIN.md's defaults. The migration calls `seed`; tests re-run it after
a flushing browser test. Existing rows are left as admins set them."""

from __future__ import annotations

from datetime import date
from typing import Any

# code, description, face_to_face, attendance, national_standard, location_required, initial, home_visit
CONTACT_TYPES = [
    ("COAP", "Office appointment", True, True, True, True, False, False),
    ("COAI", "Initial appointment in office", True, True, True, True, True, False),
    ("COVI", "Initial appointment by video", False, True, True, False, True, False),
    ("CHVS", "Home visit", True, True, True, True, False, True),
    ("CODC", "Doorstep visit", True, True, True, True, False, True),
    ("COOO", "Appointment other than office", True, True, True, True, False, False),
    ("COPT", "Planned telephone contact", False, True, True, False, False, False),
    ("COVC", "Video call", False, True, True, False, False, False),
    ("KIOSK", "Reporting kiosk check-in", False, True, True, False, False, False),
    ("OLCI", "Online check-in", False, True, True, False, False, False),
    ("EMTX", "Email or text message", False, False, False, False, False, False),
    ("C084", "Three-way meeting (with another agency)", True, True, True, True, False, False),
]

# code, description, attended, failure, acceptable_absence, rescheduled, sent_home, future_ok, evidence
OUTCOMES = [
    ("ATTC", "Attended - complied", True, False, False, False, False, False, False),
    ("AFTC", "Attended - failed to comply", True, True, False, False, False, False, False),
    ("ATSH", "Attended - sent home (behaviour)", True, True, False, False, True, False, False),
    ("ATSS", "Attended - sent home (service issues)", True, False, False, False, True, False, False),
    ("AFTA", "Failed to attend (evidence to be requested)", False, True, False, False, False, False, True),
    ("UAAB", "Unacceptable absence", False, True, False, False, False, False, False),
    ("AACL", "Acceptable absence - court or legal", False, False, True, False, False, True, False),
    ("AAEM", "Acceptable absence - employment", False, False, True, False, False, True, False),
    ("AAFC", "Acceptable absence - family or childcare", False, False, True, False, False, True, False),
    ("AAHO", "Acceptable absence - holiday", False, False, True, False, False, True, False),
    ("AAME", "Acceptable absence - medical", False, False, True, False, False, True, False),
    ("AARE", "Acceptable absence - religious", False, False, True, False, False, True, False),
    ("AARC", "Acceptable absence - remanded in custody", False, False, True, False, False, True, False),
    ("AAPJ", "Acceptable absence - professional judgement", False, False, True, False, False, True, False),
    ("RSSR", "Rescheduled - service request", False, False, False, True, False, True, False),
    ("RSOF", "Rescheduled - request of the person on probation", False, False, False, True, False, True, False),
]

BASE_RULE: dict[str, Any] = {
    "face_to_face_window_days": 30,
    "early_engagement_weeks": 4,
    "early_contact_interval_days": 7,
    "initial_appointment_working_days": 5,
    "initial_must_be_face_to_face": True,
    "telephone_only_window_days": 42,
    "home_visit_days_high": 15,
    "home_visit_days_medium": 42,
    "home_visit_days_low": 84,
    "outcome_recording_days": 2,
    "failures_limit": 2,
    "warning_response_days": 7,
    "breach_response_days": 10,
    "licence_letter_response_days": 7,
    "recall_response_days": 1,
    "absence_evidence_days": 7,
    "first_assessment_days": 20,
    "assessment_review_weeks": 26,
    "review_trigger_days": 10,
}
REMOTE_SUPPLEMENT_ONLY = [
    "VERY_HIGH_ROSH",
    "MAPPA_2_3",
    "DOMESTIC_ABUSE",
    "CHILD_PROTECTION",
    "SEXUAL_OFFENCE",
    "SUSPENDED_SUPERVISION",
]
# Monthly face-to-face contact has been required since October 2018.
FIRST_EFFECTIVE = date(2018, 10, 1)


def seed(apps: Any, schema_editor: Any = None) -> None:
    ContactType = apps.get_model("supervision", "ContactType")
    OutcomeType = apps.get_model("supervision", "OutcomeType")
    ContactPolicy = apps.get_model("supervision", "ContactPolicy")
    PolicyRule = apps.get_model("supervision", "PolicyRule")
    for code, description, f2f, attendance, ns, location, initial, home in CONTACT_TYPES:
        ContactType.objects.get_or_create(
            code=code,
            defaults={
                "description": description,
                "is_face_to_face": f2f,
                "is_attendance": attendance,
                "is_national_standard": ns,
                "location_required": location,
                "is_initial": initial,
                "is_home_visit": home,
                "is_bookable": attendance,
            },
        )
    for order, (code, description, attended, failure, aa, resched, sent_home, future, evidence) in enumerate(OUTCOMES):
        OutcomeType.objects.get_or_create(
            code=code,
            defaults={
                "description": description,
                "is_attended": attended,
                "is_failure": failure,
                "is_acceptable_absence": aa,
                "is_rescheduled": resched,
                "is_sent_home": sent_home,
                "allowed_in_future": future,
                "evidence_required": evidence,
                "sort_order": order,
            },
        )
    if not ContactPolicy.objects.exists():
        from django.utils import timezone

        policy = ContactPolicy.objects.create(
            version=1,
            status="PUBLISHED",
            summary="National defaults: monthly face-to-face contact, weekly contact for the first four weeks.",
            effective_from=FIRST_EFFECTIVE,
            published_at=timezone.now(),
            remote_supplement_only_for=REMOTE_SUPPLEMENT_ONLY,
            remote_replacement_needs_spo_approval=True,
        )
        # The migration state may predate later parameters (they get their defaults in the migration
        # that adds them), so set only the fields this version of the model has.
        known = {f.name for f in PolicyRule._meta.get_fields()}
        base = {name: value for name, value in BASE_RULE.items() if name in known}
        PolicyRule.objects.create(policy=policy, is_base=True, name="All cases", **base)
