"""API v1 for contacts and appointments: listing, reading, recording and booking through the
same access rules and services as the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Person
from supervision.models import Contact
from tests import test_openapi
from tests.cases.factories import PersonFactory
from tests.supervision.factories import ContactFactory, at

# Fixtures shared with the schema tests: the WSGI app inside the test transaction, and Pat's token.
in_test_transaction = test_openapi.in_test_transaction
token = test_openapi.token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()  # the per-user throttle counts live in the cache


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api_pat(pat) -> APIClient:
    return api_for(pat)


def contacts_url(crn: str = "X100001") -> str:
    return f"/api/v1/people/{crn}/contacts/"


def a_week_ahead_at_ten() -> str:
    """A working-day morning about a week ahead (no bank holiday or weekend warnings)."""
    day = timezone.localdate() + timedelta(days=7)
    while day.weekday() >= 5 or (day.month, day.day) in {(12, 25), (12, 26), (1, 1)}:
        day += timedelta(days=1)
    return f"{day.isoformat()}T10:00:00"


# --- Listing and reading ------------------------------------------------------------------------


def test_it_lists_a_cases_current_contacts_newest_first(api_pat, pats_case):
    older = ContactFactory(person=pats_case, starts_at=at(10), type_code="COPT")
    newer = ContactFactory(person=pats_case, starts_at=at(2), location="Gateshead office")

    response = api_pat.get(contacts_url())

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [c["thread_id"] for c in body["results"]] == [str(newer.thread_id), str(older.thread_id)]
    assert (
        body["results"][0].items()
        >= {
            "contact_type": "COAP",
            "contact_type_description": "Office appointment",
            "is_face_to_face": True,
            "outcome": "ATTC",
            "location": "Gateshead office",
            "staff": "pat",
            "version": 1,
        }.items()
    )


def test_it_filters_contacts_by_type_and_dates(api_pat, pats_case):
    ContactFactory(person=pats_case, starts_at=at(30), type_code="COPT")
    wanted = ContactFactory(person=pats_case, starts_at=at(10), type_code="COPT")
    ContactFactory(person=pats_case, starts_at=at(10), type_code="COAP")
    ContactFactory(person=pats_case, starts_at=at(1), type_code="COPT")
    day = wanted.starts_at.date()

    response = api_pat.get(
        contacts_url(), {"type": "copt", "from": (day - timedelta(days=2)).isoformat(), "to": day.isoformat()}
    )

    assert [c["thread_id"] for c in response.json()["results"]] == [str(wanted.thread_id)]


def test_it_reads_one_contact_with_its_version_count(api_pat, pats_case):
    contact = ContactFactory(person=pats_case)

    response = api_pat.get(f"{contacts_url()}{contact.thread_id}/")

    assert response.status_code == 200
    assert response.json()["thread_id"] == str(contact.thread_id)
    assert response.json()["version_count"] == 1


def test_it_lists_in_a_fixed_number_of_queries(api_pat, pats_case, django_assert_max_num_queries):
    for days in range(40):
        ContactFactory(person=pats_case, starts_at=at(days + 1))

    with django_assert_max_num_queries(8):
        response = api_pat.get(contacts_url())

    assert len(response.json()["results"]) == 40


# --- Recording -----------------------------------------------------------------------------------


def test_it_records_a_contact_through_the_service(api_pat, pats_case, pat):
    started = (timezone.localtime() - timedelta(hours=2)).replace(microsecond=0)

    response = api_pat.post(
        contacts_url(),
        {
            "contact_type": "COAP",
            "starts_at": started.isoformat(),
            "outcome": "ATTC",
            "location": "Gateshead office",
            "notes": "Discussed employment.",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    contact = Contact.objects.get(thread_id=response.json()["thread_id"])
    assert contact.person == pats_case and contact.created_by == pat and contact.outcome.code == "ATTC"
    assert contact.starts_at == started


def test_it_answers_400_with_field_messages_for_bad_input(api_pat, pats_case):
    response = api_pat.post(contacts_url(), {"contact_type": "NOPE", "starts_at": "yesterday"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"contact_type", "starts_at"}
    assert Contact.objects.count() == 0


def test_it_answers_400_with_the_services_message_for_an_unsuitable_outcome(api_pat, pats_case):
    tomorrow = (timezone.localtime() + timedelta(days=1)).isoformat()

    response = api_pat.post(
        contacts_url(),
        {"contact_type": "COAP", "starts_at": tomorrow, "outcome": "ATTC", "location": "Office"},
        format="json",
    )

    assert response.status_code == 400
    assert "cannot be recorded before the contact has happened" in response.json()["outcome"][0]
    assert Contact.objects.count() == 0


def test_it_refuses_a_date_far_outside_the_calendar(api_pat, pats_case):
    response = api_pat.post(contacts_url(), {"contact_type": "COPT", "starts_at": "0001-01-01T00:00"}, format="json")

    assert response.status_code == 400
    assert response.json()["starts_at"] == ["Enter a date between 1900 and 2999."]


def test_it_refuses_bad_filters(api_pat, pats_case):
    impossible = api_pat.get(contacts_url(), {"from": "2025-02-30"})
    ancient = api_pat.get(contacts_url(), {"to": "0001-01-01"})
    backwards = api_pat.get(contacts_url(), {"from": "2025-02-03", "to": "2025-02-01"})

    assert impossible.status_code == ancient.status_code == backwards.status_code == 400
    assert set(impossible.json()) == {"from"}
    assert ancient.json() == {"to": ["Enter a date between 1900 and 2999."]}
    assert backwards.json() == {"to": ["Must be on or after from."]}


# --- Booking -------------------------------------------------------------------------------------


def test_it_books_an_appointment(api_pat, pats_case):
    response = api_pat.post(
        "/api/v1/people/X100001/appointments/",
        {"contact_type": "COAP", "starts_at": a_week_ahead_at_ten(), "location": "Gateshead office"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert len(response.json()) == 1
    assert Contact.objects.get().outcome is None


def test_it_answers_409_with_the_warnings_until_an_override_reason_is_given(api_pat, pats_case):
    booking = {"contact_type": "COAP", "starts_at": a_week_ahead_at_ten(), "location": "Gateshead office"}
    api_pat.post("/api/v1/people/X100001/appointments/", booking, format="json")

    clash = api_pat.post("/api/v1/people/X100001/appointments/", booking, format="json")
    overridden = api_pat.post(
        "/api/v1/people/X100001/appointments/", booking | {"override_reason": "Joint session"}, format="json"
    )

    assert clash.status_code == 409
    assert clash.json()["warnings"]
    assert overridden.status_code == 201
    assert Contact.objects.count() == 2


def test_it_books_a_recurring_series(api_pat, pats_case):
    response = api_pat.post(
        "/api/v1/people/X100001/appointments/",
        {
            "contact_type": "COPT",
            "starts_at": a_week_ahead_at_ten(),
            "frequency": "WEEKLY",
            "occurrences": 4,
            "override_reason": "Agreed with the person",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert len(response.json()) == 4


# --- Access --------------------------------------------------------------------------------------


def test_it_answers_401_without_credentials(pats_case):
    response = APIClient().get(contacts_url())

    assert response.status_code == 401


def test_it_answers_404_to_olga_for_a_north_east_case(olga, pats_case):
    contact = ContactFactory(person=pats_case)
    olgas = api_for(olga)

    assert olgas.get(contacts_url()).status_code == 404
    assert olgas.get(f"{contacts_url()}{contact.thread_id}/").status_code == 404
    assert olgas.post(contacts_url(), {"contact_type": "COPT"}, format="json").status_code == 404


def test_it_answers_403_to_rory_who_may_read_but_not_record(rory, pats_case):
    rorys = api_for(rory)
    started = (timezone.localtime() - timedelta(hours=2)).isoformat()

    assert rorys.get(contacts_url()).status_code == 200
    contact = rorys.post(contacts_url(), {"contact_type": "COPT", "starts_at": started}, format="json")
    booking = rorys.post(
        "/api/v1/people/X100001/appointments/", {"contact_type": "COPT", "starts_at": started}, format="json"
    )

    assert contact.status_code == 403 and booking.status_code == 403
    assert Contact.objects.count() == 0


def test_it_answers_404_for_a_contact_of_another_case(api_pat, pats_case, pat):
    other = ContactFactory(person=PersonFactory(crn="X100002", practitioner=pat))

    assert api_pat.get(f"{contacts_url()}{other.thread_id}/").status_code == 404
    assert api_pat.get(f"{contacts_url()}not-a-uuid/").status_code == 404


# --- Real responses match the OpenAPI document ----------------------------------------------------


@pytest.fixture
def documented(in_test_transaction, token):
    """The running application's OpenAPI schema, Pat's token, and her case X100001 (tests/test_openapi.py)."""
    return test_openapi.schema, {"Authorization": f"Token {token}"}


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [
        ("POST", "/api/v1/people/{crn}/contacts/", {"contact_type": "COPT", "outcome": "ATTC"}, 201),
        ("POST", "/api/v1/people/{crn}/contacts/", {"contact_type": "COPT", "outcome": "NOPE"}, 400),
        ("GET", "/api/v1/people/{crn}/contacts/", None, 200),
        ("POST", "/api/v1/people/{crn}/appointments/", {"contact_type": "COPT", "location": ""}, 201),
    ],
)
def test_real_responses_come_back_as_the_schema_describes(documented, method, path, body, expected):
    schema, headers = documented
    if body is not None:
        body = body | {"starts_at": a_week_ahead_at_ten() if "appointments" in path else "2025-01-06T10:00:00Z"}
    case = schema[path][method].Case(path_parameters={"crn": "X100001"}, body=body, media_type="application/json")
    if method == "GET":
        ContactFactory(person=Person.objects.get(crn="X100001"))
    response = case.call_and_validate(headers=headers)
    assert response.status_code == expected, response.text


def test_booking_warnings_and_one_contact_come_back_as_the_schema_describes(documented):
    schema, headers = documented
    booking = {"contact_type": "COPT", "starts_at": "2030-01-01T03:00:00Z"}  # a bank holiday, at night
    case = schema["/api/v1/people/{crn}/appointments/"]["POST"].Case(
        path_parameters={"crn": "X100001"}, body=booking, media_type="application/json"
    )
    warned = case.call_and_validate(headers=headers)
    contact = ContactFactory(person=Person.objects.get(crn="X100001"))
    detail = schema["/api/v1/people/{crn}/contacts/{thread_id}/"]["GET"].Case(
        path_parameters={"crn": "X100001", "thread_id": str(contact.thread_id)}
    )

    assert warned.status_code == 409
    assert detail.call_and_validate(headers=headers).status_code == 200
