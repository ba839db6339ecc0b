"""The Safeguarding tab (information requests to the police and children's services, home-visit
risk assessments) and the tier: its history page and the overview card's context."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import person_page
from cases.access import get_person_for_user
from cases.models import Person, User
from cases.web import signed_in_user
from kit.forms import GovUKForm, raise_service_errors
from supervision.forms.safeguarding import (
    ChaseForm,
    HomeVisitRiskAssessmentForm,
    InformationRequestForm,
    InformationUseForm,
    ReceivedForm,
)
from supervision.models import InformationRequest, TierCalculation
from supervision.queries import safeguarding as queries
from supervision.services import safeguarding as services
from supervision.services import tier as tier_services
from supervision.views import can_change, writable_person

TIER_HISTORY_SHOWN = 50


def _information_request(person: Person, request_id: uuid.UUID) -> InformationRequest:
    return get_object_or_404(InformationRequest.objects.select_related("requested_by"), pk=request_id, person=person)


def _back(person: Person) -> HttpResponse:
    return redirect("supervision:safeguarding", crn=person.crn)


@login_required
@require_safe
def safeguarding(request: HttpRequest, crn: str) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, path=request.path)
    context = {
        "person": person,
        "tabs": person_page.tabs(person, "safeguarding"),
        "requests": queries.information_requests(person),
        "home_visits": queries.home_visit_assessments(person),
        "can_change": can_change(user),
    }
    return render(request, "supervision/safeguarding/safeguarding.html", context)


def _form_page(request: HttpRequest, template: str, form: GovUKForm, person: Person, **extra: Any) -> HttpResponse:
    return render(request, f"supervision/safeguarding/{template}", {"form": form, "person": person, **extra})


@login_required
@require_http_methods(["GET", "POST"])
def request_information(request: HttpRequest, crn: str) -> HttpResponse:
    person = writable_person(request, crn)
    form = InformationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_information(person, by=signed_in_user(request), **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, "Information request recorded")
            return _back(person)
    return _form_page(request, "request_form.html", form, person)


@login_required
@require_http_methods(["GET", "POST"])
def chase(request: HttpRequest, crn: str, request_id: uuid.UUID) -> HttpResponse:
    person = writable_person(request, crn)
    info = _information_request(person, request_id)
    form = ChaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.chase_information(info, by=signed_in_user(request), **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"{info.get_source_display()} request chased")
            return _back(person)
    return _form_page(request, "chase_form.html", form, person, info=info)


@login_required
@require_http_methods(["GET", "POST"])
def received(request: HttpRequest, crn: str, request_id: uuid.UUID) -> HttpResponse:
    person = writable_person(request, crn)
    info = _information_request(person, request_id)
    form = ReceivedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_information_received(info, by=signed_in_user(request), **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"{info.get_source_display()} information recorded as received")
            return _back(person)
    return _form_page(request, "received_form.html", form, person, info=info)


@login_required
@require_http_methods(["GET", "POST"])
def record_use(request: HttpRequest, crn: str, request_id: uuid.UUID) -> HttpResponse:
    person = writable_person(request, crn)
    info = _information_request(person, request_id)
    assessments = queries.assessments_for_use(person)
    form = InformationUseForm(request.POST or None, assessments=assessments)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_information_use(
                info,
                assessment=form.chosen_assessment(),
                how_used=form.cleaned_data["how_used"],
                by=signed_in_user(request),
            )
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, "How the information was used has been recorded")
            return _back(person)
    return _form_page(request, "use_form.html", form, person, info=info, assessments=assessments)


@login_required
@require_http_methods(["GET", "POST"])
def home_visit_assessment(request: HttpRequest, crn: str) -> HttpResponse:
    person = writable_person(request, crn)
    form = HomeVisitRiskAssessmentForm(request.POST or None, initial={"address": queries.main_address(person)})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_home_visit_assessment(person, by=signed_in_user(request), **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, "Home visit risk assessment recorded: you can now book the home visit")
            return redirect(reverse("supervision:safeguarding", args=[person.crn]) + "#home-visits")
    return _form_page(request, "home_visit_form.html", form, person)


# --- Tier --------------------------------------------------------------------------------------


def tier_section(person: Person, user: User) -> dict[str, Any]:
    """The tier card on the person overview: the latest calculation and its factors (one query)."""
    return tier_section_from(tier_services.latest_calculation(person))


def _factors(calculation: TierCalculation | None) -> dict[str, list[dict[str, Any]]]:
    factors = calculation.breakdown.get("factors", []) if calculation else []
    return {
        "protect_factors": [f for f in factors if f.get("axis") == "protect"],
        "change_factors": [f for f in factors if f.get("axis") == "change"],
    }


@login_required
@require_safe
def tier_history(request: HttpRequest, crn: str) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, path=request.path)
    calculations = list(
        TierCalculation.objects.filter(person=person).order_by("-calculated_at")[: TIER_HISTORY_SHOWN + 1]
    )
    context = {
        "person": person,
        "tabs": person_page.tabs(person, "safeguarding"),
        "section": tier_section_from(calculations[0] if calculations else None),
        "history": [{"calculation": c, **_factors(c)} for c in calculations[:TIER_HISTORY_SHOWN]],
        "more": len(calculations) > TIER_HISTORY_SHOWN,
        "can_change": can_change(user),
    }
    return render(request, "supervision/safeguarding/tier_history.html", context)


def tier_section_from(calculation: TierCalculation | None) -> dict[str, Any]:
    return {"calculation": calculation, **_factors(calculation)}


@login_required
@require_POST
def recalculate(request: HttpRequest, crn: str) -> HttpResponse:
    person = writable_person(request, crn)
    before = person.tier
    calculation = tier_services.recalculate_tier(person, trigger="Recalculated on request", by=signed_in_user(request))
    if calculation.tier == before:
        messages.success(request, f"Tier recalculated: still {calculation.tier}")
    else:
        messages.success(request, f"Tier recalculated: now {calculation.tier} (was {before or 'not set'})")
    return redirect("supervision:tier_history", crn=person.crn)


urlpatterns = [
    path("people/<str:crn>/safeguarding/", safeguarding, name="safeguarding"),
    path("people/<str:crn>/safeguarding/requests/new/", request_information, name="request_information"),
    path("people/<str:crn>/safeguarding/requests/<uuid:request_id>/chase/", chase, name="chase_information"),
    path(
        "people/<str:crn>/safeguarding/requests/<uuid:request_id>/received/",
        received,
        name="record_information_received",
    ),
    path("people/<str:crn>/safeguarding/requests/<uuid:request_id>/use/", record_use, name="record_information_use"),
    path("people/<str:crn>/safeguarding/home-visits/new/", home_visit_assessment, name="home_visit_assessment"),
    path("people/<str:crn>/tier/", tier_history, name="tier_history"),
    path("people/<str:crn>/tier/recalculate/", recalculate, name="recalculate_tier"),
]
