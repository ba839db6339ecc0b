"""Safeguarding and domestic-abuse information, and lone-working risk assessments before home visits.

An information request to the police (domestic-abuse call-outs) or children's services moves from
requested to (chased, any number of times) received, and then records how it was used in an
assessment. Once received it is not chased or received again; the way it was used is recorded once.
A home-visit risk assessment is recorded before the visit and never edited.
"""

from __future__ import annotations

from datetime import date

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.changes import case_changed
from cases.models import Person, User
from supervision.models import Assessment, HomeVisitRiskAssessment, InformationRequest, InformationSource

TEXT_MAX = 10_000


def _check_can_change(by: User) -> None:
    if not by.can_change_cases:
        raise PermissionDenied("Your role cannot change safeguarding records")


def _not_future(value: date, field: str, label: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: f"The {label} must be today or in the past"})


def _required(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > TEXT_MAX:
        raise ValidationError({field: f"This must be {TEXT_MAX:,} characters or fewer"})
    return value


def _locked(request: InformationRequest) -> InformationRequest:
    return InformationRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def request_information(
    person: Person, *, source: str, requested_on: date, by: User, agency: str = ""
) -> InformationRequest:
    """Record that information was asked for (police domestic-abuse call-outs, children's services)."""
    _check_can_change(by)
    if source not in InformationSource.values:
        raise ValidationError({"source": "Select who the information was requested from"})
    _not_future(requested_on, "requested_on", "date requested")
    with pghistory.context(user=by.pk):
        request = InformationRequest.objects.create(
            person=person, source=source, agency=agency.strip()[:200], requested_on=requested_on, requested_by=by
        )
    case_changed(person.pk)
    return request


@transaction.atomic
def chase_information(request: InformationRequest, *, chased_on: date, by: User) -> InformationRequest:
    _check_can_change(by)
    request = _locked(request)
    if request.received_on is not None:
        raise ValidationError("This information has been received, so it cannot be chased")
    _not_future(chased_on, "chased_on", "date chased")
    if chased_on < request.requested_on:
        raise ValidationError({"chased_on": "The date chased must be on or after the date it was requested"})
    if request.last_chased_on is not None and chased_on < request.last_chased_on:
        message = (
            f"The date chased must be on or after the last time it was chased ({request.last_chased_on:%-d %B %Y})"
        )
        raise ValidationError({"chased_on": message})
    request.last_chased_on = chased_on
    request.times_chased += 1
    with pghistory.context(user=by.pk):
        request.save(update_fields=["last_chased_on", "times_chased"])
    case_changed(request.person_id)
    return request


@transaction.atomic
def record_information_received(
    request: InformationRequest, *, received_on: date, summary: str, by: User
) -> InformationRequest:
    _check_can_change(by)
    request = _locked(request)
    if request.received_on is not None:
        raise ValidationError(f"This information was already recorded as received on {request.received_on:%-d %B %Y}")
    _not_future(received_on, "received_on", "date received")
    if received_on < request.requested_on:
        raise ValidationError({"received_on": "The date received must be on or after the date it was requested"})
    request.summary = _required(summary, "summary", "Enter a summary of the information received")
    request.received_on = received_on
    with pghistory.context(user=by.pk):
        request.save(update_fields=["received_on", "summary"])
    case_changed(request.person_id)
    return request


@transaction.atomic
def record_information_use(
    request: InformationRequest, *, assessment: Assessment, how_used: str, by: User
) -> InformationRequest:
    """Record which assessment used the information, and how (it shaped the risk picture, the plan...)."""
    _check_can_change(by)
    request = _locked(request)
    if request.received_on is None:
        raise ValidationError("Record the information as received before recording how it was used")
    if request.used_in_assessment_id is not None:
        raise ValidationError("How this information was used has already been recorded")
    if assessment.person_id != request.person_id:
        raise ValidationError({"assessment": "Select one of this person's assessments"})
    request.how_used = _required(how_used, "how_used", "Enter how the information was used in the assessment")
    request.used_in_assessment = assessment
    with pghistory.context(user=by.pk):
        request.save(update_fields=["used_in_assessment", "how_used"])
    case_changed(request.person_id)
    return request


@transaction.atomic
def record_home_visit_assessment(
    person: Person,
    *,
    planned_for: date,
    address: str,
    risks: str,
    controls: str,
    visit_in_pairs: bool,
    by: User,
) -> HomeVisitRiskAssessment:
    """A lone-working risk assessment, recorded before the visit (so planned for today or later)."""
    _check_can_change(by)
    if planned_for < timezone.localdate():
        raise ValidationError({"planned_for": "The visit date must be today or in the future"})
    address = address.strip()
    if not address:
        raise ValidationError({"address": "Enter the address of the visit"})
    if len(address) > 300:
        raise ValidationError({"address": "The address must be 300 characters or fewer"})
    with pghistory.context(user=by.pk):
        assessment = HomeVisitRiskAssessment.objects.create(
            person=person,
            planned_for=planned_for,
            address=address,
            risks=_required(risks, "risks", "Enter the risks to staff at or around the address"),
            controls=_required(controls, "controls", "Enter how the risks will be managed"),
            visit_in_pairs=visit_in_pairs,
            assessed_by=by,
        )
    case_changed(person.pk)
    return assessment
