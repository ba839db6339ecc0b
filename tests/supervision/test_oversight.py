"""SPO management oversight: recorded by the SPO of the case's team, acknowledged and followed up by
the case's practitioner, audited, and shown on the Oversight tab."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Role
from supervision.models import ManagementOversight
from supervision.services.oversight import (
    acknowledge_oversight,
    complete_follow_up,
    oversight_summary,
    record_oversight,
)
from tests.cases.factories import UserFactory
from tests.cases.pages import assert_problem, client_for, date_fields

TODAY = timezone.localdate()
URL = "/people/X100001/oversight/"
NEW = "/people/X100001/oversight/new/"


def record(person, by, **changes):
    fields = {"type": "CASE_REVIEW", "rationale": "Risk plan reviewed.", "instructions": "", "follow_up_due": None}
    return record_oversight(person, by=by, **{**fields, **changes})


@pytest.fixture
def other_spo(newcastle):
    return UserFactory(username="nina", first_name="Nina", last_name="Newcastle", role=Role.SPO, team=newcastle)


# --- Services ----------------------------------------------------------------------------------


def test_the_spo_of_the_case_team_records_oversight_and_it_is_audited(pats_case, sam):
    oversight = record(pats_case, sam, instructions="Book a home visit.", follow_up_due=TODAY + timedelta(days=14))

    assert oversight.recorded_by == sam
    assert oversight.follow_up_due == TODAY + timedelta(days=14)
    event = oversight.events.get()
    assert event.pgh_label == "insert"
    assert event.pgh_context.metadata["user"] == sam.pk


def test_an_spo_of_another_team_cannot_record_oversight(pats_case, other_spo):
    with pytest.raises(PermissionDenied):
        record(pats_case, other_spo)
    assert not ManagementOversight.objects.exists()


@pytest.mark.parametrize("persona", ["pat", "eve", "rory", "ada"])
def test_only_an_spo_can_record_oversight(pats_case, persona, request):
    with pytest.raises(PermissionDenied):
        record(pats_case, request.getfixturevalue(persona))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rationale": "  "}, "rationale"),
        ({"type": "NONSENSE"}, "type"),
        ({"follow_up_due": TODAY - timedelta(days=1)}, "follow_up_due"),
        ({"rationale": "x" * 5001}, "rationale"),
    ],
)
def test_bad_oversight_is_refused_and_nothing_saved(pats_case, sam, changes, field):
    with pytest.raises(ValidationError) as error:
        record(pats_case, sam, **changes)
    assert field in error.value.message_dict
    assert not ManagementOversight.objects.exists()


def test_only_the_case_practitioner_acknowledges(pats_case, sam, pat, eve):
    oversight = record(pats_case, sam)
    with pytest.raises(PermissionDenied):
        acknowledge_oversight(oversight, by=eve)
    with pytest.raises(PermissionDenied):
        acknowledge_oversight(oversight, by=sam)

    acknowledge_oversight(oversight, by=pat)

    oversight.refresh_from_db()
    assert oversight.acknowledged_by == pat and oversight.acknowledged_at is not None
    with pytest.raises(ValidationError):
        acknowledge_oversight(oversight, by=pat)


def test_the_practitioner_records_the_follow_up(pats_case, sam, pat):
    oversight = record(pats_case, sam, follow_up_due=TODAY)
    with pytest.raises(ValidationError):
        complete_follow_up(oversight, by=pat, notes=" ")

    complete_follow_up(oversight, by=pat, notes="Home visit done.")

    oversight.refresh_from_db()
    assert oversight.follow_up_notes == "Home visit done."
    assert oversight.follow_up_done_at is not None
    assert oversight.acknowledged_by == pat  # doing it acknowledges it
    with pytest.raises(ValidationError):
        complete_follow_up(oversight, by=pat, notes="Again")


def test_there_is_no_follow_up_to_record_without_a_due_date(pats_case, sam, pat):
    with pytest.raises(ValidationError):
        complete_follow_up(record(pats_case, sam), by=pat, notes="Done")


def test_the_summary_gives_the_last_oversight_and_what_is_outstanding(pats_case, sam, pat):
    assert oversight_summary(pats_case).last is None
    overdue = record(pats_case, sam, follow_up_due=TODAY)
    ManagementOversight.objects.filter(pk=overdue.pk).update(follow_up_due=TODAY - timedelta(days=2))
    latest = record(pats_case, sam, type="RISK_ESCALATION")
    acknowledge_oversight(latest, by=pat)

    summary = oversight_summary(pats_case)

    assert summary.last == latest
    assert (summary.total, summary.unacknowledged, summary.follow_ups_overdue) == (2, 1, 1)


# --- The Oversight tab -------------------------------------------------------------------------


def test_the_tab_lists_oversight_with_overdue_follow_ups_in_red(as_pat, pats_case, sam):
    overdue = record(pats_case, sam, instructions="Check the address.", follow_up_due=TODAY)
    ManagementOversight.objects.filter(pk=overdue.pk).update(follow_up_due=TODAY - timedelta(days=1))

    content = as_pat.get(URL).content.decode()

    assert "Case review oversight" in content
    assert "Check the address." in content
    assert "govuk-tag--red" in content and "Overdue" in content
    assert "Not yet acknowledged" in content
    assert f"/people/X100001/oversight/{overdue.pk}/acknowledge/" in content
    assert "/people/X100001/timeline/" in content
    assert "Record oversight</a>" not in content


def test_the_spo_sees_record_oversight_but_not_acknowledge(as_sam, pats_case, sam):
    oversight = record(pats_case, sam)
    content = as_sam.get(URL).content.decode()
    assert NEW in content
    assert f"{oversight.pk}/acknowledge/" not in content


def test_another_region_gets_not_found(as_olga, pats_case):
    assert as_olga.get(URL).status_code == 404
    assert as_olga.get(NEW).status_code == 404


def test_the_tab_takes_a_fixed_number_of_queries(as_pat, pats_case, sam, django_assert_max_num_queries):
    from django.db import connection

    record(pats_case, sam)
    with CaptureQueriesContext(connection) as captured:
        assert as_pat.get(URL).status_code == 200
    for _ in range(10):
        record(pats_case, sam, follow_up_due=TODAY)
    with django_assert_max_num_queries(len(captured)):
        assert as_pat.get(URL).status_code == 200


def test_the_spo_records_oversight_through_the_form(as_sam, pats_case, sam):
    data = {"type": "ALLOCATION", "rationale": "Right allocation.", "instructions": "See weekly."}
    response = as_sam.post(NEW, {**data, **date_fields("follow_up_due", TODAY + timedelta(days=7))})

    assert response.status_code == 302
    oversight = ManagementOversight.objects.get()
    assert (oversight.type, oversight.recorded_by, oversight.follow_up_due) == (
        "ALLOCATION",
        sam,
        TODAY + timedelta(days=7),
    )


def test_the_follow_up_date_is_optional(as_sam, pats_case):
    response = as_sam.post(NEW, {"type": "CASE_REVIEW", "rationale": "Fine."})
    assert response.status_code == 302
    assert ManagementOversight.objects.get().follow_up_due is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rationale": "Fine."}, "Select the type of oversight"),
        ({"type": "CASE_REVIEW", "rationale": ""}, "Enter the rationale for your oversight"),
        ({"type": "BOGUS", "rationale": "Fine."}, "Select the type of oversight"),
        (
            {"type": "CASE_REVIEW", "rationale": "Fine.", **date_fields("follow_up_due", TODAY - timedelta(days=1))},
            "The follow-up due date must be today or in the future",
        ),
        (
            {"type": "CASE_REVIEW", "rationale": "Fine.", **date_fields("follow_up_due", day="31", month="2")},
            "The follow-up due date must include a year",
        ),
    ],
)
def test_bad_input_shows_an_error_and_saves_nothing(as_sam, pats_case, data, message):
    assert_problem(as_sam.post(NEW, data), message)
    assert not ManagementOversight.objects.exists()


@pytest.mark.parametrize("persona", ["pat", "eve", "rory"])
def test_only_spos_may_open_the_form(pats_case, persona, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"type": "CASE_REVIEW", "rationale": "x"}).status_code == 403
    assert not ManagementOversight.objects.exists()


def test_an_spo_of_another_team_may_not_open_the_form(pats_case, other_spo):
    assert client_for(other_spo).get(NEW).status_code == 403


def test_the_practitioner_acknowledges_by_post(as_pat, as_eve, pats_case, sam, pat):
    oversight = record(pats_case, sam)
    url = f"/people/X100001/oversight/{oversight.pk}/acknowledge/"

    assert as_pat.get(url).status_code == 405
    assert as_eve.post(url).status_code == 403
    assert as_pat.post(url).status_code == 302
    assert as_pat.post(url).status_code == 302  # twice changes nothing

    oversight.refresh_from_db()
    assert oversight.acknowledged_by == pat
    assert "By Pat Practitioner" in as_pat.get(URL).content.decode()


def test_the_practitioner_records_the_follow_up_through_the_form(as_pat, as_sam, pats_case, sam):
    oversight = record(pats_case, sam, instructions="Visit.", follow_up_due=TODAY)
    url = f"/people/X100001/oversight/{oversight.pk}/follow-up/"

    assert as_sam.get(url).status_code == 403
    assert as_pat.get(url).status_code == 200
    assert_problem(as_pat.post(url, {"notes": ""}), "Enter what was done")
    assert as_pat.post(url, {"notes": "Visited on Monday."}).status_code == 302

    oversight.refresh_from_db()
    assert oversight.follow_up_notes == "Visited on Monday."


def test_an_unknown_oversight_is_not_found(as_pat, pats_case):
    url = "/people/X100001/oversight/00000000-0000-0000-0000-000000000000/acknowledge/"
    assert as_pat.post(url).status_code == 404


def test_the_person_page_card_reads_the_summary(pats_case, pat, sam):
    from supervision.views.oversight import person_section

    record(pats_case, sam)
    assert person_section(pats_case, pat)["oversight"].total == 1
