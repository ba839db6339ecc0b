"""Booking checks: warnings for clashes, bank holidays, weekends, out-of-hours and past dates."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from kit.calendar import bank_holiday
from probation.settings import _working_hours
from supervision.queries.booking import booking_warnings, clash_warnings
from supervision.rules.booking import Slot, calendar_warnings
from tests.cases.factories import PersonFactory
from tests.supervision.factories import ContactFactory


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


LONG_AGO = local(2020, 1, 1)


def test_christmas_day_and_the_summer_bank_holiday_are_bank_holidays_in_england_and_wales():
    assert bank_holiday(local(2030, 12, 25).date()) == "Christmas Day"
    assert bank_holiday(local(2030, 8, 26).date()) is not None  # last Monday in August
    assert bank_holiday(local(2030, 8, 27).date()) is None


def test_it_warns_about_a_bank_holiday():
    warnings = calendar_warnings(Slot(local(2030, 12, 25)), LONG_AGO)
    assert warnings == ["Wednesday 25 December 2030 at 10:00am is a bank holiday (Christmas Day)"]


def test_it_warns_about_a_weekend():
    assert calendar_warnings(Slot(local(2030, 1, 5)), LONG_AGO) == [
        "Saturday 5 January 2030 at 10:00am is at the weekend"
    ]


def test_it_warns_about_a_time_outside_working_hours(settings):
    settings.SUPERVISION_WORKING_HOURS = (time(8), time(18))
    assert calendar_warnings(Slot(local(2030, 1, 7, 7, 30)), LONG_AGO) == [
        "Monday 7 January 2030 at 7:30am is outside working hours (08:00 to 18:00)"
    ]
    # Starting at 5:30pm with the default hour's length runs past 6pm.
    assert calendar_warnings(Slot(local(2030, 1, 7, 17, 30)), LONG_AGO) != []
    assert calendar_warnings(Slot(local(2030, 1, 7, 17, 0)), LONG_AGO) == []


def test_it_warns_about_a_date_in_the_past():
    assert calendar_warnings(Slot(local(2030, 1, 7)), local(2030, 2, 1)) == [
        "Monday 7 January 2030 at 10:00am is in the past"
    ]


@pytest.mark.django_db
def test_it_warns_about_a_clash_with_the_persons_own_appointment(pats_case, pat):
    ContactFactory(person=pats_case, starts_at=local(2030, 1, 7, 10), outcome_code=None)
    warnings = clash_warnings(pats_case, pat, [Slot(local(2030, 1, 7, 10, 30))])
    assert warnings == ["Monday 7 January 2030 at 10:30am clashes with this person's office appointment at 10:00am"]


@pytest.mark.django_db
def test_it_warns_about_a_clash_in_the_staff_diary_without_naming_the_other_case(pats_case, pat):
    other = PersonFactory(practitioner=pat, team=pat.team)
    ContactFactory(person=other, starts_at=local(2030, 1, 7, 9), ends_at=local(2030, 1, 7, 11), outcome_code=None)
    [warning] = clash_warnings(pats_case, pat, [Slot(local(2030, 1, 7, 10, 30))])
    assert (
        warning
        == "Monday 7 January 2030 at 10:30am clashes with another appointment in Pat Practitioner's diary at 9:00am"
    )
    assert other.last_name not in warning


@pytest.mark.django_db
def test_back_to_back_and_rescheduled_appointments_do_not_clash(pats_case, pat):
    ContactFactory(person=pats_case, starts_at=local(2030, 1, 7, 9), outcome_code=None)  # 9 to 10 by default
    ContactFactory(person=pats_case, starts_at=local(2030, 1, 7, 10), outcome_code="RSOF")
    assert clash_warnings(pats_case, pat, [Slot(local(2030, 1, 7, 10))]) == []


@pytest.mark.django_db
def test_a_good_slot_has_no_warnings(pats_case, pat):
    assert booking_warnings(pats_case, pat, [Slot(local(2030, 1, 7, 10), local(2030, 1, 7, 11))], LONG_AGO) == []


def test_working_hours_must_be_a_real_range():
    assert _working_hours("08:30-17:00") == (time(8, 30), time(17))
    for bad in ("8-17", "18:00-08:00", "nonsense", "08:00-12:00-13:00"):
        with pytest.raises(ImproperlyConfigured):
            _working_hours(bad)


def test_the_default_length_is_an_hour():
    slot = Slot(local(2030, 1, 7, 10))
    assert slot.end - slot.starts_at == timedelta(hours=1)
