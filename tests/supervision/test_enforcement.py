"""Recording an enforcement decision on a failure to comply, and concluding breach or recall
proceedings: the statutory "warning, then must refer" rule, decisions that suit the order,
response periods from the contact policy, and the pages."""

from __future__ import annotations

from datetime import timedelta

import pghistory.models
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from supervision.models import ContactPolicy, EnforcementAction
from supervision.services.enforcement import conclude_enforcement, record_enforcement_action
from tests.cases.factories import SentenceFactory
from tests.cases.pages import assert_problem, date_fields
from tests.supervision.factories import ContactFactory, EnforcementActionFactory, at

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TODAY_FIELDS = date_fields("decided_on", TODAY)


@pytest.fixture
def order(pats_case):
    return SentenceFactory(person=pats_case, order_type="CO", start_date=TODAY - timedelta(days=500))


@pytest.fixture
def licence(pats_case):
    return SentenceFactory(person=pats_case, order_type="LICENCE", start_date=TODAY - timedelta(days=100))


def failure(person, days_ago: float = 2, code: str = "UAAB"):
    return ContactFactory(person=person, starts_at=at(days_ago), outcome_code=code)


def warning(person, sentence, days_ago: int) -> EnforcementAction:
    given = TODAY - timedelta(days=days_ago)
    return EnforcementActionFactory(person=person, sentence=sentence, failure_date=given, decided_on=given)


def decide(person, sentence, by, kind="WARNING_LETTER", days_ago=2, rationale="No reasonable excuse given"):
    return record_enforcement_action(
        person, sentence=sentence, kind=kind, failure_date=TODAY - timedelta(days=days_ago), rationale=rationale, by=by
    )


# --- The service --------------------------------------------------------------------------------


def test_a_warning_gets_its_response_period_from_the_policy(pats_case, order, pat):
    action = decide(pats_case, order, pat)

    assert action.response_days == 7
    assert action.evidence_due == TODAY + timedelta(days=7)
    assert action.policy == ContactPolicy.objects.get(version=1)
    assert action.referral_required is False
    assert action.decided_by == pat


@pytest.mark.parametrize(
    ("order_type", "kind", "days"),
    [
        ("CO", "BREACH_REFERRAL", 10),
        ("SSO", "WARNING_LETTER", 7),
        ("LICENCE", "LICENCE_COMPLIANCE_LETTER", 7),
        ("PSS", "BREACH_REFERRAL", 10),
        ("PSS", "WARNING_LETTER", 7),
        ("CO", "NO_FURTHER_ACTION", 0),
        ("LICENCE", "NO_FURTHER_ACTION", 0),
    ],
)
def test_each_decision_has_its_response_period(pats_case, pat, order_type, kind, days):
    sentence = SentenceFactory(person=pats_case, order_type=order_type)

    action = decide(pats_case, sentence, pat, kind=kind)

    assert action.response_days == days
    assert action.evidence_due == (TODAY + timedelta(days=days) if days else None)


@pytest.mark.parametrize(
    ("order_type", "kind"),
    [
        ("CO", "RECALL_CONSIDERATION"),
        ("SSO", "LICENCE_COMPLIANCE_LETTER"),
        ("LICENCE", "WARNING_LETTER"),
        ("PSS", "RECALL_CONSIDERATION"),
        ("PSS", "LICENCE_COMPLIANCE_LETTER"),
    ],
)
def test_it_refuses_a_decision_that_does_not_suit_the_order(pats_case, pat, order_type, kind):
    sentence = SentenceFactory(person=pats_case, order_type=order_type)

    with pytest.raises(ValidationError) as error:
        decide(pats_case, sentence, pat, kind=kind)

    assert "kind" in error.value.message_dict
    assert not EnforcementAction.objects.exists()


@pytest.mark.parametrize(("warned_days_before", "required"), [(364, True), (365, False), (366, False)])
def test_a_warning_within_12_months_means_refer(pats_case, order, pat, warned_days_before, required):
    warning(pats_case, order, warned_days_before + 2)

    if required:
        with pytest.raises(ValidationError) as error:
            decide(pats_case, order, pat, kind="WARNING_LETTER")
        assert "you must refer this case for breach" in error.value.message_dict["kind"][0]
        assert EnforcementAction.objects.count() == 1
    else:
        assert decide(pats_case, order, pat, kind="WARNING_LETTER").referral_required is False


def test_a_required_referral_is_recorded_as_required(pats_case, order, pat):
    warning(pats_case, order, 30)

    action = decide(pats_case, order, pat, kind="BREACH_REFERRAL")

    assert action.referral_required is True
    assert action.in_progress


def test_a_warning_on_another_order_does_not_count(pats_case, order, pat):
    earlier = SentenceFactory(person=pats_case, order_type="CO", start_date=TODAY - timedelta(days=600))
    warning(pats_case, earlier, 30)

    assert decide(pats_case, order, pat).kind == "WARNING_LETTER"


