"""Booking appointments (single and recurring), the booking warnings and their override, and
rescheduling."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kit.calendar import bank_holiday
from supervision.models import AppointmentSeries, Contact
from tests.cases.pages import assert_problem, date_fields
from tests.supervision.factories import ContactFactory, at, contact_type

pytestmark = pytest.mark.django_db


def working_day(days_ahead: int) -> date:
    """A weekday that is not a bank holiday, at least `days_ahead` days from today."""
    day = timezone.localdate() + timedelta(days=days_ahead)
    while day.weekday() >= 5 or bank_holiday(day):
        day += timedelta(days=1)
    return day


def next_christmas() -> date:
    today = timezone.localdate()
    christmas = date(today.year, 12, 25)
    return christmas if christmas > today else date(today.year + 1, 12, 25)


def book_url(person) -> str:
    return reverse("supervision:book_appointment", args=[person.crn])


def booking(day: date | None = None, **overrides: str) -> dict[str, str]:
    data = {
        "contact_type": str(contact_type("COAP").pk),
        **date_fields("date", day or working_day(14)),
        "time": "10:00",
        "end_time": "",
        "location": "Gateshead office",
        "frequency": "",
        "occurrences": "",
        "override_reason": "",
    }
    data.update(overrides)
    return data


def test_a_practitioner_books_an_appointment(as_pat, pats_case, pat):
    day = working_day(14)
    response = as_pat.post(book_url(pats_case), booking(day, end_time="11:30"))
    assert response.status_code == 302
    assert response.url == reverse("supervision:contacts", args=[pats_case.crn])
    appointment = Contact.objects.get(person=pats_case)
    assert timezone.localtime(appointment.starts_at) == timezone.make_aware(datetime(day.year, day.month, day.day, 10))
    assert appointment.ends_at is not None and appointment.ends_at - appointment.starts_at == timedelta(minutes=90)
    assert appointment.outcome is None and appointment.staff == pat and appointment.created_by == pat
    assert appointment.location == "Gateshead office"
    assert appointment.booking_warnings == [] and appointment.override_reason == ""


def test_a_recurring_booking_creates_a_series_of_appointments(as_pat, pats_case):
    day = working_day(7)
    response = as_pat.post(
        book_url(pats_case), booking(day, frequency="FORTNIGHTLY", occurrences="6", override_reason="Checked")
    )
    assert response.status_code == 302
    series = AppointmentSeries.objects.get(person=pats_case)
    assert series.occurrences == 6 and series.frequency == "FORTNIGHTLY"
    appointments = list(Contact.objects.filter(series=series).order_by("starts_at"))
    assert len(appointments) == 6
    days = [timezone.localtime(a.starts_at) for a in appointments]
    assert [d.date() for d in days] == [day + timedelta(days=14 * i) for i in range(6)]
    assert {d.hour for d in days} == {10}  # the same clock time, across any clock change
    assert len({a.thread_id for a in appointments}) == 6


def test_a_bank_holiday_needs_a_reason_to_book(as_pat, pats_case):
    christmas = next_christmas()
    response = as_pat.post(book_url(pats_case), booking(christmas))
    content = response.content.decode()
    assert response.status_code == 200
    assert "bank holiday (Christmas Day)" in content
    assert "Why are you booking it anyway?" in content and "Book anyway" in content
    assert not Contact.objects.exists()

    response = as_pat.post(book_url(pats_case), booking(christmas, override_reason="Only day the person can attend"))
    assert response.status_code == 302
    appointment = Contact.objects.get()
    assert appointment.override_reason == "Only day the person can attend"
    assert any("bank holiday (Christmas Day)" in w for w in appointment.booking_warnings)


def test_a_clash_needs_a_reason_to_book(as_pat, pats_case):
    day = working_day(14)
    ContactFactory(
        person=pats_case,
        starts_at=timezone.make_aware(datetime(day.year, day.month, day.day, 10, 30)),
        outcome_code=None,
    )
    response = as_pat.post(book_url(pats_case), booking(day))
    assert "clashes with this person&#x27;s office appointment at 10:30am" in response.content.decode()
    assert Contact.objects.count() == 1
    assert as_pat.post(book_url(pats_case), booking(day, override_reason="Second appointment")).status_code == 302
    assert Contact.objects.count() == 2


def test_out_of_hours_and_weekend_bookings_are_warned_about(as_pat, pats_case):
    day = working_day(14)
    saturday = day + timedelta(days=5 - day.weekday())
    content = as_pat.post(book_url(pats_case), booking(saturday, time="19:00")).content.decode()
    assert "is at the weekend" in content
    assert "is outside working hours (08:00 to 18:00)" in content


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contact_type": ""}, "Select the type of appointment"),
        ({"contact_type": "EMTX"}, "Select a type of appointment from the list"),
        ({"location": ""}, "Enter where the office appointment will take place"),
        ({"frequency": "WEEKLY", "occurrences": ""}, "Enter how many appointments to book"),
        ({"frequency": "WEEKLY", "occurrences": "53"}, "Enter a number of appointments between 2 and 52"),
        ({"frequency": "WEEKLY", "occurrences": "1"}, "Enter a number of appointments between 2 and 52"),
        ({"frequency": "DAILY"}, "Select how often the appointment repeats"),
        ({"end_time": "09:00"}, "The end time must be after the start time"),
        ({"time": "noon"}, "Enter a real start time, for example 9:30am or 14:15"),
    ],
)
def test_it_refuses_bad_bookings(as_pat, pats_case, overrides, message):
    if overrides.get("contact_type") == "EMTX":
        overrides = {**overrides, "contact_type": str(contact_type("EMTX").pk)}
    assert_problem(as_pat.post(book_url(pats_case), booking(**overrides)), message)
    assert not Contact.objects.exists()
    assert not AppointmentSeries.objects.exists()


def test_read_only_staff_cannot_book(as_rory, pats_case):
    assert as_rory.get(book_url(pats_case)).status_code == 403
    assert as_rory.post(book_url(pats_case), booking()).status_code == 403
    assert not Contact.objects.exists()


def test_someone_in_another_region_cannot_book(as_olga, pats_case):
    assert as_olga.get(book_url(pats_case)).status_code == 404


def test_the_booking_page_uses_a_fixed_number_of_queries(as_pat, pats_case, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):
        assert as_pat.get(book_url(pats_case)).status_code == 200


def test_a_recurring_booking_checks_clashes_in_one_query(pats_case, pat, django_assert_max_num_queries):
    from supervision.services.appointments import book_appointment

    for days in range(30):
        ContactFactory(person=pats_case, starts_at=at(-days), outcome_code=None)
    day = working_day(3)
    with django_assert_max_num_queries(8):
        booked = book_appointment(
            pats_case,
            contact_type=contact_type("COAP"),
            starts_at=timezone.make_aware(datetime(day.year, day.month, day.day, 7)),
            location="Office",
            by=pat,
            frequency="WEEKLY",
            occurrences=20,
            override_reason="Early starts agreed",
        )
    assert len(booked) == 20


# --- Rescheduling -----------------------------------------------------------------------------------


def reschedule_url(contact) -> str:
    return reverse("supervision:reschedule_appointment", args=[contact.person.crn, contact.thread_id])


def test_rescheduling_records_the_outcome_and_books_a_replacement(as_pat, pats_case):
    old = ContactFactory(person=pats_case, starts_at=at(-3), outcome_code=None, location="Office")
    day = working_day(10)
    response = as_pat.post(
        reschedule_url(old), {"reason_outcome": "RSOF", **date_fields("date", day), "time": "14:00", "end_time": ""}
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.outcome.code == "RSOF" and old.version == 1
    new = Contact.objects.exclude(pk=old.pk).get()
    assert timezone.localtime(new.starts_at).date() == day and new.location == "Office" and new.outcome is None


def test_rescheduling_onto_a_bank_holiday_changes_nothing_until_confirmed(as_pat, pats_case):
    old = ContactFactory(person=pats_case, starts_at=at(-3), outcome_code=None, location="Office")
    data = {"reason_outcome": "RSSR", **date_fields("date", next_christmas()), "time": "10:00", "end_time": ""}
    response = as_pat.post(reschedule_url(old), data)
    assert "Christmas Day" in response.content.decode()
    old.refresh_from_db()
    assert old.outcome is None and Contact.objects.count() == 1
    assert as_pat.post(reschedule_url(old), {**data, "override_reason": "Person asked"}).status_code == 302
    assert Contact.objects.count() == 2


def test_rescheduling_needs_a_reason_and_a_date(as_pat, pats_case):
    old = ContactFactory(person=pats_case, starts_at=at(-3), outcome_code=None, location="Office")
    response = as_pat.post(reschedule_url(old), {"reason_outcome": "ATTC", "time": "10:00"})
    assert_problem(response, "Select who asked for the appointment to be rescheduled")
    assert_problem(response, "Enter the date of the appointment")
    old.refresh_from_db()
    assert old.outcome is None


def test_read_only_staff_cannot_reschedule(as_rory, as_olga, pats_case):
    old = ContactFactory(person=pats_case, starts_at=at(-3), outcome_code=None)
    assert as_rory.get(reschedule_url(old)).status_code == 403
    assert as_olga.get(reschedule_url(old)).status_code == 404


def test_the_reschedule_page_uses_a_fixed_number_of_queries(as_pat, pats_case, django_assert_max_num_queries):
    old = ContactFactory(person=pats_case, starts_at=at(-3), outcome_code=None)
    with django_assert_max_num_queries(11):
        assert as_pat.get(reschedule_url(old)).status_code == 200
