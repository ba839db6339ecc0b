"""API v1 for people: the same access rules as the pages, through HTTP."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from cases.models import AccessRuleKind, CaseView
from tests.cases.factories import (
    CaseAccessRuleFactory,
    PersonFactory,
    RegistrationFactory,
    RequirementFactory,
    SentenceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"
# Session and user (2), the caller's team and PDU for the scope (2), the session save (3, with its
# savepoint); then the list adds count + page (2), the detail the case + its three prefetches (4).
LIST_QUERIES = 9
DETAIL_QUERIES = 11


def crns(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["crn"] for row in response.json()["results"]]


@pytest.fixture
def newcastle_case(newcastle):
    """A case in Pat's region but another PDU: visible under the default (region) scope."""
    return PersonFactory(crn="X100002", first_name="Mary", last_name="Jones", team=newcastle)


@pytest.fixture
def london_case(olga):
    return PersonFactory(crn="X900001", first_name="Lena", last_name="London", practitioner=olga, team=olga.team)


# --- GET /api/v1/people/ ------------------------------------------------------------------------


def test_it_lists_only_the_cases_pat_may_see(as_pat, pats_case, newcastle_case, london_case):
    assert crns(as_pat.get(PEOPLE)) == ["X100002", "X100001"]  # Jones, Smith


def test_it_lists_the_summary_fields(as_pat, pat, pats_case):
    [row] = as_pat.get(PEOPLE).json()["results"]
    assert row == {
        "crn": "X100001",
        "first_name": "John",
        "last_name": "Smith",
        "date_of_birth": "1990-05-17",
        "rosh": "MEDIUM",
        "tier": "C2",
        "team": "NEGH01",
        "practitioner": {"username": "pat", "name": "Pat Practitioner", "staff_code": "", "grade": "PO"},
    }


def test_olga_in_another_region_sees_none_of_pats_cases(as_olga, pats_case, newcastle_case, london_case):
    assert crns(as_olga.get(PEOPLE)) == ["X900001"]
    assert crns(as_olga.get(PEOPLE, {"q": "X100001"})) == []


def test_it_hides_a_restricted_case_from_staff_not_named(as_sam, pat, pats_case):
    CaseAccessRuleFactory(person=pats_case, user=pat, kind=AccessRuleKind.RESTRICTION)
    assert crns(as_sam.get(PEOPLE)) == []


def test_it_hides_a_case_from_excluded_staff(as_eve, eve, pats_case):
    CaseAccessRuleFactory(person=pats_case, user=eve, kind=AccessRuleKind.EXCLUSION)
    assert crns(as_eve.get(PEOPLE)) == []


def test_it_ranks_search_results_best_match_first(as_pat, pat):
    for crn, first, last in [
        ("X200001", "Anna", "Goldsmith"),  # contains "smith": weakest
        ("X200002", "Bob", "Smithson"),  # surname starts with "smith"
        ("X200003", "Carl", "Smith"),  # surname is "smith"
        ("X200004", "Dora", "Brown"),  # no match at all
    ]:
        PersonFactory(crn=crn, first_name=first, last_name=last, practitioner=pat)
    assert crns(as_pat.get(PEOPLE, {"q": "smith"})) == ["X200003", "X200002", "X200001"]


def test_an_exact_crn_beats_a_name_that_contains_it(as_pat, pat):
    PersonFactory(crn="X400001", first_name="Alex", last_name="X300001-Able", practitioner=pat)
    PersonFactory(crn="X300001", first_name="Zoe", last_name="Zed", practitioner=pat)
    assert crns(as_pat.get(PEOPLE, {"q": "x300001"})) == ["X300001", "X400001"]


def test_a_blank_or_odd_search_is_harmless(as_pat, pats_case):
    assert crns(as_pat.get(PEOPLE, {"q": "   "})) == ["X100001"]
    assert crns(as_pat.get(PEOPLE, {"q": "Smi\x00th"})) == ["X100001"]
    assert crns(as_pat.get(PEOPLE, {"q": "%_'\"; DROP TABLE"})) == []


def test_it_pages_results_fifty_at_a_time(as_pat, pat):
    PersonFactory.create_batch(51, practitioner=pat)
    first = as_pat.get(PEOPLE).json()
    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert first["next"].endswith("/api/v1/people/?page=2")
    second = as_pat.get(PEOPLE, {"page": 2}).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert {row["crn"] for row in first["results"]}.isdisjoint(row["crn"] for row in second["results"])


def test_it_answers_404_for_a_page_past_the_end(as_pat, pats_case):
    response = as_pat.get(PEOPLE, {"page": 9})
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("page", ["", "0", "-1", "last", "1.0", "abc", "\u0663"])
def test_it_answers_404_for_anything_but_a_page_number(as_pat, pats_case, page):
    response = as_pat.get(PEOPLE, {"page": page})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_it_refuses_anonymous_callers(client, pats_case):
    response = client.get(PEOPLE)
    assert response.status_code in {401, 403}
    assert "credentials were not provided" in response.json()["detail"]


