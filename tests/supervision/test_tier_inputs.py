"""The tier's inputs as the MoJ tier service takes them, at their boundaries, through the rule, the
service, the pages and the API: a very-high-RoSH registration (RVHR) is very high RoSH; the latest
RSR recorded anywhere counts with or without an assessment; a woman's breach or recall counts for 12
months; the factors for women are recorded on the assessment and scored; an assessment counts for 55
weeks; and the day time alone changes an input, the daily job recalculates the tier."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cases.models import Person, RsrScore
from cases.services import record_rsr
from supervision import tasks
from supervision.models import TierCalculation
from supervision.rules.tier import (
    TierInputs,
    assessment_counts,
    breach_or_recall_counts,
    calculate_tier,
)
from supervision.services.assessments import save_assessment, start_assessment, submit_assessment
from supervision.services.tier import due_for_recalculation, recalculate_tier, tier_facts_for
from tests.cases.factories import PersonFactory, RegistrationFactory, RequirementFactory, SentenceFactory
from tests.cases.factories import registration_type as reg_type
from tests.cases.pages import date_fields
from tests.supervision.assessment_factories import FULL, complete
from tests.supervision.factories import EnforcementActionFactory

TODAY = timezone.localdate()
D = Decimal


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


# --- The pure rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rosh", "registered", "letter", "points"),
    [
        ("MEDIUM", "VERY_HIGH", "A", 150),  # RVHR is very high RoSH
        ("MEDIUM", "HIGH", "B", 20),  # RHRH is high RoSH
        ("HIGH", "MEDIUM", "B", 20),  # a registration never lowers an assessed RoSH
        ("", "VERY_HIGH", "A", 150),
        ("VERY_HIGH", "", "A", 150),
        ("LOW", "", "D", 0),
    ],
)
def test_the_rosh_that_counts_is_the_higher_of_the_case_and_its_registration(rosh, registered, letter, points):
    result = calculate_tier(TierInputs(rosh=rosh, rosh_registered=registered))
    assert (result.protect, result.protect_points) == (letter, points)


@pytest.mark.parametrize(
    ("decided_days_ago", "counts"),
    [(0, True), (364, True), (365, False), (366, False), (-1, False)],  # 365: 15 Jan 2030, the anniversary
)
def test_a_breach_or_recall_counts_for_the_12_months_ending_today(decided_days_ago, counts):
    assert breach_or_recall_counts(days_ago(decided_days_ago), TODAY) is counts


@pytest.mark.parametrize(
    ("completed", "counts"),
    [
        (TODAY - timedelta(weeks=55), True),  # exactly 55 weeks ago still counts (MoJ: after -55w -1d)
        (TODAY - timedelta(weeks=55, days=1), False),
        (TODAY, True),
        (TODAY + timedelta(days=1), False),
        (None, False),
    ],
)
def test_an_assessment_counts_for_55_weeks(completed, counts):
    assert assessment_counts(completed, TODAY) is counts


@pytest.mark.parametrize(
    ("parenting", "impulsivity_or_temper", "breach", "points"),
    [
        (None, None, False, 0),
        (True, None, False, 2),
        (True, True, False, 4),
        (True, True, True, 6),
        (False, False, True, 2),
    ],
)
def test_the_factors_for_women_score_two_each(parenting, impulsivity_or_temper, breach, points):
    inputs = TierInputs(
        is_female=True,
        parenting_responsibilities=parenting,
        impulsivity_or_temper=impulsivity_or_temper,
        previous_breach_or_recall=breach,
    )
    assert calculate_tier(inputs).protect_points == points


# --- Through the service, the pages and the API ----------------------------------------------------


@pytest.fixture
def case(pat) -> Person:
    """A woman on a community order with a rehabilitation activity requirement (a mandate for change)."""
    person = PersonFactory(crn="X100001", practitioner=pat, team=pat.team, gender="F", rosh="MEDIUM", tier="")
    sentence = SentenceFactory(
        person=person, order_type="CO", start_date=days_ago(400), expected_end_date=days_ago(-300)
    )
    RequirementFactory(sentence=sentence, category="RAR", length=20, unit="DAYS", delivered=0)
    return person


def tier_of(case: Person) -> str:
    return recalculate_tier(case, trigger="Test").tier


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "tier"), [("RVHR", "A2"), ("RHRH", "B2"), ("RMDO", "C2")])
def test_a_rosh_registration_sets_the_tier_on_the_page_and_in_the_api(as_pat, case, code, tier):
    RegistrationFactory(person=case, type=reg_type(code), registered_on=days_ago(10))

    response = as_pat.post("/people/X100001/tier/recalculate/", follow=True)

    assert response.status_code == 200
    assert as_pat.get("/api/v1/people/X100001/").json()["tier"] == tier
    if code == "RVHR":
        assert "RoSH very high: 150 points (from the RoSH registration)" in response.content.decode()


@pytest.fixture
def worker(monkeypatch):
    """Run the queued tier recalculation in this process, as a worker would within seconds."""
    monkeypatch.setattr(tasks.recalculate_tier, "delay", lambda pk: tasks.recalculate_tier.apply(args=[pk]).get())


@pytest.mark.django_db
def test_rsr_without_an_assessment_counts_as_the_moj_service_counts_it(
    as_pat, case, worker, django_capture_on_commit_callbacks
):
    """RSR 23% with no assessment is B2: 20 points for RSR, change level 2 for no assessment."""
    page = as_pat.get("/people/X100001/risk/rsr/new/")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_pat.post(
            "/people/X100001/risk/rsr/new/", {"score": "23", **date_fields("calculated_on", days_ago(3))}
        )

    assert page.status_code == 200 and response.status_code == 302
    rsr = RsrScore.objects.get(person=case)
    assert (rsr.score, rsr.source, rsr.calculated_on) == (D("23.00"), "STANDALONE", days_ago(3))
    assert as_pat.get("/api/v1/people/X100001/").json()["tier"] == "B2"
    risk = as_pat.get("/people/X100001/risk/").content.decode()
    assert "The tier uses the latest: <strong>23%</strong> (Standalone RSR calculation, calculated" in risk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("assessment_rsr", "assessment_days_ago", "standalone_rsr", "standalone_days_ago", "rsr", "protect"),
    [
        (D("2"), 30, D("8"), 5, D("8"), "B"),  # a later standalone RSR wins over the assessment's
        (D("8"), 5, D("2"), 30, D("8"), "B"),  # a later assessment's RSR wins over a standalone one
        (D("2"), 5, D("8"), 30, D("2"), "C"),  # the assessment is later: 2% (and medium RoSH 10)
        (None, 5, D("4"), 30, D("4"), "C"),  # an assessment with no RSR leaves the standalone one
    ],
)
def test_the_latest_rsr_counts_wherever_it_arrived(
    case, pat, assessment_rsr, assessment_days_ago, standalone_rsr, standalone_days_ago, rsr, protect
):
    record_rsr(case, score=standalone_rsr, calculated_on=days_ago(standalone_days_ago), source="STANDALONE", by=pat)
    complete(case, pat, days_ago(assessment_days_ago), rsr=assessment_rsr)
    if assessment_rsr is not None:  # as completing it records it (the next test)
        record_rsr(case, score=assessment_rsr, calculated_on=days_ago(assessment_days_ago), source="ASSESSMENT", by=pat)

    facts = tier_facts_for(case)

    assert facts.inputs.rsr == rsr
    assert calculate_tier(facts.inputs).protect == protect


@pytest.mark.django_db
def test_completing_an_assessment_records_its_rsr(case, pat):
    assessment = start_assessment(case, type="INITIAL", by=pat)
    save_assessment(assessment, by=pat, **FULL)
    save_assessment(assessment, by=pat, parenting_responsibilities=False, impulsivity=False, temper_control=False)

    submit_assessment(assessment, by=pat, completed_on=TODAY)

    rsr = RsrScore.objects.get(person=case)
    assert (rsr.score, rsr.calculated_on, rsr.source, rsr.recorded_by) == (FULL["rsr"], TODAY, "ASSESSMENT", pat)
    assert tier_facts_for(case).inputs.rsr == FULL["rsr"]


@pytest.mark.django_db
@pytest.mark.parametrize(("decided_days_ago", "points"), [(364, 2), (366, 0)])
@pytest.mark.parametrize("kind", ["BREACH_REFERRAL", "RECALL_CONSIDERATION"])
def test_a_womans_breach_or_recall_counts_only_in_the_last_12_months(case, kind, decided_days_ago, points):
    sentence = case.sentences.get()
    EnforcementActionFactory(person=case, sentence=sentence, kind=kind, decided_on=days_ago(decided_days_ago))

    calculation = recalculate_tier(case, trigger="Test")

    factor = next(f for f in calculation.breakdown["factors"] if f["factor"] == "Previous breach or recall")
    assert factor["points"] == points


@pytest.mark.django_db
def test_a_warning_or_a_mans_breach_does_not_count(case):
    sentence = case.sentences.get()
    EnforcementActionFactory(person=case, sentence=sentence, kind="WARNING_LETTER", decided_on=days_ago(10))
    assert tier_facts_for(case).inputs.previous_breach_or_recall is False
    EnforcementActionFactory(person=case, sentence=sentence, kind="BREACH_REFERRAL", decided_on=days_ago(10))
    Person.objects.filter(pk=case.pk).update(gender="M")
    case.refresh_from_db()
    assert tier_facts_for(case).inputs.previous_breach_or_recall is False


@pytest.mark.django_db
def test_the_factors_for_women_are_recorded_on_the_assessment_page_and_scored(as_pat, case, pat):
    assessment = start_assessment(case, type="INITIAL", by=pat)
    save_assessment(assessment, by=pat, **FULL)
    url = f"/people/X100001/risk/assessments/{assessment.pk}/"

    task_list = as_pat.get(url).content.decode()
    check = as_pat.post(f"{url}check/", date_fields("completed_on", TODAY))
    bad = as_pat.post(f"{url}women/", {"parenting_responsibilities": "maybe"})
    saved = as_pat.post(
        f"{url}women/", {"parenting_responsibilities": "True", "impulsivity": "False", "temper_control": "True"}
    )
    submitted = as_pat.post(f"{url}check/", date_fields("completed_on", TODAY))

    assert "Factors for women" in task_list
    assert "Answer: does she have parenting responsibilities?" in check.content.decode()  # not yet answered
    assert "Select yes or no" in bad.content.decode()
    assert saved.status_code == 302 and submitted.status_code == 302
    calculation = TierCalculation.objects.filter(person=case).latest("calculated_at")
    women = {f["factor"]: f["points"] for f in calculation.breakdown["factors"]}
    assert (women["Parenting responsibilities"], women["Impulsivity or temper control"]) == (2, 2)
    assert "Is temper control a problem?" in as_pat.get(url).content.decode()


@pytest.mark.django_db
def test_a_man_is_not_asked_the_factors_for_women(as_pat, pat, pats_case):
    SentenceFactory(person=pats_case)
    assessment = start_assessment(pats_case, type="INITIAL", by=pat)
    url = f"/people/X100001/risk/assessments/{assessment.pk}/"

    assert "Factors for women" not in as_pat.get(url).content.decode()
    assert as_pat.get(f"{url}women/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("weeks", "extra_days", "valid"), [(55, 0, True), (55, 1, False)])
def test_an_assessment_older_than_55_weeks_gives_change_level_two(case, pat, weeks, extra_days, valid):
    complete(case, pat, TODAY - timedelta(weeks=weeks, days=extra_days), needs={"THINKING_BEHAVIOUR": "NONE"})

    inputs = tier_facts_for(case).inputs
    result = calculate_tier(inputs)

    assert inputs.has_valid_assessment is valid
    assert result.change == (1 if valid else 2)


# --- When time alone changes an input ------------------------------------------------------------


def at_night(day: date) -> Any:
    return time_machine.travel(datetime.combine(day, time(1, 45), tzinfo=ZoneInfo("Europe/London")), tick=False)


@pytest.mark.django_db
def test_the_daily_job_recalculates_a_tier_the_day_a_breach_leaves_the_12_months(case, monkeypatch):
    sentence = case.sentences.get()
    EnforcementActionFactory(person=case, sentence=sentence, kind="BREACH_REFERRAL", decided_on=days_ago(300))
    first = recalculate_tier(case, trigger="Test")
    leaves = days_ago(300).replace(year=days_ago(300).year + 1)  # the anniversary: no longer counted
    assert first.recalculate_on == leaves
    monkeypatch.setattr(tasks.recalculate_tier, "delay", lambda pk: tasks.recalculate_tier.apply(args=[pk]).get())

    with at_night(leaves - timedelta(days=1)):
        assert due_for_recalculation(timezone.localdate()) == []
        assert tasks.recalculate_due_tiers() == 0
    with at_night(leaves):
        assert due_for_recalculation(timezone.localdate()) == [case.pk]
        assert tasks.recalculate_due_tiers() == 1
        assert tasks.recalculate_due_tiers() == 0  # idempotent: no longer due

    latest = TierCalculation.objects.filter(person=case).latest("calculated_at")
    assert latest.pk != first.pk and latest.protect_points == first.protect_points - 2
    assert latest.recalculate_on is None


@pytest.mark.django_db
def test_the_daily_job_finds_an_assessment_passing_55_weeks(case, pat):
    completed = TODAY - timedelta(weeks=50)
    complete(case, pat, completed)
    calculation = recalculate_tier(case, trigger="Test")

    assert calculation.recalculate_on == completed + timedelta(weeks=55, days=1)
    assert due_for_recalculation(calculation.recalculate_on) == [case.pk]
    assert due_for_recalculation(calculation.recalculate_on - timedelta(days=1)) == []
