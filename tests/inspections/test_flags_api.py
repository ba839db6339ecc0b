"""API v1 for flags: one case's flags and the open flags across the caller's cases, through HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from inspections.models import Flag
from tests.cases.factories import PersonFactory
from tests.inspections.factories import FlagFactory

pytestmark = pytest.mark.django_db


def kinds(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["kind"] for row in response.json()["results"]]


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def flags(pat, eve, newcastle, olga):
    pats = PersonFactory(crn="X100001", first_name="John", last_name="Smith", practitioner=pat)
    eves = PersonFactory(crn="X100002", practitioner=eve)
    newcastles = PersonFactory(crn="X100003", team=newcastle)
    londons = PersonFactory(crn="X900001", practitioner=olga)
    gone = FlagFactory(person=pats, kind="HOME_VISIT_OVERDUE", opened_at=days_ago(50))
    Flag.objects.filter(pk=gone.pk).update(resolved_at=timezone.now(), resolution="Home visit recorded")
    return {
        "pat_tel": FlagFactory(
            person=pats, kind="TELEPHONE_ONLY", opened_at=days_ago(30), evidence={"contacts": [{"type": "COPT"}]}
        ),
        "pat_out": FlagFactory(person=pats, kind="OUTCOME_NOT_RECORDED", opened_at=days_ago(3)),
        "eve_tel": FlagFactory(person=eves, kind="TELEPHONE_ONLY", opened_at=days_ago(20)),
        "newcastle": FlagFactory(person=newcastles, kind="TELEPHONE_ONLY", opened_at=days_ago(10)),
        "london": FlagFactory(person=londons, kind="TELEPHONE_ONLY"),
        "resolved": gone,
    }


# --- GET /api/v1/people/{crn}/flags/ --------------------------------------------------------------


def test_it_lists_a_cases_flags_open_and_resolved_newest_first(as_pat, flags):
    response = as_pat.get("/api/v1/people/X100001/flags/")
    assert kinds(response) == ["OUTCOME_NOT_RECORDED", "TELEPHONE_ONLY", "HOME_VISIT_OVERDUE"]
    telephone = response.json()["results"][1]
    assert telephone["crn"] == "X100001"
    assert telephone["kind_description"] == "Telephone-only supervision"
    assert telephone["severity"] == "HIGH" and telephone["standard"] == "2.3"
    assert telephone["is_open"] is True and telephone["is_acknowledged"] is False
    assert telephone["evidence"] == {"contacts": [{"type": "COPT"}]}
    resolved = response.json()["results"][2]
    assert resolved["is_open"] is False and resolved["resolution"] == "Home visit recorded"


@pytest.mark.parametrize(
    ("query", "expected"),
    [("?open=true", ["OUTCOME_NOT_RECORDED", "TELEPHONE_ONLY"]), ("?open=false", ["HOME_VISIT_OVERDUE"])],
)
def test_it_filters_a_cases_flags_by_open(as_pat, flags, query, expected):
    assert kinds(as_pat.get(f"/api/v1/people/X100001/flags/{query}")) == expected


@pytest.mark.parametrize("value", ["yes", "1", "TRUE", "%00", ""])
def test_it_refuses_a_bad_open_value(as_pat, flags, value):
    response = as_pat.get(f"/api/v1/people/X100001/flags/?open={value}")
    assert response.status_code == 400
    assert "open" in response.json()


def test_it_hides_a_case_from_another_region(as_olga, flags):
    assert as_olga.get("/api/v1/people/X100001/flags/").status_code == 404
    assert as_olga.get("/api/v1/people/NOPE/flags/").status_code == 404


def test_it_refuses_a_caller_without_credentials(flags):
    assert Client().get("/api/v1/people/X100001/flags/").status_code in (401, 403)
    assert Client().get("/api/v1/flags/").status_code in (401, 403)


def test_it_takes_a_token(pat, flags):
    token = Token.objects.create(user=pat)
    response = Client().get("/api/v1/people/X100001/flags/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_a_cases_flags_cost_the_same_for_many(as_pat, pats_case, count, django_assert_max_num_queries):
    for n in range(count):
        flag = FlagFactory(person=pats_case, opened_at=days_ago(n + 1))
        Flag.objects.filter(pk=flag.pk).update(resolved_at=timezone.now(), resolution="Seen")
    with django_assert_max_num_queries(10):
        response = as_pat.get("/api/v1/people/X100001/flags/")
    assert response.json()["count"] == count


# --- GET /api/v1/flags/ ---------------------------------------------------------------------------


def test_an_spo_lists_her_teams_open_flags_oldest_first(as_sam, flags):
    response = as_sam.get("/api/v1/flags/")
    assert [row["crn"] for row in response.json()["results"]] == ["X100001", "X100002", "X100001"]
    assert kinds(response) == ["TELEPHONE_ONLY", "TELEPHONE_ONLY", "OUTCOME_NOT_RECORDED"]


def test_a_practitioner_lists_the_open_flags_of_the_cases_she_may_see(as_pat, flags):
    crns = {row["crn"] for row in as_pat.get("/api/v1/flags/").json()["results"]}
    assert crns == {"X100001", "X100002", "X100003"}  # her region (the default scope), not London


def test_another_region_sees_only_its_own(as_olga, flags):
    assert {row["crn"] for row in as_olga.get("/api/v1/flags/").json()["results"]} == {"X900001"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?kind=OUTCOME_NOT_RECORDED", ["X100001"]),
        ("?kind=TELEPHONE_ONLY", ["X100001", "X100002"]),
        ("?practitioner=eve", ["X100002"]),
        ("?practitioner=eve&kind=OUTCOME_NOT_RECORDED", []),
        ("?practitioner=nobody", []),
    ],
)
def test_an_spo_filters_by_kind_and_practitioner(as_sam, flags, query, expected):
    response = as_sam.get(f"/api/v1/flags/{query}")
    assert response.status_code == 200
    assert [row["crn"] for row in response.json()["results"]] == expected


@pytest.mark.parametrize("query", ["?kind=NOPE", "?kind=open", "?practitioner=" + "x" * 151, "?practitioner=a%00b"])
def test_it_refuses_bad_filters(as_sam, flags, query):
    assert as_sam.get(f"/api/v1/flags/{query}").status_code == 400


def test_an_empty_kind_or_open_is_refused_as_the_schema_says(as_sam, flags):
    assert as_sam.get("/api/v1/flags/?kind=").status_code == 400
    assert as_sam.get("/api/v1/people/X100001/flags/?open=").status_code == 400
    assert len(as_sam.get("/api/v1/flags/?practitioner=").json()["results"]) == 3


def test_it_answers_404_for_a_page_beyond_the_end(as_sam, flags):
    assert as_sam.get("/api/v1/flags/?page=9").status_code == 404
    assert as_sam.get("/api/v1/flags/?page=x").status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_the_flags_list_costs_the_same_for_many(as_sam, gateshead, count, django_assert_max_num_queries):
    for n in range(count):
        FlagFactory(person=PersonFactory(crn=f"X8{n:05d}", team=gateshead), opened_at=days_ago(n + 1))
    with django_assert_max_num_queries(10):
        response = as_sam.get("/api/v1/flags/")
    assert response.json()["count"] == count