def test_the_list_takes_the_same_number_of_queries_for_3_or_30_people(as_pat, pat, django_assert_max_num_queries):
    PersonFactory.create_batch(3, practitioner=pat)
    with django_assert_max_num_queries(LIST_QUERIES), CaptureQueriesContext(connection) as few:
        assert len(crns(as_pat.get(PEOPLE))) == 3
    PersonFactory.create_batch(27, practitioner=pat)
    with django_assert_max_num_queries(LIST_QUERIES), CaptureQueriesContext(connection) as many:
        assert len(crns(as_pat.get(PEOPLE))) == 30
    assert len(many) == len(few)


# --- GET /api/v1/people/{crn}/ ----------------------------------------------------------------


@pytest.fixture
def sentenced_case(pats_case):
    sentence = SentenceFactory(person=pats_case, offence="Burglary")
    RequirementFactory(sentence=sentence, category="UPW", length=100, unit="HOURS", delivered=12)
    RegistrationFactory(person=pats_case)
    return pats_case


def test_it_shows_a_case_with_sentences_requirements_and_registrations(as_pat, sentenced_case):
    response = as_pat.get(f"{PEOPLE}X100001/")
    assert response.status_code == 200
    body = response.json()
    assert body["crn"] == "X100001"
    assert body["team"] == "NEGH01"
    [sentence] = body["sentences"]
    assert sentence["offence"] == "Burglary"
    assert sentence["two_thirds_date"]
    [requirement] = sentence["requirements"]
    assert requirement | {"id": None} == {
        "id": None,
        "category": "UPW",
        "description": "",
        "length": 100,
        "unit": "HOURS",
        "delivered": 12,
        "start_date": None,
        "terminated_on": None,
    }
    [registration] = body["registrations"]
    assert registration["code"] == "RMDO"
    assert registration["review_overdue"] is False


def test_a_lower_case_crn_finds_the_case(as_pat, pats_case):
    assert as_pat.get(f"{PEOPLE}x100001/").json()["crn"] == "X100001"


def test_olga_in_another_region_gets_404(as_olga, sentenced_case):
    response = as_olga.get(f"{PEOPLE}X100001/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No case with that CRN"}


def test_excluded_staff_get_404(as_eve, eve, pats_case):
    assert as_eve.get(f"{PEOPLE}X100001/").status_code == 200
    CaseAccessRuleFactory(person=pats_case, user=eve, kind=AccessRuleKind.EXCLUSION)
    assert as_eve.get(f"{PEOPLE}X100001/").status_code == 404


@pytest.mark.parametrize("crn", ["X999999", "NOTACRN", "X1000010", "X10000%00"])
def test_a_missing_or_malformed_crn_gets_404(as_pat, pats_case, crn):
    assert as_pat.get(f"{PEOPLE}{crn}/").status_code == 404


def test_a_view_of_a_restricted_case_is_logged(as_pat, as_sam, pat, pats_case):
    CaseAccessRuleFactory(person=pats_case, user=pat, kind=AccessRuleKind.RESTRICTION)
    assert as_sam.get(f"{PEOPLE}X100001/").status_code == 404
    assert not CaseView.objects.exists()
    assert as_pat.get(f"{PEOPLE}X100001/").status_code == 200
    [view] = CaseView.objects.all()
    assert (view.person, view.user, view.path) == (pats_case, pat, "/api/v1/people/X100001/")


def test_a_view_of_an_unrestricted_case_is_not_logged(as_pat, pats_case):
    assert as_pat.get(f"{PEOPLE}X100001/").status_code == 200
    assert not CaseView.objects.exists()


def test_it_refuses_anonymous_callers_the_detail(client, pats_case):
    assert client.get(f"{PEOPLE}X100001/").status_code in {401, 403}


def test_the_detail_takes_the_same_number_of_queries_for_3_or_30_sentences(
    as_pat, pats_case, django_assert_max_num_queries
):
    def add_sentences(n: int) -> None:
        for _ in range(n):
            RequirementFactory(sentence=SentenceFactory(person=pats_case))

    add_sentences(3)
    with django_assert_max_num_queries(DETAIL_QUERIES), CaptureQueriesContext(connection) as few:
        assert len(as_pat.get(f"{PEOPLE}X100001/").json()["sentences"]) == 3
    add_sentences(27)
    with django_assert_max_num_queries(DETAIL_QUERIES), CaptureQueriesContext(connection) as many:
        assert len(as_pat.get(f"{PEOPLE}X100001/").json()["sentences"]) == 30
    assert len(many) == len(few)


# --- Token authentication ---------------------------------------------------------------------


def test_a_token_authenticates_without_a_session(pat, pats_case):
    token = Token.objects.create(user=pat)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert crns(client.get(PEOPLE)) == ["X100001"]
    assert client.get(f"{PEOPLE}X100001/").status_code == 200


def test_a_token_sees_only_its_owners_cases(olga, pats_case):
    token = Token.objects.create(user=olga)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert crns(client.get(PEOPLE)) == []
    assert client.get(f"{PEOPLE}X100001/").status_code == 404


def test_a_bad_token_is_refused(pats_case):
    client = Client(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(PEOPLE)
    assert response.status_code in {401, 403}
    assert response.json() == {"detail": "Invalid token."}


def test_a_deactivated_users_token_is_refused(pats_case):
    user = UserFactory(username="gone", team=pats_case.team, is_active=False)
    token = Token.objects.create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(PEOPLE).status_code in {401, 403}
