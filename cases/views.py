"""Case pages. Each view: access check, form, one service call, render or redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cases import person_page, services
from cases.access import get_person_for_user, require_role, visible_people
from cases.forms import (
    AddressForm,
    AllocationForm,
    CaseloadFilterForm,
    CloseRegistrationForm,
    PersonalDetailsForm,
    RegistrationForm,
    ReviewRegistrationForm,
    SearchForm,
    TeamCaseloadFilterForm,
    person_initial,
)
from cases.models import Registration, Role, User
from cases.queries import caseload_rows, person_overview
from cases.web import signed_in_user
from kit.forms import GovUKForm, raise_service_errors
from kit.web import is_htmx, query_without_page

PAGE_SIZE = 25


def _valid_filters(form: GovUKForm) -> dict[str, Any]:
    """The filters that passed validation. A bad value is reported in the error summary and left
    out; the good ones still apply, so the results always match the filters the page shows."""
    form.is_valid()
    return getattr(form, "cleaned_data", {})


def _paginate(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_safe
def caseload(request: HttpRequest) -> HttpResponse:
    """The signed-in practitioner's own cases."""
    user = signed_in_user(request)
    require_role(user, Role.PRACTITIONER, Role.SPO)
    form = CaseloadFilterForm(request.GET or None)
    filters = _valid_filters(form)
    rows = caseload_rows(visible_people(user).allocated_to(user), filters)
    context = {
        "form": form,
        "page": _paginate(request, rows),
        "query": query_without_page(request),
        "team_view": False,
    }
    template = "cases/caseload.html#results" if is_htmx(request) else "cases/caseload.html"
    return render(request, template, context)


@login_required
@require_safe
def team_caseload(request: HttpRequest) -> HttpResponse:
    """An SPO's view of every case in their team, including those awaiting allocation."""
    user = signed_in_user(request)
    require_role(user, Role.SPO)
    if user.team is None:
        raise PermissionDenied("You are not in a team")
    form = TeamCaseloadFilterForm(request.GET or None, team=user.team)
    filters = _valid_filters(form)
    rows = caseload_rows(visible_people(user).in_team(user.team), filters)
    context = {"form": form, "page": _paginate(request, rows), "query": query_without_page(request), "team_view": True}
    template = "cases/caseload.html#results" if is_htmx(request) else "cases/caseload.html"
    return render(request, template, context)


@login_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET if "q" in request.GET else None)
    page = None
    if form.is_valid():
        rows = visible_people(signed_in_user(request)).search(form.cleaned_data["q"]).select_related("practitioner")
        page = _paginate(request, rows)
    context = {"form": form, "page": page, "query": query_without_page(request)}
    template = "cases/search.html#results" if is_htmx(request) else "cases/search.html"
    return render(request, template, context)


@login_required
@require_safe
def person_detail(request: HttpRequest, crn: str) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, path=request.path)
    context = {
        "overview": person_overview(person),
        "person": person,
        "tabs": person_page.tabs(person, "overview"),
        "sections": person_page.sections(person, user),
    }
    return render(request, "cases/person_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_personal_details(request: HttpRequest, crn: str) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    form = PersonalDetailsForm(request.POST or None, initial=person_initial(person))
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_personal_details(person, by=user, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, "Personal details updated" if changed else "No changes were made")
            return redirect("cases:person", crn=person.crn)
    return render(request, "cases/personal_details_form.html", {"form": form, "person": person})


@login_required
@require_http_methods(["GET", "POST"])
def change_address(request: HttpRequest, crn: str) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_main_address(person, by=user, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, "Main address updated. The previous address is kept in the address history.")
            return redirect("cases:person", crn=person.crn)
    return render(request, "cases/address_form.html", {"form": form, "person": person})


@login_required
@require_http_methods(["GET", "POST"])
def add_registration(request: HttpRequest, crn: str) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.add_registration(person, by=user, **data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"{registration.type.description} registration added")
            return redirect("cases:person", crn=person.crn)
    return render(request, "cases/registration_form.html", {"form": form, "person": person})


def _registration(person_crn: str, registration_id: str, user: User, path: str) -> tuple[Any, Registration]:
    person = get_person_for_user(user, person_crn, write=True, path=path)
    registration = get_object_or_404(Registration.objects.select_related("type"), pk=registration_id, person=person)
    return person, registration


@login_required
@require_http_methods(["GET", "POST"])
def close_registration(request: HttpRequest, crn: str, registration_id: str) -> HttpResponse:
    user = signed_in_user(request)
    person, registration = _registration(crn, registration_id, user, request.path)
    form = CloseRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_registration(registration, by=user, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"{registration.type.description} registration closed")
            return redirect("cases:person", crn=person.crn)
    context = {"form": form, "person": person, "registration": registration}
    return render(request, "cases/registration_close.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_registration(request: HttpRequest, crn: str, registration_id: str) -> HttpResponse:
    user = signed_in_user(request)
    person, registration = _registration(crn, registration_id, user, request.path)
    form = ReviewRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_registration(registration, by=user, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"{registration.type.description} registration reviewed")
            return redirect("cases:person", crn=person.crn)
    context = {"form": form, "person": person, "registration": registration}
    return render(request, "cases/registration_review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, crn: str) -> HttpResponse:
    """An SPO allocates a case in their own team to a practitioner, with a rationale."""
    user = signed_in_user(request)
    require_role(user, Role.SPO)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    if user.team_id != person.team_id:
        raise PermissionDenied("Only an SPO of the case's team can allocate it")
    assert user.team is not None
    form = AllocationForm(request.POST or None, team=user.team)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocate(person, team=user.team, by=user, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"Case allocated to {form.cleaned_data['practitioner']}")
            return redirect("cases:person", crn=person.crn)
    return render(request, "cases/allocation_form.html", {"form": form, "person": person})
