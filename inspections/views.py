"""Flag pages: the person page's Flags card and tab, one flag, acknowledging it, and the flags list
of an SPO's team (or a practitioner's own cases). Each view: access check, form, one service call,
render or redirect. Flags are written only by `inspections.services`."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cases import person_page
from cases.access import get_person_for_user, require_role
from cases.models import Person, Role, User
from cases.web import signed_in_user
from inspections import queries
from inspections.forms import AcknowledgeForm, FlagFilterForm, RequestAcknowledgementForm, TeamFlagFilterForm
from inspections.models import Flag
from inspections.services import acknowledge_flag
from kit.forms import raise_service_errors
from kit.web import is_htmx, query_without_page
from supervision.models import ApprovalKind
from supervision.services.approvals import request_approval

PAGE_SIZE = 25
# The service names the model's fields in its errors; the form calls them by shorter names.
_SERVICE_FIELDS = {"acknowledgement_reason": "reason", "acknowledgement_expires": "expires"}


def _flag(person: Person, flag_id: uuid.UUID) -> Flag:
    flag = queries.case_flags(person).select_related("policy").filter(pk=flag_id).first()
    if flag is None:
        raise Http404("No such flag on this case")
    return flag


def can_acknowledge(user: User, person: Person) -> bool:
    """Only an SPO of the case's own team acknowledges its flags."""
    return user.role == Role.SPO and user.team_id is not None and user.team_id == person.team_id


# --- The person page -----------------------------------------------------------------------------


def person_section(person: Person, user: User) -> dict[str, Any]:
    """The Flags card at the top of the person page: one query."""
    return {"flags": queries.open_flags(person)}


@login_required
@require_safe
def person_flags(request: HttpRequest, crn: str) -> HttpResponse:
    """The Flags tab: open flags, then resolved ones (the case's flag history)."""
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, path=request.path)
    flags = list(queries.case_flags(person).order_by("-opened_at"))
    context = {
        "person": person,
        "tabs": person_page.tabs(person, "flags"),
        "open_flags": sorted(
            (f for f in flags if f.is_open), key=lambda f: (queries.severity_rank(f.severity), f.opened_at)
        ),
        "resolved_flags": [f for f in flags if not f.is_open],
        "can_acknowledge": can_acknowledge(user, person),
    }
    return render(request, "inspections/person_flags.html", context)


@login_required
@require_safe
def flag_detail(request: HttpRequest, crn: str, flag_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, path=request.path)
    flag = _flag(person, flag_id)
    context = {
        "person": person,
        "tabs": person_page.tabs(person, "flags"),
        "flag": flag,
        "evidence": queries.readable_evidence(flag.evidence),
        "history": queries.flag_history(flag),
        "can_acknowledge": flag.is_open and can_acknowledge(user, person),
        "can_request": user.role == Role.PRACTITIONER,
    }
    return render(request, "inspections/flag_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def acknowledge(request: HttpRequest, crn: str, flag_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    if not can_acknowledge(user, person):
        raise PermissionDenied("Only a senior probation officer in the case's team can acknowledge its flags")
    flag = _flag(person, flag_id)
    if not flag.is_open:
        raise Http404("This flag is resolved")
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            acknowledge_flag(flag, by=user, reason=form.cleaned_data["reason"], expires=form.cleaned_data["expires"])
        except ValidationError as error:
            raise_service_errors(form, error, _SERVICE_FIELDS)
        else:
            messages.success(request, f"{flag.get_kind_display()} acknowledged")
            return redirect("inspections:flag", crn=person.crn, flag_id=flag.pk)
    return render(request, "inspections/acknowledge.html", {"person": person, "flag": flag, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def request_acknowledgement(request: HttpRequest, crn: str, flag_id: uuid.UUID) -> HttpResponse:
    """A practitioner asks the case's SPO to acknowledge a flag; the SPO decides in the approvals queue."""
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    flag = _flag(person, flag_id)
    if not flag.is_open:
        raise Http404("This flag is resolved")
    form = RequestAcknowledgementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_approval(
                person,
                kind=ApprovalKind.FLAG_ACKNOWLEDGEMENT,
                reason=form.cleaned_data["reason"],
                by=user,
                subject_id=flag.pk,
                details={"expires": form.cleaned_data["expires"].isoformat(), "kind": flag.kind},
            )
        except ValidationError as error:
            raise_service_errors(form, error, {"__all__": "reason"})
        else:
            messages.success(request, "Your SPO has been asked to acknowledge the flag")
            return redirect("inspections:flag", crn=person.crn, flag_id=flag.pk)
    context = {"person": person, "flag": flag, "form": form}
    return render(request, "inspections/request_acknowledgement.html", context)


# --- The flags list ------------------------------------------------------------------------------


@login_required
@require_safe
def flags(request: HttpRequest) -> HttpResponse:
    """An SPO's team's open flags; a practitioner sees those on her own cases. Oldest first."""
    user = signed_in_user(request)
    require_role(user, Role.SPO, Role.PRACTITIONER)
    team_view = user.role == Role.SPO
    if team_view and user.team is None:
        raise PermissionDenied("You are not in a team")
    data = request.GET or None
    form = TeamFlagFilterForm(data, team=user.team) if team_view and user.team else FlagFilterForm(data)
    form.is_valid()
    found = queries.team_flags(queries.flags_scope(user), getattr(form, "cleaned_data", {}))
    context = {
        "form": form,
        "team_view": team_view,
        "counts": queries.counts_by_kind(found),
        "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query_without_page(request),
    }
    template = "inspections/flags.html#results" if is_htmx(request) else "inspections/flags.html"
    return render(request, template, context)


# --- Hooks (listed in probation/wiring.py) ------------------------------------------------------


def home_section(user: User) -> dict[str, Any]:
    """The "Flags on your cases" section of the practitioner's home page: two queries."""
    return {"flags": queries.home_flags(user)}
