"""Contacts: the timeline tab, recording a contact or an outcome, corrections and their history.

Each view: access check, form, one service call, render or redirect. Practitioners and SPOs who can
see a case may change its contacts; read-only staff get 403 on the forms; anyone else 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from cases import person_page
from cases.access import get_person_for_user
from cases.models import Person, User
from cases.web import signed_in_user
from kit.forms import raise_service_errors
from kit.web import is_htmx, query_without_page
from supervision.forms.contacts import (
    ContactDetailsForm,
    ContactFilterForm,
    CorrectContactForm,
    RecordContactForm,
    RecordOutcomeForm,
    correction_initial,
)
from supervision.models import Contact, OutcomeType
from supervision.models.contacts import NOTES_MAX_LENGTH
from supervision.queries.contacts import contact_counts, prompts_for, timeline, upcoming_appointments
from supervision.queries.outcomes import outcomes_for
from supervision.services import contacts as services
from supervision.views import can_change, writable_person

PAGE_SIZE = 25
UPCOMING_ON_TAB = 10
UPCOMING_IN_SECTION = 3


def current_contact(person: Person, thread_id: uuid.UUID) -> Contact:
    contact = (
        Contact.objects.current()
        .filter(person=person, thread_id=thread_id)
        .select_related("contact_type", "outcome")
        .first()
    )
    if contact is None:
        raise Http404("No such contact")
    return contact


@login_required
@require_safe
def contacts(request: HttpRequest, crn: str) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, path=request.path)
    outcomes = list(OutcomeType.objects.all())
    form = ContactFilterForm(request.GET or None, outcomes=outcomes)
    form.is_valid()
    rows = timeline(person, getattr(form, "cleaned_data", {}))
    context: dict[str, Any] = {
        "person": person,
        "form": form,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query_without_page(request),
        "can_change": can_change(user),
    }
    if is_htmx(request):
        return render(request, "supervision/contacts/contacts.html#results", context)
    context |= {
        "tabs": person_page.tabs(person, "contacts"),
        "counts": contact_counts(person),
        "upcoming": upcoming_appointments(person, UPCOMING_ON_TAB),
    }
    return render(request, "supervision/contacts/contacts.html", context)


def _form_context(person: Person, form: ContactDetailsForm, **extra: Any) -> dict[str, Any]:
    data = getattr(form, "cleaned_data", {})
    return {
        "person": person,
        "form": form,
        "outcome_options": outcomes_for(data.get("contact_type"), form.starts_at),
        "notes_max_length": NOTES_MAX_LENGTH,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def record_contact(request: HttpRequest, crn: str) -> HttpResponse:
    person = writable_person(request, crn)
    form = RecordContactForm(request.POST or None, prompts=prompts_for(person))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_contact(person, by=signed_in_user(request), **form.service_arguments())
        except ValidationError as error:
            raise_service_errors(form, error, {"starts_at": "date", "ends_at": "time"})
        else:
            messages.success(request, "Contact recorded")
            if is_htmx(request):
                return HttpResponseClientRedirect(_contacts_url(person))
            return redirect("supervision:contacts", crn=person.crn)
    template = "supervision/contacts/contact_form.html"
    if is_htmx(request):
        template += "#contact-form"
    return render(request, template, _form_context(person, form))


@login_required
@require_safe
def outcome_options(request: HttpRequest, crn: str) -> HttpResponse:
    """The outcome radios for the type, date and time chosen so far (htmx refreshes them on change)."""
    person = writable_person(request, crn)
    form = RecordContactForm(request.GET, prompts=prompts_for(person))
    form.is_valid()
    form.errors.clear()  # half-filled is normal here; the options are all this returns
    return render(request, "supervision/contacts/contact_form.html#outcome-options", _form_context(person, form))


@login_required
@require_http_methods(["GET", "POST"])
def record_outcome(request: HttpRequest, crn: str, thread_id: uuid.UUID) -> HttpResponse:
    person = writable_person(request, crn)
    contact = current_contact(person, thread_id)
    if contact.outcome_id is not None:
        # A stale link: the outcome is in, so the only change left is a correction.
        return redirect("supervision:correct_contact", crn=person.crn, thread_id=contact.thread_id)
    form = RecordOutcomeForm(request.POST or None, prompts=prompts_for(person), initial={"notes": contact.notes})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_outcome(contact, by=signed_in_user(request), **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"Outcome recorded: {form.cleaned_data['outcome'].description}")
            return redirect("supervision:contacts", crn=person.crn)
    context = {
        "person": person,
        "contact": contact,
        "form": form,
        "outcome_options": outcomes_for(contact.contact_type, contact.starts_at),
        "notes_max_length": NOTES_MAX_LENGTH,
    }
    return render(request, "supervision/contacts/outcome_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def correct_contact(request: HttpRequest, crn: str, thread_id: uuid.UUID) -> HttpResponse:
    person = writable_person(request, crn)
    contact = current_contact(person, thread_id)
    prompts = prompts_for(person)
    form = CorrectContactForm(
        request.POST or None, prompts=prompts, contact=contact, initial=correction_initial(contact)
    )
    if request.method == "POST" and form.is_valid():
        try:
            corrected = services.correct_contact(
                contact, by=signed_in_user(request), reason=form.cleaned_data["reason"], **form.service_arguments()
            )
        except ValidationError as error:
            raise_service_errors(form, error, {"starts_at": "date", "ends_at": "time"})
        else:
            messages.success(request, f"Contact corrected. This is now version {corrected.version}")
            return redirect("supervision:contacts", crn=person.crn)
    return render(
        request, "supervision/contacts/correct_form.html", {**_form_context(person, form), "contact": contact}
    )


@login_required
@require_safe
def contact_history(request: HttpRequest, crn: str, thread_id: uuid.UUID) -> HttpResponse:
    person = get_person_for_user(signed_in_user(request), crn, path=request.path)
    versions = list(
        Contact.objects.filter(person=person, thread_id=thread_id)
        .select_related("contact_type", "outcome", "created_by", "outcome_recorded_by", "staff")
        .order_by("-version")
    )
    if not versions:
        raise Http404("No such contact")
    return render(request, "supervision/contacts/history.html", {"person": person, "versions": versions})


def _contacts_url(person: Person) -> str:
    return reverse("supervision:contacts", args=[person.crn])


def person_section(person: Person, user: User) -> dict[str, Any]:
    """The overview panel: the next appointments, outcomes to record and recent contact (2 queries)."""
    return {
        "upcoming": upcoming_appointments(person, UPCOMING_IN_SECTION),
        "counts": contact_counts(person),
        "can_change": can_change(user),
    }


urlpatterns = [
    path("people/<str:crn>/contacts/", contacts, name="contacts"),
    path("people/<str:crn>/contacts/new/", record_contact, name="record_contact"),
    path("people/<str:crn>/contacts/outcome-options/", outcome_options, name="outcome_options"),
    path("people/<str:crn>/contacts/<uuid:thread_id>/outcome/", record_outcome, name="record_outcome"),
    path("people/<str:crn>/contacts/<uuid:thread_id>/correct/", correct_contact, name="correct_contact"),
    path("people/<str:crn>/contacts/<uuid:thread_id>/history/", contact_history, name="contact_history"),
]
