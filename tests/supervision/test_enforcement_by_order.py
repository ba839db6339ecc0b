"""Enforcement as the law has it for each order, table by table: the decisions offered and accepted
(post-sentence supervision is not a licence: no recall, a breach goes to the magistrates' court under
CJA 2003 s.256AC), the outcomes proceedings can end in, and the date of the decision (given by the
practitioner: never in the future, never before the failure), from which the 12 months a warning
counts for run. Through the service and through the pages."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from supervision.models import EnforcementAction
from supervision.rules.compliance import outcomes_for
from supervision.services.enforcement import conclude_enforcement, record_enforcement_action
from tests.cases.factories import SentenceFactory
from tests.cases.pages import assert_problem, date_fields
from tests.supervision.factories import ContactFactory, EnforcementActionFactory, at

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DECISIONS = "/people/X100001/compliance/decisions/new/"


def sentence_of(person, order_type):
    return SentenceFactory(person=person, order_type=order_type, start_date=TODAY - timedelta(days=800))


def decide(person, sentence, by, *, kind, failure_days_ago=2, decided_days_ago=None):
    return record_enforcement_action(
        person,
        sentence=sentence,
        kind=kind,
        failure_date=TODAY - timedelta(days=failure_days_ago),
        decided_on=TODAY - timedelta(days=decided_days_ago) if decided_days_ago is not None else None,
        rationale="No reasonable excuse given",
        by=by,
    )


# --- Decisions by order type ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("order_type", "kind", "allowed"),
    [
        ("CO", "WARNING_LETTER", True),
        ("CO", "BREACH_REFERRAL", True),
        ("CO", "LICENCE_COMPLIANCE_LETTER", False),
        ("CO", "RECALL_CONSIDERATION", False),
        ("SSO", "WARNING_LETTER", True),
        ("SSO", "RECALL_CONSIDERATION", False),
        ("LICENCE", "LICENCE_COMPLIANCE_LETTER", True),
        ("LICENCE", "RECALL_CONSIDERATION", True),
        ("LICENCE", "WARNING_LETTER", False),
        ("LICENCE", "BREACH_REFERRAL", False),
        # PSS is not a licence: no recall and no licence letter; a warning, or the magistrates' court.
        ("PSS", "WARNING_LETTER", True),
        ("PSS", "BREACH_REFERRAL", True),
        ("PSS", "RECALL_CONSIDERATION", False),
        ("PSS", "LICENCE_COMPLIANCE_LETTER", False),
        ("PSS", "NO_FURTHER_ACTION", True),
    ],
)
def test_the_service_accepts_only_the_decisions_the_law_allows_for_the_order(pats_case, pat, order_type, kind, allowed):
    sentence = sentence_of(pats_case, order_type)
    if allowed:
        assert decide(pats_case, sentence, pat, kind=kind).kind == kind
    else:
        with pytest.raises(ValidationError) as error:
            decide(pats_case, sentence, pat, kind=kind)
        assert "kind" in error.value.message_dict
        assert not EnforcementAction.objects.exists()


@pytest.mark.parametrize(
    ("order_type", "offered", "not_offered"),
    [
        ("CO", ["Warning letter", "Refer for breach"], ["Recall consideration", "magistrates"]),
        ("LICENCE", ["Licence compliance letter", "Recall consideration"], ["Warning letter", "Refer for breach"]),
        (
            "PSS",
            ["Warning letter", "Refer to the magistrates&#x27; court for breach"],
            ["Recall consideration", "Licence compliance letter"],
        ),
    ],
)
def test_the_page_offers_the_decisions_of_the_order(as_pat, pats_case, order_type, offered, not_offered):
    sentence_of(pats_case, order_type)
    ContactFactory(person=pats_case, starts_at=at(2), outcome_code="UAAB")

    page = as_pat.get(DECISIONS).content.decode()

    assert all(text in page for text in offered), offered
    assert not any(text in page for text in not_offered), not_offered
    assert ("section 256AC" in page) is (order_type == "PSS")


def test_a_pss_breach_goes_to_the_magistrates_court_through_the_page(as_pat, pats_case):
    sentence = sentence_of(pats_case, "PSS")
    ContactFactory(person=pats_case, starts_at=at(2), outcome_code="UAAB")

    refused = as_pat.post(
        DECISIONS, {"kind": "RECALL_CONSIDERATION", "rationale": "x", **date_fields("decided_on", TODAY)}
    )
    response = as_pat.post(
        DECISIONS, {"kind": "BREACH_REFERRAL", "rationale": "Second absence", **date_fields("decided_on", TODAY)}
    )

    assert_problem(refused, "Select a decision from the list")
    assert response.status_code == 302
    action = EnforcementAction.objects.get()
    assert (action.kind, action.sentence, action.in_progress) == ("BREACH_REFERRAL", sentence, True)
    page = as_pat.get("/people/X100001/compliance/").content.decode()
    assert "Refer to the magistrates&#x27; court for breach recorded" in page


# --- How proceedings end ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("order_type", "kind", "outcome", "allowed"),
    [
        ("PSS", "BREACH_REFERRAL", "COMMITTED", True),
        ("PSS", "BREACH_REFERRAL", "FINED", True),
        ("PSS", "BREACH_REFERRAL", "SUPERVISION_DEFAULT_ORDER", True),
        ("PSS", "BREACH_REFERRAL", "RECALLED_STANDARD", False),
        ("PSS", "BREACH_REFERRAL", "RESENTENCED", False),
        ("CO", "BREACH_REFERRAL", "RESENTENCED", True),
        ("CO", "BREACH_REFERRAL", "ORDER_AMENDED", True),
        ("CO", "BREACH_REFERRAL", "COMMITTED", False),
        ("SSO", "BREACH_REFERRAL", "SENTENCE_ACTIVATED", True),
        ("SSO", "BREACH_REFERRAL", "RESENTENCED", False),
        ("LICENCE", "RECALL_CONSIDERATION", "RECALLED_FIXED_TERM", True),
        ("LICENCE", "RECALL_CONSIDERATION", "NOT_RECALLED", True),
        ("LICENCE", "RECALL_CONSIDERATION", "FINED", False),
        ("CO", "BREACH_REFERRAL", "NOT_RECORDED", False),  # only for proceedings concluded before outcomes
    ],
)
def test_proceedings_end_only_in_an_outcome_the_law_allows(pats_case, pat, order_type, kind, outcome, allowed):
    action = decide(pats_case, sentence_of(pats_case, order_type), pat, kind=kind)

    if allowed:
        concluded = conclude_enforcement(action, by=pat, concluded_on=TODAY, outcome=outcome, conclusion="Details")
        assert (concluded.outcome, concluded.in_progress) == (outcome, False)
    else:
        with pytest.raises(ValidationError) as error:
            conclude_enforcement(action, by=pat, concluded_on=TODAY, outcome=outcome, conclusion="Details")
        assert "outcome" in error.value.message_dict
        action.refresh_from_db()
        assert action.in_progress


def test_the_conclude_page_offers_the_pss_outcomes(as_pat, pats_case, pat):
    action = decide(pats_case, sentence_of(pats_case, "PSS"), pat, kind="BREACH_REFERRAL")
    url = f"/people/X100001/compliance/enforcement/{action.pk}/conclude/"

    page = as_pat.get(url).content.decode()
    response = as_pat.post(
        url, {**date_fields("concluded_on", TODAY), "outcome": "COMMITTED", "conclusion": "Committed for 10 days"}
    )

    assert "Committed to prison (up to 14 days)" in page and "Supervision default order" in page
    assert "Recalled" not in page
    assert response.status_code == 302
    summary = as_pat.get("/people/X100001/compliance/").content.decode()
    assert "Committed to prison (up to 14 days)" in summary
    assert [o.value for o in outcomes_for("PSS")][:3] == ["COMMITTED", "FINED", "SUPERVISION_DEFAULT_ORDER"]


# --- The date of the decision ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("failure_days_ago", "decided_days_ago", "problem"),
    [
        (5, 5, None),  # on the day of the failure
        (5, 0, None),  # today
        (5, 6, "must be on or after"),  # before the failure
        (5, -1, "must be today or in the past"),  # tomorrow
    ],
)
def test_the_decision_date_is_given_never_future_never_before_the_failure(
    pats_case, pat, failure_days_ago, decided_days_ago, problem
):
    order = sentence_of(pats_case, "CO")
    if problem is None:
        action = decide(
            pats_case,
            order,
            pat,
            kind="WARNING_LETTER",
            failure_days_ago=failure_days_ago,
            decided_days_ago=decided_days_ago,
        )
        decided = TODAY - timedelta(days=decided_days_ago)
        assert action.decided_on == decided
        assert action.evidence_due == decided + timedelta(days=7)  # the response period runs from the decision
    else:
        with pytest.raises(ValidationError) as error:
            decide(
                pats_case,
                order,
                pat,
                kind="WARNING_LETTER",
                failure_days_ago=failure_days_ago,
                decided_days_ago=decided_days_ago,
            )
        assert problem in error.value.message_dict["decided_on"][0]
        assert not EnforcementAction.objects.exists()


@pytest.mark.parametrize(("given_days_before_failure", "must_refer"), [(364, True), (365, False), (366, False)])
def test_the_12_months_run_from_the_day_the_warning_was_given_not_the_day_it_was_entered(
    pats_case, pat, given_days_before_failure, must_refer
):
    order = sentence_of(pats_case, "CO")
    # The earlier warning was entered only today, dated the day it was given.
    earlier = decide(
        pats_case,
        order,
        pat,
        kind="WARNING_LETTER",
        failure_days_ago=given_days_before_failure + 3,
        decided_days_ago=given_days_before_failure + 2,
    )
    assert earlier.created_at.date() == TODAY

    if must_refer:
        with pytest.raises(ValidationError) as error:
            decide(pats_case, order, pat, kind="WARNING_LETTER", failure_days_ago=2)
        assert f"A warning was given on {earlier.decided_on:%-d %B %Y}" in error.value.message_dict["kind"][0]
    else:
        assert decide(pats_case, order, pat, kind="WARNING_LETTER", failure_days_ago=2).referral_required is False


@pytest.mark.parametrize(("given_days_before_failure", "must_refer"), [(364, True), (366, False)])
def test_the_page_applies_the_warning_window_from_the_given_date(
    as_pat, pats_case, given_days_before_failure, must_refer
):
    order = sentence_of(pats_case, "CO")
    given = TODAY - timedelta(days=given_days_before_failure + 2)
    EnforcementActionFactory(person=pats_case, sentence=order, failure_date=given, decided_on=given)
    ContactFactory(person=pats_case, starts_at=at(2), outcome_code="UAAB")

    page = as_pat.get(DECISIONS).content.decode()

    assert ("you must refer this case for breach" in page) is must_refer
    assert ('value="WARNING_LETTER"' in page) is not must_refer


def test_the_page_takes_the_date_and_refuses_a_bad_one(as_pat, pats_case):
    sentence_of(pats_case, "CO")
    ContactFactory(person=pats_case, starts_at=at(3), outcome_code="UAAB")
    data = {"kind": "WARNING_LETTER", "rationale": "Missed"}

    form = as_pat.get(DECISIONS).content.decode()
    early = as_pat.post(DECISIONS, {**data, **date_fields("decided_on", TODAY - timedelta(days=4))})
    future = as_pat.post(DECISIONS, {**data, **date_fields("decided_on", TODAY + timedelta(days=1))})
    missing = as_pat.post(DECISIONS, data)
    assert not EnforcementAction.objects.exists()
    ok = as_pat.post(DECISIONS, {**data, **date_fields("decided_on", TODAY - timedelta(days=1))})

    assert f'value="{TODAY.year}"' in form  # today by default
    failed = TODAY - timedelta(days=3)
    assert_problem(early, f"The date of the decision must be on or after {failed:%-d %B %Y}, the failure to comply")
    assert_problem(future, "The date of the decision must be today or in the past")
    assert_problem(missing, "Enter the date of the decision")
    assert ok.status_code == 302
    assert EnforcementAction.objects.get().decided_on == TODAY - timedelta(days=1)


# --- The data migration ------------------------------------------------------------------------


def test_the_migration_calls_pss_decisions_what_the_law_calls_them(pats_case):
    pss = sentence_of(pats_case, "PSS")
    licence = sentence_of(pats_case, "LICENCE")
    recall = EnforcementActionFactory(person=pats_case, sentence=pss, kind="RECALL_CONSIDERATION")
    letter = EnforcementActionFactory(person=pats_case, sentence=pss, kind="LICENCE_COMPLIANCE_LETTER")
    kept = EnforcementActionFactory(person=pats_case, sentence=licence, kind="RECALL_CONSIDERATION")

    migration = importlib.import_module("supervision.migrations.0006_enforcement_by_order_type")
    migration.fit_records_to_the_law(apps, None)

    for action in (recall, letter, kept):
        action.refresh_from_db()
    assert (recall.kind, letter.kind, kept.kind) == ("BREACH_REFERRAL", "WARNING_LETTER", "RECALL_CONSIDERATION")
