"""Forms for safeguarding information requests and home-visit risk assessments. The rules (dates in
order, nothing chased once received) are the services'; these check the shape of the input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from kit.forms import GovUKDateField, GovUKForm
from supervision.models import Assessment, InformationSource

TEXT_MAX = 10_000


def _text(label: str, required_message: str, *, help_text: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message, "max_length": f"This must be {TEXT_MAX:,} characters or fewer"},
    )


class InformationRequestForm(GovUKForm):
    source = forms.ChoiceField(
        label="Who was the information requested from?",
        choices=InformationSource.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who the information was requested from",
            "invalid_choice": "Select who the information was requested from",
        },
    )
    agency = forms.CharField(
        label="Police force or local authority",
        required=False,
        max_length=200,
        help_text="For example, Northumbria Police or Gateshead Council children's services",
        error_messages={"max_length": "The agency must be 200 characters or fewer"},
    )
    requested_on = GovUKDateField(
        label="Date requested",
        past_only=True,
        error_messages={"required": "Enter the date the information was requested", "incomplete": "Enter the date"},
    )


class ChaseForm(GovUKForm):
    chased_on = GovUKDateField(
        label="Date chased",
        past_only=True,
        error_messages={"required": "Enter the date the request was chased", "incomplete": "Enter the date"},
    )


class ReceivedForm(GovUKForm):
    received_on = GovUKDateField(
        label="Date received",
        past_only=True,
        error_messages={"required": "Enter the date the information was received", "incomplete": "Enter the date"},
    )
    summary = _text(
        "Summary of the information",
        "Enter a summary of the information received",
        help_text="What it says about call-outs, incidents, children in the household and any plans in place.",
        rows=8,
    )


class InformationUseForm(GovUKForm):
    assessment = forms.ChoiceField(
        label="Which assessment was it used in?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the assessment the information was used in",
            "invalid_choice": "Select one of this person's assessments",
        },
    )
    how_used = _text(
        "How was it used?",
        "Enter how the information was used in the assessment",
        help_text="For example, how it changed the risk of serious harm, the risk management or sentence plan.",
    )

    def __init__(self, *args: Any, assessments: Sequence[Assessment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assessment"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(a.pk), _assessment_label(a)) for a in assessments]
        self.assessments = {str(a.pk): a for a in assessments}

    def chosen_assessment(self) -> Assessment:
        return self.assessments[self.cleaned_data["assessment"]]


def _assessment_label(assessment: Assessment) -> str:
    if assessment.completed_on:
        when = f"completed {assessment.completed_on:%-d %B %Y}"
    else:
        when = f"started {timezone.localtime(assessment.started_at):%-d %B %Y}"
    return f"{assessment.get_type_display()} assessment, {when} ({assessment.get_status_display().lower()})"


class HomeVisitRiskAssessmentForm(GovUKForm):
    planned_for = GovUKDateField(
        label="Date of the visit",
        future_only=True,
        error_messages={"required": "Enter the date of the visit", "incomplete": "Enter the date"},
    )
    address = forms.CharField(
        label="Address",
        max_length=300,
        error_messages={
            "required": "Enter the address of the visit",
            "max_length": "The address must be 300 characters or fewer",
        },
    )
    risks = _text(
        "Risks",
        "Enter the risks to staff at or around the address",
        help_text="People at the address, animals, weapons, drugs, the area, the person's behaviour towards staff.",
    )
    controls = _text(
        "How the risks will be managed",
        "Enter how the risks will be managed",
        help_text="For example, check-in calls, the time of day, police information, who knows where you are.",
    )
    visit_in_pairs = forms.BooleanField(label="The visit must be made in pairs", required=False)
