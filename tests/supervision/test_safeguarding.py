"""Safeguarding and domestic-abuse information: requested, chased, received (with a summary) and
how it was used in an assessment; the Safeguarding tab that lists it. Every change is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from supervision.models import Assessment, InformationRequest
from supervision.services import safeguarding as services
from tests.cases.factories import PersonFactory
from tests.cases.pages import assert_problem, client_for, date_fields

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
URL = "/people/X100001/safeguarding/"
NEW = URL + "requests/new/"
InformationRequestEvent = apps.get_model("supervision", "InformationRequestEvent")


def info_request(person, by, *, days_ago=20, source="POLICE_DA", **fields) -> InformationRequest:
    return InformationRequest.objects.create(
        person=person,
        source=source,
        agency="Northumbria Police",
        requested_on=TODAY - timedelta(days=days_ago),
        requested_by=by,
        **fields,
    )


def received(person, by, *, days_ago=20) -> InformationRequest:
    return info_request(
        person, by, days_ago=days_ago, received_on=TODAY - timedelta(days=2), summary="Two call-outs in 2024."
    )


def assessment(person, author) -> Assessment:
    return Assessment.objects.create(person=person, type="INITIAL", author=author)


@pytest.fixture
def quinn_client(quinn):
    return client_for(quinn)


# --- Services -------------------------------------------------------------------------------


def test_requesting_information_is_recorded_audited_and_announced(pats_case, pat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        request = services.request_information(
            pats_case, source="CHILDRENS_SERVICES", agency=" Gateshead Council ", requested_on=TODAY, by=pat
        )

    assert (request.agency, request.requested_by, request.times_chased) == ("Gateshead Council", pat, 0)
    event = InformationRequestEvent.objects.get(pgh_obj=request)
    assert event.pgh_context.metadata["user"] == pat.pk
    assert callbacks


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"source": "GOSSIP"}, "source"), ({"requested_on": TODAY + timedelta(days=1)}, "requested_on")],
)
def test_a_request_needs_a_known_source_and_a_date_not_in_the_future(pats_case, pat, changes, field):
    arguments = {"source": "POLICE_DA", "requested_on": TODAY, **changes}

    with pytest.raises(ValidationError) as error:
        services.request_information(pats_case, by=pat, **arguments)

    assert field in error.value.message_dict
    assert not InformationRequest.objects.exists()


def test_read_only_staff_cannot_request(pats_case, rory):
    with pytest.raises(PermissionDenied):
        services.request_information(pats_case, source="POLICE_DA", requested_on=TODAY, by=rory)


def test_chasing_counts_each_chase(pats_case, pat):
    request = info_request(pats_case, pat)

    services.chase_information(request, chased_on=TODAY - timedelta(days=5), by=pat)
    request = services.chase_information(request, chased_on=TODAY, by=pat)

    assert (request.times_chased, request.last_chased_on) == (2, TODAY)
    assert InformationRequestEvent.objects.filter(pgh_obj=request, pgh_label="update").count() == 2


@pytest.mark.parametrize(
    ("chased_days_ago", "message"),
    [
        (30, "The date chased must be on or after the date it was requested"),
        (12, "The date chased must be on or after the last time it was chased"),
        (-1, "The date chased must be today or in the past"),
    ],
)
def test_a_chase_date_must_follow_the_request_and_the_last_chase(pats_case, pat, chased_days_ago, message):
    request = info_request(pats_case, pat, last_chased_on=TODAY - timedelta(days=10), times_chased=1)

    with pytest.raises(ValidationError) as error:
        services.chase_information(request, chased_on=TODAY - timedelta(days=chased_days_ago), by=pat)

    assert message in str(error.value)
    assert InformationRequest.objects.get(pk=request.pk).times_chased == 1


def test_received_information_cannot_be_chased(pats_case, pat):
    request = received(pats_case, pat)

    with pytest.raises(ValidationError, match="cannot be chased"):
        services.chase_information(request, chased_on=TODAY, by=pat)


def test_recording_information_received(pats_case, pat):
    request = info_request(pats_case, pat)

    request = services.record_information_received(
        request, received_on=TODAY, summary="  Three call-outs, one with children present.  ", by=pat
    )

    assert (request.received_on, request.summary) == (TODAY, "Three call-outs, one with children present.")


@pytest.mark.parametrize(
    ("received_days_ago", "summary", "message"),
    [
        (25, "Call-outs", "The date received must be on or after the date it was requested"),
        (1, "   ", "Enter a summary of the information received"),
        (-1, "Call-outs", "The date received must be today or in the past"),
    ],
)
def test_received_information_needs_a_date_after_the_request_and_a_summary(
    pats_case, pat, received_days_ago, summary, message
):
    request = info_request(pats_case, pat)

    with pytest.raises(ValidationError) as error:
        services.record_information_received(
            request, received_on=TODAY - timedelta(days=received_days_ago), summary=summary, by=pat
        )

    assert message in str(error.value)
    assert InformationRequest.objects.get(pk=request.pk).received_on is None


def test_information_is_received_once(pats_case, pat):
    request = received(pats_case, pat)

    with pytest.raises(ValidationError, match="already recorded as received"):
        services.record_information_received(request, received_on=TODAY, summary="Again", by=pat)


def test_recording_how_information_was_used(pats_case, pat):
    request = received(pats_case, pat)
    used_in = assessment(pats_case, pat)

    request = services.record_information_use(
        request, assessment=used_in, how_used="Raised RoSH to known adult to high", by=pat
    )

    assert (request.used_in_assessment, request.how_used) == (used_in, "Raised RoSH to known adult to high")


def test_use_is_refused_before_receipt_for_another_case_or_twice(pats_case, pat):
    outstanding = info_request(pats_case, pat)
    with pytest.raises(ValidationError, match="as received before"):
        services.record_information_use(outstanding, assessment=assessment(pats_case, pat), how_used="x", by=pat)

    other = assessment(PersonFactory(crn="X100002", practitioner=pat), pat)
    request = received(pats_case, pat)
    with pytest.raises(ValidationError, match="this person's assessments"):
        services.record_information_use(request, assessment=other, how_used="Used", by=pat)

    services.record_information_use(request, assessment=assessment(pats_case, pat), how_used="Used", by=pat)
    with pytest.raises(ValidationError, match="already been recorded"):
        services.record_information_use(request, assessment=assessment(pats_case, pat), how_used="Again", by=pat)


# --- The tab --------------------------------------------------------------------------------


def test_the_tab_lists_requests_with_their_state(as_pat, pats_case, pat):
    info_request(pats_case, pat, days_ago=20)
    info_request(pats_case, pat, days_ago=40, source="CHILDRENS_SERVICES", times_chased=2, last_chased_on=TODAY)
    received(pats_case, pat, days_ago=60)

    response = as_pat.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Requested 20 days ago" in content
    assert "Chased 2 times" in content
    assert "Two call-outs in 2024." in content
    assert "Record how it was used" in content
    assert content.count(">Chase<") == 2


def test_read_only_staff_see_the_tab_without_actions(as_rory, pats_case, pat):
    info_request(pats_case, pat)

    response = as_rory.get(URL)

    assert response.status_code == 200
    assert "Request information" not in response.content.decode()
    assert ">Chase<" not in response.content.decode()


def test_other_regions_see_nothing(as_olga, pats_case, pat):
    request = info_request(pats_case, pat)

    assert as_olga.get(URL).status_code == 404
    assert as_olga.get(NEW).status_code == 404
    assert as_olga.post(f"{URL}requests/{request.pk}/chase/", date_fields("chased_on", TODAY)).status_code == 404


def test_the_tab_uses_a_fixed_number_of_queries(as_pat, pats_case, pat, django_assert_max_num_queries):
    for n in range(25):
        info_request(pats_case, pat, days_ago=n + 1)
        received(pats_case, pat, days_ago=n + 3)
    with django_assert_max_num_queries(12):
        assert as_pat.get(URL).status_code == 200


# --- Request, chase, receive, use through the pages ----------------------------------------


def test_a_practitioner_requests_information(as_pat, pats_case):
    response = as_pat.post(
        NEW, {"source": "POLICE_DA", "agency": "Northumbria Police", **date_fields("requested_on", TODAY)}
    )

    assert response.status_code == 302
    assert response["Location"] == URL
    assert InformationRequest.objects.get(person=pats_case).agency == "Northumbria Police"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (date_fields("requested_on", TODAY), "Select who the information was requested from"),
        ({"source": "POLICE_DA"}, "Enter the date the information was requested"),
        (
            {"source": "POLICE_DA", **date_fields("requested_on", TODAY + timedelta(days=3))},
            "The date requested must be today or in the past",
        ),
        (
            {"source": "POLICE_DA", **date_fields("requested_on", day="31", month="2", year="2026")},
            "The date requested must be a real date",
        ),
    ],
)
def test_a_bad_request_is_refused_and_nothing_saved(as_pat, pats_case, data, message):
    assert_problem(as_pat.post(NEW, data), message)
    assert not InformationRequest.objects.exists()


def test_changes_are_refused_to_read_only_and_quality_staff(as_rory, quinn_client, pats_case):
    data = {"source": "POLICE_DA", **date_fields("requested_on", TODAY)}

    assert as_rory.post(NEW, data).status_code == 403
    assert quinn_client.post(NEW, data).status_code == 403
    assert not InformationRequest.objects.exists()


def test_chasing_through_the_page(as_pat, pats_case, pat):
    request = info_request(pats_case, pat)

    assert as_pat.get(f"{URL}requests/{request.pk}/chase/").status_code == 200
    response = as_pat.post(f"{URL}requests/{request.pk}/chase/", date_fields("chased_on", TODAY))

    assert response.status_code == 302
    assert InformationRequest.objects.get(pk=request.pk).times_chased == 1


def test_chasing_a_received_request_is_refused(as_pat, pats_case, pat):
    request = received(pats_case, pat)

    response = as_pat.post(f"{URL}requests/{request.pk}/chase/", date_fields("chased_on", TODAY))

    assert_problem(response, "This information has been received, so it cannot be chased")
    assert InformationRequest.objects.get(pk=request.pk).times_chased == 0


def test_another_cases_request_is_not_found(as_pat, pats_case, pat):
    other = info_request(PersonFactory(crn="X100002", practitioner=pat), pat)

    assert as_pat.get(f"{URL}requests/{other.pk}/chase/").status_code == 404


def test_recording_receipt_through_the_page(as_pat, pats_case, pat):
    request = info_request(pats_case, pat)
    data = {"summary": "One call-out in March.", **date_fields("received_on", TODAY)}

    response = as_pat.post(f"{URL}requests/{request.pk}/received/", data)

    assert response.status_code == 302
    assert InformationRequest.objects.get(pk=request.pk).summary == "One call-out in March."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"summary": "Call-outs", **date_fields("received_on", TODAY - timedelta(days=30))},
            "The date received must be on or after the date it was requested",
        ),
        (date_fields("received_on", TODAY), "Enter a summary of the information received"),
    ],
)
def test_bad_receipts_are_refused(as_pat, pats_case, pat, data, message):
    request = info_request(pats_case, pat)

    assert_problem(as_pat.post(f"{URL}requests/{request.pk}/received/", data), message)
    assert InformationRequest.objects.get(pk=request.pk).received_on is None


def test_recording_use_through_the_page(as_pat, pats_case, pat):
    request = received(pats_case, pat)
    used_in = assessment(pats_case, pat)

    page = as_pat.get(f"{URL}requests/{request.pk}/use/")
    response = as_pat.post(
        f"{URL}requests/{request.pk}/use/", {"assessment": str(used_in.pk), "how_used": "Shaped the contingency plan"}
    )

    assert "Initial assessment" in page.content.decode()
    assert response.status_code == 302
    assert InformationRequest.objects.get(pk=request.pk).used_in_assessment == used_in


def test_use_of_another_cases_assessment_is_refused(as_pat, pats_case, pat):
    request = received(pats_case, pat)
    assessment(pats_case, pat)
    other = assessment(PersonFactory(crn="X100002", practitioner=pat), pat)

    response = as_pat.post(f"{URL}requests/{request.pk}/use/", {"assessment": str(other.pk), "how_used": "Used"})

    assert_problem(response, "Select one of this person's assessments")
    assert InformationRequest.objects.get(pk=request.pk).used_in_assessment is None
