"""Sentence plan pages, under the Risk tab: a plan started from the latest complete assessment, its
objectives and the person's agreement."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from cases.models import Person
from kit.forms import raise_service_errors
from supervision.forms import assessments as forms
from supervision.models import (
    Assessment,
    PlanObjective,
    SentencePlan,
)
from supervision.services import plans as plan_services
from supervision.views import submitted, user_and_writable_person


def _plan(person: Person, plan_id: uuid.UUID) -> SentencePlan:
    return get_object_or_404(SentencePlan, pk=plan_id, person=person)


@login_required
@require_http_methods(["GET", "POST"])
def new_plan(request: HttpRequest, crn: str) -> HttpResponse:
    user, person = user_and_writable_person(request, crn)
    previous = plan_services.current_plan(person)
    if request.method == "POST":
        latest = Assessment.objects.filter(person=person).latest_complete()
        plan = plan_services.create_plan(person, by=user, assessment=latest)
        messages.success(request, "Sentence plan started")
        return redirect("supervision:add_objective", crn=person.crn, plan_id=plan.pk)
    return render(request, "supervision/plans/plan_new.html", {"person": person, "previous": previous})


@login_required
@require_http_methods(["GET", "POST"])
def add_objective(request: HttpRequest, crn: str, plan_id: uuid.UUID) -> HttpResponse:
    user, person = user_and_writable_person(request, crn)
    plan = _plan(person, plan_id)
    form = forms.ObjectiveForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.add_objective(plan, by=user, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, "Objective added")
            return redirect("supervision:risk", crn=person.crn)
    return render(request, "supervision/plans/objective_form.html", {"form": form, "person": person, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def change_objective(request: HttpRequest, crn: str, plan_id: uuid.UUID, objective_id: uuid.UUID) -> HttpResponse:
    user, person = user_and_writable_person(request, crn)
    plan = _plan(person, plan_id)
    objective = get_object_or_404(PlanObjective, pk=objective_id, plan=plan)
    initial = {name: getattr(objective, name) for name in plan_services.OBJECTIVE_FIELDS}
    form = forms.ObjectiveForm(submitted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.update_objective(objective, by=user, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, "Objective updated")
            return redirect("supervision:risk", crn=person.crn)
    context = {"form": form, "person": person, "plan": plan, "objective": objective}
    return render(request, "supervision/plans/objective_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agreement(request: HttpRequest, crn: str, plan_id: uuid.UUID) -> HttpResponse:
    user, person = user_and_writable_person(request, crn)
    plan = _plan(person, plan_id)
    form = forms.AgreementForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.record_agreement(plan, by=user, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, "Agreement with the person recorded")
            return redirect("supervision:risk", crn=person.crn)
    return render(request, "supervision/plans/agreement_form.html", {"form": form, "person": person, "plan": plan})


PLAN = "people/<str:crn>/risk/plans/<uuid:plan_id>/"
urlpatterns = [
    path("people/<str:crn>/risk/plans/new/", new_plan, name="new_plan"),
    path(f"{PLAN}objectives/new/", add_objective, name="add_objective"),
    path(f"{PLAN}objectives/<uuid:objective_id>/", change_objective, name="change_objective"),
    path(f"{PLAN}agreement/", agreement, name="plan_agreement"),
]
