"""Risk assessments: start, edit while in progress, submit, countersign or return.

An assessment is edited only while it is a draft; once submitted it is never changed (the next
assessment supersedes it). It counts once COMPLETE: at once, or after an SPO of the case's team
countersigns it when a PSO or trainee wrote it on a high or very high RoSH case. Completion
updates the person's RoSH, sets the next review date from the contact policy, meets the open
review triggers and recalculates the tier.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.changes import case_changed
from cases.models import Person, Role, RoshLevel, RsrSource, Sentence, User
from cases.services import record_rsr, update_risk_summary
from supervision.models import Assessment, AssessmentStatus, AssessmentType, Need, NeedSeverity, ReviewTrigger
from supervision.models.assessments import PREDICTOR_FIELDS, ROSH_FIELDS, WOMEN_FIELDS
from supervision.rules.assessments import TEXT_FIELDS, missing, needs_countersignature, overall_rosh
from supervision.services.tier import recalculate_tier

EDITABLE_FIELDS = frozenset({*ROSH_FIELDS, "rosh_overall", *PREDICTOR_FIELDS, "needs", *WOMEN_FIELDS, *TEXT_FIELDS})
# Copied from the last complete assessment into a new one, so a review starts from what is known.
CARRIED_FIELDS = (*ROSH_FIELDS, "rosh_overall", *PREDICTOR_FIELDS, "needs", *WOMEN_FIELDS, *TEXT_FIELDS)
TEXT_MAX = 20000


def _check_can_change(by: User) -> None:
    if by.role not in {Role.PRACTITIONER, Role.SPO}:
        raise PermissionDenied("Only practitioners and SPOs can change assessments")


def _check_spo_of_team(assessment: Assessment, by: User) -> None:
    if by.role != Role.SPO or by.team_id is None or by.team_id != assessment.person.team_id:
        raise PermissionDenied("Only an SPO of the case's team can countersign this assessment")


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("person", "author").get(pk=assessment.pk)


def in_progress(person: Person) -> Assessment | None:
    """The assessment being written or waiting for a countersignature, if any."""
    return (
        Assessment.objects.filter(
            person=person, status__in=[AssessmentStatus.DRAFT, AssessmentStatus.AWAITING_COUNTERSIGNATURE]
        )
        .select_related("author")
        .first()
    )


@transaction.atomic
def start_assessment(person: Person, *, type: str, by: User) -> Assessment:
    """Start a draft (one at a time per person), carrying over the last complete assessment."""
    _check_can_change(by)
    if type not in AssessmentType.values:
        raise ValidationError({"type": "Select the type of assessment"})
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if in_progress(person) is not None:
        raise ValidationError("An assessment is already in progress for this person: finish it first")
    last = Assessment.objects.filter(person=person).latest_complete()
    carried = {name: getattr(last, name) for name in CARRIED_FIELDS} if last is not None else {}
    sentence = Sentence.objects.filter(person=person).governing().first()
    with pghistory.context(user=by.pk):
        assessment = Assessment.objects.create(person=person, sentence=sentence, type=type, author=by, **carried)
    case_changed(person.pk)
    return assessment


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name in ROSH_FIELDS or name == "rosh_overall":
            if (value or "") not in ["", *RoshLevel.values]:
                errors[name] = "Select a RoSH level"
            cleaned[name] = value or ""
        elif name in PREDICTOR_FIELDS:
            cleaned[name] = _percent(name, value, errors)
        elif name == "needs":
            cleaned[name] = _needs(value or {}, errors)
        elif name in WOMEN_FIELDS:
            if value not in (None, True, False):
                errors[name] = "Select yes or no"
            cleaned[name] = value
        else:
            text = (value or "").strip()
            if len(text) > TEXT_MAX:
                errors[name] = f"{TEXT_FIELDS[name]} must be {TEXT_MAX} characters or fewer"
            cleaned[name] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def _percent(name: str, value: Any, errors: dict[str, str]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        score = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        errors[name] = f"The {name.upper()} score must be a number"
        return None
    if not Decimal(0) <= score <= Decimal(100):
        errors[name] = f"The {name.upper()} score must be between 0 and 100"
    return score


def _needs(value: dict[str, str], errors: dict[str, str]) -> dict[str, str]:
    if any(need not in Need.values or severity not in NeedSeverity.values for need, severity in value.items()):
        errors["needs"] = "Select a level of need for each need from the list"
    return {need: severity for need, severity in value.items() if need in Need.values}


@transaction.atomic
def save_assessment(assessment: Assessment, *, by: User, **fields: Any) -> Assessment:
    """Save changes to a draft. Anything else has been submitted and is never changed."""
    _check_can_change(by)
    assessment = _locked(assessment)
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError("This assessment has been submitted, so it cannot be changed")
    cleaned = _clean_fields(fields)
    if "needs" in cleaned:
        cleaned["needs"] = {**(assessment.needs or {}), **cleaned["needs"]}
    for name, value in cleaned.items():
        setattr(assessment, name, value)
    with pghistory.context(user=by.pk):
        assessment.save(update_fields=list(cleaned))
    return assessment


@transaction.atomic
def submit_assessment(assessment: Assessment, *, by: User, completed_on: date) -> Assessment:
    """Submit a finished draft: complete, or waiting for an SPO's countersignature."""
    _check_can_change(by)
    assessment = _locked(assessment)
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError("This assessment has already been submitted")
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date the assessment was completed must be today or in the past"})
    if completed_on < timezone.localtime(assessment.started_at).date():
        message = f"The date the assessment was completed must be on or after {assessment.started_at:%-d %B %Y}"
        raise ValidationError({"completed_on": message})
    problems = missing(assessment)
    if problems:
        raise ValidationError([problem for _section, problem in problems])
    assessment.completed_on = completed_on
    assessment.rosh_overall = overall_rosh(assessment)
    assessment.returned_reason = ""
    assessment.countersignature_required = needs_countersignature(assessment.author.grade, assessment.rosh_overall)
    if assessment.countersignature_required:
        assessment.status = AssessmentStatus.AWAITING_COUNTERSIGNATURE
        with pghistory.context(user=by.pk):
            assessment.save(
                update_fields=["completed_on", "rosh_overall", "returned_reason", "countersignature_required", "status"]
            )
        case_changed(assessment.person_id)
        return assessment
    return _complete(
        assessment, by=by, extra=["completed_on", "rosh_overall", "returned_reason", "countersignature_required"]
    )


