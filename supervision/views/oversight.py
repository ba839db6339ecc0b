"""The Oversight tab (SPO management oversight and the case's approval requests) and the person's timeline."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import person_page
from cases.access import get_person_for_user, require_role
from cases.models import Person, Role, User
from cases.web import signed_in_user
from kit.forms import raise_service_errors
from supervision.forms.oversight import FollowUpForm, OversightForm
from supervision.models import ApprovalRequest, ManagementOversight
from supervision.queries.timeline import timeline as timeline_page
from supervision.services import oversight as services


@login_required
@require_safe
def oversight(request: HttpRequest, crn: str) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, path=request.path)
    records = ManagementOversight.objects.filter(person=person).select_related("recorded_by", "acknowledged_by")
    approvals = ApprovalRequest.objects.filter(person=person).select_related("requested_by", "decided_by")
    is_practitioner = services.is_practitioner_of(user, person)
    context = {
        "person": person,
        "tabs": person_page.tabs(person, "oversight"),
        "records": list(records.order_by("-recorded_at")),
        "approvals": list(approvals.order_by("-requested_at")),
        "today": timezone.localdate(),
        "can_record": services.can_record(user, person),
        "is_practitioner": is_practitioner,
        "can_request": user.role == Role.PRACTITIONER,
    }
    return render(request, "supervision/oversight/oversight.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_oversight(request: HttpRequest, crn: str) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    require_role(user, Role.SPO)
    if not services.can_record(user, person):
        raise PermissionDenied("Only a senior probation officer of the case's team can record oversight")
    form = OversightForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_oversight(person, by=user, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"{record.get_type_display()} oversight recorded")
            return redirect("supervision:oversight", crn=person.crn)
    return render(request, "supervision/oversight/oversight_form.html", {"form": form, "person": person})


def _record(person: Person, oversight_id: uuid.UUID) -> ManagementOversight:
    return get_object_or_404(ManagementOversight, pk=oversight_id, person=person)


@login_required
@require_POST
def acknowledge(request: HttpRequest, crn: str, oversight_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    record = _record(person, oversight_id)
    if record.acknowledged_at is None:  # acknowledging twice changes nothing
        services.acknowledge_oversight(record, by=user)
        messages.success(request, "Oversight acknowledged")
    return redirect("supervision:oversight", crn=person.crn)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, crn: str, oversight_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    record = _record(person, oversight_id)
    if not services.is_practitioner_of(user, person):
        raise PermissionDenied("Only the case's practitioner can record the follow-up")
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_follow_up(record, by=user, notes=form.cleaned_data["notes"])
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, "Follow-up recorded")
            return redirect("supervision:oversight", crn=person.crn)
    context = {"form": form, "person": person, "record": record}
    return render(request, "supervision/oversight/follow_up_form.html", context)


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 6 else 1


@login_required
@require_safe
def timeline(request: HttpRequest, crn: str) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, path=request.path)
    kind = request.GET.get("kind", "")
    page = timeline_page(person, page=_page_number(request.GET.get("page")), kind=kind)
    context = {
        "person": person,
        "tabs": person_page.tabs(person, "timeline"),
        "page": page,
        "query": f"kind={page.kind}" if page.kind else "",
    }
    return render(request, "supervision/oversight/timeline.html", context)


def person_section(person: Person, user: User) -> dict[str, Any]:
    """The oversight card on the person page: the latest oversight and what is outstanding."""
    return {"oversight": services.oversight_summary(person)}


urlpatterns = [
    path("people/<str:crn>/oversight/", oversight, name="oversight"),
    path("people/<str:crn>/oversight/new/", record_oversight, name="record_oversight"),
    path("people/<str:crn>/oversight/<uuid:oversight_id>/acknowledge/", acknowledge, name="acknowledge_oversight"),
    path("people/<str:crn>/oversight/<uuid:oversight_id>/follow-up/", follow_up, name="oversight_follow_up"),
    path("people/<str:crn>/timeline/", timeline, name="timeline"),
]
