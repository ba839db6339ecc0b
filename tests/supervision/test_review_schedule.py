"""When the next assessment is due: the policy interval (scoped by RoSH) after the last complete
assessment, brought forward by each trigger since; the earliest wins; met triggers are ignored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import AddressStatus
from supervision.models import PolicyRule, ReviewTrigger
from supervision.queries.assessments import next_review
from supervision.rules.assessments import FIRST_ASSESSMENT, Trigger, schedule
from tests.cases.factories import AddressFactory, RegistrationFactory, SentenceFactory
from tests.supervision.assessment_factories import complete
from tests.supervision.factories import EnforcementActionFactory

TODAY = timezone.localdate()
LAST = TODAY - timedelta(days=30)
# The seeded base rule: review every 26 weeks, 10 days after a trigger.
INTERVAL = LAST + timedelta(weeks=26)


# --- The pure schedule ------------------------------------------------------------------------


def test_the_interval_runs_from_the_last_complete_assessment():
    due = schedule(on=TODAY, last_completed=LAST, interval_weeks=26, trigger_days=10)
    assert (due.due, due.reason, due.overdue) == (INTERVAL, "Regular review", False)
    assert due.date == INTERVAL


def test_an_event_brings_the_review_forward_by_the_trigger_days():
    moved = LAST + timedelta(days=5)
    due = schedule(
        on=TODAY,
        last_completed=LAST,
        interval_weeks=26,
        trigger_days=10,
        events=[("Change of address", moved)],
    )
    assert (due.due, due.reason) == (moved + timedelta(days=10), "Change of address")
    assert due.overdue  # 15 days after the last assessment, which was 30 days ago


def test_the_earliest_of_several_wins():
    events = [("Late", LAST + timedelta(days=20)), ("Early", LAST + timedelta(days=2))]
    manual = [Trigger("Manual", LAST + timedelta(days=1), LAST + timedelta(days=50))]
    due = schedule(
        on=TODAY,
        last_completed=LAST,
        interval_weeks=26,
        trigger_days=10,
        events=events,
        triggers=manual,
    )
    assert (due.due, due.reason) == (LAST + timedelta(days=12), "Early")
    assert [t.reason for t in due.triggers] == ["Early", "Late", "Manual", "Regular review"]


def test_with_no_assessment_the_first_one_is_due_after_supervision_starts():
    start = TODAY - timedelta(days=3)
    first = Trigger(FIRST_ASSESSMENT, start, start + timedelta(days=20))
    due = schedule(on=TODAY, last_completed=None, interval_weeks=26, trigger_days=10, first_due=first)
    assert (due.due, due.reason, due.overdue) == (start + timedelta(days=20), FIRST_ASSESSMENT, False)


def test_with_nothing_to_assess_nothing_is_due():
    due = schedule(on=TODAY, last_completed=None, interval_weeks=26, trigger_days=10)
    assert due.due is None


# --- From the records -------------------------------------------------------------------------


@pytest.fixture
def assessed(pats_case, pat):
    SentenceFactory(person=pats_case, start_date=TODAY - timedelta(days=200))
    complete(pats_case, pat, LAST)
    return pats_case


@pytest.mark.django_db
def test_with_no_events_the_base_interval_applies(assessed):
    due = next_review(assessed)
    assert (due.due, due.reason) == (INTERVAL, "Regular review")


@pytest.mark.django_db
def test_the_interval_follows_a_rule_scoped_by_rosh(assessed):
    base = PolicyRule.objects.get(is_base=True, policy__status="PUBLISHED")
    PolicyRule.objects.create(policy=base.policy, name="High RoSH reviews", rosh="HIGH", assessment_review_weeks=16)
    assert next_review(assessed).due == INTERVAL
    assessed.rosh = "HIGH"
    assessed.save(update_fields=["rosh"])
    assert next_review(assessed).due == LAST + timedelta(weeks=16)


@pytest.mark.django_db
@pytest.mark.parametrize(("days_in", "overdue"), [(20, False), (21, True)])
def test_no_assessment_means_the_first_one_is_due_20_days_after_the_start(pats_case, days_in, overdue):
    start = TODAY - timedelta(days=days_in)
    SentenceFactory(person=pats_case, start_date=start)
    due = next_review(pats_case)
    assert (due.due, due.reason, due.overdue) == (start + timedelta(days=20), FIRST_ASSESSMENT, overdue)


@pytest.mark.django_db
def test_a_new_registration_brings_the_review_forward(assessed):
    RegistrationFactory(person=assessed, registered_on=LAST + timedelta(days=3))
    due = next_review(assessed)
    assert due.due == LAST + timedelta(days=13)
    assert due.reason.startswith("New registration")


@pytest.mark.django_db
def test_a_registration_before_the_assessment_does_not(assessed):
    RegistrationFactory(person=assessed, registered_on=LAST - timedelta(days=3))
    assert next_review(assessed).due == INTERVAL


@pytest.mark.django_db
def test_a_change_of_main_address_brings_the_review_forward(assessed):
    AddressFactory(person=assessed, start_date=LAST + timedelta(days=4), status=AddressStatus.MAIN)
    due = next_review(assessed)
    assert (due.due, due.reason) == (LAST + timedelta(days=14), "Change of address")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["BREACH_REFERRAL", "RECALL_CONSIDERATION"])
def test_a_breach_or_recall_brings_the_review_forward(assessed, kind):
    EnforcementActionFactory(person=assessed, kind=kind, decided_on=LAST + timedelta(days=6))
    due = next_review(assessed)
    assert due.due == LAST + timedelta(days=16)
    assert due.reason.startswith("Breach or recall")


@pytest.mark.django_db
def test_a_warning_letter_does_not(assessed):
    EnforcementActionFactory(person=assessed, kind="WARNING_LETTER", decided_on=LAST + timedelta(days=6))
    assert next_review(assessed).due == INTERVAL


@pytest.mark.django_db
def test_a_release_on_licence_is_due_by_the_release_date(assessed):
    release = TODAY + timedelta(days=40)
    SentenceFactory(person=assessed, order_type="LICENCE", start_date=release)
    due = next_review(assessed)
    assert (due.due, due.reason) == (release, "Pre-release")


@pytest.mark.django_db
def test_an_open_manual_trigger_brings_the_review_forward(assessed):
    ReviewTrigger.objects.create(
        person=assessed, reason="ROSH_CHANGE", raised_on=TODAY, review_due=TODAY + timedelta(days=10)
    )
    due = next_review(assessed)
    assert (due.due, due.reason) == (TODAY + timedelta(days=10), "RoSH changed")


@pytest.mark.django_db
def test_a_met_trigger_is_ignored(assessed, pat):
    later = complete(assessed, pat, TODAY - timedelta(days=1))
    ReviewTrigger.objects.create(
        person=assessed, reason="ROSH_CHANGE", raised_on=LAST, review_due=LAST + timedelta(days=10), met_by=later
    )
    due = next_review(assessed)
    assert (due.due, due.reason) == (TODAY - timedelta(days=1) + timedelta(weeks=26), "Regular review")


@pytest.mark.django_db
def test_the_earliest_trigger_wins(assessed):
    RegistrationFactory(person=assessed, registered_on=LAST + timedelta(days=8))
    AddressFactory(person=assessed, start_date=LAST + timedelta(days=2))
    due = next_review(assessed)
    assert (due.due, due.reason) == (LAST + timedelta(days=12), "Change of address")
    assert len(due.triggers) == 3


@pytest.mark.django_db
def test_it_takes_a_fixed_number_of_queries(assessed, django_assert_max_num_queries):
    for days in range(1, 6):
        RegistrationFactory(person=assessed, registered_on=LAST + timedelta(days=days), type=_type(days))
        EnforcementActionFactory(person=assessed, kind="BREACH_REFERRAL", decided_on=LAST + timedelta(days=days))
    with django_assert_max_num_queries(12):
        next_review(assessed)


def _type(index: int):
    from cases.models import RegistrationType

    return RegistrationType.objects.filter(is_mappa=False).order_by("code")[index]
