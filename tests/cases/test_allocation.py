"""Allocation: an SPO makes a practitioner in their team responsible for a case, with a rationale."""

from __future__ import annotations

import pytest

from cases.models import Allocation, Person, Role
from tests.cases.factories import PersonFactory, UserFactory
from tests.cases.pages import assert_problem, client_for, snapshot

pytestmark = pytest.mark.django_db

URL = "/people/X100009/allocate/"


@pytest.fixture
def waiting(gateshead):
    """A case in Sam's team awaiting allocation."""
    return PersonFactory(crn="X100009", first_name="Wanda", last_name="Waiting", team=gateshead)


def history(person) -> list[tuple]:
    return list(
        Allocation.objects.filter(person=person)
        .order_by("started_at")
        .values_list("practitioner__username", "ended_at", "rationale")
    )


def test_it_offers_only_practitioners_and_spos_in_the_team(as_sam, pat, eve, sam, olga, gateshead, waiting):
    reader = UserFactory(role=Role.READ_ONLY, team=gateshead)

    content = as_sam.get(URL).content.decode()

    assert "Allocate this case" in content
    for offered in (pat, eve, sam):
        assert f'value="{offered.pk}"' in content
    for not_offered in (olga, reader):
        assert f'value="{not_offered.pk}"' not in content


def test_it_allocates_a_waiting_case_to_a_practitioner(as_sam, sam, pat, waiting):
    response = as_sam.post(URL, {"practitioner": pat.pk, "rationale": "PO grade needed for the risk"}, follow=True)

    assert response.redirect_chain == [("/people/X100009/", 302)]
    waiting.refresh_from_db()
    assert waiting.practitioner == pat
    current = Allocation.objects.get(person=waiting, ended_at=None)
    assert (current.practitioner, current.allocated_by, current.rationale) == (
        pat,
        sam,
        "PO grade needed for the risk",
    )
    content = response.content.decode()
    assert "Case allocated to Pat Practitioner" in content
    assert "PO grade needed for the risk" in content
    assert "X100009" in as_sam.get(f"/team-caseload/?practitioner={pat.pk}").content.decode()


def test_a_reallocation_ends_the_previous_allocation_and_moves_the_case(as_sam, pat, eve, pats_case):
    as_sam.post("/people/X100001/allocate/", {"practitioner": eve.pk, "rationale": "Pat is on leave"})

    assert [(who, ended is not None) for who, ended, _ in history(pats_case)] == [
        ("pat", True),
        ("eve", False),
    ]
    assert "X100001" not in client_for(pat).get("/caseload/").content.decode()
    assert "X100001" in client_for(eve).get("/caseload/").content.decode()


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["pat", "rory"])
def test_it_refuses_anyone_who_is_not_an_spo(request, persona, pat, waiting):
    client = client_for(request.getfixturevalue(persona))
    before = history(waiting)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"practitioner": pat.pk, "rationale": "Mine now"}).status_code == 403
    assert history(waiting) == before


def test_it_refuses_an_spo_of_another_team_in_the_region(newcastle, pat, waiting):
    other_spo = client_for(UserFactory(role=Role.SPO, team=newcastle))
    before = history(waiting)

    assert other_spo.get(URL).status_code == 403
    assert other_spo.post(URL, {"practitioner": pat.pk, "rationale": "x"}).status_code == 403
    assert history(waiting) == before


def test_an_spo_in_another_region_gets_page_not_found(london_team, waiting):
    assert client_for(UserFactory(role=Role.SPO, team=london_team)).get(URL).status_code == 404


def test_an_excluded_spo_gets_page_not_found(as_sam, sam, waiting):
    waiting.access_rules.create(user=sam, kind="EXCLUSION")

    assert as_sam.get(URL).status_code == 404


# --- Bad input -------------------------------------------------------------------------------


def test_it_refuses_to_allocate_to_someone_outside_the_team(as_sam, olga, newcastle, waiting):
    neighbour = UserFactory(role=Role.PRACTITIONER, team=newcastle)
    before = history(waiting)

    for outsider in (olga, neighbour):
        response = as_sam.post(URL, {"practitioner": outsider.pk, "rationale": "x"})
        assert_problem(response, "Select a practitioner in your team")
    assert history(waiting) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"practitioner": ""}, "Select a practitioner"),
        ({"practitioner": "abc"}, "Select a practitioner in your team"),
        ({"practitioner": "9" * 30}, "Select a practitioner in your team"),
        ({"rationale": ""}, "Enter the allocation rationale"),
        ({"rationale": "x" * 2001}, "Ensure this value has at most 2000 characters (it has 2001)."),
    ],
)
def test_it_explains_what_is_wrong_and_changes_nothing(as_sam, pat, waiting, data, message):
    before, person_before = history(waiting), snapshot(waiting)

    response = as_sam.post(URL, {"practitioner": pat.pk, "rationale": "Capacity", **data})

    assert_problem(response, message)
    assert history(waiting) == before
    assert snapshot(waiting) == person_before


def test_it_refuses_to_allocate_a_case_to_a_practitioner_excluded_from_it(as_sam, eve, waiting):
    waiting.access_rules.create(user=eve, kind="EXCLUSION")
    before = history(waiting)

    response = as_sam.post(URL, {"practitioner": eve.pk, "rationale": "Capacity"})

    assert_problem(response, "Eve Excluded is excluded from this case")
    assert history(waiting) == before
    assert Person.objects.get(pk=waiting.pk).practitioner is None


def test_it_refuses_to_allocate_a_restricted_case_to_someone_not_on_its_access_list(as_sam, sam, pat, eve, waiting):
    waiting.access_rules.create(user=sam, kind="RESTRICTION")
    waiting.access_rules.create(user=pat, kind="RESTRICTION")
    before = history(waiting)

    refused = as_sam.post(URL, {"practitioner": eve.pk, "rationale": "Capacity"})
    allowed = as_sam.post(URL, {"practitioner": pat.pk, "rationale": "Named on the list"})

    assert_problem(refused, "This is a restricted case and Eve Excluded is not on its access list")
    assert allowed.status_code == 302
    assert len(history(waiting)) == len(before) + 1


# --- Query count -----------------------------------------------------------------------------


@pytest.mark.parametrize("staff", [2, 20])
def test_the_form_page_uses_a_fixed_number_of_queries(as_sam, gateshead, waiting, staff, django_assert_max_num_queries):
    for _ in range(staff):
        UserFactory(role=Role.PRACTITIONER, team=gateshead)

    with django_assert_max_num_queries(10):
        assert as_sam.get(URL).status_code == 200
