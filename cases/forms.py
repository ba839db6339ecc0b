"""Forms for the case pages. Validation messages follow the GOV.UK Design System style."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms

from cases.models import (
    PNC_REGEX,
    Ethnicity,
    Gender,
    Neurodivergence,
    OrderType,
    Person,
    RegistrationType,
    RoshLevel,
    Team,
    User,
)
from cases.queries import caseload_badges
from kit.forms import GovUKDateField, GovUKForm, checkbox_filter

SORT_CHOICES = [
    ("name", "Name"),
    ("crn", "CRN"),
    ("tier", "Tier"),
    ("rosh", "RoSH"),
    ("sentence_end", "Sentence end date"),
]


# Filter fields other apps add to every caseload (their effect: `cases.queries.register_caseload_filter`
# under the same name). Registered by `probation/wiring.py`; `cases` never imports those apps.
_EXTRA_FIELDS: dict[str, Callable[[], forms.Field]] = {}


def register_caseload_filter_field(name: str, factory: Callable[[], forms.Field]) -> None:
    _EXTRA_FIELDS[name] = factory


def team_practitioner_field() -> forms.ModelChoiceField:  # type: ignore[type-arg]
    """An SPO's filter by practitioner; the form narrows the queryset to the SPO's team."""
    return forms.ModelChoiceField(
        required=False,
        queryset=User.objects.none(),
        label="Practitioner",
        empty_label="All practitioners",
        error_messages={"invalid_choice": "Select a practitioner in your team"},
    )


class CaseloadFilterForm(GovUKForm):
    """Filters for a caseload. Unknown or malformed values are reported, never a server error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, factory in _EXTRA_FIELDS.items():
            self.fields[name] = factory()

    @property
    def extra_fields(self) -> list[forms.BoundField]:
        """The registered filter fields, for the template to render after the built-in ones."""
        return [self[name] for name in _EXTRA_FIELDS]

    @property
    def badge_templates(self) -> list[str]:
        """Templates other apps add to each row's Flags cell (the caseload's display extensions)."""
        return caseload_badges()

    tier = checkbox_filter("Tier", [(f"{p}", f"Tier {p}") for p in "ABCD"], "tiers")
    rosh = checkbox_filter("RoSH", RoshLevel.choices, "RoSH levels")
    order_type = checkbox_filter("Sentence type", OrderType.choices, "sentence types")
    registration = forms.ModelMultipleChoiceField(
        required=False,
        queryset=RegistrationType.objects.filter(is_active=True),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        label="Registrations (flags)",
        error_messages={
            "invalid_choice": "Select registrations from the list",
            "invalid_pk_value": "Select registrations from the list",
        },
    )
    review_overdue = forms.BooleanField(required=False, label="Only cases with an overdue registration review")
    sort = forms.ChoiceField(
        required=False,
        choices=SORT_CHOICES,
        label="Sort by",
        error_messages={"invalid_choice": "Select what to sort by from the list"},
    )
    direction = forms.ChoiceField(
        required=False,
        choices=[("asc", "Ascending"), ("desc", "Descending")],
        error_messages={"invalid_choice": "Select ascending or descending"},
    )


class TeamCaseloadFilterForm(CaseloadFilterForm):
    practitioner = team_practitioner_field()
    unallocated = forms.BooleanField(required=False, label="Only cases awaiting allocation")

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = User.objects.filter(team=team, is_active=True)  # type: ignore[attr-defined]


class SearchForm(GovUKForm):
    q = forms.CharField(
        label="Search by CRN or name",
        max_length=100,
        error_messages={"required": "Enter a CRN or a name", "max_length": "Search must be 100 characters or fewer"},
    )


