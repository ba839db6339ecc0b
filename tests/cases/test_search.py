"""Search for a case by CRN or name, among the cases the member of staff may see."""

from __future__ import annotations

import re

import pytest

from tests.cases.factories import PersonFactory
from tests.cases.pages import assert_problem, is_fragment, problems

pytestmark = pytest.mark.django_db


def result_crns(response) -> list[str]:
    """CRNs in the results table, in the order shown."""
    return re.findall(r'<td class="govuk-table__cell">([A-Z][0-9]{6})</td>', response.content.decode())


def test_the_search_page_shows_an_empty_form_without_errors(as_pat):
    response = as_pat.get("/search/")

    assert response.status_code == 200
    assert "Search for a case" in response.content.decode()
    assert problems(response) == []


@pytest.mark.parametrize("query", ["X100001", "x100001", " X100001 ", "X1000", "smith", "SMI", "John"])
def test_it_finds_a_case_by_crn_or_name(as_pat, pats_case, query):
    response = as_pat.get("/search/", {"q": query})

    assert response.status_code == 200
    assert result_crns(response) == ["X100001"]
    assert "John Smith" in response.content.decode()
    assert "Pat Practitioner" in response.content.decode()


def test_it_puts_the_exact_crn_first(as_pat, pat):
    PersonFactory(crn="X123450", last_name="X12345-lookalike", practitioner=pat)
    PersonFactory(crn="X123456", last_name="Exact", practitioner=pat)
    PersonFactory(crn="X123457", last_name="Prefix", practitioner=pat)

    assert result_crns(as_pat.get("/search/", {"q": "X123456"}))[0] == "X123456"
    # Equally good (CRN prefix) matches come in surname order.
    assert result_crns(as_pat.get("/search/", {"q": "X12345"})) == ["X123456", "X123457", "X123450"]


def test_it_finds_cases_in_the_whole_region_but_not_another_region(as_pat, newcastle, london_team):
    PersonFactory(crn="X120001", last_name="Tyneside", team=newcastle)
    PersonFactory(crn="X120002", last_name="Tyneside", team=london_team)

    assert result_crns(as_pat.get("/search/", {"q": "Tyneside"})) == ["X120001"]


def test_it_never_shows_a_restricted_case_to_staff_not_named_on_it(as_sam, pat, pats_case):
    pats_case.access_rules.create(user=pat, kind="RESTRICTION")

    response = as_sam.get("/search/", {"q": "X100001"})

    assert result_crns(response) == []
    assert "No cases you can see match your search" in response.content.decode()


def test_it_never_shows_a_case_to_excluded_staff(as_eve, eve, pats_case):
    pats_case.access_rules.create(user=eve, kind="EXCLUSION")

    assert result_crns(as_eve.get("/search/", {"q": "Smith"})) == []


def test_an_admin_without_a_team_finds_no_cases(as_ada, pats_case):
    assert result_crns(as_ada.get("/search/", {"q": "X100001"})) == []


def test_it_pages_results_and_keeps_the_query_in_page_links(as_pat, pat):
    for _ in range(26):
        PersonFactory(last_name="Common", practitioner=pat)

    first = as_pat.get("/search/", {"q": "Common"}).content.decode()
    second = as_pat.get("/search/", {"q": "Common", "page": "2"})

    assert "26 results" in first and "?q=Common&amp;page=2" in first
    assert len(result_crns(second)) == 1


def test_an_htmx_request_gets_only_the_results_fragment(as_pat, pats_case):
    response = as_pat.get("/search/?q=smith", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert is_fragment(response)
    assert result_crns(response) == ["X100001"]


def test_an_htmx_request_with_an_empty_search_shows_the_problem_in_the_fragment(as_pat):
    response = as_pat.get("/search/?q=", headers={"HX-Request": "true"})

    assert is_fragment(response)
    assert problems(response) == ["Enter a CRN or a name"]


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Enter a CRN or a name"),
        ("   ", "Enter a CRN or a name"),
        ("x" * 500, "Search must be 100 characters or fewer"),
        ("Smi\x00th", "Null characters are not allowed."),
    ],
)
def test_it_explains_a_search_it_cannot_run(as_pat, pats_case, query, message):
    response = as_pat.get("/search/", {"q": query})

    assert_problem(response, message)
    assert result_crns(response) == []


@pytest.mark.parametrize("query", ["%", "_", "'; DROP TABLE cases_person; --", "\\", "Smith*", "名前"])
def test_it_treats_special_characters_as_plain_text(as_pat, pats_case, query):
    response = as_pat.get("/search/", {"q": query})

    assert response.status_code == 200
    assert result_crns(response) == []


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "%00"])
def test_a_malformed_page_number_shows_a_page_of_results(as_pat, pats_case, page):
    response = as_pat.get(f"/search/?q=Smith&page={page}")

    assert response.status_code == 200
    assert result_crns(response) == ["X100001"]


# --- Query count -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_number_of_queries_does_not_grow_with_the_results(
    as_pat, pat, newcastle, count, django_assert_max_num_queries
):
    for index in range(count):
        PersonFactory(
            last_name="Walker",
            practitioner=pat if index % 2 else None,
            team=pat.team if index % 2 else newcastle,
        )

    with django_assert_max_num_queries(9):
        response = as_pat.get("/search/", {"q": "Walker"})

    assert response.status_code == 200
    assert f"{count} results" in response.content.decode()
