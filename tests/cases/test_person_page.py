"""The person page: personal details, address, sentences with requirements, registrations and
allocation, each as a GOV.UK summary card."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import CaseView, Role
from tests.cases.factories import (
    AddressFactory,
    RegistrationFactory,
    RequirementFactory,
    SentenceFactory,
    UserFactory,
    registration_type,
)
from tests.cases.pages import client_for
from tests.supervision.factories import ContactFactory, at

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_it_shows_the_persons_details(as_pat, pats_case):
    pats_case.pnc_number = "2004/0012345A"
    pats_case.preferred_name = "Jack"
    pats_case.interpreter_required = True
    pats_case.save()

    response = as_pat.get("/people/X100001/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>John Smith (X100001)" in content
    assert "17 May 1990" in content
    assert "2004/0012345A" in content
    assert "Prefers to be called Jack" in content
    assert "Interpreter needed" in content


def test_it_shows_the_main_address_and_the_history(as_pat, pats_case):
    AddressFactory(
        person=pats_case,
        line1="1 Old Road",
        postcode="NE1 1AA",
        start_date=date(2020, 1, 1),
        end_date=date(2024, 1, 1),
        status="PREVIOUS",
    )
    AddressFactory(person=pats_case, line1="2 New Street", postcode="NE8 2BB", start_date=date(2024, 1, 1))

    content = as_pat.get("/people/X100001/").content.decode()

    assert "2 New Street, Leeds, NE8 2BB" in content
    assert "Since 1 Jan 2024" in content
    assert "1 Old Road" in content and "1 Jan 2020 to 1 Jan 2024" in content


def test_it_shows_sentences_with_two_thirds_point_and_requirement_progress(as_pat, pats_case):
    sentence = SentenceFactory(
        person=pats_case, order_type="CO", start_date=date(2026, 1, 1), expected_end_date=date(2026, 12, 31)
    )
    RequirementFactory(sentence=sentence, category="RAR", length=20, unit="DAYS", delivered=5)
    RequirementFactory(sentence=sentence, category="UPW", length=100, unit="HOURS", delivered=100)
    SentenceFactory(
        person=pats_case,
        order_type="SSO",
        start_date=date(2020, 1, 1),
        expected_end_date=date(2021, 1, 1),
        terminated_on=date(2020, 6, 1),
    )

    content = as_pat.get("/people/X100001/").content.decode()

    assert "Community order" in content
    assert "31 August 2026" in content  # two-thirds of 364 days from 1 January
    assert "5 of 20 days completed (25%)" in content
    assert "100 of 100 hours completed (100%)" in content
    assert "Suspended sentence order" in content and "Terminated" in content


def test_it_shows_active_registrations_with_overdue_reviews_and_closed_ones_apart(as_pat, pats_case, pat):
    RegistrationFactory(
        person=pats_case,
        type=registration_type("RSTO"),
        registered_on=TODAY - timedelta(days=300),
        review_due=TODAY - timedelta(days=3),
    )
    RegistrationFactory(person=pats_case, type=registration_type("MAPP"), mappa_category=2, mappa_level=1)
    RegistrationFactory(
        person=pats_case,
        type=registration_type("ADVV"),
        deregistered_on=TODAY,
        deregistration_reason="Risk has reduced",
        deregistered_by=pat,
    )

    content = as_pat.get("/people/X100001/").content.decode()

    assert "Risk to staff" in content and "Overdue" in content
    assert "Category 2, level 1" in content
    assert "Closed registrations (1)" in content and "Risk has reduced" in content


def test_it_shows_the_allocation_and_its_history(as_pat, pats_case):
    content = as_pat.get("/people/X100001/").content.decode()

    assert "Pat Practitioner (Probation officer)" in content
    assert "Gateshead Team 1, Gateshead and South Tyneside, North East" in content
    assert "Case opened" in content


def test_it_offers_the_change_links_to_staff_who_can_change_the_case(as_pat, pats_case):
    content = as_pat.get("/people/X100001/").content.decode()

    assert 'href="/people/X100001/personal-details/"' in content
    assert 'href="/people/X100001/address/"' in content
    assert 'href="/people/X100001/registrations/add/"' in content
    assert 'href="/people/X100001/allocate/"' not in content  # only the team's SPO allocates


def test_it_offers_the_team_spo_the_reallocate_link(as_sam, pats_case):
    content = as_sam.get("/people/X100001/").content.decode()

    assert 'href="/people/X100001/allocate/"' in content
    assert "Reallocate" in content


def test_a_read_only_user_sees_the_case_without_change_links(as_rory, pats_case):
    response = as_rory.get("/people/X100001/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Personal details" in content
    assert "personal-details/" not in content and "/address/" not in content and "registrations/add/" not in content


def test_it_finds_the_case_whatever_the_case_of_the_crn(as_pat, pats_case):
    assert as_pat.get("/people/x100001/").status_code == 200


def test_it_warns_that_a_restricted_case_is_restricted(as_pat, pat, pats_case):
    pats_case.access_rules.create(user=pat, kind="RESTRICTION")
    pats_case.restriction_message = "Access is limited to the case manager."
    pats_case.save()

    content = as_pat.get("/people/X100001/").content.decode()

    assert "This is a restricted case. Access is limited to the case manager." in content


# --- Access ----------------------------------------------------------------------------------


def test_a_practitioner_in_another_region_gets_page_not_found(as_olga, pats_case):
    response = as_olga.get("/people/X100001/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_an_excluded_colleague_gets_page_not_found(as_eve, eve, pats_case):
    pats_case.access_rules.create(user=eve, kind="EXCLUSION")

    assert as_eve.get("/people/X100001/").status_code == 404


@pytest.mark.parametrize("crn", ["X999999", "ABC", "X1000011", "X10000", "1100001", "X10%0001", "X100001%20OR%201=1"])
def test_a_missing_or_malformed_crn_gets_page_not_found(as_pat, pats_case, crn):
    assert as_pat.get(f"/people/{crn}/").status_code == 404


def test_it_refuses_non_get_methods(as_pat, pats_case):
    assert as_pat.post("/people/X100001/").status_code == 405


def test_a_quality_lead_in_the_region_can_read_the_case(gateshead, pats_case):
    quinn = UserFactory(role=Role.QUALITY_LEAD, team=gateshead)

    assert client_for(quinn).get("/people/X100001/").status_code == 200


def test_viewing_an_unrestricted_case_is_not_logged_as_a_restricted_view(as_pat, pats_case):
    as_pat.get("/people/X100001/")

    assert not CaseView.objects.exists()


# --- Query count -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 8])
def test_the_number_of_queries_does_not_grow_with_the_record(
    as_pat, pat, pats_case, count, django_assert_max_num_queries
):
    types = ["ADVP", "ADVV", "REG30", "RCPR", "RCCO", "RCHD", "RSTO", "RMDO"]
    for index in range(count):
        sentence = SentenceFactory(person=pats_case, start_date=TODAY - timedelta(days=400 * index + 10))
        RequirementFactory(sentence=sentence, category="RAR")
        RequirementFactory(sentence=sentence, category="UPW", unit="HOURS")
        RegistrationFactory(person=pats_case, type=registration_type(types[index]), registered_by=pat)
        AddressFactory(
            person=pats_case,
            status="PREVIOUS",
            start_date=date(2000 + index, 1, 1),
            end_date=date(2000 + index, 6, 1),
        )
        for days_ago in range(1, 6):
            ContactFactory(person=pats_case, sentence=sentence, starts_at=at(days_ago * (index + 1)))
        ContactFactory(person=pats_case, starts_at=at(index + 0.5), outcome_code="UAAB")

    # 13 for the case itself; the supervision panels (contact standard, compliance, contacts) add a
    # fixed number each (see supervision/views/*.person_section).
    with django_assert_max_num_queries(32):
        response = as_pat.get("/people/X100001/")

    assert response.status_code == 200
    assert response.content.decode().count("days completed") == count
