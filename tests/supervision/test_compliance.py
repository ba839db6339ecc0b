"""The Compliance tab and the compliance card on the person page: failures to comply counted from
the contact log, the status, what awaits a decision and the enforcement history."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from supervision.models import Contact
from supervision.queries.compliance import compliance_summary
from supervision.rules.compliance import ComplianceStatus
from tests.cases.factories import SentenceFactory
from tests.supervision.factories import ContactFactory, EnforcementActionFactory, at, outcome

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
URL = "/people/X100001/compliance/"


@pytest.fixture
def order(pats_case):
    return SentenceFactory(
        person=pats_case,
        order_type="CO",
        start_date=TODAY - timedelta(days=500),
        expected_end_date=TODAY + timedelta(days=200),
    )


def fail(person, days_ago: float, outcome_code: str = "UAAB", type_code: str = "COAP", **kwargs) -> Contact:
    return ContactFactory(
        person=person, starts_at=at(days_ago), outcome_code=outcome_code, type_code=type_code, **kwargs
    )


def correct(contact: Contact, outcome_code: str) -> Contact:
    """A correction as the contacts service makes one: a new version replaces the current one."""
    contact.superseded_at = timezone.now()
    contact.save(update_fields=["superseded_at"])
    return ContactFactory(
        person=contact.person,
        thread_id=contact.thread_id,
        version=contact.version + 1,
        supersedes=contact,
        correction_reason="Evidence of a hospital appointment received",
        starts_at=contact.starts_at,
        outcome_code=outcome_code,
    )


# --- Counting from the contact log -------------------------------------------------------------


def test_failures_on_one_date_count_once(pats_case, order):
    fail(pats_case, 3, "UAAB")
    ContactFactory(person=pats_case, starts_at=at(3, hour=15), outcome_code="AFTC")
    fail(pats_case, 10, "ATSH")

    summary = compliance_summary(pats_case)

    assert summary.count.rolling_12_months == 2
    assert summary.count.since_last_breach == 2
    assert summary.status == ComplianceStatus.RED
    assert [len(day.contacts) for day in summary.failure_days] == [2, 1]


def test_contacts_that_do_not_count_toward_national_standards_are_ignored(pats_case, order):
    fail(pats_case, 3, "UAAB", type_code="EMTX")

    assert compliance_summary(pats_case).count.rolling_12_months == 0


@pytest.mark.parametrize("code", ["ATTC", "ATSS", "AAME", "RSSR"])
def test_acceptable_outcomes_are_not_failures(pats_case, order, code):
    fail(pats_case, 3, code)

    summary = compliance_summary(pats_case)

    assert summary.count.rolling_12_months == 0
    assert summary.status == ComplianceStatus.GREEN


def test_a_failure_to_attend_later_excused_is_not_counted(pats_case, order):
    excused = fail(pats_case, 5, "AFTA")
    fail(pats_case, 6, "AFTA")
    correct(excused, "AAME")

    summary = compliance_summary(pats_case)

    assert summary.count.rolling_12_months == 1
    assert summary.status == ComplianceStatus.NEUTRAL
    assert [c.thread_id for c in summary.awaiting_decision] != [excused.thread_id]


def test_it_counts_12_months_back_to_the_day(pats_case, order):
    fail(pats_case, 364)
    fail(pats_case, (TODAY - (TODAY - timedelta(days=366))).days)

    summary = compliance_summary(pats_case)

    assert summary.count.rolling_12_months == 1
    assert summary.count.since_last_breach == 2


def test_the_count_since_the_last_breach_restarts_when_it_concludes(pats_case, order):
    fail(pats_case, 100)
    fail(pats_case, 90)
    fail(pats_case, 10)
    EnforcementActionFactory(
        person=pats_case,
        sentence=order,
        kind="BREACH_REFERRAL",
        failure_date=TODAY - timedelta(days=90),
        decided_on=TODAY - timedelta(days=85),
        concluded_on=TODAY - timedelta(days=50),
        outcome="ORDER_AMENDED",
        conclusion="Order continued with an extra requirement",
    )

    summary = compliance_summary(pats_case)

    assert summary.count.since == TODAY - timedelta(days=50)
    assert summary.count.since_last_breach == 1
    assert summary.count.rolling_12_months == 3
    assert summary.status == ComplianceStatus.RED


def test_a_breach_in_progress_shows_as_breach(pats_case, order):
    fail(pats_case, 10)
    EnforcementActionFactory(
        person=pats_case, sentence=order, kind="BREACH_REFERRAL", failure_date=TODAY - timedelta(days=10)
    )

    summary = compliance_summary(pats_case)

    assert summary.status == ComplianceStatus.BREACH
    assert summary.awaiting_decision == []


def test_a_recall_being_considered_shows_as_breach(pats_case):
    licence = SentenceFactory(person=pats_case, order_type="LICENCE")
    EnforcementActionFactory(person=pats_case, sentence=licence, kind="RECALL_CONSIDERATION")

    assert compliance_summary(pats_case).status == ComplianceStatus.BREACH


def test_it_knows_when_the_next_decision_must_be_a_referral(pats_case, order):
    EnforcementActionFactory(
        person=pats_case,
        sentence=order,
        kind="WARNING_LETTER",
        failure_date=TODAY - timedelta(days=60),
        decided_on=TODAY - timedelta(days=59),
    )
    fail(pats_case, 5)

    summary = compliance_summary(pats_case)

    assert summary.referral_warning_date == TODAY - timedelta(days=59)
    assert summary.referral_required
    assert summary.failures_limit == 2
    assert summary.limit_reached is False


# --- The page -------------------------------------------------------------------------------


def test_the_page_explains_the_count(as_pat, pats_case, order):
    fail(pats_case, 3, "UAAB")
    fail(pats_case, 20, "AFTC", type_code="CHVS")

    response = as_pat.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'aria-current="page">Compliance' in content
    assert "2 or more failures to comply: no breach in progress yet" in content
    assert "govuk-tag--red" in content
    assert f"<strong>2</strong> failures to comply since {order.start_date:%-d %B %Y}" in content
    assert "<strong>2</strong> in the last 12 months" in content
    assert "Home visit" in content and "Attended - failed to comply (AFTC)" in content
    assert "Unacceptable absence (UAAB)" in content
    assert content.count("Record a decision") == 2
    assert "Limit reached" in content


def test_the_page_says_a_referral_is_required(as_pat, pats_case, order):
    warned = TODAY - timedelta(days=30)
    EnforcementActionFactory(person=pats_case, sentence=order, failure_date=warned, decided_on=warned)
    fail(pats_case, 2)

    content = as_pat.get(URL).content.decode()

    assert (
        f"A warning was given on {warned:%-d %B %Y}, within 12 months: you must refer this case for breach" in content
    )
    assert "Warning letter" in content


def test_a_green_case(as_pat, pats_case, order):
    content = as_pat.get(URL).content.decode()

    assert "govuk-tag--green" in content
    assert "No failures to comply are awaiting a decision" in content
    assert "No enforcement decisions recorded" in content
    assert "Probation Reset" in content and "Eligible" in content


def test_a_case_without_a_sentence_still_shows(as_pat, pats_case):
    content = as_pat.get(URL).content.decode()

    assert "No sentence recorded" in content


def test_read_only_staff_see_but_cannot_act(as_rory, pats_case, order):
    fail(pats_case, 2)

    content = as_rory.get(URL).content.decode()

    assert "Unacceptable absence" in content
    assert "Record a decision" not in content
    assert "Confirm or override" not in content


def test_the_spo_sees_confirm_or_override(as_sam, as_pat, pats_case, order):
    assert "Confirm or override" in as_sam.get(URL).content.decode()
    assert "Confirm or override" not in as_pat.get(URL).content.decode()


def test_another_region_gets_not_found(as_olga, pats_case, order):
    assert as_olga.get(URL).status_code == 404


def test_it_refuses_a_post(as_pat, pats_case):
    assert as_pat.post(URL).status_code == 405


def test_the_page_takes_a_fixed_number_of_queries(as_sam, pats_case, order, django_assert_max_num_queries):
    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert as_sam.get(URL).status_code == 200
        return len(captured)

    fail(pats_case, 1)
    few = queries()
    for days in range(2, 30):
        fail(pats_case, days, "AFTC")
        EnforcementActionFactory(
            person=pats_case, sentence=order, kind="NO_FURTHER_ACTION", failure_date=TODAY - timedelta(days=days)
        )
    with django_assert_max_num_queries(few):
        assert as_sam.get(URL).status_code == 200
    assert few <= 25, few


# --- The card on the person page ---------------------------------------------------------------


def test_the_person_page_shows_the_compliance_card(as_pat, pats_case, order):
    fail(pats_case, 4)

    content = as_pat.get("/people/X100001/").content.decode()

    assert 'id="compliance"' in content
    assert "1 failure to comply in 12 months" in content
    assert "1 failure awaiting a decision" in content
    assert "Eligible: supervision stops at the two-thirds point" in content


def test_the_card_takes_a_fixed_number_of_queries(pats_case, pat, order, django_assert_max_num_queries):
    from supervision.views.compliance import person_section

    with django_assert_max_num_queries(7):
        person_section(pats_case, pat)
    for days in range(1, 15):
        fail(pats_case, days)
    with django_assert_max_num_queries(7):
        section = person_section(pats_case, pat)
    assert section["summary"].count.rolling_12_months == 14


def test_an_unknown_thread_in_the_link_is_not_found(as_pat, pats_case, order):
    response = as_pat.get(f"/people/X100001/compliance/decisions/new/?failure={uuid.uuid4()}")

    assert response.status_code == 404
    assert as_pat.get("/people/X100001/compliance/decisions/new/?failure=nonsense").status_code == 404


def test_it_only_reads_current_versions(pats_case, order):
    first = fail(pats_case, 5, "UAAB")
    correct(first, "ATTC")

    assert compliance_summary(pats_case).count.rolling_12_months == 0
    assert outcome("ATTC").is_failure is False
