"""Team caseload: an SPO sees every case in their team, allocated or awaiting allocation."""

from __future__ import annotations

import pytest

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


@pytest.fixture
def team_cases(pat, eve, gateshead, newcastle):
    return {
        "pats": PersonFactory(crn="X110001", last_name="Patcase", practitioner=pat),
        "eves": PersonFactory(crn="X110002", last_name="Evecase", practitioner=eve),
        "waiting": PersonFactory(crn="X110003", last_name="Waiting", team=gateshead),
        "elsewhere": PersonFactory(crn="X110004", last_name="Elsewhere", team=newcastle),
    }


def test_it_shows_an_spo_every_case_in_her_team(as_sam, team_cases):
    response = as_sam.get("/team-caseload/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Team caseload: Gateshead Team 1" in content
    assert "Patcase" in content and "Evecase" in content and "Waiting" in content
    assert "Elsewhere" not in content
    assert "Pat Practitioner" in content and "Awaiting allocation" in content
    assert "3 cases" in content


def test_it_filters_by_practitioner(as_sam, pat, team_cases):
    content = as_sam.get(f"/team-caseload/?practitioner={pat.pk}").content.decode()

    assert "Patcase" in content
    assert "Evecase" not in content and "Waiting" not in content


def test_it_shows_only_cases_awaiting_allocation(as_sam, team_cases):
    content = as_sam.get("/team-caseload/?unallocated=on").content.decode()

    assert "Waiting" in content
    assert "Patcase" not in content and "Evecase" not in content


def test_the_practitioner_filter_offers_only_the_spos_team(as_sam, pat, olga):
    content = as_sam.get("/team-caseload/").content.decode()

    assert f'value="{pat.pk}"' in content
    assert f'value="{olga.pk}"' not in content


def test_it_hides_a_restricted_case_the_spo_is_not_named_on(as_sam, pat, team_cases):
    team_cases["pats"].access_rules.create(user=pat, kind="RESTRICTION")

    content = as_sam.get("/team-caseload/").content.decode()

    assert "Patcase" not in content
    assert "Evecase" in content


def test_an_htmx_request_gets_only_the_results_fragment(as_sam, team_cases):
    response = as_sam.get("/team-caseload/?unallocated=on", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert is_fragment(response)
    assert "Waiting" in response.content.decode()


# --- Access ----------------------------------------------------------------------------------


def test_it_refuses_a_practitioner(as_pat, team_cases):
    response = as_pat.get("/team-caseload/")

    assert response.status_code == 403
    assert "You do not have permission to view this page" in response.content.decode()


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.QUALITY_LEAD, Role.ADMIN])
def test_it_refuses_anyone_who_is_not_an_spo(role, gateshead, team_cases):
    user = UserFactory(role=role, team=gateshead)

    assert client_for(user).get("/team-caseload/").status_code == 403


def test_it_refuses_an_spo_without_a_team(db):
    user = UserFactory(role=Role.SPO, team=None)

    assert client_for(user).get("/team-caseload/").status_code == 403


def test_an_spo_in_another_region_sees_none_of_the_teams_cases(london_team, team_cases):
    spo = UserFactory(role=Role.SPO, team=london_team)

    content = client_for(spo).get("/team-caseload/").content.decode()

    assert "0 cases" in content
    assert "Patcase" not in content


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("practitioner=abc", "Select a practitioner in your team"),
        ("practitioner=999999999", "Select a practitioner in your team"),
        ("practitioner=" + "9" * 30, "Select a practitioner in your team"),
        ("tier=Z", "Select tiers from the list"),
        ("sort=evil", "Select what to sort by from the list"),
    ],
)
def test_it_reports_a_malformed_filter_and_still_lists_the_cases(as_sam, team_cases, query, message):
    response = as_sam.get(f"/team-caseload/?{query}")

    assert_problem(response, message)
    assert "Patcase" in response.content.decode()


def test_it_refuses_to_filter_by_a_practitioner_in_another_team(as_sam, olga, team_cases):
    response = as_sam.get(f"/team-caseload/?practitioner={olga.pk}")

    assert_problem(response, "Select a practitioner in your team")


def test_an_htmx_request_with_a_bad_filter_shows_the_problem_in_the_fragment(as_sam, team_cases):
    response = as_sam.get("/team-caseload/?practitioner=abc", headers={"HX-Request": "true"})

    assert is_fragment(response)
    assert problems(response) == ["Select a practitioner in your team"]


@pytest.mark.parametrize("page", ["abc", "-5", "10000"])
def test_a_malformed_page_number_shows_a_page_of_results(as_sam, team_cases, page):
    response = as_sam.get(f"/team-caseload/?page={page}")

    assert response.status_code == 200
    assert "Patcase" in response.content.decode()


# --- Query count -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_number_of_queries_does_not_grow_with_the_team_caseload(
    as_sam, pat, eve, gateshead, count, django_assert_max_num_queries
):
    for index in range(count):
        person = PersonFactory(practitioner=[pat, eve, None][index % 3], team=gateshead)
        SentenceFactory(person=person)
        RegistrationFactory(person=person, type=registration_type("ADVV"))

    with django_assert_max_num_queries(13):
        response = as_sam.get("/team-caseload/")

    assert response.status_code == 200
    assert f"{count} cases" in response.content.decode()
