"""Sentence plans: a new version carries the open objectives over; objectives change only on the
current plan; agreement with the person is recorded once. Services and pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from supervision.models import PlanObjective, SentencePlan
from supervision.services import plans as services
from tests.cases.pages import assert_problem, client_for, date_fields
from tests.supervision.assessment_factories import complete

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TAB = "/people/X100001/risk/"


@pytest.fixture
def plan(pats_case, pat):
    plan = services.create_plan(pats_case, by=pat)
    services.add_objective(plan, by=pat, title="Find stable housing", owner="John", need="ACCOMMODATION")
    return plan


def objective_form(**changes: str) -> dict[str, str]:
    return {
        "title": "Attend alcohol treatment",
        "need": "ALCOHOL",
        "steps": "Referral made; weekly sessions",
        "owner": "John and his practitioner",
        **date_fields("target_date", TODAY + timedelta(days=60)),
        "status": "NOT_STARTED",
        **changes,
    }


# --- Services ---------------------------------------------------------------------------------


def test_a_new_plan_carries_over_the_open_objectives(pats_case, pat, plan):
    done = services.add_objective(plan, by=pat, title="Register with a GP", owner="John", status="ACHIEVED")
    services.update_objective(plan.objectives.get(title="Find stable housing"), by=pat, status="IN_PROGRESS")
    assessment = complete(pats_case, pat, TODAY)
    review = services.create_plan(pats_case, by=pat, assessment=assessment)
    assert [(o.title, o.status) for o in review.objectives.all()] == [("Find stable housing", "IN_PROGRESS")]
    assert review.assessment == assessment
    assert done.plan == plan  # the old plan keeps everything


def test_an_older_plan_cannot_be_changed(pats_case, pat, plan):
    services.create_plan(pats_case, by=pat)
    with pytest.raises(ValidationError, match="replaced"):
        services.add_objective(plan, by=pat, title="Late", owner="John")
    with pytest.raises(ValidationError, match="replaced"):
        services.update_objective(plan.objectives.get(), by=pat, status="ACHIEVED")


def test_an_objective_needs_a_title_and_owner(plan, pat):
    with pytest.raises(ValidationError) as error:
        services.add_objective(plan, by=pat, title=" ", owner="")
    assert set(error.value.message_dict) == {"title", "owner"}


def test_read_only_staff_cannot_change_plans(pats_case, rory):
    with pytest.raises(PermissionDenied):
        services.create_plan(pats_case, by=rory)


def test_agreement_is_recorded_once(plan, pat):
    services.record_agreement(plan, by=pat, agreed_on=TODAY, person_comments="I want my own flat")
    plan.refresh_from_db()
    assert (plan.agreed_with_person_on, plan.person_comments) == (TODAY, "I want my own flat")
    with pytest.raises(ValidationError, match="already agreed"):
        services.record_agreement(plan, by=pat, agreed_on=TODAY)


@pytest.mark.parametrize("agreed_on", [TODAY + timedelta(days=1), date(2000, 1, 1)])
def test_agreement_must_be_between_the_plan_start_and_today(plan, pat, agreed_on):
    with pytest.raises(ValidationError):
        services.record_agreement(plan, by=pat, agreed_on=agreed_on)


def test_an_empty_plan_cannot_be_agreed(pats_case, pat):
    empty = services.create_plan(pats_case, by=pat)
    with pytest.raises(ValidationError, match="at least one objective"):
        services.record_agreement(empty, by=pat, agreed_on=TODAY)


# --- Pages ------------------------------------------------------------------------------------


def test_a_practitioner_starts_a_plan_and_adds_an_objective(as_pat, pats_case):
    assert as_pat.get(f"{TAB}plans/new/").status_code == 200
    response = as_pat.post(f"{TAB}plans/new/")
    plan = SentencePlan.objects.get(person=pats_case)
    assert response.status_code == 302 and response["Location"] == f"{TAB}plans/{plan.pk}/objectives/new/"
    response = as_pat.post(f"{TAB}plans/{plan.pk}/objectives/new/", objective_form())
    assert response.status_code == 302
    objective = plan.objectives.get()
    assert (objective.need, objective.target_date) == ("ALCOHOL", TODAY + timedelta(days=60))
    content = as_pat.get(TAB).content.decode()
    assert "Attend alcohol treatment" in content and "Not yet agreed with the person" in content


def test_an_objective_without_a_title_is_refused(as_pat, plan):
    response = as_pat.post(f"{TAB}plans/{plan.pk}/objectives/new/", objective_form(title=""))
    assert_problem(response, "Enter the objective")
    assert plan.objectives.count() == 1


def test_an_objective_with_an_unreal_target_date_is_refused(as_pat, plan):
    form = objective_form(**date_fields("target_date", day="31", month="2", year="2027"))
    assert_problem(as_pat.post(f"{TAB}plans/{plan.pk}/objectives/new/", form), "The target date must be a real date")


def test_an_objective_is_changed(as_pat, plan):
    objective = plan.objectives.get()
    page = as_pat.get(f"{TAB}plans/{plan.pk}/objectives/{objective.pk}/")
    assert "Find stable housing" in page.content.decode()
    form = objective_form(title="Find stable housing", status="ACHIEVED")
    assert as_pat.post(f"{TAB}plans/{plan.pk}/objectives/{objective.pk}/", form).status_code == 302
    objective.refresh_from_db()
    assert objective.status == "ACHIEVED"


def test_agreement_is_recorded_through_the_page(as_pat, plan):
    form = {**date_fields("agreed_on", TODAY), "person_comments": "Happy with it"}
    assert as_pat.post(f"{TAB}plans/{plan.pk}/agreement/", form).status_code == 302
    plan.refresh_from_db()
    assert plan.agreed_with_person_on == TODAY
    assert f"Agreed with John on {TODAY:%-d %B %Y}" in as_pat.get(TAB).content.decode()


def test_a_future_agreement_date_is_refused(as_pat, plan):
    form = date_fields("agreed_on", TODAY + timedelta(days=2))
    response = as_pat.post(f"{TAB}plans/{plan.pk}/agreement/", form)
    assert_problem(response, "The date the plan was agreed with the person must be today or in the past")
    plan.refresh_from_db()
    assert plan.agreed_with_person_on is None


def test_an_empty_agreement_form_is_refused(as_pat, plan):
    assert_problem(as_pat.post(f"{TAB}plans/{plan.pk}/agreement/", {}), "Enter the date the plan was agreed")


@pytest.mark.parametrize(("client", "status"), [("rory", 403), ("olga", 404), ("quinn", 403)])
def test_only_practitioners_and_spos_change_plans(request, plan, client, status):
    as_user = client_for(request.getfixturevalue(client))
    objective = plan.objectives.get()
    for path in ["plans/new/", f"plans/{plan.pk}/objectives/new/", f"plans/{plan.pk}/objectives/{objective.pk}/"]:
        assert as_user.get(f"{TAB}{path}").status_code == status
    assert as_user.post(f"{TAB}plans/{plan.pk}/objectives/new/", objective_form()).status_code == status
    assert as_user.post(f"{TAB}plans/{plan.pk}/agreement/", date_fields("agreed_on", TODAY)).status_code == status
    assert PlanObjective.objects.count() == 1


def test_a_plan_of_another_case_is_not_found(as_pat, pat):
    from tests.cases.factories import PersonFactory

    other = PersonFactory(crn="X100002", practitioner=pat, team=pat.team)
    PersonFactory(crn="X100001", practitioner=pat, team=pat.team)
    plan = services.create_plan(other, by=pat)
    assert as_pat.get(f"{TAB}plans/{plan.pk}/objectives/new/").status_code == 404


def test_the_tab_query_count_does_not_grow_with_objectives(as_pat, plan, pat, django_assert_max_num_queries):
    as_pat.get(TAB)
    with django_assert_max_num_queries(30) as few:
        as_pat.get(TAB)
    for n in range(5):
        services.add_objective(plan, by=pat, title=f"Objective {n}", owner="John")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert as_pat.get(TAB).status_code == 200


def test_the_objective_page_takes_a_fixed_number_of_queries(as_pat, plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        assert as_pat.get(f"{TAB}plans/{plan.pk}/objectives/new/").status_code == 200
