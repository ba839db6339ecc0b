"""Forms for booking and rescheduling appointments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from kit.clock import combine_local
from kit.forms import GovUKDateField, GovUKForm, GovUKTimeField
from supervision.models import ContactType, Frequency, OutcomeType
from supervision.services.appointments import MAX_OCCURRENCES, MIN_OCCURRENCES

REPEAT_CHOICES = [("", "Does not repeat"), *Frequency.choices]


def _override_field() -> forms.CharField:
    return forms.CharField(
        label="Why are you booking it anyway?",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The reason must be 500 characters or fewer"},
    )


class SlotForm(GovUKForm):
    date = GovUKDateField(
        label="Date", error_messages={"required": "Enter the date of the appointment", "incomplete": "Enter the date"}
    )
    time = GovUKTimeField(label="Start time", error_messages={"required": "Enter the start time"})
    end_time = GovUKTimeField(label="End time (optional)", required=False, help_text="For example, 10:30am or 15:00")
    override_reason = _override_field()

    @property
    def starts_at(self) -> datetime | None:
        data = getattr(self, "cleaned_data", {})
        return combine_local(data.get("date"), data.get("time"))

    @property
    def ends_at(self) -> datetime | None:
        data = getattr(self, "cleaned_data", {})
        return combine_local(data.get("date"), data.get("end_time"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            self.add_error("end_time", "The end time must be after the start time")
        return data


class BookAppointmentForm(SlotForm):
    contact_type = forms.ModelChoiceField(
        label="Type of appointment",
        queryset=ContactType.objects.filter(is_active=True, is_bookable=True),
        empty_label="Select a type of appointment",
        error_messages={
            "required": "Select the type of appointment",
            "invalid_choice": "Select a type of appointment from the list",
        },
    )
    location = forms.CharField(
        label="Location",
        required=False,
        max_length=200,
        help_text="For example, the office name or 'Home address'",
        error_messages={"max_length": "Location must be 200 characters or fewer"},
    )
    frequency = forms.ChoiceField(
        label="Does the appointment repeat?",
        required=False,
        choices=REPEAT_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select how often the appointment repeats"},
    )
    occurrences = forms.IntegerField(
        label="Number of appointments",
        required=False,
        help_text=f"Including the first, between {MIN_OCCURRENCES} and {MAX_OCCURRENCES}",
        error_messages={"invalid": f"Enter a number of appointments between {MIN_OCCURRENCES} and {MAX_OCCURRENCES}"},
    )

    field_order = ["contact_type", "date", "time", "end_time", "location", "frequency", "occurrences"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("frequency") and data.get("occurrences") is None and "occurrences" not in self.errors:
            self.add_error("occurrences", "Enter how many appointments to book")
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        frequency = data.get("frequency") or None
        return {
            "contact_type": data["contact_type"],
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "location": data.get("location", ""),
            "frequency": frequency,
            "occurrences": data.get("occurrences") or 1 if frequency else 1,
            "override_reason": data.get("override_reason", ""),
        }


class RescheduleForm(SlotForm):
    reason_outcome = forms.ModelChoiceField(
        label="Who asked for the appointment to be rescheduled?",
        queryset=OutcomeType.objects.filter(is_rescheduled=True, is_active=True),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select who asked for the appointment to be rescheduled",
            "invalid_choice": "Select who asked for the appointment to be rescheduled",
        },
    )

    field_order = ["reason_outcome", "date", "time", "end_time"]

    def service_arguments(self) -> dict[str, Any]:
        return {
            "reason_outcome": self.cleaned_data["reason_outcome"],
            "new_starts_at": self.starts_at,
            "new_ends_at": self.ends_at,
            "override_reason": self.cleaned_data.get("override_reason", ""),
        }
