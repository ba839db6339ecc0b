"""The one working-day calendar: Monday to Friday, England and Wales bank holidays excluded.

Every rule that counts working days (the initial appointment deadline in the contact policy and the
checks engine) and every warning about a non-working day (booking an appointment) asks this module,
so a deadline shown on a page, the flag the checks raise and the warning at booking agree.
England and Wales share one list of bank holidays (substitute days and one-off holidays included);
the `holidays` package's "GB"/"ENG" calendar is that list.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

SATURDAY = 5


@cache
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


@cache
def _bank_holiday_dates(year: int) -> frozenset[date]:
    # The library's lookup parses and normalises each key; a set answers the sweep's thousands of
    # "is this a working day?" questions in a fraction of the time.
    return frozenset(_bank_holidays(year))


def bank_holiday(day: date) -> str | None:
    """The name of the England and Wales bank holiday on `day`, if it is one."""
    return _bank_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < SATURDAY and day not in _bank_holiday_dates(day.year)


# Pure and asked again and again with the same few thousand start dates (every case's deadline in
# every nightly sweep): remembered per process.
@cache
def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (`start` itself when `days` is 0).

    The day of the start does not count, whatever it is: five working days from a Saturday are
    the Friday after next, as from the Friday before it."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """How many working days fall after `start` up to and including `end` (0 when `end` is not later).
    The inverse of `add_working_days`: `working_days_between(d, add_working_days(d, n)) == n`."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def bank_holidays_between(first: date, last: date) -> list[date]:
    """Every bank holiday from `first` to `last` inclusive, in order (for set-based SQL that needs the list)."""
    found = [day for year in range(first.year, last.year + 1) for day in _bank_holidays(year)]
    return sorted(day for day in found if first <= day <= last)
