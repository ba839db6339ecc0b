"""Approvals: practitioners ask, the SPO of the case's team decides with a reason in a queue that
also holds assessments awaiting countersignature; approving runs the kind's handler."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Grade, Role
from supervision import approvals as registry
from supervision.models import ApprovalKind, ApprovalRequest, ApprovalStatus, Assessment, ResetDecision
from supervision.services.approvals import ALREADY_PENDING, decide_approval, request_approval, withdraw_request
from tests.cases.factories import PersonFactory, RegistrationFactory, SentenceFactory, UserFactory, registration_type
from tests.cases.pages import assert_problem, client_for, date_fields

TODAY = timezone.localdate()
QUEUE = "/approvals/"
REMOTE = "/people/X100001/approvals/remote-contact/"
RESET = "/people/X100001/approvals/reset-exception/"


@pytest.fixture
def order(pats_case):
    return SentenceFactory(person=pats_case)


@pytest.fixture
def other_spo(newcastle):
    return UserFactory(username="nina", first_name="Nina", last_name="Newcastle", role=Role.SPO, team=newcastle)


def remote(person, by, reason="Works shifts."):
    return request_approval(person, kind=ApprovalKind.REMOTE_CONTACT, reason=reason, by=by, details={"pattern": "x"})


def reset_request(person, sentence, by, state="EXEMPT"):
    return request_approval(
        person,
        kind=ApprovalKind.RESET_OVERRIDE,
        subject_id=sentence.pk,
        details={"state": state},
        reason="Escalating domestic abuse concerns.",
        by=by,
    )


def domestic_abuse(person):
    RegistrationFactory(person=person, type=registration_type("ADVP"))


# --- Services ----------------------------------------------------------------------------------


def test_a_practitioner_asks_for_remote_contact(pats_case, order, pat):
    request = remote(pats_case, pat)
    assert request.status == ApprovalStatus.PENDING
    assert request.events.get().pgh_context.metadata["user"] == pat.pk


def test_remote_contact_is_refused_for_a_domestic_abuse_case(pats_case, order, pat):
    domestic_abuse(pats_case)
    with pytest.raises(ValidationError) as error:
        remote(pats_case, pat)
    assert "may only supplement face-to-face contact" in error.value.messages[0]
    assert "domestic abuse" in error.value.messages[0]
    assert not ApprovalRequest.objects.exists()


def test_a_second_pending_request_for_the_same_subject_is_refused(pats_case, order, pat):
    remote(pats_case, pat)
    with pytest.raises(ValidationError) as error:
        remote(pats_case, pat, reason="Again")
    assert error.value.messages == [ALREADY_PENDING]
    assert ApprovalRequest.objects.count() == 1


def test_a_new_request_may_follow_a_decided_one(pats_case, order, pat, sam):
    decide_approval(remote(pats_case, pat), by=sam, approve=False, reason="Not yet.")
    assert remote(pats_case, pat).status == ApprovalStatus.PENDING


def test_a_read_only_user_cannot_ask(pats_case, order, rory):
    with pytest.raises(PermissionDenied):
        remote(pats_case, rory)


def test_a_reset_request_needs_a_sentence_of_the_case_and_a_state(pats_case, order, pat):
    other = SentenceFactory(person=PersonFactory())
    with pytest.raises(ValidationError):
        reset_request(pats_case, other, pat)
    with pytest.raises(ValidationError):
        reset_request(pats_case, order, pat, state="MAYBE")
    assert not ApprovalRequest.objects.exists()


def test_approving_a_reset_exception_records_the_reset_decision(pats_case, order, pat, sam):
    request = reset_request(pats_case, order, pat)

    decide_approval(request, by=sam, approve=True, reason="Agreed: keep supervising.")

    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_reason) == (
        ApprovalStatus.APPROVED,
        sam,
        "Agreed: keep supervising.",
    )
    decision = ResetDecision.objects.get()
    assert (decision.sentence, decision.state, decision.decided_by) == (order, "EXEMPT", sam)
    decided = request.events.get(status=ApprovalStatus.APPROVED)
    assert decided.pgh_context.metadata["user"] == sam.pk


def test_rejecting_a_reset_exception_changes_nothing_else(pats_case, order, pat, sam):
    decide_approval(reset_request(pats_case, order, pat), by=sam, approve=False, reason="Not needed.")
    assert not ResetDecision.objects.exists()
    assert ApprovalRequest.objects.get().status == ApprovalStatus.REJECTED


def test_a_decision_without_a_reason_is_refused_and_nothing_changes(pats_case, order, pat, sam):
    request = reset_request(pats_case, order, pat)
    with pytest.raises(ValidationError) as error:
        decide_approval(request, by=sam, approve=True, reason="  ")
    assert "reason" in error.value.message_dict
    request.refresh_from_db()
    assert request.status == ApprovalStatus.PENDING and request.decided_by is None
    assert not ResetDecision.objects.exists()


@pytest.mark.parametrize("persona", ["other_spo", "pat", "eve"])
def test_only_the_spo_of_the_case_team_decides(pats_case, order, pat, persona, request):
    approval = remote(pats_case, pat)
    with pytest.raises(PermissionDenied):
        decide_approval(approval, by=request.getfixturevalue(persona), approve=True, reason="Yes")
    assert ApprovalRequest.objects.get().status == ApprovalStatus.PENDING


def test_a_remote_approval_may_lapse(pats_case, order, pat, sam):
    approval = decide_approval(
        remote(pats_case, pat), by=sam, approve=True, reason="Fine.", valid_until=TODAY + timedelta(days=90)
    )
    assert approval.valid_until == TODAY + timedelta(days=90)
    with pytest.raises(ValidationError):
        decide_approval(approval, by=sam, approve=False, reason="Changed my mind.")


def test_a_lapse_date_in_the_past_is_refused(pats_case, order, pat, sam):
    with pytest.raises(ValidationError):
        decide_approval(remote(pats_case, pat), by=sam, approve=True, reason="Ok", valid_until=TODAY - timedelta(1))
    assert ApprovalRequest.objects.get().status == ApprovalStatus.PENDING


def test_remote_contact_cannot_be_approved_once_the_case_no_longer_qualifies(pats_case, order, pat, sam):
    approval = remote(pats_case, pat)
    domestic_abuse(pats_case)
    with pytest.raises(ValidationError):
        decide_approval(approval, by=sam, approve=True, reason="Ok")
    assert ApprovalRequest.objects.get().status == ApprovalStatus.PENDING


def test_a_kind_without_a_handler_can_be_rejected_but_not_approved(pats_case, pat, sam, monkeypatch):
    monkeypatch.delitem(registry._HANDLERS, ApprovalKind.FLAG_ACKNOWLEDGEMENT, raising=False)
    flag = request_approval(
        pats_case, kind=ApprovalKind.FLAG_ACKNOWLEDGEMENT, subject_id=uuid.uuid4(), reason="Known.", by=pat
    )
    with pytest.raises(ValidationError):
        decide_approval(flag, by=sam, approve=True, reason="Ok")
    assert decide_approval(flag, by=sam, approve=False, reason="No").status == ApprovalStatus.REJECTED


def test_other_apps_register_handlers_that_run_with_the_decision(pats_case, pat, sam, monkeypatch):
    seen = []
    monkeypatch.setitem(registry._HANDLERS, ApprovalKind.FLAG_ACKNOWLEDGEMENT, lambda r, u: seen.append((r.pk, u)))
    flag = request_approval(
        pats_case, kind=ApprovalKind.FLAG_ACKNOWLEDGEMENT, subject_id=uuid.uuid4(), reason="Known.", by=pat
    )
    decide_approval(flag, by=sam, approve=True, reason="Ok")
    assert seen == [(flag.pk, sam)]
    with pytest.raises(ValueError):
        registry.register_handler("NOT_A_KIND", lambda r, u: None)


def test_only_the_requester_withdraws(pats_case, order, pat, eve):
    approval = remote(pats_case, pat)
    with pytest.raises(PermissionDenied):
        withdraw_request(approval, by=eve)
    assert withdraw_request(approval, by=pat).status == ApprovalStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        withdraw_request(approval, by=pat)


# --- The queue ---------------------------------------------------------------------------------


def awaiting_countersignature(person, author):
    return Assessment.objects.create(
        person=person,
        type="INITIAL",
        author=author,
        status="AWAITING_COUNTERSIGNATURE",
        rosh_overall="HIGH",
        countersignature_required=True,
        completed_on=TODAY,
    )


def test_the_queue_lists_requests_by_kind_and_countersignatures(as_sam, pats_case, order, pat, eve):
    remote(pats_case, pat)
    reset_request(pats_case, order, pat)
    assessment = awaiting_countersignature(pats_case, eve)

    content = as_sam.get(QUEUE).content.decode()

    assert "Remote contact replacing face-to-face contact" in content
    assert "Probation Reset exception" in content
    assert f"/people/X100001/risk/assessments/{assessment.pk}/countersign/" in content
    assert "John Smith (X100001)" in content


def test_the_queue_leaves_out_other_teams_and_lists_recent_decisions(as_sam, pats_case, order, pat, sam, newcastle):
    colleague = UserFactory(role=Role.PRACTITIONER, grade=Grade.PO, team=newcastle)
    elsewhere = PersonFactory(crn="X100777", practitioner=colleague, team=newcastle)
    SentenceFactory(person=elsewhere)
    remote(elsewhere, colleague)
    decide_approval(remote(pats_case, pat), by=sam, approve=False, reason="Not while risk is rising.")

    content = as_sam.get(QUEUE).content.decode()

    assert "X100777" not in content
    assert "Decided in the last 30 days" in content
    assert "Not while risk is rising." in content
    assert "No requests are waiting for a decision." in content


@pytest.mark.parametrize("persona", ["pat", "rory", "ada", "olga"])
def test_only_spos_see_the_queue(persona, request, gateshead):
    assert client_for(request.getfixturevalue(persona)).get(QUEUE).status_code == 403


def test_the_approvals_link_is_in_the_spo_navigation(as_sam, as_pat, pats_case):
    assert 'href="/approvals/"' in as_sam.get(QUEUE).content.decode()
    assert 'href="/approvals/"' not in as_pat.get("/people/X100001/oversight/").content.decode()


def test_the_queue_takes_a_fixed_number_of_queries(as_sam, pats_case, pat, eve, gateshead):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert as_sam.get(QUEUE).status_code == 200
        return len(captured)

    few = queries()
    for n in range(8):
        person = PersonFactory(crn=f"X2000{n:02d}", practitioner=pat, team=gateshead)
        SentenceFactory(person=person)
        remote(person, pat)
        awaiting_countersignature(person, eve)
    assert queries() <= few


# --- Deciding ------------------------------------------------------------------------------------


def test_the_spo_approves_a_reset_exception_through_the_page(as_sam, pats_case, order, pat):
    approval = reset_request(pats_case, order, pat)
    url = f"/approvals/{approval.pk}/"
    content = as_sam.get(url).content.decode()
    assert "Escalating domestic abuse concerns." in content
    assert "Exempt: supervision continues to the end" in content
    assert "valid_until" not in content

    response = as_sam.post(url, {"decision": "approve", "reason": "Agreed."})

    assert response.status_code == 302
    assert ResetDecision.objects.get().state == "EXEMPT"
    assert "Decided on" not in as_sam.get(url).content.decode()


def test_the_spo_sets_when_remote_contact_approval_ends(as_sam, pats_case, order, pat):
    approval = remote(pats_case, pat)
    url = f"/approvals/{approval.pk}/"
    data = {"decision": "approve", "reason": "Fine.", **date_fields("valid_until", TODAY + timedelta(days=30))}
    assert as_sam.post(url, data).status_code == 302
    approval.refresh_from_db()
    assert approval.valid_until == TODAY + timedelta(days=30)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "Fine."}, "Select your decision"),
        ({"decision": "approve", "reason": ""}, "Enter the reason for your decision"),
        ({"decision": "perhaps", "reason": "Fine."}, "Select your decision"),
        (
            {"decision": "approve", "reason": "Ok", **date_fields("valid_until", TODAY - timedelta(days=1))},
            "The approval ends on must be today or in the future",
        ),
    ],
)
def test_bad_decisions_show_an_error_and_change_nothing(as_sam, pats_case, order, pat, data, message):
    approval = remote(pats_case, pat)
    assert_problem(as_sam.post(f"/approvals/{approval.pk}/", data), message)
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING


def test_a_decided_request_cannot_be_decided_again(as_sam, pats_case, order, pat, sam):
    approval = remote(pats_case, pat)
    decide_approval(approval, by=sam, approve=False, reason="No.")
    response = as_sam.post(f"/approvals/{approval.pk}/", {"decision": "approve", "reason": "Yes"})
    assert response.status_code == 200
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.REJECTED


def test_who_may_open_a_decision(pats_case, order, pat, other_spo, london_team):
    url = f"/approvals/{remote(pats_case, pat).pk}/"
    london_spo = UserFactory(username="lena", role=Role.SPO, team=london_team)
    assert client_for(other_spo).get(url).status_code == 403
    assert client_for(london_spo).get(url).status_code == 404
    assert client_for(pat).get(url).status_code == 403
    assert client_for(other_spo).get("/approvals/00000000-0000-0000-0000-000000000000/").status_code == 404


# --- Asking ------------------------------------------------------------------------------------


def test_the_practitioner_asks_for_remote_contact_through_the_page(as_pat, pats_case, order):
    assert "Ask to replace some face-to-face contact" in as_pat.get("/people/X100001/oversight/").content.decode()
    assert as_pat.get(REMOTE).status_code == 200

    response = as_pat.post(REMOTE, {"reason": "New job.", "pattern": "Video call every other week."})

    assert response.status_code == 302
    request = ApprovalRequest.objects.get()
    assert request.details == {"pattern": "Video call every other week."}


def test_the_page_explains_the_refusal_for_a_domestic_abuse_case(as_pat, pats_case, order):
    domestic_abuse(pats_case)
    assert "may only supplement face-to-face contact" in as_pat.get(REMOTE).content.decode()
    response = as_pat.post(REMOTE, {"reason": "New job.", "pattern": "Video."})
    assert response.status_code == 200
    assert "may only supplement face-to-face contact for this case (domestic abuse flag)" in response.content.decode()
    assert not ApprovalRequest.objects.exists()


def test_a_second_request_shows_a_clear_message(as_pat, pats_case, order, pat):
    remote(pats_case, pat)
    assert_problem(as_pat.post(REMOTE, {"reason": "Again.", "pattern": "Video."}), ALREADY_PENDING)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "", "pattern": "Video."}, "Enter why you are asking"),
        ({"reason": "Job.", "pattern": ""}, "Enter the proposed pattern of contact"),
    ],
)
def test_bad_requests_show_an_error(as_pat, pats_case, order, data, message):
    assert_problem(as_pat.post(REMOTE, data), message)
    assert not ApprovalRequest.objects.exists()


def test_the_practitioner_asks_for_a_reset_exception(as_pat, pats_case, order):
    assert as_pat.get(RESET).status_code == 200
    assert_problem(
        as_pat.post(RESET, {"sentence": str(order.pk), "reason": "x"}), "Select what Probation Reset should be"
    )

    response = as_pat.post(RESET, {"sentence": str(order.pk), "state": "EXEMPT", "reason": "Child protection soon."})

    assert response.status_code == 302
    request = ApprovalRequest.objects.get()
    assert (request.kind, request.subject_id, request.details) == ("RESET_OVERRIDE", order.pk, {"state": "EXEMPT"})


def test_a_reset_exception_needs_a_sentence_in_force(as_pat, pats_case):
    assert as_pat.get(RESET).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("sam", 403), ("rory", 403), ("olga", 404)])
def test_who_may_ask(pats_case, order, persona, status, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(REMOTE).status_code == status
    assert client.post(RESET, {"sentence": str(order.pk), "state": "EXEMPT", "reason": "x"}).status_code == status
    assert not ApprovalRequest.objects.exists()


def test_the_requester_withdraws_from_the_tab(as_pat, as_eve, pats_case, order, pat):
    approval = remote(pats_case, pat)
    url = f"/people/X100001/approvals/{approval.pk}/withdraw/"
    assert as_eve.post(url).status_code == 403
    assert as_pat.post(url).status_code == 302
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.WITHDRAWN
