"""The Compliance tab: failures to comply, enforcement decisions and Probation Reset."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from cases import person_page
from cases.access import get_person_for_user, require_role
from cases.models import Person, Role, Sentence, User
from cases.web import signed_in_user
from kit.forms import raise_service_errors
from supervision.forms.compliance import ConcludeEnforcementForm, EnforcementDecisionForm, ResetDecisionForm
from supervision.models import Contact, EnforcementAction
from supervision.queries.compliance import compliance_summary, warnings_given
from supervision.queries.reset import reset_state
from supervision.rules.compliance import judged_sentence, kinds_for, local_date, outcomes_for, referral_warning
from supervision.rules.reset import ResetView
from supervision.services import enforcement as enforcement_services
from supervision.services import reset as reset_services


def _can_decide_reset(user: User, person: Person) -> bool:
    return user.role == Role.SPO and user.team_id is not None and user.team_id == person.team_id


def _reset(person: Person, sentence: Sentence | None) -> ResetView | None:
    return reset_state(person, sentence) if sentence is not None else None


@login_required
@require_safe
def compliance(request: HttpRequest, crn: str) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, path=request.path)
    summary = compliance_summary(person)
    context = {
        "person": person,
        "tabs": person_page.tabs(person, "compliance"),
        "summary": summary,
        "reset": _reset(person, summary.sentence),
        "can_change": user.can_change_cases,
        "can_decide_reset": _can_decide_reset(user, person),
    }
    return render(request, "supervision/compliance/compliance.html", context)


def _failure(person: Person, thread_id: str | None) -> Contact:
    """The failure to comply a decision answers: the one named, else the latest awaiting a decision."""
    failures = Contact.objects.current().for_person(person).select_related("contact_type", "outcome", "sentence")
    if thread_id is None:
        contact = failures.awaiting_enforcement_decision().order_by("-starts_at").first()
    else:
        try:
            contact = failures.failures().filter(thread_id=uuid.UUID(thread_id)).first()
        except ValueError:
            contact = None
    if contact is None:
        raise Http404("No failure to comply to decide on")
    return contact


@login_required
@require_http_methods(["GET", "POST"])
def record_decision(request: HttpRequest, crn: str) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    failure = _failure(person, request.GET.get("failure"))
    failure_date = local_date(failure)
    sentence = failure.sentence or judged_sentence(list(person.sentences.all()), failure_date)
    if sentence is None:
        raise Http404("No sentence to enforce")
    warning_date = referral_warning(sentence.order_type, warnings_given(sentence), failure_date)
    form = EnforcementDecisionForm(
        request.POST or None,
        order_type=sentence.order_type,
        kinds=kinds_for(sentence.order_type, referral_required=warning_date is not None),
        refused_message=enforcement_services.must_refer_message(warning_date) if warning_date else "",
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = enforcement_services.record_enforcement_action(
                person,
                sentence=sentence,
                failure_date=failure_date,
                contact_thread_id=failure.thread_id,
                by=user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"{action.label} recorded")
            return redirect("supervision:compliance", crn=person.crn)
    context = {
        "form": form,
        "person": person,
        "failure": failure,
        "failure_date": failure_date,
        "sentence": sentence,
        "warning_date": warning_date,
    }
    return render(request, "supervision/compliance/decision_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def conclude(request: HttpRequest, crn: str, action_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    action = get_object_or_404(
        EnforcementAction.objects.select_related("decided_by", "sentence"), pk=action_id, person=person
    )
    form = ConcludeEnforcementForm(request.POST or None, outcomes=outcomes_for(action.sentence.order_type))
    if request.method == "POST" and form.is_valid():
        try:
            enforcement_services.conclude_enforcement(action, by=user, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"{action.label} concluded")
            return redirect("supervision:compliance", crn=person.crn)
    return render(
        request, "supervision/compliance/conclude_form.html", {"form": form, "person": person, "action": action}
    )


@login_required
@require_http_methods(["GET", "POST"])
def reset_decision(request: HttpRequest, crn: str, sentence_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    require_role(user, Role.SPO)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    if not _can_decide_reset(user, person):
        raise PermissionDenied("Only an SPO of the case's team can decide on Probation Reset")
    sentence = get_object_or_404(Sentence, pk=sentence_id, person=person)
    reset = reset_state(person, sentence)
    form = ResetDecisionForm(request.POST or None, initial={"state": reset.state})
    if request.method == "POST" and form.is_valid():
        try:
            reset_services.decide_reset(person, sentence, by=user, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, "Probation Reset decision recorded")
            return redirect("supervision:compliance", crn=person.crn)
    context = {"form": form, "person": person, "sentence": sentence, "reset": reset}
    return render(request, "supervision/compliance/reset_form.html", context)


def person_section(person: Person, user: User) -> dict[str, Any]:
    """The compliance card on the person page: status, counts, decisions due and Reset state."""
    summary = compliance_summary(person, include_policy=False)
    return {"summary": summary, "reset": _reset(person, summary.sentence)}


urlpatterns = [
    path("people/<str:crn>/compliance/", compliance, name="compliance"),
    path("people/<str:crn>/compliance/decisions/new/", record_decision, name="record_decision"),
    path(
        "people/<str:crn>/compliance/enforcement/<uuid:action_id>/conclude/",
        conclude,
        name="conclude_enforcement",
    ),
    path("people/<str:crn>/compliance/reset/<uuid:sentence_id>/", reset_decision, name="reset_decision"),
]