def test_it_refuses_an_empty_rationale_and_a_future_failure(pats_case, order, pat):
    with pytest.raises(ValidationError) as empty:
        decide(pats_case, order, pat, rationale="   ")
    with pytest.raises(ValidationError) as future:
        decide(pats_case, order, pat, days_ago=-1)

    assert "rationale" in empty.value.message_dict
    assert "failure_date" in future.value.message_dict
    assert not EnforcementAction.objects.exists()


def test_read_only_staff_cannot_record(pats_case, order, rory):
    with pytest.raises(PermissionDenied):
        decide(pats_case, order, rory)


def test_the_decision_is_audited(pats_case, order, pat):
    action = decide(pats_case, order, pat)

    event = pghistory.models.Events.objects.filter(pgh_obj_model="supervision.EnforcementAction").get(
        pgh_obj_id=str(action.pk)
    )
    assert event.pgh_context["user"] == pat.pk


def test_concluding_ends_the_breach(pats_case, order, pat):
    action = decide(pats_case, order, pat, kind="BREACH_REFERRAL")

    concluded = conclude_enforcement(
        action, by=pat, concluded_on=TODAY, outcome="FINED", conclusion="Court fined, order continues"
    )

    assert (concluded.concluded_on, concluded.outcome) == (TODAY, "FINED")
    assert not concluded.in_progress
    with pytest.raises(ValidationError):
        conclude_enforcement(concluded, by=pat, concluded_on=TODAY, outcome="FINED", conclusion="Again")


def test_a_warning_cannot_be_concluded(pats_case, order, pat):
    action = decide(pats_case, order, pat)

    with pytest.raises(ValidationError):
        conclude_enforcement(action, by=pat, concluded_on=TODAY, outcome="FINED", conclusion="Done")


# --- The decision page --------------------------------------------------------------------------


def decision_url(contact) -> str:
    return f"/people/X100001/compliance/decisions/new/?failure={contact.thread_id}"


def test_a_practitioner_records_a_warning(as_pat, pats_case, order):
    contact = failure(pats_case)

    page = as_pat.get(decision_url(contact)).content.decode()
    response = as_pat.post(
        decision_url(contact), {"kind": "WARNING_LETTER", "rationale": "Missed without reason", **TODAY_FIELDS}
    )

    assert "Warning letter" in page and "Refer for breach" in page and "Recall consideration" not in page
    assert response.status_code == 302 and response["Location"] == "/people/X100001/compliance/"
    action = EnforcementAction.objects.get()
    assert (action.kind, action.failure_date, action.contact_thread_id) == (
        "WARNING_LETTER",
        TODAY - timedelta(days=2),
        contact.thread_id,
    )
    after = as_pat.get("/people/X100001/compliance/").content.decode()
    assert "Warning letter recorded" in after
    assert "No failures to comply are awaiting a decision" in after


def test_a_licence_offers_licence_decisions(as_pat, pats_case, licence):
    contact = failure(pats_case)

    page = as_pat.get(decision_url(contact)).content.decode()

    assert "Licence compliance letter" in page and "Recall consideration" in page
    assert "Warning letter" not in page


def test_when_referral_is_required_only_referral_is_offered(as_pat, pats_case, order):
    warning(pats_case, order, 40)
    contact = failure(pats_case)

    page = as_pat.get(decision_url(contact)).content.decode()

    assert "you must refer this case for breach" in page
    assert 'value="BREACH_REFERRAL"' in page
    assert 'value="WARNING_LETTER"' not in page and 'value="NO_FURTHER_ACTION"' not in page


def test_it_refuses_a_warning_when_referral_is_required(as_pat, pats_case, order):
    warned = warning(pats_case, order, 40)
    contact = failure(pats_case)

    response = as_pat.post(
        decision_url(contact), {"kind": "WARNING_LETTER", "rationale": "Another chance", **TODAY_FIELDS}
    )

    assert_problem(
        response,
        f"A warning was given on {warned.decided_on:%-d %B %Y}, within 12 months: you must refer this case for breach",
    )
    assert EnforcementAction.objects.count() == 1


def test_it_refuses_a_missing_rationale(as_pat, pats_case, order):
    contact = failure(pats_case)

    response = as_pat.post(decision_url(contact), {"kind": "WARNING_LETTER", "rationale": "", **TODAY_FIELDS})

    assert_problem(response, "Enter the reasons for your decision")
    assert not EnforcementAction.objects.exists()


def test_it_refuses_a_decision_not_valid_for_the_order(as_pat, pats_case, order):
    contact = failure(pats_case)

    response = as_pat.post(
        decision_url(contact), {"kind": "RECALL_CONSIDERATION", "rationale": "Recall", **TODAY_FIELDS}
    )

    assert_problem(response, "Select a decision from the list")
    assert not EnforcementAction.objects.exists()


