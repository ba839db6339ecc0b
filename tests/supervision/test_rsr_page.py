"""Recording a standalone RSR score on the Risk tab: the page, who may use it, bad input and its
query count (the rule it feeds is in test_tier_inputs)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import RsrScore
from tests.cases.pages import assert_problem, date_fields

pytestmark = pytest.mark.django_db

URL = "/people/X100001/risk/rsr/new/"
TODAY = timezone.localdate()


def test_a_practitioner_records_a_standalone_rsr(as_pat, pats_case, pat):
    response = as_pat.post(URL, {"score": "6.25", **date_fields("calculated_on", TODAY)}, follow=True)

    assert "RSR score of 6.25% recorded" in response.content.decode()
    rsr = RsrScore.objects.get(person=pats_case)
    assert (rsr.score, rsr.source, rsr.recorded_by) == (Decimal("6.25"), "STANDALONE", pat)
    assert "Record a standalone RSR score" in as_pat.get("/people/X100001/risk/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"score": "101", **date_fields("calculated_on", TODAY)}, "The RSR score must be between 0 and 100"),
        ({"score": "abc", **date_fields("calculated_on", TODAY)}, "The RSR score must be a number, like 4 or 6.25"),
        (
            {"score": "1.234", **date_fields("calculated_on", TODAY)},
            "The RSR score must have no more than 2 decimal places",
        ),
        ({**date_fields("calculated_on", TODAY)}, "Enter the RSR score"),
        ({"score": "5"}, "Enter the date the RSR was calculated"),
        (
            {"score": "5", **date_fields("calculated_on", TODAY + timedelta(days=1))},
            "The date it was calculated must be today or in the past",
        ),
    ],
)
def test_it_refuses_bad_input_and_records_nothing(as_pat, pats_case, data, message):
    assert_problem(as_pat.post(URL, data), message)
    assert not RsrScore.objects.exists()


def test_read_only_staff_and_other_regions_cannot(as_rory, as_olga, pats_case):
    data = {"score": "5", **date_fields("calculated_on", TODAY)}

    assert as_rory.get(URL).status_code == 403
    assert as_rory.post(URL, data).status_code == 403
    assert as_olga.get(URL).status_code == 404
    assert as_olga.post(URL, data).status_code == 404
    assert not RsrScore.objects.exists()
    assert "Record a standalone RSR score" not in as_rory.get("/people/X100001/risk/").content.decode()


def test_the_pages_take_a_fixed_number_of_queries(as_pat, pats_case, pat, django_assert_max_num_queries):
    for days in range(8):
        RsrScore.objects.create(
            person=pats_case, score=days, calculated_on=TODAY - timedelta(days=days), source="IMPORT"
        )

    with django_assert_max_num_queries(12):
        assert as_pat.get(URL).status_code == 200
    with django_assert_max_num_queries(30):
        page = as_pat.get("/people/X100001/risk/")
    assert page.content.decode().count(">Imported caseload</td>") == 5  # the latest five
