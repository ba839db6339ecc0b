"""GOV.UK Design System form primitives for Django forms, and the bridge from a service's
`ValidationError` to the form's error summary.

A date is entered as three boxes (day, month, year) and validated into one `date`, with the
error messages the Design System recommends.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import BaseRenderer, TemplatesSetting
from django.utils import timezone
from django.utils.safestring import SafeString

# The date widget's template lives in the project's templates/, which Django's default form
# renderer does not search; without this every page with a date field fails to render.
_PROJECT_RENDERER = TemplatesSetting()


class GovUKDateWidget(forms.MultiWidget):
    template_name = "govuk/widgets/date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-2"}
            ),
            "month": forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-2"}
            ),
            "year": forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-4"}
            ),
        }
        super().__init__(widgets, attrs)

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        return super().render(name, value, attrs, renderer=_PROJECT_RENDERER)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovUKDateField(forms.MultiValueField):
    widget = GovUKDateWidget

    def __init__(self, *, past_only: bool = False, future_only: bool = False, **kwargs: Any) -> None:
        self.past_only = past_only
        self.future_only = future_only
        # Parts are optional individually so that `compress` can say which part is missing
        # ("must include a month"), as the Design System asks, instead of a generic message.
        fields = tuple(forms.CharField(required=False) for _ in range(3))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list or not any(data_list):
            return None
        label = (self.label or "Date").lower()
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise ValidationError(f"The {label} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(f"The {label} must be a real date")
        try:
            value = date(int(year), int(month), int(day))
        except (ValueError, OverflowError):  # 31 February, or a day of 99999999999999999999
            raise ValidationError(f"The {label} must be a real date") from None
        today = timezone.localdate()
        if self.past_only and value > today:
            raise ValidationError(f"The {label} must be today or in the past")
        if self.future_only and value < today:
            raise ValidationError(f"The {label} must be today or in the future")
        return value


class GovUKForm(forms.Form):
    """A form whose errors can be listed in a GOV.UK error summary, linking to each field."""

    def error_summary(self) -> list[dict[str, str]]:
        items: list[dict[str, str]] = []
        for name, errors in self.errors.items():
            if name == "__all__":
                anchor = ""
            else:
                widget = self.fields[name].widget
                anchor = f"id_{name}_0" if isinstance(widget, forms.MultiWidget | forms.RadioSelect) else f"id_{name}"
            items.extend({"text": str(error), "href": f"#{anchor}" if anchor else ""} for error in errors)
        return items


class GovUKModelForm(forms.ModelForm):  # type: ignore[type-arg]  # any model
    error_summary = GovUKForm.error_summary


def checkbox_filter(label: str, choices: Any, plural: str) -> forms.MultipleChoiceField:
    """An optional filter offered as GOV.UK checkboxes; a value not in `choices` gets a clear message
    ("Select <plural> from the list") instead of being silently ignored."""
    return forms.MultipleChoiceField(
        required=False,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        error_messages={"invalid_choice": f"Select {plural} from the list"},  # noqa: S608 - a message, not SQL
    )


# --- Times -----------------------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def parse_time(text: str) -> time | None:
    """'9:30', '09.30', '14:15', '2pm', '2:30pm' → time; anything else → None."""
    match = _TIME.match(text.strip().lower())
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match[2] is None:
        return None  # a bare "9" could be morning or evening
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class GovUKTimeField(forms.CharField):
    """A time typed as text, as the Design System suggests (no native time picker)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Use the 24-hour clock or am and pm, for example 9:30am or 14:15")
        super().__init__(max_length=10, **kwargs)

    def clean(self, value: Any) -> time | None:
        text = super().clean(value)
        if not text:
            return None
        parsed = parse_time(text)
        if parsed is None:
            label = (self.label or "time").lower()
            raise ValidationError(f"Enter a real {label}, for example 9:30am or 14:15")
        return parsed


def raise_service_errors(form: GovUKForm, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Attach a service's ValidationError to the form so the page shows it in the error summary."""
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field_map.get(field, field)
            form.add_error(target if target in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