def test_it_refuses_no_decision(as_pat, pats_case, order):
    contact = failure(pats_case)

    assert_problem(as_pat.post(decision_url(contact), {"rationale": "x", **TODAY_FIELDS}), "Select a decision")


def test_without_a_named_failure_it_takes_the_latest_awaiting(as_pat, pats_case, order):
    failure(pats_case, 5)
    latest = failure(pats_case, 1)

    as_pat.post(
        "/people/X100001/compliance/decisions/new/", {"kind": "WARNING_LETTER", "rationale": "Missed", **TODAY_FIELDS}
    )

    assert EnforcementAction.objects.get().contact_thread_id == latest.thread_id


def test_a_contact_that_is_not_a_failure_is_not_found(as_pat, pats_case, order):
    attended = ContactFactory(person=pats_case, starts_at=at(1), outcome_code="ATTC")

    assert as_pat.get(decision_url(attended)).status_code == 404


def test_read_only_staff_get_forbidden(as_rory, pats_case, order):
    contact = failure(pats_case)

    assert as_rory.get(decision_url(contact)).status_code == 403
    assert as_rory.post(decision_url(contact), {"kind": "WARNING_LETTER", "rationale": "x"}).status_code == 403
    assert not EnforcementAction.objects.exists()


def test_another_region_gets_not_found(as_olga, pats_case, order):
    contact = failure(pats_case)

    assert as_olga.post(decision_url(contact), {"kind": "WARNING_LETTER", "rationale": "x"}).status_code == 404
    assert not EnforcementAction.objects.exists()


def test_the_decision_page_takes_a_fixed_number_of_queries(as_pat, pats_case, order, django_assert_max_num_queries):
    contact = failure(pats_case)
    for days in range(3, 20):
        warning(pats_case, order, 400 + days)

    with django_assert_max_num_queries(12):
        assert as_pat.get(decision_url(contact)).status_code == 200


# --- The conclude page --------------------------------------------------------------------------


def conclude_url(action) -> str:
    return f"/people/X100001/compliance/enforcement/{action.pk}/conclude/"


@pytest.fixture
def breach(pats_case, order):
    return EnforcementActionFactory(
        person=pats_case, sentence=order, kind="BREACH_REFERRAL", decided_on=TODAY - timedelta(days=20)
    )


def test_a_practitioner_concludes_a_breach(as_pat, breach):
    page = as_pat.get("/people/X100001/compliance/").content.decode()
    response = as_pat.post(
        conclude_url(breach),
        {**date_fields("concluded_on", TODAY), "outcome": "ORDER_AMENDED", "conclusion": "Court added unpaid work"},
    )

    assert "Breach in progress" in page and "Conclude" in page
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.concluded_on == TODAY and breach.conclusion == "Court added unpaid work"
    assert breach.outcome == "ORDER_AMENDED"
    after = as_pat.get("/people/X100001/compliance/").content.decode()
    assert f"since {TODAY:%-d %B %Y}" in after
    assert "the end of the last breach or recall" in after


def test_it_refuses_a_conclusion_before_the_decision(as_pat, breach):
    response = as_pat.post(
        conclude_url(breach),
        {**date_fields("concluded_on", TODAY - timedelta(days=30)), "outcome": "NOT_PROVEN", "conclusion": "Withdrawn"},
    )

    assert_problem(
        response, f"The date the proceedings ended must be on or after {breach.decided_on:%-d %B %Y}, when they began"
    )
    breach.refresh_from_db()
    assert breach.concluded_on is None


def test_it_refuses_a_missing_outcome_and_a_bad_date(as_pat, breach):
    response = as_pat.post(conclude_url(breach), {**date_fields("concluded_on", day="31", month="2", year="2026")})

    assert_problem(response, "The date the proceedings ended must be a real date")
    assert_problem(response, "Select how the proceedings ended")
    assert_problem(response, "Enter the details of the outcome")


def test_it_refuses_to_conclude_a_warning(as_pat, pats_case, order):
    letter = warning(pats_case, order, 3)

    response = as_pat.post(
        conclude_url(letter), {**date_fields("concluded_on", TODAY), "outcome": "NOT_PROVEN", "conclusion": "Done"}
    )

    assert_problem(response, "These proceedings are not in progress, so they cannot be concluded")


def test_concluding_is_refused_to_read_only_and_hidden_from_other_regions(as_rory, as_olga, breach):
    data = {**date_fields("concluded_on", TODAY), "outcome": "FINED", "conclusion": "x"}

    assert as_rory.post(conclude_url(breach), data).status_code == 403
    assert as_olga.post(conclude_url(breach), data).status_code == 404
    breach.refresh_from_db()
    assert breach.concluded_on is None