class PersonalDetailsForm(GovUKForm):
    first_name = forms.CharField(max_length=100, error_messages={"required": "Enter a first name"})
    middle_names = forms.CharField(max_length=200, required=False)
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter a last name"})
    preferred_name = forms.CharField(max_length=100, required=False)
    date_of_birth = GovUKDateField(
        label="Date of birth",
        past_only=True,
        error_messages={"required": "Enter a date of birth", "incomplete": "Enter a date of birth"},
    )
    pnc_number = forms.RegexField(
        # People type the check letter in either case; it is stored in capitals (clean_pnc_number).
        regex=re.compile(PNC_REGEX, re.IGNORECASE),
        strip=True,  # RegexField keeps surrounding spaces unless told; pasted values often have them
        required=False,
        max_length=13,
        label="PNC number",
        help_text="For example, 2004/0012345A",
        error_messages={"invalid": "Enter a PNC number in the correct format, like 2004/0012345A"},
    )
    gender = forms.ChoiceField(
        choices=Gender.choices, widget=forms.RadioSelect, error_messages={"required": "Select a gender"}
    )
    ethnicity = forms.ChoiceField(choices=Ethnicity.choices, required=False)
    religion = forms.CharField(max_length=100, required=False, label="Religion or belief")
    disability = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Disabilities and adjustments"
    )
    neurodivergence = forms.ChoiceField(
        choices=Neurodivergence.choices, required=False, label="Declared neurodivergence"
    )
    neurodivergence_details = forms.CharField(max_length=500, required=False, label="Neurodivergence details")
    language = forms.CharField(
        max_length=50, label="Main language", error_messages={"required": "Enter the main language"}
    )
    interpreter_required = forms.BooleanField(required=False, label="Needs an interpreter")
    phone = forms.CharField(max_length=30, required=False, label="Phone number")
    email = forms.EmailField(
        required=False,
        label="Email address",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )

    def clean_pnc_number(self) -> str:
        return str(self.cleaned_data["pnc_number"]).strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("neurodivergence_details") and data.get("neurodivergence") != Neurodivergence.DECLARED:
            self.add_error("neurodivergence", "Select 'Declared' to record neurodivergence details")
        return data


class AddressForm(GovUKForm):
    no_fixed_abode = forms.BooleanField(required=False, label="No fixed abode")
    line1 = forms.CharField(max_length=200, required=False, label="Address line 1")
    line2 = forms.CharField(max_length=200, required=False, label="Address line 2 (optional)")
    town = forms.CharField(max_length=100, required=False, label="Town or city")
    postcode = forms.RegexField(
        regex=r"^\s*[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}\s*$",
        strip=True,
        max_length=10,
        required=False,
        error_messages={"invalid": "Enter a real postcode"},
    )
    start_date = GovUKDateField(
        label="Date they moved in",
        past_only=True,
        error_messages={"required": "Enter the date they moved in", "incomplete": "Enter the date they moved in"},
    )

    def clean_postcode(self) -> str:
        """One stored form, "LS1 1AA", however it was typed (the inward code is the last three)."""
        compact = "".join(self.cleaned_data["postcode"].split()).upper()
        return f"{compact[:-3]} {compact[-3:]}" if compact else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("no_fixed_abode"):
            if not data.get("line1"):
                self.add_error("line1", "Enter address line 1, typically the building and street")
            if not data.get("postcode") and "postcode" not in self.errors:
                self.add_error("postcode", "Enter a postcode")
        return data


class RegistrationForm(GovUKForm):
    registration_type = forms.ModelChoiceField(
        queryset=RegistrationType.objects.filter(is_active=True),
        to_field_name="code",
        label="Type of registration",
        empty_label="Select a registration type",
        error_messages={"required": "Select a type of registration", "invalid_choice": "Select a type of registration"},
    )
    registered_on = GovUKDateField(
        label="Registration date",
        past_only=True,
        error_messages={"required": "Enter the registration date", "incomplete": "Enter the registration date"},
    )
    review_due = GovUKDateField(
        label="Next review date",
        required=False,
        help_text="Leave blank to use the standard review period for this type of registration.",
    )
    mappa_category = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Not MAPPA")] + [(str(i), f"Category {i}") for i in range(1, 5)],
        label="MAPPA category",
    )
    mappa_level = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Not MAPPA")] + [(str(i), f"Level {i}") for i in range(1, 4)],
        label="MAPPA level",
    )
    notes = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))


class CloseRegistrationForm(GovUKForm):
    on = GovUKDateField(
        label="End date",
        past_only=True,
        error_messages={"required": "Enter the end date", "incomplete": "Enter the end date"},
    )
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why is the registration being closed?",
        error_messages={"required": "Enter why the registration is being closed"},
    )


class ReviewRegistrationForm(GovUKForm):
    reviewed_on = GovUKDateField(
        label="Review date",
        past_only=True,
        error_messages={"required": "Enter the review date", "incomplete": "Enter the review date"},
    )
    next_review_due = GovUKDateField(
        label="Next review date",
        error_messages={"required": "Enter the next review date", "incomplete": "Enter the next review date"},
    )
    notes = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Review notes"
    )


class AllocationForm(GovUKForm):
    practitioner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Practitioner",
        empty_label="Select a practitioner",
        error_messages={"required": "Select a practitioner", "invalid_choice": "Select a practitioner in your team"},
    )
    rationale = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Allocation rationale",
        help_text="Why this practitioner: their grade, capacity, and the case's risk and needs.",
        error_messages={"required": "Enter the allocation rationale"},
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            team=team, is_active=True, role__in=["PRACTITIONER", "SPO"]
        ).order_by("last_name", "first_name")


def person_initial(person: Person) -> dict[str, Any]:
    return {name: getattr(person, name) for name in PersonalDetailsForm.base_fields}
