"""Checks run before an appointment is booked. They warn rather than refuse: a practitioner may
have good reason to see someone on a bank holiday or early in the morning, so booking goes ahead
once they give a reason, and the warnings and the reason are kept on the appointment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from cases.models import User
from kit.calendar import SATURDAY, bank_holiday

# An appointment booked without an end time is taken to last this long when looking for clashes.
DEFAULT_LENGTH = timedelta(hours=1)


class BookingWarnings(Exception):
    """Raised when a booking needs confirming: `warnings` says why, in words for the user."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__("; ".join(warnings))
        self.warnings = warnings


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime | None = None

    @property
    def end(self) -> datetime:
        return self.ends_at or self.starts_at + DEFAULT_LENGTH


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B %Y} at {_clock(local)}"


def _clock(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def calendar_warnings(slot: Slot, now: datetime) -> list[str]:
    """Past, weekend, bank holiday and outside-working-hours warnings for one slot."""
    found: list[str] = []
    start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.end)
    when = _when(start)
    if slot.starts_at < now:
        found.append(f"{when} is in the past")
    if start.weekday() >= SATURDAY:
        found.append(f"{when} is at the weekend")
    holiday = bank_holiday(start.date())
    if holiday:
        found.append(f"{when} is a bank holiday ({holiday})")
    open_at, close_at = settings.SUPERVISION_WORKING_HOURS
    if start.time() < open_at or end.time() > close_at or end.date() != start.date():
        found.append(f"{when} is outside working hours ({open_at:%H:%M} to {close_at:%H:%M})")
    return found


def clash_message(slot: Slot, other: Slot, description: str, *, same_person: bool, staff: User | None) -> str:
    at = _clock(other.starts_at)
    if same_person:
        return f"{_when(slot.starts_at)} clashes with this person's {description.lower()} at {at}"
    # Another case's appointment: name the diary, not the case, which the user may not be allowed to see.
    return f"{_when(slot.starts_at)} clashes with another appointment in {staff}'s diary at {at}"
