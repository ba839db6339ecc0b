"""Reads for the Safeguarding tab: information requests with their state, and home-visit risk
assessments with the visit that followed. A fixed number of queries, whatever the number of rows.

How long is "too long" outstanding is the checks engine's threshold (inspections), which supervision
does not import: the tab shows how many days each request has been outstanding and leaves the
judgement to the flag."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from cases.models import Address, AddressStatus, Person
from supervision.models import Assessment, Contact, HomeVisitRiskAssessment, InformationRequest

HOME_VISIT_CODE = "CHVS"


class RequestState:
    OUTSTANDING = "OUTSTANDING"
    CHASED = "CHASED"
    RECEIVED = "RECEIVED"
    USED = "USED"


@dataclass(frozen=True)
class RequestRow:
    request: InformationRequest
    state: str
    days_outstanding: int | None

    @property
    def label(self) -> str:
        return {
            RequestState.OUTSTANDING: "Outstanding",
            RequestState.CHASED: "Chased",
            RequestState.RECEIVED: "Received",
            RequestState.USED: "Used in assessment",
        }[self.state]

    @property
    def tag_class(self) -> str:
        return {
            RequestState.OUTSTANDING: "govuk-tag--yellow",
            RequestState.CHASED: "govuk-tag--orange",
            RequestState.RECEIVED: "govuk-tag--blue",
            RequestState.USED: "govuk-tag--green",
        }[self.state]


def _state(request: InformationRequest) -> str:
    if request.used_in_assessment_id is not None:
        return RequestState.USED
    if request.received_on is not None:
        return RequestState.RECEIVED
    return RequestState.CHASED if request.times_chased else RequestState.OUTSTANDING


def information_requests(person: Person, on: date | None = None) -> list[RequestRow]:
    on = on or timezone.localdate()
    requests = (
        InformationRequest.objects.filter(person=person)
        .select_related("requested_by", "used_in_assessment")
        .order_by("-requested_on", "source")
    )
    return [RequestRow(r, _state(r), (on - r.requested_on).days if r.received_on is None else None) for r in requests]


def assessments_for_use(person: Person) -> list[Assessment]:
    """The case's assessments information can be recorded against, latest first."""
    return list(Assessment.objects.filter(person=person).select_related("author").order_by("-started_at"))


@dataclass(frozen=True)
class HomeVisitRow:
    assessment: HomeVisitRiskAssessment
    visit: Contact | None

    @property
    def upcoming(self) -> bool:
        return self.assessment.planned_for >= timezone.localdate()


def home_visit_assessments(person: Person) -> list[HomeVisitRow]:
    """Each risk assessment with its visit: the contact it names, else a home visit on the planned day."""
    assessments = list(
        HomeVisitRiskAssessment.objects.filter(person=person).select_related("assessed_by").order_by("-planned_for")
    )
    if not assessments:
        return []
    visits = list(
        Contact.objects.current()
        .for_person(person)
        .filter(contact_type__code=HOME_VISIT_CODE)
        .select_related("contact_type", "outcome")
        .order_by("starts_at")
    )
    by_thread: dict[uuid.UUID, Contact] = {v.thread_id: v for v in visits}
    by_day: dict[date, Contact] = {}
    for visit in visits:
        by_day.setdefault(timezone.localtime(visit.starts_at).date(), visit)
    return [
        HomeVisitRow(
            a,
            by_thread.get(a.visit_contact_thread_id) if a.visit_contact_thread_id else by_day.get(a.planned_for),
        )
        for a in assessments
    ]


def main_address(person: Person) -> str:
    """The current main address as one line, to prefill a home-visit risk assessment."""
    address = (
        Address.objects.filter(person=person, status=AddressStatus.MAIN, end_date__isnull=True)
        .order_by("-start_date")
        .first()
    )
    return str(address) if address else ""