@transaction.atomic
def countersign_assessment(assessment: Assessment, *, by: User, notes: str = "") -> Assessment:
    """An SPO of the case's team countersigns: the assessment now counts."""
    assessment = _locked(assessment)
    _check_spo_of_team(assessment, by)
    if assessment.status != AssessmentStatus.AWAITING_COUNTERSIGNATURE:
        raise ValidationError("This assessment is not waiting for a countersignature")
    if assessment.author_id == by.pk:
        raise PermissionDenied("You cannot countersign your own assessment")
    notes = notes.strip()
    if len(notes) > 2000:
        raise ValidationError({"notes": "Notes must be 2000 characters or fewer"})
    assessment.countersigned_by = by
    assessment.countersigned_at = timezone.now()
    assessment.countersignature_notes = notes
    return _complete(assessment, by=by, extra=["countersigned_by", "countersigned_at", "countersignature_notes"])


@transaction.atomic
def return_assessment(assessment: Assessment, *, by: User, reason: str) -> Assessment:
    """An SPO of the case's team sends it back to the author for changes (it becomes a draft again)."""
    assessment = _locked(assessment)
    _check_spo_of_team(assessment, by)
    if assessment.status != AssessmentStatus.AWAITING_COUNTERSIGNATURE:
        raise ValidationError("This assessment is not waiting for a countersignature")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are returning the assessment"})
    if len(reason) > 2000:
        raise ValidationError({"reason": "The reason must be 2000 characters or fewer"})
    assessment.status = AssessmentStatus.DRAFT
    assessment.returned_reason = reason
    assessment.completed_on = None
    assessment.countersignature_required = False
    with pghistory.context(user=by.pk):
        assessment.save(update_fields=["status", "returned_reason", "completed_on", "countersignature_required"])
    case_changed(assessment.person_id)
    return assessment


def _complete(assessment: Assessment, *, by: User, extra: list[str]) -> Assessment:
    """The steps that make an assessment count (inside the caller's transaction)."""
    from supervision.policy import NoPolicyInForce, policy_for

    person = assessment.person
    assert assessment.completed_on is not None
    with pghistory.context(user=by.pk):
        announced = update_risk_summary(person, rosh=assessment.rosh_overall, by=by)
        try:
            _policy, params = policy_for(person, assessment.completed_on)
            weeks = int(params.assessment_review_weeks)
            assessment.next_review_due = assessment.completed_on + timedelta(weeks=weeks)
        except NoPolicyInForce:
            assessment.next_review_due = None
        assessment.status = AssessmentStatus.COMPLETE
        assessment.save(update_fields=[*extra, "status", "next_review_due"])
        ReviewTrigger.objects.filter(person=person, met_by__isnull=True, raised_on__lte=assessment.completed_on).update(
            met_by=assessment
        )
    if assessment.rsr is not None:  # RSR is recorded where it arrives; the tier reads the latest
        record_rsr(
            person, score=assessment.rsr, calculated_on=assessment.completed_on, source=RsrSource.ASSESSMENT, by=by
        )
    recalculate_tier(person, trigger="Assessment completed", by=by)
    if not announced:  # a changed RoSH has announced the change already
        case_changed(person.pk)
    return assessment


@transaction.atomic
def raise_review_trigger(
    person: Person, *, reason: str, by: User, details: str = "", raised_on: date | None = None
) -> ReviewTrigger:
    """Record an event that brings the next review forward (by `review_trigger_days` of the policy)."""
    from supervision.policy import policy_for

    _check_can_change(by)
    if reason not in ReviewTrigger.Reason.values:
        raise ValidationError({"reason": "Select what happened"})
    raised_on = raised_on or timezone.localdate()
    if raised_on > timezone.localdate():
        raise ValidationError({"raised_on": "The date must be today or in the past"})
    _policy, params = policy_for(person, raised_on)
    with pghistory.context(user=by.pk):
        trigger = ReviewTrigger.objects.create(
            person=person,
            reason=reason,
            details=details.strip()[:500],
            raised_on=raised_on,
            review_due=raised_on + timedelta(days=int(params.review_trigger_days)),
        )
    case_changed(person.pk)
    return trigger
