"""The SPO's approvals queue and decisions, and the practitioner's requests for approval."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases.access import get_person_for_user, require_role, visible_people
from cases.models import Person, PersonQuerySet, Role, Sentence, User
from cases.web import signed_in_user
from kit.forms import raise_service_errors
from supervision.approvals import remote_contact_refusal, remote_supplement_reasons
from supervision.forms.oversight import DecisionForm, RemoteContactRequestForm, ResetOverrideRequestForm
from supervision.models import ApprovalKind, ApprovalRequest, ApprovalStatus, Assessment, ResetState
from supervision.queries.reset import reset_state
from supervision.services import approvals as services

DECIDED_DAYS = 30  # how far back the queue lists decided requests (a page setting, not policy)


def _team_cases(user: User) -> PersonQuerySet:
    if user.team is None:
        return visible_people(user).none()
    return visible_people(user).in_team(user.team)


def countersign_url(crn: str, assessment_id: uuid.UUID) -> str:
    try:
        return reverse("supervision:countersign_assessment", args=[crn, assessment_id])
    except NoReverseMatch:
        return f"/people/{crn}/risk/assessments/{assessment_id}/countersign/"


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    require_role(user, Role.SPO)
    cases = _team_cases(user)
    requests = ApprovalRequest.objects.filter(person__in=cases).select_related("person", "requested_by")
    pending = list(requests.filter(status=ApprovalStatus.PENDING).order_by("requested_at"))
    groups = [
        {"kind": kind, "requests": [r for r in pending if r.kind == kind]}
        for kind in ApprovalKind
        if any(r.kind == kind for r in pending)
    ]
    awaiting = (
        Assessment.objects.awaiting_countersignature()
        .filter(person__in=cases)
        .select_related("person", "author")
        .order_by("completed_on", "started_at")
    )
    since = timezone.now() - timedelta(days=DECIDED_DAYS)
    decided = requests.filter(status__in=[ApprovalStatus.APPROVED, ApprovalStatus.REJECTED], decided_at__gte=since)
    context = {
        "groups": groups,
        "pending_count": len(pending),
        "countersign": [(a, countersign_url(a.person.crn, a.pk)) for a in awaiting],
        "decided": list(decided.select_related("decided_by").order_by("-decided_at")),
        "decided_days": DECIDED_DAYS,
    }
    return render(request, "supervision/approvals/queue.html", context)


def _subject(approval: ApprovalRequest) -> dict[str, Any]:
    """What the SPO needs beside the request: the sentence and Reset state, or the policy's view of remote contact."""
    if approval.kind == ApprovalKind.RESET_OVERRIDE and approval.subject_id is not None:
        sentence = Sentence.objects.filter(pk=approval.subject_id, person=approval.person).first()
        proposed = approval.details.get("state", "")
        return {
            "sentence": sentence,
            "reset": reset_state(approval.person, sentence) if sentence else None,
            "proposed_state": ResetState(proposed).label if proposed in ResetState.values else "",
        }
    if approval.kind == ApprovalKind.REMOTE_CONTACT and approval.status == ApprovalStatus.PENDING:
        reasons = remote_supplement_reasons(approval.person)
        return {"refusal": remote_contact_refusal(reasons) if reasons else ""}
    return {}


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    require_role(user, Role.SPO)
    approval = get_object_or_404(ApprovalRequest.objects.select_related("person"), pk=request_id)
    person = get_person_for_user(user, approval.person.crn, write=True, path=request.path)
    if not services.can_decide(user, person):
        raise PermissionDenied("Only a senior probation officer of the case's team can decide this request")
    approval.person = person
    form = DecisionForm(request.POST or None, with_valid_until=approval.kind == ApprovalKind.REMOTE_CONTACT)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decide_approval(
                approval,
                by=user,
                approve=data["decision"] == "approve",
                reason=data["reason"],
                valid_until=data.get("valid_until"),
            )
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"Decision recorded for {person.first_name} {person.last_name}")
            return redirect("supervision:approvals")
    context = {"form": form, "person": person, "approval": approval, **_subject(approval)}
    return render(request, "supervision/approvals/decide.html", context)


def _practitioners_request(request: HttpRequest, crn: str) -> tuple[User, Person]:
    """The practitioner asking, and the case: 404 if they cannot see it, 403 if not a practitioner."""
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    require_role(user, Role.PRACTITIONER)
    return user, person


@login_required
@require_http_methods(["GET", "POST"])
def request_remote_contact(request: HttpRequest, crn: str) -> HttpResponse:
    user, person = _practitioners_request(request, crn)
    form = RemoteContactRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_approval(
                person,
                kind=ApprovalKind.REMOTE_CONTACT,
                reason=form.cleaned_data["reason"],
                details={"pattern": form.cleaned_data["pattern"]},
                by=user,
            )
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, "Request sent to your senior probation officer")
            return redirect("supervision:oversight", crn=person.crn)
    reasons = remote_supplement_reasons(person) if request.method == "GET" else []
    context = {"form": form, "person": person, "refusal": remote_contact_refusal(reasons) if reasons else ""}
    return render(request, "supervision/approvals/request_remote_contact.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_reset_exception(request: HttpRequest, crn: str) -> HttpResponse:
    user, person = _practitioners_request(request, crn)
    sentences = list(Sentence.objects.filter(person=person).governing())
    if not sentences:
        raise Http404("No sentence in force")
    form = ResetOverrideRequestForm(request.POST or None, sentences=sentences)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_approval(
                person,
                kind=ApprovalKind.RESET_OVERRIDE,
                subject_id=uuid.UUID(data["sentence"]),
                details={"state": data["state"]},
                reason=data["reason"],
                by=user,
            )
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, "Request sent to your senior probation officer")
            return redirect("supervision:oversight", crn=person.crn)
    resets = [(sentence, reset_state(person, sentence)) for sentence in sentences]
    context = {"form": form, "person": person, "resets": resets}
    return render(request, "supervision/approvals/request_reset_exception.html", context)


@login_required
@require_POST
def withdraw(request: HttpRequest, crn: str, request_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    approval = get_object_or_404(ApprovalRequest, pk=request_id, person=person)
    if approval.status == ApprovalStatus.PENDING:  # withdrawing twice changes nothing
        services.withdraw_request(approval, by=user)
        messages.success(request, "Request withdrawn")
    return redirect("supervision:oversight", crn=person.crn)


urlpatterns = [
    path("approvals/", queue, name="approvals"),
    path("approvals/<uuid:request_id>/", decide, name="approval"),
    path("people/<str:crn>/approvals/remote-contact/", request_remote_contact, name="request_remote_contact"),
    path("people/<str:crn>/approvals/reset-exception/", request_reset_exception, name="request_reset_exception"),
    path("people/<str:crn>/approvals/<uuid:request_id>/withdraw/", withdraw, name="withdraw_approval"),
]
