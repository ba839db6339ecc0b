"""Risk assessments: the services (one draft at a time, drafts only change, submit, countersign,
return) and the Risk tab pages through HTTP."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import Role
from supervision.models import Assessment, AssessmentStatus, InformationRequest, ReviewTrigger, TierCalculation
from supervision.services import assessments as services
from tests.cases.factories import SentenceFactory, UserFactory
from tests.cases.pages import assert_problem, client_for, date_fields, problems
from tests.supervision.assessment_factories import FULL, complete, draft

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TAB = "/people/X100001/risk/"


def url(assessment: Assessment, suffix: str = "") -> str:
    return f"/people/{assessment.person.crn}/risk/assessments/{assessment.pk}/{suffix}"


@pytest.fixture
def case(pats_case):
    SentenceFactory(person=pats_case, start_date=TODAY - timedelta(days=60))
    return pats_case


@pytest.fixture
def other_spo(newcastle):
    return UserFactory(username="nina", role=Role.SPO, team=newcastle)


# --- Services ---------------------------------------------------------------------------------


def test_one_draft_at_a_time(case, pat):
    services.start_assessment(case, type="INITIAL", by=pat)
    with pytest.raises(ValidationError, match="already in progress"):
        services.start_assessment(case, type="REVIEW", by=pat)
    assert Assessment.objects.filter(person=case).count() == 1


def test_a_new_assessment_starts_from_the_last_complete_one(case, pat):
    complete(case, pat, TODAY - timedelta(days=100), rosh_children="HIGH")
    review = services.start_assessment(case, type="REVIEW", by=pat)
    assert (review.status, review.rosh_children, review.ogrs) == ("DRAFT", "HIGH", Decimal("40.00"))


def test_read_only_staff_cannot_start_one(case, rory):
    with pytest.raises(PermissionDenied):
        services.start_assessment(case, type="INITIAL", by=rory)


def test_a_completed_assessment_cannot_be_saved(case, pat):
    done = complete(case, pat, TODAY)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.save_assessment(done, by=pat, rosh_public="HIGH")
    done.refresh_from_db()
    assert done.rosh_public == "MEDIUM"


@pytest.mark.parametrize("score", ["101", "-1", "abc"])
def test_a_predictor_outside_0_to_100_is_refused(case, pat, score):
    assessment = draft(case, pat)
    with pytest.raises(ValidationError):
        services.save_assessment(assessment, by=pat, ogrs=score)
    assessment.refresh_from_db()
    assert assessment.ogrs == Decimal("40.00")


def test_needs_are_merged_and_checked(case, pat):
    assessment = draft(case, pat, needs={})
    services.save_assessment(assessment, by=pat, needs={"ALCOHOL": "SEVERE"})
    services.save_assessment(assessment, by=pat, needs={"DRUGS": "NONE"})
    assessment.refresh_from_db()
    assert assessment.needs == {"ALCOHOL": "SEVERE", "DRUGS": "NONE"}
    with pytest.raises(ValidationError):
        services.save_assessment(assessment, by=pat, needs={"ALCOHOL": "EXTREME"})


def test_submitting_completes_and_updates_the_case(case, pat):
    ReviewTrigger.objects.create(person=case, reason="ADDRESS_CHANGE", raised_on=TODAY, review_due=TODAY)
    assessment = draft(case, pat, rosh_children="HIGH")
    done = services.submit_assessment(assessment, by=pat, completed_on=TODAY)
    case.refresh_from_db()
    assert (done.status, done.rosh_overall, case.rosh) == ("COMPLETE", "HIGH", "HIGH")
    assert done.next_review_due == TODAY + timedelta(weeks=26)
    assert ReviewTrigger.objects.get(person=case).met_by == done
    assert not done.countersignature_required


def test_completion_recalculates_the_tier(case, pat):
    services.submit_assessment(draft(case, pat, rosh_public="VERY_HIGH"), by=pat, completed_on=TODAY)
    case.refresh_from_db()
    calculation = TierCalculation.objects.filter(person=case).first()
    assert calculation is not None and calculation.trigger == "Assessment completed"
    assert case.tier.startswith("A")


@pytest.mark.parametrize(("rosh", "status"), [("HIGH", "AWAITING_COUNTERSIGNATURE"), ("MEDIUM", "COMPLETE")])
def test_a_pso_on_a_high_rosh_case_needs_a_countersignature(case, eve, rosh, status):
    assessment = draft(case, eve, rosh_public=rosh)
    done = services.submit_assessment(assessment, by=eve, completed_on=TODAY)
    assert done.status == status
    case.refresh_from_db()
    assert case.rosh == "MEDIUM"  # unchanged until it counts (the factory's MEDIUM)
    assert list(Assessment.objects.awaiting_countersignature()) == ([done] if rosh == "HIGH" else [])


def test_a_future_completion_date_is_refused(case, pat):
    assessment = draft(case, pat)
    with pytest.raises(ValidationError, match="today or in the past"):
        services.submit_assessment(assessment, by=pat, completed_on=TODAY + timedelta(days=1))


def test_an_unfinished_assessment_cannot_be_submitted(case, pat):
    assessment = draft(case, pat, contingency_plan="")
    with pytest.raises(ValidationError, match="Enter the contingency plan"):
        services.submit_assessment(assessment, by=pat, completed_on=TODAY)
    assessment.refresh_from_db()
    assert assessment.status == "DRAFT"


@pytest.fixture
def awaiting(case, eve):
    return services.submit_assessment(draft(case, eve, rosh_public="VERY_HIGH"), by=eve, completed_on=TODAY)


def test_the_teams_spo_countersigns(awaiting, sam, case):
    done = services.countersign_assessment(awaiting, by=sam, notes="Agreed")
    case.refresh_from_db()
    assert (done.status, done.countersigned_by, case.rosh) == ("COMPLETE", sam, "VERY_HIGH")
    assert done.next_review_due is not None


def test_another_teams_spo_cannot_countersign(awaiting, other_spo):
    with pytest.raises(PermissionDenied):
        services.countersign_assessment(awaiting, by=other_spo)
    awaiting.refresh_from_db()
    assert awaiting.status == "AWAITING_COUNTERSIGNATURE"


def test_a_practitioner_cannot_countersign(awaiting, pat):
    with pytest.raises(PermissionDenied):
        services.countersign_assessment(awaiting, by=pat)


def test_returning_makes_it_a_draft_again(awaiting, sam, eve):
    returned = services.return_assessment(awaiting, by=sam, reason="Say more about the children")
    assert (returned.status, returned.completed_on, returned.returned_reason) == (
        "DRAFT",
        None,
        "Say more about the children",
    )
    services.save_assessment(returned, by=eve, risk_of_harm_analysis="More about the children")
    with pytest.raises(ValidationError):
        services.return_assessment(returned, by=sam, reason="Again")


def test_returning_needs_a_reason(awaiting, sam):
    with pytest.raises(ValidationError):
        services.return_assessment(awaiting, by=sam, reason="  ")


def test_a_draft_cannot_be_countersigned(case, pat, sam):
    with pytest.raises(ValidationError):
        services.countersign_assessment(draft(case, pat), by=sam)


def test_a_manual_trigger_is_due_after_the_policy_days(case, pat):
    trigger = services.raise_review_trigger(case, reason="SIGNIFICANT_CHANGE", details="New partner", by=pat)
    assert trigger.review_due == TODAY + timedelta(days=10)


# --- The Risk tab ------------------------------------------------------------------------------


def test_the_tab_shows_the_current_risk_picture(as_pat, case, pat):
    previous = complete(case, pat, TODAY - timedelta(days=200), type="INITIAL")
    complete(case, pat, TODAY - timedelta(days=10), rosh_children="HIGH", rsr=Decimal("7.10"))
    response = as_pat.get(TAB)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Current risk picture" in content
    assert '7.1% <strong class="govuk-tag govuk-tag--grey">High</strong>' in content
    assert "Assessment history" in content
    assert f"/risk/assessments/{previous.pk}/changes/" in content
    assert "Regular review" in content
    assert "Start an assessment" in content


def test_the_tab_says_when_the_review_is_overdue(as_pat, case, pat):
    complete(case, pat, TODAY - timedelta(weeks=30))
    content = as_pat.get(TAB).content.decode()
    assert "Overdue" in content


def test_read_only_staff_see_but_cannot_act(as_rory, case, pat):
    complete(case, pat, TODAY)
    response = as_rory.get(TAB)
    assert response.status_code == 200
    assert "Start an assessment" not in response.content.decode()


def test_another_region_gets_not_found(as_olga, case):
    assert as_olga.get(TAB).status_code == 404


def test_the_tab_takes_a_fixed_number_of_queries(as_sam, case, pat, django_assert_max_num_queries):
    for days in range(5):
        complete(case, pat, TODAY - timedelta(days=100 + days))
    as_sam.get(TAB)
    with django_assert_max_num_queries(30) as few:
        as_sam.get(TAB)
    for days in range(5):
        complete(case, pat, TODAY - timedelta(days=10 + days))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert as_sam.get(TAB).status_code == 200


# --- Writing an assessment ---------------------------------------------------------------------


def test_a_practitioner_starts_and_completes_an_assessment(as_pat, case):
    response = as_pat.post(f"{TAB}assessments/new/", {"type": "INITIAL"})
    assessment = Assessment.objects.get(person=case)
    assert response.status_code == 302 and response["Location"] == url(assessment)
    content = as_pat.get(url(assessment)).content.decode()
    assert "govuk-task-list" in content and "Incomplete" in content
    as_pat.post(url(assessment, "rosh/"), {name: FULL[name] for name in FULL if name.startswith("rosh_")})
    as_pat.post(url(assessment, "predictors/"), {"ogrs": "40", "ovp": "20", "ogp": "30", "osp": "", "rsr": "2.5"})
    as_pat.post(url(assessment, "needs/"), FULL["needs"])
    as_pat.post(url(assessment, "analysis/"), {"risk_of_harm_analysis": "Risk when drinking"})
    as_pat.post(url(assessment, "plans/"), {"risk_management_plan": "Plan", "contingency_plan": "Contingency"})
    as_pat.post(url(assessment, "safeguarding/"), {"safeguarding_information_used": "No call-outs"})
    assert "Incomplete" not in as_pat.get(url(assessment)).content.decode()
    response = as_pat.post(url(assessment, "check/"), date_fields("completed_on", TODAY))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.completed_on, assessment.rsr) == ("COMPLETE", TODAY, Decimal("2.50"))


def test_starting_needs_a_type(as_pat, case):
    assert_problem(as_pat.post(f"{TAB}assessments/new/", {}), "Select the type of assessment")
    assert not Assessment.objects.exists()


def test_starting_while_one_is_in_progress_goes_to_it(as_pat, case, pat):
    current = draft(case, pat)
    response = as_pat.get(f"{TAB}assessments/new/")
    assert response.status_code == 302 and response["Location"] == url(current)


@pytest.mark.parametrize(("client", "status"), [("rory", 403), ("olga", 404), ("quinn", 403)])
def test_only_practitioners_and_spos_start_assessments(request, case, client, status):
    as_user = client_for(request.getfixturevalue(client))
    assert as_user.get(f"{TAB}assessments/new/").status_code == status
    assert as_user.post(f"{TAB}assessments/new/", {"type": "INITIAL"}).status_code == status
    assert not Assessment.objects.exists()


def test_a_predictor_over_100_is_refused(as_pat, case, pat):
    assessment = draft(case, pat)
    response = as_pat.post(url(assessment, "predictors/"), {"ogrs": "101", "ovp": "20", "ogp": "30", "rsr": "2"})
    assert_problem(response, "The OGRS score must be between 0 and 100")
    assessment.refresh_from_db()
    assert assessment.ogrs == Decimal("40.00")


def test_an_unknown_section_is_not_found(as_pat, case, pat):
    assert as_pat.get(url(draft(case, pat), "elsewhere/")).status_code == 404


def test_the_safeguarding_section_shows_information_received(as_pat, case, pat):
    InformationRequest.objects.create(
        person=case,
        source="POLICE_DA",
        agency="Northumbria Police",
        requested_on=TODAY - timedelta(days=20),
        requested_by=pat,
        received_on=TODAY - timedelta(days=5),
        summary="Two call-outs in 2024",
    )
    content = as_pat.get(url(draft(case, pat), "safeguarding/")).content.decode()
    assert "Two call-outs in 2024" in content and "Northumbria Police" in content


def test_a_completed_assessment_cannot_be_changed_through_the_page(as_pat, case, pat):
    done = complete(case, pat, TODAY)
    assert as_pat.get(url(done, "rosh/")).status_code == 302
    response = as_pat.post(url(done, "analysis/"), {"risk_of_harm_analysis": "Rewritten"})
    assert_problem(response, "This assessment has been submitted, so it cannot be changed")
    done.refresh_from_db()
    assert done.risk_of_harm_analysis == FULL["risk_of_harm_analysis"]


def test_a_future_completion_date_is_refused_on_the_page(as_pat, case, pat):
    assessment = draft(case, pat)
    response = as_pat.post(url(assessment, "check/"), date_fields("completed_on", TODAY + timedelta(days=1)))
    assert_problem(response, "The date the assessment was completed must be today or in the past")
    assessment.refresh_from_db()
    assert assessment.status == "DRAFT"


def test_missing_sections_are_listed_in_the_error_summary(as_pat, case, pat):
    assessment = draft(case, pat, rosh_staff="", risk_management_plan="")
    response = as_pat.post(url(assessment, "check/"), date_fields("completed_on", TODAY))
    assert_problem(response, "Select the RoSH to staff")
    assert "Enter the risk management plan" in problems(response)
    assert f'href="{url(assessment, "plans/")}"' in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == "DRAFT"


def test_the_check_page_takes_a_fixed_number_of_queries(as_pat, case, pat, django_assert_max_num_queries):
    assessment = draft(case, pat)
    with django_assert_max_num_queries(12):
        assert as_pat.get(url(assessment, "check/")).status_code == 200


def test_a_pso_submission_on_a_high_case_waits_for_the_spo(as_eve, case, eve):
    assessment = draft(case, eve, rosh_public="HIGH")
    as_eve.post(url(assessment, "check/"), date_fields("completed_on", TODAY))
    assessment.refresh_from_db()
    assert assessment.status == "AWAITING_COUNTERSIGNATURE"


# --- Countersigning ----------------------------------------------------------------------------


def test_the_spo_countersigns_through_the_page(as_sam, awaiting):
    page = as_sam.get(url(awaiting, "countersign/"))
    assert page.status_code == 200 and "Countersign the initial assessment" in page.content.decode()
    response = as_sam.post(url(awaiting, "countersign/"), {"decision": "countersign", "notes": "Good analysis"})
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.countersignature_notes) == ("COMPLETE", "Good analysis")


def test_the_spo_returns_with_a_reason(as_sam, awaiting):
    assert_problem(
        as_sam.post(url(awaiting, "countersign/"), {"decision": "return", "reason": ""}),
        "Enter why you are returning the assessment",
    )
    awaiting.refresh_from_db()
    assert awaiting.status == "AWAITING_COUNTERSIGNATURE"
    as_sam.post(url(awaiting, "countersign/"), {"decision": "return", "reason": "More on the children"})
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.returned_reason) == ("DRAFT", "More on the children")


def test_the_countersign_decision_is_required(as_sam, awaiting):
    assert_problem(as_sam.post(url(awaiting, "countersign/"), {}), "Select whether to countersign")


@pytest.mark.parametrize(("client", "status"), [("pat", 403), ("eve", 403), ("rory", 403), ("olga", 404)])
def test_only_the_teams_spo_may_countersign(request, awaiting, client, status):
    as_user = client_for(request.getfixturevalue(client))
    assert as_user.get(url(awaiting, "countersign/")).status_code == status
    assert as_user.post(url(awaiting, "countersign/"), {"decision": "countersign"}).status_code == status
    awaiting.refresh_from_db()
    assert awaiting.status == "AWAITING_COUNTERSIGNATURE"


def test_another_teams_spo_gets_forbidden(awaiting, other_spo):
    assert client_for(other_spo).get(url(awaiting, "countersign/")).status_code == 403


def test_the_countersign_page_takes_a_fixed_number_of_queries(as_sam, awaiting, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert as_sam.get(url(awaiting, "countersign/")).status_code == 200


# --- What changed ------------------------------------------------------------------------------


def test_what_changed_compares_with_the_previous_complete_assessment(as_rory, case, pat):
    complete(case, pat, TODAY - timedelta(days=100))
    later = complete(case, pat, TODAY - timedelta(days=5), rosh_children="VERY_HIGH")
    content = as_rory.get(url(later, "changes/")).content.decode()
    assert "RoSH to children" in content and "Very high" in content
    assert "Overall RoSH" in content


def test_what_changed_for_the_first_assessment(as_pat, case, pat):
    first = complete(case, pat, TODAY)
    assert "it is the first assessment" in as_pat.get(url(first, "changes/")).content.decode()


def test_what_changed_is_not_found_for_another_region(as_olga, case, pat):
    assert as_olga.get(url(complete(case, pat, TODAY), "changes/")).status_code == 404


def test_an_assessment_of_another_case_is_not_found(as_pat, case, pat):
    from tests.cases.factories import PersonFactory

    other = PersonFactory(crn="X100002", practitioner=pat, team=pat.team)
    assessment = complete(other, pat, TODAY)
    assert as_pat.get(f"{TAB}assessments/{assessment.pk}/changes/").status_code == 404


def test_the_changes_page_takes_a_fixed_number_of_queries(as_pat, case, pat, django_assert_max_num_queries):
    complete(case, pat, TODAY - timedelta(days=100))
    later = complete(case, pat, TODAY)
    with django_assert_max_num_queries(12):
        assert as_pat.get(url(later, "changes/")).status_code == 200


def test_the_assessment_page_shows_it_read_only_after_submission(as_pat, case, pat):
    done = complete(case, pat, TODAY)
    content = as_pat.get(url(done)).content.decode()
    assert "govuk-task-list" not in content and "Risk of serious harm" in content


def test_status_labels_exist():
    assert AssessmentStatus.AWAITING_COUNTERSIGNATURE.label == "Awaiting countersignature"
