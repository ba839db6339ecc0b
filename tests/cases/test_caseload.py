"""My caseload: a practitioner's own cases, with filters, sorting, pagination and an htmx fragment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import Role
from tests.cases.factories import (
    PersonFactory,
    RegistrationFactory,
    SentenceFactory,
    UserFactory,
    registration_type,
)
from tests.cases.pages import assert_problem, client_for, is_fragment, problems

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def cases_for(practitioner, count: int, **fields):
    return [PersonFactory(practitioner=practitioner, **fields) for _ in range(count)]


def test_it_shows_a_practitioner_only_her_own_cases(as_pat, pat, eve, pats_case):
    PersonFactory(crn="X200001", first_name="Erin", last_name="Colleague", practitioner=eve)
    PersonFactory(crn="X200002", first_name="Una", last_name="Allocated", team=pat.team)

    response = as_pat.get("/caseload/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "My caseload" in content
    assert "Smith, John" in content and "X100001" in content
    assert "Colleague, Erin" not in content
    assert "Allocated, Una" not in content
    assert "1 case<" in content


def test_it_shows_each_cases_tier_rosh_sentence_and_flags(as_pat, pats_case):
    SentenceFactory(person=pats_case, order_type="SSO", expected_end_date=date(2027, 3, 9), start_date=date(2026, 3, 9))
    RegistrationFactory(person=pats_case, type=registration_type("ADVP"))
    RegistrationFactory(
        person=pats_case,
        type=registration_type("RSTO"),
        registered_on=TODAY - timedelta(days=200),
        review_due=TODAY - timedelta(days=1),
    )

    content = as_pat.get("/caseload/").content.decode()

    assert ">C2<" in content
    assert "Medium" in content
    assert "Suspended sentence order" in content
    assert "ends 9 Mar 2027" in content
    assert "Domestic abuse perpetrator" in content and "Risk to staff" in content
    assert "Review overdue" in content


def test_it_filters_by_tier_and_rosh(as_pat, pat):
    PersonFactory(crn="X300001", last_name="Alpha", tier="A1", rosh="HIGH", practitioner=pat)
    PersonFactory(crn="X300002", last_name="Bravo", tier="B2", rosh="HIGH", practitioner=pat)
    PersonFactory(crn="X300003", last_name="Charlie", tier="A3", rosh="LOW", practitioner=pat)

    content = as_pat.get("/caseload/?tier=A&rosh=HIGH").content.decode()

    assert "Alpha" in content
    assert "Bravo" not in content and "Charlie" not in content


def test_it_filters_by_sentence_type(as_pat, pat):
    on_licence, on_order = cases_for(pat, 2)
    SentenceFactory(person=on_licence, order_type="LICENCE")
    SentenceFactory(person=on_order, order_type="CO")

    content = as_pat.get("/caseload/?order_type=LICENCE").content.decode()

    assert on_licence.crn in content and on_order.crn not in content


def test_it_filters_by_registration_and_overdue_review(as_pat, pat):
    flagged, overdue, plain = cases_for(pat, 3)
    RegistrationFactory(person=flagged, type=registration_type("MAPP"), mappa_category=1, mappa_level=1)
    RegistrationFactory(person=overdue, registered_on=TODAY - timedelta(days=400), review_due=TODAY - timedelta(days=5))

    by_flag = as_pat.get("/caseload/?registration=MAPP").content.decode()
    by_overdue = as_pat.get("/caseload/?review_overdue=on").content.decode()

    assert flagged.crn in by_flag and overdue.crn not in by_flag and plain.crn not in by_flag
    assert overdue.crn in by_overdue and flagged.crn not in by_overdue and plain.crn not in by_overdue


def test_it_sorts_by_crn_in_either_direction(as_pat, pat):
    PersonFactory(crn="X400002", last_name="Aardvark", practitioner=pat)
    PersonFactory(crn="X400001", last_name="Zebra", practitioner=pat)

    ascending = as_pat.get("/caseload/?sort=crn").content.decode()
    descending = as_pat.get("/caseload/?sort=crn&direction=desc").content.decode()

    assert ascending.index("X400001") < ascending.index("X400002")
    assert descending.index("X400002") < descending.index("X400001")


def test_it_pages_long_caseloads_and_keeps_the_filters_in_page_links(as_pat, pat):
    cases_for(pat, 27, tier="B1")

    first = as_pat.get("/caseload/?tier=B").content.decode()
    second = as_pat.get("/caseload/?tier=B&page=2").content.decode()

    assert "27 cases" in first and "Page 1 of 2" in first
    assert "?tier=B&amp;page=2" in first
    assert "Page 2 of 2" in second
    assert second.count('class="govuk-table__row"') == 1 + 2  # header row and the last two cases


def test_an_htmx_request_gets_only_the_results_fragment(as_pat, pats_case):
    response = as_pat.get("/caseload/?tier=C", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert is_fragment(response)
    assert "Smith, John" in response.content.decode()
    assert "Apply filters" not in response.content.decode()


def test_an_htmx_request_with_a_bad_filter_shows_the_problem_in_the_fragment(as_pat, pats_case):
    response = as_pat.get("/caseload/?tier=Z", headers={"HX-Request": "true"})

    assert is_fragment(response)
    assert "Select tiers from the list" in problems(response)


def test_the_navigation_marks_my_caseload_as_the_current_page(as_pat):
    content = as_pat.get("/caseload/").content.decode()

    assert 'aria-current="page"' in content
    assert "Team caseload" not in content


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.QUALITY_LEAD, Role.ADMIN])
def test_it_refuses_staff_who_hold_no_caseload(role, gateshead):
    user = UserFactory(role=role, team=gateshead)

    response = client_for(user).get("/caseload/")

    assert response.status_code == 403
    assert "You do not have permission to view this page" in response.content.decode()


def test_a_practitioner_in_another_region_sees_none_of_pats_cases(as_olga, pats_case):
    content = as_olga.get("/caseload/").content.decode()

    assert "X100001" not in content
    assert "0 cases" in content


def test_a_case_allocated_to_a_practitioner_she_is_excluded_from_is_not_listed(as_eve, eve, sam):
    case = PersonFactory(crn="X500001", practitioner=eve)
    case.access_rules.create(user=eve, kind="EXCLUSION", reason="Known to the person")

    content = as_eve.get("/caseload/").content.decode()

    assert "X500001" not in content


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("tier=Z", "Select tiers from the list"),
        ("rosh=EXTREME", "Select RoSH levels from the list"),
        ("order_type=LIFE", "Select sentence types from the list"),
        ("registration=NOPE", "Select registrations from the list"),
        ("registration=%00", "Null characters are not allowed."),
        ("sort=evil", "Select what to sort by from the list"),
        ("sort=" + "x" * 500, "Select what to sort by from the list"),
        ("direction=sideways", "Select ascending or descending"),
    ],
)
def test_it_reports_a_malformed_filter_and_still_lists_the_cases(as_pat, pats_case, query, message):
    response = as_pat.get(f"/caseload/?{query}")

    assert_problem(response, message)
    assert "Smith, John" in response.content.decode()


def test_a_bad_filter_does_not_drop_the_good_ones(as_pat, pat):
    PersonFactory(crn="X600001", tier="A1", practitioner=pat)
    PersonFactory(crn="X600002", tier="D0", practitioner=pat)

    response = as_pat.get("/caseload/?tier=A&sort=evil")

    assert_problem(response, "Select what to sort by from the list")
    assert "X600001" in response.content.decode()
    assert "X600002" not in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1e3", "9" * 40, "%00"])
def test_a_malformed_page_number_shows_a_page_of_results(as_pat, pats_case, page):
    response = as_pat.get(f"/caseload/?page={page}")

    assert response.status_code == 200
    assert "Smith, John" in response.content.decode()


# --- Query count -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_number_of_queries_does_not_grow_with_the_caseload(as_pat, pat, count, django_assert_max_num_queries):
    for person in cases_for(pat, count):
        SentenceFactory(person=person)
        RegistrationFactory(person=person)
        RegistrationFactory(person=person, type=registration_type("ADVP"))

    with django_assert_max_num_queries(11):
        response = as_pat.get("/caseload/")

    assert response.status_code == 200
    assert f"{count} cases" in response.content.decode()
