"""Forms for the flag pages. Validation messages follow the GOV.UK Design System style."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.forms import team_practitioner_field
from cases.models import Role, Team, User
from inspections.models import FlagKind, Severity
from inspections.queries import AGE_CHOICES
from kit.forms import GovUKDateField, GovUKForm, checkbox_filter


class AcknowledgeForm(GovUKForm):
    """The latest expiry allowed is the engine's rule (`acknowledge_flag` refuses later ones)."""

    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why is this flag acknowledged?",
        help_text="For example, the agreed plan and why the gap is accepted for now.",
        error_messages={
            "required": "Enter why the flag is acknowledged",
            "max_length": "Reason must be 1000 characters or fewer",
        },
    )
    expires = GovUKDateField(
        label="Acknowledged until",
        future_only=True,
        help_text="The flag counts again after this date. For example, 27 3 2026.",
        error_messages={"required": "Enter the date the acknowledgement ends", "incomplete": "Enter a full date"},
    )


class RequestAcknowledgementForm(AcknowledgeForm):
    """A practitioner's request: the same two answers, asked of the person requesting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "Why should the flag be acknowledged?"
        self.fields["reason"].error_messages["required"] = "Enter why the flag should be acknowledged"
        self.fields["expires"].label = "Acknowledged until"


class FlagFilterForm(GovUKForm):
    """Filters for the flags list. Unknown or malformed values are reported, never a server error."""

    kind = checkbox_filter("Kind of flag", FlagKind.choices, "kinds of flag")
    severity = checkbox_filter("Severity", Severity.choices, "severities")
    age = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any age"), *[(str(days), label) for days, label in AGE_CHOICES]],
        label="Opened",
        error_messages={"invalid_choice": "Select how long ago the flag opened from the list"},
    )
    acknowledged = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), ("no", "Not acknowledged"), ("yes", "Acknowledged")],
        label="Acknowledgement",
        error_messages={"invalid_choice": "Select acknowledged or not from the list"},
    )


class TeamFlagFilterForm(FlagFilterForm):
    practitioner = team_practitioner_field()

    field_order = ["practitioner", "kind", "severity", "age", "acknowledged"]

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            team=team, is_active=True, role__in=[Role.PRACTITIONER, Role.SPO]
        ).order_by("last_name", "first_name")


# Fields added to the caseload filters (cases.forms registry).
def has_open_flags_field() -> forms.Field:
    return forms.BooleanField(required=False, label="Only cases with open flags")


def flag_kind_field() -> forms.Field:
    return forms.ChoiceField(
        required=False,
        choices=[("", "Any kind"), *FlagKind.choices],
        label="Open flag of kind",
        error_messages={"invalid_choice": "Select a kind of flag from the list"},
    )
