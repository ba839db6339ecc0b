"""The initial appointment at its boundaries, through the contact policy's rule, the checks engine and
the API: five working days from the start on the one calendar (kit.calendar: bank holidays excluded,
on each side of the deadline), met by a face-to-face appointment held in time however much remote
contact came first, and a late one resolving the flag with its lateness kept in the flag's history."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from cases.models import Person
from inspections import services
from inspections.models import Flag, FlagKind
from supervision.policy import evaluate_case
from supervision.policy.rules import Shortfall
from tests.cases.factories import PersonFactory, SentenceFactory
from tests.supervision.factories import ContactFactory

pytestmark = pytest.mark.django_db

KIND = FlagKind.INITIAL_APPOINTMENT_OVERDUE


def on_day(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def started(pat, start: date) -> Person:
    case = PersonFactory(crn="X100001", practitioner=pat, team=pat.team)
    SentenceFactory(person=case, start_date=start, expected_end_date=start + timedelta(days=365))
    return case


def check(case: Person, on: date) -> Flag | None:
    services.run_checks(Person.objects.filter(pk=case.pk), on=on)
    return Flag.objects.open().filter(person=case, kind=KIND).first()


# Start → deadline (5 working days) and the first day the appointment is overdue.
CHRISTMAS = [
    # Sunday 22 Dec 2030: the deadline is Tuesday 31 Dec, the day before New Year's Day (a bank
    # holiday after the deadline does not move it); overdue from 1 Jan.
    (date(2030, 12, 22), date(2030, 12, 31)),
    # Tuesday 24 Dec: Christmas, Boxing Day and New Year's Day fall inside the five days, so the
    # deadline is Friday 3 Jan (counting weekdays only it was 31 Dec: the case was flagged early).
    (date(2030, 12, 24), date(2031, 1, 3)),
]


@pytest.mark.parametrize(("start", "deadline"), CHRISTMAS)
def test_the_flag_opens_the_day_after_the_deadline_on_the_bank_holiday_calendar(pat, start, deadline):
    case = started(pat, start)

    assert check(case, deadline) is None  # on the deadline itself: in time
    flag = check(case, deadline + timedelta(days=1))

    assert flag is not None and flag.due_by == deadline
    assert flag.evidence["working_days"] == 5
    assert f"by {deadline.day} {deadline:%B %Y}" in flag.evidence["summary"]


@pytest.mark.parametrize(("start", "deadline"), CHRISTMAS)
def test_the_contact_standard_and_the_api_give_the_same_deadline(as_pat, pat, start, deadline):
    case = started(pat, start)
    check(case, deadline + timedelta(days=1))

    finding = next(f for f in evaluate_case(case, deadline + timedelta(days=1)).findings)
    api = as_pat.get("/api/v1/people/X100001/flags/?open=true").json()["results"]

    assert finding.code == Shortfall.INITIAL_APPOINTMENT and finding.due == deadline
    assert [(row["kind"], row["due_by"]) for row in api] == [(KIND, deadline.isoformat())]


@pytest.mark.parametrize(
    ("contacts", "flagged"),
    [
        # A phone call first, then the face-to-face initial appointment on the deadline: met.
        ([("COPT", date(2030, 12, 27)), ("COAI", date(2031, 1, 3))], False),
        # A video initial appointment (remote) does not meet it on its own.
        ([("COVI", date(2030, 12, 27))], True),
        # Several remote contacts, then face to face in time: met.
        ([("COPT", date(2030, 12, 27)), ("COVC", date(2030, 12, 30)), ("COAP", date(2031, 1, 2))], False),
        # Face to face only after the deadline: overdue until then (see the next test).
        ([("COPT", date(2030, 12, 27))], True),
    ],
)
def test_earlier_remote_contact_does_not_spoil_a_face_to_face_initial_appointment_in_time(pat, contacts, flagged):
    case = started(pat, date(2030, 12, 24))
    for code, day in contacts:
        ContactFactory(person=case, type_code=code, starts_at=on_day(day))

    assert (check(case, date(2031, 1, 6)) is not None) is flagged


def test_a_late_initial_appointment_resolves_the_flag_and_keeps_its_lateness(as_pat, pat):
    case = started(pat, date(2030, 12, 24))  # due by Friday 3 January 2031
    ContactFactory(person=case, type_code="COPT", starts_at=on_day(date(2030, 12, 27)))
    flag = check(case, date(2031, 1, 6))
    assert flag is not None

    ContactFactory(person=case, type_code="COAI", starts_at=on_day(date(2031, 1, 8)))
    assert check(case, date(2031, 1, 8)) is None
    assert check(case, timezone.localdate()) is None  # and it stays resolved for the rest of the order

    flag.refresh_from_db()
    assert not flag.is_open
    assert flag.resolution == (
        "Initial appointment held face to face on 8 Jan 2031, 3 working days late (due by 3 Jan 2031)"
    )
    assert flag.due_by == date(2031, 1, 3)
    history = as_pat.get("/api/v1/people/X100001/flags/?open=false").json()["results"]
    assert [row["resolution"] for row in history if row["kind"] == KIND] == [flag.resolution]
    assert Shortfall.INITIAL_APPOINTMENT not in evaluate_case(case).shortfalls
