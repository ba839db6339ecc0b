"""Booking and rescheduling appointments.

When the booking checks find something (a clash, a bank holiday, a weekend, outside working hours,
a date in the past) the page shows the warnings and asks for a reason; it books only with one."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.web import signed_in_user
from kit.forms import raise_service_errors
from supervision.forms.appointments import BookAppointmentForm, RescheduleForm
from supervision.models import ContactType
from supervision.rules.booking import BookingWarnings
from supervision.services import appointments as services
from supervision.views import writable_person
from supervision.views.contacts import current_contact

FIELD_MAP = {"starts_at": "date", "ends_at": "end_time", "new_starts_at": "date", "new_ends_at": "end_time"}


@login_required
@require_http_methods(["GET", "POST"])
def book_appointment(request: HttpRequest, crn: str) -> HttpResponse:
    person = writable_person(request, crn)
    # ?type=CHVS preselects a type (the Safeguarding tab's "Book a home visit" link).
    initial: dict[str, object] = {"frequency": ""}
    if request.method == "GET" and request.GET.get("type"):
        chosen = ContactType.objects.filter(code=request.GET["type"], is_active=True, is_bookable=True)
        initial["contact_type"] = chosen.values_list("pk", flat=True).first()
    form = BookAppointmentForm(request.POST or None, initial=initial)
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            booked = services.book_appointment(person, by=signed_in_user(request), **form.service_arguments())
        except BookingWarnings as found:
            warnings = found.warnings
        except ValidationError as error:
            raise_service_errors(form, error, FIELD_MAP)
        else:
            first = booked[0]
            count = f"{len(booked)} appointments" if len(booked) > 1 else "Appointment"
            messages.success(request, f"{count} booked from {timezone.localtime(first.starts_at):%-d %B %Y}")
            return redirect("supervision:contacts", crn=person.crn)
    context = {"person": person, "form": form, "warnings": warnings}
    return render(request, "supervision/appointments/book_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reschedule_appointment(request: HttpRequest, crn: str, thread_id: uuid.UUID) -> HttpResponse:
    person = writable_person(request, crn)
    contact = current_contact(person, thread_id)
    if contact.outcome_id is not None or not contact.contact_type.is_attendance:
        messages.info(request, "This contact already has an outcome, so it cannot be rescheduled")
        return redirect("supervision:contacts", crn=person.crn)
    form = RescheduleForm(request.POST or None)
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            new = services.reschedule_appointment(contact, by=signed_in_user(request), **form.service_arguments())
        except BookingWarnings as found:
            warnings = found.warnings
        except ValidationError as error:
            raise_service_errors(form, error, FIELD_MAP)
        else:
            messages.success(
                request, f"Appointment rescheduled to {timezone.localtime(new.starts_at):%-d %B %Y at %H:%M}"
            )
            return redirect("supervision:contacts", crn=person.crn)
    context = {"person": person, "contact": contact, "form": form, "warnings": warnings}
    return render(request, "supervision/appointments/reschedule_form.html", context)


urlpatterns = [
    path("people/<str:crn>/appointments/new/", book_appointment, name="book_appointment"),
    path(
        "people/<str:crn>/appointments/<uuid:thread_id>/reschedule/",
        reschedule_appointment,
        name="reschedule_appointment",
    ),
]
