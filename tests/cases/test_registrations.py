"""Registrations (risk and need flags): add, review and close. Never deleted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cases.models import Registration, Role
from tests.cases.factories import PersonFactory, RegistrationFactory, UserFactory, registration_type
from tests.cases.pages import assert_problem, client_for, date_fields

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ADD = "/people/X100001/registrations/add/"


def registrations(person) -> list[Any]:
    return list(Registration.objects.filter(person=person).order_by("registered_on", "type__code").values())


@pytest.fixture
def registration(pats_case):
    return RegistrationFactory(
        person=pats_case,
        type=registration_type("RSTO"),
        registered_on=TODAY - timedelta(days=200),
        review_due=TODAY - timedelta(days=20),
    )


def review_url(registration) -> str:
    return f"/people/{registration.person.crn}/registrations/{registration.pk}/review/"


def close_url(registration) -> str:
    return f"/people/{registration.person.crn}/registrations/{registration.pk}/close/"


# --- Add -------------------------------------------------------------------------------------


def test_it_shows_the_add_form_with_active_types_only(as_pat, pats_case):
    retired = registration_type("INLL")
    retired.is_active = False
    retired.save()

    content = as_pat.get(ADD).content.decode()

    assert "Add a registration" in content
    assert 'value="ADVP"' in content
    assert 'value="INLL"' not in content


def test_it_adds_a_registration_with_the_types_standard_review_period(as_pat, pat, pats_case):
    registered_on = TODAY - timedelta(days=10)

    response = as_pat.post(
        ADD, {"registration_type": "RCPR", **date_fields("registered_on", registered_on)}, follow=True
    )

    assert response.redirect_chain == [("/people/X100001/", 302)]
    assert "Child protection registration added" in response.content.decode()
    added = Registration.objects.get(person=pats_case)
    assert added.type.code == "RCPR"
    assert added.review_due == registered_on + relativedelta(months=3)
    assert added.registered_by == pat


def test_it_adds_a_registration_with_a_chosen_review_date(as_pat, pats_case):
    data = {
        "registration_type": "ADVP",
        **date_fields("registered_on", TODAY),
        **date_fields("review_due", TODAY + timedelta(days=30)),
        "notes": "Disclosed by partner",
    }

    as_pat.post(ADD, data)

    added = Registration.objects.get(person=pats_case)
    assert added.review_due == TODAY + timedelta(days=30)
    assert added.notes == "Disclosed by partner"


def test_it_adds_a_mappa_registration_with_category_and_level(as_pat, pats_case):
    response = as_pat.post(
        ADD,
        {
            "registration_type": "MAPP",
            **date_fields("registered_on", TODAY),
            "mappa_category": "2",
            "mappa_level": "3",
        },
        follow=True,
    )

    added = Registration.objects.get(person=pats_case)
    assert (added.mappa_category, added.mappa_level) == (2, 3)
    assert "Category 2, level 3" in response.content.decode()


def test_a_type_can_be_registered_again_once_the_earlier_one_is_closed(as_pat, pat, pats_case):
    RegistrationFactory(
        person=pats_case,
        type=registration_type("ADVP"),
        deregistered_on=TODAY,
        deregistration_reason="Ended",
        deregistered_by=pat,
    )

    response = as_pat.post(ADD, {"registration_type": "ADVP", **date_fields("registered_on", TODAY)})

    assert response.status_code == 302
    assert Registration.objects.active().filter(person=pats_case).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"registration_type": ""}, "Select a type of registration"),
        ({"registration_type": "NOPE"}, "Select a type of registration"),
        ({"registration_type": "A\x00"}, "Null characters are not allowed."),
        (date_fields("registered_on"), "Enter the registration date"),
        ({"registered_on_day": ""}, "The registration date must include a day"),
        (
            date_fields("registered_on", TODAY + timedelta(days=1)),
            "The registration date must be today or in the past",
        ),
        (
            date_fields("registered_on", day="30", month="2", year="2025"),
            "The registration date must be a real date",
        ),
        (
            date_fields("review_due", day="1", month="", year=""),
            "The next review date must include a month and year",
        ),
        (
            date_fields("review_due", TODAY - timedelta(days=30)),
            "The review date must be on or after the registration date",
        ),
        ({"mappa_category": "2"}, "Only a MAPPA registration has a category and level"),
        ({"mappa_category": "9"}, "Select a valid choice. 9 is not one of the available choices."),
        ({"registration_type": "MAPP", "mappa_category": "2"}, "Enter the MAPPA category and level"),
        ({"notes": "x" * 2001}, "Ensure this value has at most 2000 characters (it has 2001)."),
    ],
)
def test_it_explains_what_is_wrong_with_a_new_registration_and_adds_nothing(as_pat, pats_case, data, message):
    response = as_pat.post(
        ADD, {"registration_type": "ADVP", **date_fields("registered_on", TODAY - timedelta(days=1)), **data}
    )

    assert_problem(response, message)
    assert registrations(pats_case) == []


def test_it_refuses_a_second_active_registration_of_the_same_type(as_pat, pats_case, registration):
    before = registrations(pats_case)

    response = as_pat.post(ADD, {"registration_type": "RSTO", **date_fields("registered_on", TODAY)})

    assert_problem(response, "John Smith already has an active Risk to staff registration")
    assert registrations(pats_case) == before


# --- Review ----------------------------------------------------------------------------------


def test_it_shows_the_review_form_with_the_due_date(as_pat, registration):
    content = as_pat.get(review_url(registration)).content.decode()

    assert "Review the Risk to staff registration" in content
    assert "Overdue" in content


def test_it_records_a_review_and_the_next_review_date(as_pat, registration):
    data = {
        **date_fields("reviewed_on", TODAY),
        **date_fields("next_review_due", TODAY + timedelta(days=90)),
        "notes": "Still needed",
    }

    response = as_pat.post(review_url(registration), data, follow=True)

    assert "Risk to staff registration reviewed" in response.content.decode()
    registration.refresh_from_db()
    assert registration.review_due == TODAY + timedelta(days=90)
    assert f"Reviewed {TODAY:%d %b %Y} by Pat Practitioner: Still needed" in registration.notes
    assert "Overdue" not in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (date_fields("reviewed_on"), "Enter the review date"),
        (
            date_fields("reviewed_on", TODAY + timedelta(days=1)),
            "The review date must be today or in the past",
        ),
        (date_fields("next_review_due"), "Enter the next review date"),
        (date_fields("next_review_due", TODAY), "The next review date must be after the review date"),
        (
            date_fields("reviewed_on", TODAY - timedelta(days=2000)),
            "The review date must be on or after the registration date",
        ),
        (
            date_fields("next_review_due", day="31", month="4", year="2030"),
            "The next review date must be a real date",
        ),
        ({"notes": "x" * 501}, "Ensure this value has at most 500 characters (it has 501)."),
    ],
)
def test_it_explains_what_is_wrong_with_a_review_and_changes_nothing(as_pat, pats_case, registration, data, message):
    before = registrations(pats_case)
    valid = {
        **date_fields("reviewed_on", TODAY),
        **date_fields("next_review_due", TODAY + timedelta(days=90)),
    }

    response = as_pat.post(review_url(registration), {**valid, **data})

    assert_problem(response, message)
    assert registrations(pats_case) == before


def test_it_refuses_to_review_a_closed_registration(as_pat, pat, pats_case):
    closed = RegistrationFactory(
        person=pats_case, deregistered_on=TODAY, deregistration_reason="Ended", deregistered_by=pat
    )
    before = registrations(pats_case)

    response = as_pat.post(
        review_url(closed),
        {**date_fields("reviewed_on", TODAY), **date_fields("next_review_due", TODAY + timedelta(days=9))},
    )

    assert_problem(response, "This registration has been closed and cannot be reviewed")
    assert registrations(pats_case) == before


# --- Close -----------------------------------------------------------------------------------


def test_it_closes_a_registration_and_keeps_it_on_record(as_pat, pat, pats_case, registration):
    response = as_pat.post(
        close_url(registration), {**date_fields("on", TODAY), "reason": "Threats withdrawn"}, follow=True
    )

    assert response.redirect_chain == [("/people/X100001/", 302)]
    registration.refresh_from_db()
    assert registration.deregistered_on == TODAY
    assert registration.deregistration_reason == "Threats withdrawn"
    assert registration.deregistered_by == pat
    content = response.content.decode()
    assert "Risk to staff registration closed" in content
    assert "Closed registrations (1)" in content and "No active registrations." in content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "Enter why the registration is being closed"),
        ({"reason": "   "}, "Enter why the registration is being closed"),
        (date_fields("on"), "Enter the end date"),
        (date_fields("on", TODAY + timedelta(days=1)), "The end date must be today or in the past"),
        (
            date_fields("on", TODAY - timedelta(days=365)),
            "The end date must be on or after the registration date",
        ),
    ],
)
def test_it_explains_what_is_wrong_with_a_closure_and_changes_nothing(as_pat, pats_case, registration, data, message):
    before = registrations(pats_case)

    response = as_pat.post(close_url(registration), {**date_fields("on", TODAY), "reason": "Ended", **data})

    assert_problem(response, message)
    assert registrations(pats_case) == before


def test_it_refuses_to_close_a_registration_twice(as_pat, pat, pats_case):
    closed = RegistrationFactory(
        person=pats_case, deregistered_on=TODAY, deregistration_reason="Ended", deregistered_by=pat
    )
    before = registrations(pats_case)

    response = as_pat.post(close_url(closed), {**date_fields("on", TODAY), "reason": "Again"})

    assert_problem(response, "This registration is already closed")
    assert registrations(pats_case) == before


# --- Access ----------------------------------------------------------------------------------


def all_urls(registration) -> list[str]:
    return [ADD, review_url(registration), close_url(registration)]


def test_a_practitioner_in_another_region_gets_page_not_found_everywhere(as_olga, pats_case, registration):
    before = registrations(pats_case)

    for url in all_urls(registration):
        assert as_olga.get(url).status_code == 404, url
        assert as_olga.post(url, {"reason": "x", "registration_type": "ADVP"}).status_code == 404, url
    assert registrations(pats_case) == before


def test_an_excluded_colleague_gets_page_not_found_everywhere(as_eve, eve, pats_case, registration):
    pats_case.access_rules.create(user=eve, kind="EXCLUSION")

    for url in all_urls(registration):
        assert as_eve.get(url).status_code == 404, url


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.QUALITY_LEAD])
def test_staff_who_may_only_read_are_refused_everywhere(role, gateshead, pats_case, registration):
    client = client_for(UserFactory(role=role, team=gateshead))
    before = registrations(pats_case)

    for url in all_urls(registration):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {**date_fields("on", TODAY), "reason": "x"}).status_code == 403, url
    assert registrations(pats_case) == before


def test_a_registration_cannot_be_reached_through_another_persons_crn(as_pat, pat, registration):
    other = PersonFactory(crn="X100002", practitioner=pat)

    assert as_pat.get(f"/people/{other.crn}/registrations/{registration.pk}/close/").status_code == 404
    assert as_pat.get(f"/people/{other.crn}/registrations/{registration.pk}/review/").status_code == 404


def test_an_unknown_or_malformed_registration_id_gets_page_not_found(as_pat, pats_case):
    assert as_pat.get("/people/X100001/registrations/00000000-0000-0000-0000-000000000000/close/").status_code == 404
    assert as_pat.get("/people/X100001/registrations/not-a-uuid/close/").status_code == 404


# --- Query count -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 10])
def test_the_form_pages_use_a_fixed_number_of_queries(
    as_pat, pat, pats_case, registration, count, django_assert_max_num_queries
):
    for _ in range(count):
        RegistrationFactory(
            person=pats_case,
            type=registration_type("ADVV"),
            deregistered_on=TODAY,
            deregistration_reason="Ended",
            deregistered_by=pat,
        )

    for url in all_urls(registration):
        with django_assert_max_num_queries(10):
            assert as_pat.get(url).status_code == 200
