"""Forms for enforcement decisions, concluding proceedings and Probation Reset decisions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from kit.forms import GovUKDateField, GovUKForm
from supervision.models import EnforcementKind, EnforcementOutcome, ResetState
from supervision.models.enforcement import decision_label

RATIONALE_MAX = 5000


class EnforcementDecisionForm(GovUKForm):
    kind = forms.ChoiceField(
        label="Decision", widget=forms.RadioSelect, error_messages={"required": "Select a decision"}
    )
    decided_on = GovUKDateField(
        label="Date of the decision",
        help_text="The day you made the decision (for a warning, the day it was given), on or after the failure "
        "to comply. For example, 27 3 2031.",
        past_only=True,
        error_messages={"required": "Enter the date of the decision", "incomplete": "Enter the date of the decision"},
    )
    rationale = forms.CharField(
        label="Reasons for your decision",
        help_text="Say what happened, whether there was a reasonable excuse and why this decision is right.",
        max_length=RATIONALE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter the reasons for your decision",
            "max_length": f"Reasons must be {RATIONALE_MAX} characters or fewer",
        },
    )

    def __init__(
        self,
        *args: Any,
        order_type: str,
        kinds: Sequence[EnforcementKind],
        refused_message: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k.value, decision_label(order_type, k)) for k in kinds]
        # When a referral is required, anything else is refused with the statutory reason.
        kind.error_messages["invalid_choice"] = refused_message or "Select a decision from the list"


class ConcludeEnforcementForm(GovUKForm):
    concluded_on = GovUKDateField(
        label="Date the proceedings ended",
        past_only=True,
        error_messages={"required": "Enter the date the proceedings ended", "incomplete": "Enter the date"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the proceedings ended", "invalid_choice": "Select an outcome"},
    )
    conclusion = forms.CharField(
        label="Details",
        help_text="For example, the length of a committal or the amount of a fine, and any new requirements.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the details of the outcome",
            "max_length": "The details must be 1000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, outcomes: Sequence[EnforcementOutcome], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        outcome.choices = [(o.value, o.label) for o in outcomes]


class ResetDecisionForm(GovUKForm):
    state = forms.ChoiceField(
        label="Does Probation Reset apply?",
        choices=ResetState.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether Probation Reset applies",
            "invalid_choice": "Select whether Probation Reset applies",
        },
    )
    reason = forms.CharField(
        label="Reason",
        max_length=RATIONALE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the reason for your decision",
            "max_length": f"The reason must be {RATIONALE_MAX} characters or fewer",
        },
    )
