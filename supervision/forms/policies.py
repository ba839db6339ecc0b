"""Forms for the contact policy pages. Blank parameter boxes on a scoped rule mean "as the base rule"."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.models import OrderType, RoshLevel
from kit.forms import GovUKDateField, GovUKForm
from supervision.models import Phase, PolicyRule, RemoteSupplementCriterion
from supervision.models.policy import RULE_PARAMETERS
from supervision.services.policy import AT_LEAST_ONE, BOOLEAN_PARAMETERS, MAX_DAYS, parameter_label

NUMBER_PARAMETERS = tuple(name for name in RULE_PARAMETERS if name not in BOOLEAN_PARAMETERS)


class DraftForm(GovUKForm):
    summary = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What will this version change, and why?",
        error_messages={
            "required": "Enter what this version changes and why",
            "max_length": "The summary must be 500 characters or fewer",
        },
    )


class SettingsForm(DraftForm):
    remote_supplement_only_for = forms.MultipleChoiceField(
        required=False,
        choices=RemoteSupplementCriterion.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Remote contact may only supplement face-to-face contact for",
        help_text="For these cases phone, video, kiosk and online check-ins never replace face-to-face contact.",
        error_messages={"invalid_choice": "Select criteria from the list"},
    )
    remote_replacement_needs_spo_approval = forms.BooleanField(
        required=False, label="Remote contact replacing face-to-face contact needs SPO approval"
    )


def _number_field(name: str, *, required: bool) -> forms.IntegerField:
    label = parameter_label(name)
    minimum = 1 if name in AT_LEAST_ONE else 0
    hint = str(getattr(PolicyRule._meta.get_field(name), "help_text", ""))
    return forms.IntegerField(
        required=required,
        min_value=minimum,
        max_value=MAX_DAYS,
        label=label,
        help_text=hint if required else f"{hint} Leave blank to use the base rule.".strip(),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"{label} must be a whole number",
            "min_value": f"{label} must be {minimum} or more",
            "max_value": f"{label} must be {MAX_DAYS} or less",
        },
    )


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class RuleForm(GovUKForm):
    """A scoped rule (or, with `base=True`, the base rule: no scope, every parameter required)."""

    name = forms.CharField(max_length=100, label="Rule name", error_messages={"required": "Enter a name for the rule"})
    order_type = forms.ChoiceField(
        required=False,
        choices=[("", "Any sentence type"), *OrderType.choices],
        label="Sentence type",
        error_messages={"invalid_choice": "Select a sentence type from the list"},
    )
    rosh = forms.ChoiceField(
        required=False,
        choices=[("", "Any RoSH level"), *RoshLevel.choices],
        label="RoSH",
        error_messages={"invalid_choice": "Select a RoSH level from the list"},
    )
    tier_letter = forms.ChoiceField(
        required=False,
        choices=[("", "Any tier"), *((t, f"Tier {t}") for t in "ABCD")],
        label="Tier",
        error_messages={"invalid_choice": "Select a tier from the list"},
    )
    phase = forms.ChoiceField(
        required=False,
        choices=[("", "Any phase"), *Phase.choices],
        label="Phase of supervision",
        error_messages={"invalid_choice": "Select a phase from the list"},
    )

    def __init__(self, *args: Any, base: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base = base
        if base:
            for name in ("order_type", "rosh", "tier_letter", "phase"):
                del self.fields[name]
        for name in RULE_PARAMETERS:
            if name in BOOLEAN_PARAMETERS:
                choices = [("yes", "Yes"), ("no", "No")]
                self.fields[name] = forms.TypedChoiceField(
                    required=base,
                    choices=choices if base else [("", "As the base rule"), *choices],
                    coerce=_yes_no,
                    empty_value=None,
                    widget=forms.RadioSelect,
                    label=parameter_label(name),
                    error_messages={
                        "required": f"Select whether the {parameter_label(name).lower()}",
                        "invalid_choice": "Select yes or no",
                    },
                )
            else:
                self.fields[name] = _number_field(name, required=base)

    @property
    def scope_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("order_type", "rosh", "tier_letter", "phase") if name in self.fields]

    @property
    def parameter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in RULE_PARAMETERS]


def rule_initial(rule: PolicyRule) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(rule, name) for name in ("name", "order_type", "rosh", "tier_letter", "phase")
    }
    for name in RULE_PARAMETERS:
        value = getattr(rule, name)
        if name in BOOLEAN_PARAMETERS:
            value = "" if value is None else ("yes" if value else "no")
        initial[name] = value
    return initial


class ImpactForm(GovUKForm):
    on = GovUKDateField(
        label="Date to compare on",
        required=False,
        help_text="Cases under supervision on this date are judged under both versions. Leave blank for today.",
    )


class PublishForm(GovUKForm):
    effective_from = GovUKDateField(
        label="Date the new version takes effect",
        future_only=True,
        help_text="Today or later. Cases are judged under it from this date.",
        error_messages={"required": "Enter the date the new version takes effect", "incomplete": "Enter a full date"},
    )
