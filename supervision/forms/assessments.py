"""Forms for risk assessments (one per task-list section), countersigning and sentence plans."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.models import RoshLevel
from kit.forms import GovUKDateField, GovUKForm
from supervision.models import AssessmentType, Need, NeedSeverity, ObjectiveStatus
from supervision.models.assessments import PREDICTOR_FIELDS, ROSH_FIELDS
from supervision.rules.assessments import PREDICTOR_LABELS, ROSH_TO, WOMEN_QUESTIONS

TEXT_MAX = 20000
NOTE_MAX = 2000


def _text(
    label: str, required_message: str, hint: str = "", rows: int = 8, max_length: int = TEXT_MAX
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
    )


class StartAssessmentForm(GovUKForm):
    type = forms.ChoiceField(
        label="What type of assessment is it?",
        choices=AssessmentType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of assessment", "invalid_choice": "Select the type of assessment"},
    )


class RoshForm(GovUKForm):
    rosh_overall = forms.ChoiceField(
        label="Overall RoSH",
        help_text="Leave as 'The highest of the groups' unless you have a reason to set it.",
        choices=[("", "The highest of the groups"), *RoshLevel.choices],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select the overall RoSH from the list"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = {
            name: forms.ChoiceField(
                label=f"Risk of serious harm to {ROSH_TO[name]}",
                choices=RoshLevel.choices,
                widget=forms.RadioSelect,
                required=False,
                error_messages={"invalid_choice": "Select a RoSH level from the list"},
            )
            for name in ROSH_FIELDS
        }
        self.fields = {**groups, "rosh_overall": self.fields["rosh_overall"]}


class PredictorsForm(GovUKForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in PREDICTOR_FIELDS:
            label = PREDICTOR_LABELS[name]
            self.fields[name] = forms.DecimalField(
                label=f"{label} score (%)",
                help_text="Leave blank if it does not apply (OSP applies to sexual offending only)."
                if name == "osp"
                else "",
                required=False,
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                error_messages={
                    "invalid": f"The {label} score must be a number, like 42 or 42.5",
                    "min_value": f"The {label} score must be between 0 and 100",
                    "max_value": f"The {label} score must be between 0 and 100",
                    "max_digits": f"The {label} score must be between 0 and 100",
                    "max_decimal_places": f"The {label} score must have no more than 2 decimal places",
                    "max_whole_digits": f"The {label} score must be between 0 and 100",
                },
            )


class NeedsForm(GovUKForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for need in Need:
            self.fields[need.value] = forms.ChoiceField(
                label=need.label,
                choices=NeedSeverity.choices,
                widget=forms.RadioSelect,
                required=False,
                error_messages={"invalid_choice": "Select a level of need from the list"},
            )

    def needs(self) -> dict[str, str]:
        return {code: severity for code, severity in self.cleaned_data.items() if severity}


def _yes_no(label: str, hint: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=hint,
        choices=[("True", "Yes"), ("False", "No")],
        coerce=lambda value: value == "True",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select yes or no"},
    )


class WomenFactorsForm(GovUKForm):
    """The factors for women the tier scores (OASys 6.9, 11.2 and 11.4)."""

    parenting_responsibilities = _yes_no(
        WOMEN_QUESTIONS["parenting_responsibilities"], "Caring for children, full or part time (OASys 6.9)."
    )
    impulsivity = _yes_no(WOMEN_QUESTIONS["impulsivity"], "Some or significant problems (OASys 11.2).")
    temper_control = _yes_no(WOMEN_QUESTIONS["temper_control"], "Some or significant problems (OASys 11.4).")


class RsrScoreForm(GovUKForm):
    score = forms.DecimalField(
        label="RSR score (%)",
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        error_messages={
            "required": "Enter the RSR score",
            "invalid": "The RSR score must be a number, like 4 or 6.25",
            "min_value": "The RSR score must be between 0 and 100",
            "max_value": "The RSR score must be between 0 and 100",
            "max_digits": "The RSR score must be between 0 and 100",
            "max_decimal_places": "The RSR score must have no more than 2 decimal places",
            "max_whole_digits": "The RSR score must be between 0 and 100",
        },
    )
    calculated_on = GovUKDateField(
        label="Date it was calculated",
        past_only=True,
        error_messages={"required": "Enter the date the RSR was calculated", "incomplete": "Enter the date"},
    )


class AnalysisForm(GovUKForm):
    risk_of_harm_analysis = _text(
        "Risk of harm analysis",
        "Enter the risk of harm analysis",
        "Who is at risk, what the harm would be, when it is most likely and what makes it more or less likely.",
        rows=12,
    )


class PlansForm(GovUKForm):
    risk_management_plan = _text(
        "Risk management plan",
        "Enter the risk management plan",
        "Supervision, monitoring, interventions and victim safety planning.",
    )
    contingency_plan = _text(
        "Contingency plan", "Enter the contingency plan", "What you will do if the risk increases or the plan fails."
    )


class SafeguardingForm(GovUKForm):
    safeguarding_information_used = _text(
        "How safeguarding and domestic abuse information was used",
        "Say how safeguarding and domestic abuse information was used",
        "Say what the police and children's services told you and how it shaped the assessment, or why no "
        "information was requested.",
    )


class SubmitAssessmentForm(GovUKForm):
    completed_on = GovUKDateField(
        label="Date the assessment was completed",
        past_only=True,
        error_messages={"required": "Enter the date the assessment was completed", "incomplete": "Enter the date"},
    )

    def __init__(self, *args: Any, links: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.links = links or {}

    def error_summary(self) -> list[dict[str, str]]:
        """Each missing part of the assessment links to the section where it is entered."""
        return [{**item, "href": item["href"] or self.links.get(item["text"], "")} for item in super().error_summary()]


class CountersignForm(GovUKForm):
    COUNTERSIGN = "countersign"
    RETURN = "return"
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(COUNTERSIGN, "Countersign the assessment"), (RETURN, "Return it to the author for changes")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to countersign", "invalid_choice": "Select whether to countersign"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        help_text="When countersigning: anything the author should know.",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Notes must be {NOTE_MAX} characters or fewer"},
    )
    reason = forms.CharField(
        label="Why you are returning it",
        help_text="When returning: what the author must change.",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"The reason must be {NOTE_MAX} characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.RETURN and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why you are returning the assessment")
        return data


class ObjectiveForm(GovUKForm):
    title = forms.CharField(
        label="Objective",
        max_length=300,
        error_messages={
            "required": "Enter the objective",
            "max_length": "The objective must be 300 characters or fewer",
        },
    )
    need = forms.ChoiceField(
        label="Need it addresses (optional)",
        choices=[("", "None"), *Need.choices],
        required=False,
        error_messages={"invalid_choice": "Select a need from the list"},
    )
    steps = forms.CharField(
        label="Steps",
        help_text="What will be done, by whom, in what order.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "Steps must be 5000 characters or fewer"},
    )
    owner = forms.CharField(
        label="Who will do it",
        help_text="The person, the practitioner or a partner agency.",
        max_length=100,
        error_messages={
            "required": "Enter who will do it",
            "max_length": "Who will do it must be 100 characters or fewer",
        },
    )
    target_date = GovUKDateField(
        label="Target date", required=False, error_messages={"incomplete": "Enter the target date"}
    )
    status = forms.ChoiceField(
        label="Status",
        choices=ObjectiveStatus.choices,
        widget=forms.RadioSelect,
        initial=ObjectiveStatus.NOT_STARTED,
        error_messages={"required": "Select a status", "invalid_choice": "Select a status"},
    )


class AgreementForm(GovUKForm):
    agreed_on = GovUKDateField(
        label="Date the plan was agreed with the person",
        past_only=True,
        error_messages={"required": "Enter the date the plan was agreed", "incomplete": "Enter the date"},
    )
    person_comments = forms.CharField(
        label="The person's comments (optional)",
        help_text="In their own words, where they gave them.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "Comments must be 5000 characters or fewer"},
    )
