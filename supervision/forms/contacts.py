"""Forms for recording contacts, outcomes and corrections. Messages follow the GOV.UK Design System."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from kit.clock import combine_local
from kit.forms import GovUKDateField, GovUKForm, GovUKTimeField
from supervision.models import Contact, ContactType, OutcomeType
from supervision.models.contacts import NOTES_MAX_LENGTH
from supervision.queries.contacts import NO_OUTCOME, Mode, Prompts

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label: str, required_message: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


def discussion_questions() -> tuple[forms.TypedChoiceField, forms.TypedChoiceField]:
    """Was electronic monitoring discussed, were safeguarding concerns: asked when the case prompts it."""
    return (
        _yes_no("Was electronic monitoring discussed?", "Select yes if electronic monitoring was discussed"),
        _yes_no("Were safeguarding concerns discussed?", "Select yes if safeguarding was discussed"),
    )


def ask_only_prompted(form: forms.Form, prompts: Prompts) -> None:
    """Drop the discussion questions the case does not prompt (no EM requirement, no safeguarding)."""
    if not prompts.em:
        del form.fields["em_discussed"]
    if not prompts.safeguarding:
        del form.fields["safeguarding_discussed"]


def notes_field() -> forms.CharField:
    message = f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer"
    return forms.CharField(
        label="Notes",
        required=False,
        strip=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"max_length": message},
    )


def outcome_field(required: bool) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label="Outcome",
        queryset=OutcomeType.objects.all(),
        to_field_name="code",
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome", "invalid_choice": "Select an outcome from the list"},
    )


class ContactDetailsForm(GovUKForm):
    """The fields a contact is recorded (and corrected) with."""

    contact_type = forms.ModelChoiceField(
        label="Type of contact",
        queryset=ContactType.objects.filter(is_active=True),
        empty_label="Select a type of contact",
        error_messages={"required": "Select the type of contact", "invalid_choice": "Select a type of contact"},
    )
    date = GovUKDateField(
        label="Date", error_messages={"required": "Enter the date of the contact", "incomplete": "Enter the date"}
    )
    time = GovUKTimeField(label="Time", error_messages={"required": "Enter the time of the contact"})
    location = forms.CharField(
        label="Location",
        required=False,
        max_length=200,
        help_text="Where it took place, for example the office or the address visited",
        error_messages={"max_length": "Location must be 200 characters or fewer"},
    )
    outcome = outcome_field(required=False)
    notes = notes_field()
    is_sensitive = forms.BooleanField(
        label="These notes are sensitive",
        required=False,
        help_text="Sensitive notes are hidden until someone chooses to show them",
    )
    em_discussed, safeguarding_discussed = discussion_questions()

    def __init__(self, *args: Any, prompts: Prompts, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ask_only_prompted(self, prompts)

    @property
    def starts_at(self) -> datetime | None:
        data = getattr(self, "cleaned_data", {})
        return combine_local(data.get("date"), data.get("time"))

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "contact_type": data["contact_type"],
            "starts_at": self.starts_at,
            "outcome": data.get("outcome"),
            "location": data.get("location", ""),
            "notes": data.get("notes", ""),
            "em_discussed": data.get("em_discussed"),
            "safeguarding_discussed": data.get("safeguarding_discussed"),
        }


class RecordContactForm(ContactDetailsForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        contact_type, starts_at, outcome = data.get("contact_type"), self.starts_at, data.get("outcome")
        if contact_type is None or starts_at is None or outcome is not None:
            return data
        if starts_at > timezone.now():
            self.add_error("date", "The contact is in the future. To arrange a contact, book an appointment")
        elif contact_type.is_attendance:
            self.add_error("outcome", "Select the outcome of the contact")
        return data

    def service_arguments(self) -> dict[str, Any]:
        # Unticked means "as the contact type says": some types are always sensitive.
        return {**super().service_arguments(), "is_sensitive": True if self.cleaned_data.get("is_sensitive") else None}


class CorrectContactForm(ContactDetailsForm):
    reason = forms.CharField(
        label="Why are you correcting this contact?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the contact is being corrected",
            "max_length": "The reason must be 1,000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, contact: Contact, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A type withdrawn since the contact was recorded stays selectable for its own contacts.
        self.fields["contact_type"].queryset = ContactType.objects.filter(  # type: ignore[attr-defined]
            Q(is_active=True) | Q(pk=contact.contact_type_id)
        )

    def service_arguments(self) -> dict[str, Any]:
        arguments = {**super().service_arguments(), "is_sensitive": bool(self.cleaned_data.get("is_sensitive"))}
        for name in ("em_discussed", "safeguarding_discussed"):
            if name not in self.fields:
                arguments.pop(name)  # not asked, so not changed
        return arguments


def correction_initial(contact: Contact) -> dict[str, Any]:
    local = timezone.localtime(contact.starts_at)
    initial: dict[str, Any] = {
        "contact_type": contact.contact_type_id,
        "date": local.date(),
        "time": f"{local:%H:%M}",
        "location": contact.location,
        "outcome": contact.outcome.code if contact.outcome else None,
        "notes": contact.notes,
        "is_sensitive": contact.is_sensitive,
    }
    for name in ("em_discussed", "safeguarding_discussed"):
        value = getattr(contact, name)
        if value is not None:
            initial[name] = "yes" if value else "no"
    return initial


class RecordOutcomeForm(GovUKForm):
    outcome = outcome_field(required=True)
    notes = notes_field()
    em_discussed, safeguarding_discussed = discussion_questions()

    def __init__(self, *args: Any, prompts: Prompts, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ask_only_prompted(self, prompts)


class ContactFilterForm(GovUKForm):
    """Filters on the contacts tab. A bad value is reported and left out; the others still apply."""

    contact_type = forms.ModelChoiceField(
        label="Type of contact",
        required=False,
        queryset=ContactType.objects.all(),
        to_field_name="code",
        empty_label="Any type",
        error_messages={"invalid_choice": "Select a type of contact from the list"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[],
        error_messages={"invalid_choice": "Select an outcome from the list"},
    )
    mode = forms.ChoiceField(
        label="Face to face or remote",
        required=False,
        choices=Mode.CHOICES,
        error_messages={"invalid_choice": "Select face to face or remote"},
    )
    date_from = GovUKDateField(label="From date", required=False)
    date_to = GovUKDateField(label="To date", required=False)
    keyword = forms.CharField(
        label="Notes containing",
        required=False,
        max_length=100,
        error_messages={"max_length": "Search words must be 100 characters or fewer"},
    )

    def __init__(self, *args: Any, outcomes: list[OutcomeType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]
            ("", "Any outcome"),
            (NO_OUTCOME, "No outcome recorded"),
            *((o.code, o.description) for o in outcomes),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return data
