"""The page on which a practitioner asks her SPO to acknowledge a flag (an approval request the SPO
decides in the approvals queue)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inspections.models import FlagKind
from supervision.models import ApprovalRequest
from tests.cases.pages import assert_problem, date_fields
from tests.inspections.factories import FlagFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def flag(pats_case):
    return FlagFactory(person=pats_case, kind=FlagKind.HOME_VISIT_OVERDUE)


def url(flag) -> str:
    return f"/people/{flag.person.crn}/flags/{flag.pk}/ask-to-acknowledge/"


def answers(**overrides):
    return {
        "reason": "Visit booked for next week with a colleague.",
        **date_fields("expires", TODAY + timedelta(days=10)),
        **overrides,
    }


def test_the_flag_page_offers_the_practitioner_the_request(as_pat, flag):
    response = as_pat.get(f"/people/{flag.person.crn}/flags/{flag.pk}/")
    assert "Ask your SPO to acknowledge" in response.content.decode()


def test_a_practitioner_asks_and_the_request_waits_for_her_spo(as_pat, pat, flag):
    response = as_pat.post(url(flag), answers())

    assert response.status_code == 302
    request = ApprovalRequest.objects.get()
    assert request.kind == "FLAG_ACKNOWLEDGEMENT" and request.subject_id == flag.pk and request.requested_by == pat
    assert request.details["expires"] == (TODAY + timedelta(days=10)).isoformat()
    assert request.status == "PENDING"


def test_it_refuses_a_request_without_a_reason_and_records_nothing(as_pat, flag):
    response = as_pat.post(url(flag), answers(reason=""))

    assert_problem(response, "Enter why the flag should be acknowledged")
    assert not ApprovalRequest.objects.exists()


def test_a_second_pending_request_for_the_same_flag_is_refused(as_pat, flag):
    as_pat.post(url(flag), answers())
    response = as_pat.post(url(flag), answers())

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert ApprovalRequest.objects.count() == 1


def test_it_is_not_found_for_staff_in_another_region_and_refused_for_read_only_staff(as_olga, as_rory, flag):
    assert as_olga.get(url(flag)).status_code == 404
    assert as_rory.post(url(flag), answers()).status_code == 403
    assert not ApprovalRequest.objects.exists()


def test_the_page_takes_a_fixed_number_of_queries(as_pat, flag, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert as_pat.get(url(flag)).status_code == 200
