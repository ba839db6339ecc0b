"""Day boundaries in the service's time zone (Europe/London).

Stored timestamps are aware datetimes; people reason in local dates. These helpers are the one
place that turns one into the other, so "the start of a day" means the same thing everywhere.
"Now" always comes from Python (`timezone.now()`), never from the database, so an anchored clock
holds in SQL too.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def local_midnight(day: date) -> datetime:
    """The start of `day` in the service's time zone, for comparing stored timestamps with dates."""
    return timezone.make_aware(datetime.combine(day, time.min))


def combine_local(day: date | None, moment: time | None) -> datetime | None:
    """A date and a time entered in separate fields, as an aware local datetime (None if either is missing)."""
    if day is None or moment is None:
        return None
    return timezone.make_aware(datetime.combine(day, moment))


def end_of_day(day: date) -> datetime:
    """The first instant after `day` (its next local midnight): `at < end_of_day(day)` is "on or before `day`"."""
    return local_midnight(day + timedelta(days=1))


def now_as_of(day: date, now: datetime | None = None) -> datetime:
    """What "now" is as of `day`, an inclusive bound (`at <= now_as_of(day)`): the current instant
    when `day` is today or later, else the last instant of `day`. "What had happened by then" never
    includes anything after `day`, nor anything still in the future."""
    return min(now or timezone.now(), end_of_day(day) - timedelta(microseconds=1))
