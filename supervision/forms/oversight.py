"""Forms for management oversight, approval requests and SPO decisions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from cases.models import Sentence
from kit.forms import GovUKDateField, GovUKForm
from supervision.models import OversightType, ResetState

TEXT_MAX = 5000


def _text(label: str, required: str, *, help_text: str = "", rows: int = 5, required_field: bool = True) -> Any:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required_field,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required, "max_length": f"{label} must be {TEXT_MAX} characters or fewer"},
    )


class OversightForm(GovUKForm):
    type = forms.ChoiceField(
        label="Type of oversight",
        choices=OversightType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of oversight", "invalid_choice": "Select the type of oversight"},
    )
    rationale = _text(
        "Rationale",
        "Enter the rationale for your oversight",
        help_text="What you looked at, what you think of the risk and the plan, and why.",
        rows=6,
    )
    instructions = _text(
        "Instructions to the practitioner",
        "",
        help_text="What the practitioner should do. Leave blank if there is nothing to do.",
        required_field=False,
    )
    follow_up_due = GovUKDateField(
        label="Follow-up due date",
        required=False,
        future_only=True,
        help_text="Optional. When the practitioner should have followed up your instructions, for example 27 3 2026.",
    )


class FollowUpForm(GovUKForm):
    notes = _text("What was done", "Enter what was done", help_text="How the instructions were followed up.")


class RemoteContactRequestForm(GovUKForm):
    reason = _text(
        "Why remote contact should replace some face-to-face contact",
        "Enter why you are asking",
        help_text="For example, work hours, caring responsibilities or travel, and how risk will still be managed.",
    )
    pattern = _text(
        "Proposed pattern of contact",
        "Enter the proposed pattern of contact",
        help_text="For example, face to face every 4 weeks with a video call in between.",
        rows=3,
    )


class ResetOverrideRequestForm(GovUKForm):
    sentence = forms.ChoiceField(
        label="Sentence",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the sentence", "invalid_choice": "Select the sentence"},
    )
    state = forms.ChoiceField(
        label="What should Probation Reset be?",
        choices=ResetState.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what Probation Reset should be",
            "invalid_choice": "Select what Probation Reset should be",
        },
    )
    reason = _text("Why an exception is needed", "Enter why you are asking")

    def __init__(self, *args: Any, sentences: Sequence[Sentence], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sentence"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(s.pk), f"{s.label} from {s.start_date:%-d %B %Y}") for s in sentences]
        if len(sentences) == 1:
            self.initial.setdefault("sentence", str(sentences[0].pk))


DECISIONS = [("approve", "Approve"), ("reject", "Do not approve")]


class DecisionForm(GovUKForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select your decision", "invalid_choice": "Select your decision"},
    )
    reason = _text("Reason for your decision", "Enter the reason for your decision")
    valid_until = GovUKDateField(
        label="Approval ends on",
        required=False,
        future_only=True,
        help_text="Optional. The date the remote contact arrangement should be reviewed, for example 27 3 2026.",
    )

    def __init__(self, *args: Any, with_valid_until: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_valid_until:
            del self.fields["valid_until"]
