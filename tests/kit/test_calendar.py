"""The one working-day calendar: Monday to Friday, England and Wales bank holidays excluded."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit.calendar import (
    add_working_days,
    bank_holiday,
    bank_holidays_between,
    is_working_day,
    next_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2030, 12, 24), True),  # Christmas Eve, a Tuesday
        (date(2030, 12, 25), False),  # Christmas Day
        (date(2030, 12, 26), False),  # Boxing Day
        (date(2030, 12, 28), False),  # Saturday
        (date(2031, 1, 1), False),  # New Year's Day
        (date(2031, 4, 11), False),  # Good Friday
        (date(2031, 4, 14), False),  # Easter Monday
        (date(2031, 5, 5), False),  # Early May bank holiday
        (date(2031, 8, 25), False),  # Summer bank holiday (England and Wales, not Scotland's)
        (date(2031, 8, 4), True),  # Scotland's summer bank holiday is a working day here
        (date(2031, 1, 2), True),  # 2 January is a holiday in Scotland only
    ],
)
def test_working_days_are_weekdays_that_are_not_england_and_wales_bank_holidays(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "deadline"),
    [
        (date(2026, 1, 5), 5, date(2026, 1, 12)),  # no holiday: Monday to Monday
        (date(2026, 1, 9), 1, date(2026, 1, 12)),  # Friday + 1 is Monday
        (date(2026, 1, 5), 0, date(2026, 1, 5)),
        # A bank holiday inside the count moves the deadline on: Christmas, Boxing Day, New Year.
        (date(2030, 12, 24), 5, date(2031, 1, 3)),
        (date(2030, 12, 25), 5, date(2031, 1, 3)),  # a start on a bank holiday counts from the next day
        # The deadline falls the day before a bank holiday, which does not move it.
        (date(2030, 12, 22), 5, date(2030, 12, 31)),
        # Easter: Good Friday and Easter Monday inside the count.
        (date(2031, 4, 8), 5, date(2031, 4, 17)),
        (date(2031, 4, 12), 1, date(2031, 4, 15)),  # Saturday of Easter + 1 is the Tuesday
    ],
)
def test_add_working_days_skips_weekends_and_bank_holidays(start: date, days: int, deadline: date) -> None:
    assert add_working_days(start, days) == deadline
    assert working_days_between(start, deadline) == days


def test_the_names_and_the_list_of_bank_holidays() -> None:
    assert bank_holiday(date(2030, 12, 25)) == "Christmas Day"
    assert bank_holiday(date(2030, 12, 24)) is None
    assert bank_holidays_between(date(2030, 12, 20), date(2031, 1, 5)) == [
        date(2030, 12, 25),
        date(2030, 12, 26),
        date(2031, 1, 1),
    ]
    assert next_working_day(date(2030, 12, 25)) == date(2030, 12, 27)
    assert next_working_day(date(2030, 12, 27)) == date(2030, 12, 27)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)), st.integers(min_value=0, max_value=30))
def test_a_deadline_is_a_working_day_the_count_inverts_and_weekdays_never_come_sooner(start: date, days: int) -> None:
    deadline = add_working_days(start, days)
    assert working_days_between(start, deadline) == days
    if days:
        assert is_working_day(deadline)
    # Skipping bank holidays can only move a deadline later than counting weekdays alone.
    weekdays, current = 0, start
    while weekdays < days:
        current = date.fromordinal(current.toordinal() + 1)
        weekdays += current.weekday() < 5
    assert deadline >= current
