"""Home-visit (lone-working) risk assessments: recorded before the visit, listed on the Safeguarding
tab with the home visit contact that followed, and a link that books the visit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from supervision.models import HomeVisitRiskAssessment
from tests.cases.factories import AddressFactory
from tests.cases.pages import assert_problem, date_fields
from tests.supervision.factories import ContactFactory, at

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TAB = "/people/X100001/safeguarding/"
URL = TAB + "home-visits/new/"
HomeVisitRiskAssessmentEvent = apps.get_model("supervision", "HomeVisitRiskAssessmentEvent")


def form(**changes: object) -> dict[str, object]:
    return {
        **date_fields("planned_for", TODAY + timedelta(days=3)),
        "address": "1 Example Street, Gateshead, NE8 1AA",
        "risks": "Large dog; partner has a history of violence towards professionals.",
        "controls": "Visit in pairs, dog secured before entry, check-in call to the office.",
        "visit_in_pairs": "on",
        **changes,
    }


def recorded(person, by, *, days=3, **fields) -> HomeVisitRiskAssessment:
    return HomeVisitRiskAssessment.objects.create(
        person=person,
        planned_for=TODAY + timedelta(days=days),
        address="1 Example Street",
        risks="Dog",
        controls="Pairs",
        assessed_by=by,
        **fields,
    )


def test_the_address_is_filled_in_from_the_main_address(as_pat, pats_case):
    AddressFactory(person=pats_case, line1="4 Front Street", town="Gateshead", postcode="NE8 2BB")

    response = as_pat.get(URL)

    assert response.status_code == 200
    assert 'value="4 Front Street, Gateshead, NE8 2BB"' in response.content.decode()


def test_a_practitioner_records_a_risk_assessment_before_the_visit(as_pat, pat, pats_case):
    response = as_pat.post(URL, form())

    assert response.status_code == 302
    assert response["Location"] == TAB + "#home-visits"
    saved = HomeVisitRiskAssessment.objects.get(person=pats_case)
    assert (saved.planned_for, saved.visit_in_pairs, saved.assessed_by) == (TODAY + timedelta(days=3), True, pat)
    assert HomeVisitRiskAssessmentEvent.objects.get(pgh_obj=saved).pgh_context.metadata["user"] == pat.pk


def test_it_is_listed_with_a_link_to_book_the_visit(as_pat, pat, pats_case):
    recorded(pats_case, pat, visit_in_pairs=True)

    content = as_pat.get(TAB).content.decode()

    assert "Not booked yet" in content
    assert "Visit in pairs" in content
    assert "/people/X100001/appointments/new/?type=CHVS" in content


def test_the_home_visit_on_the_planned_day_is_shown(as_pat, pat, pats_case):
    recorded(pats_case, pat, days=-2)
    ContactFactory(person=pats_case, type_code="CHVS", starts_at=at(2), outcome_code="ATTC")

    content = as_pat.get(TAB).content.decode()

    assert "Not booked yet" not in content
    assert "Attended - complied" in content


def test_a_named_visit_contact_is_shown(as_pat, pat, pats_case):
    visit = ContactFactory(person=pats_case, type_code="CHVS", starts_at=at(5), outcome_code="ATTC")
    recorded(pats_case, pat, days=-1, visit_contact_thread_id=visit.thread_id)

    content = as_pat.get(TAB).content.decode()

    assert timezone.localtime(visit.starts_at).strftime("%H:%M") in content
    assert "No home visit recorded on that day" not in content


def test_the_booking_page_preselects_a_home_visit(as_pat, pats_case):
    content = as_pat.get("/people/X100001/appointments/new/?type=CHVS").content.decode()

    selected = [line for line in content.splitlines() if " selected>" in line]
    assert any("Home visit" in line for line in selected), selected


def test_an_unknown_type_preselects_nothing(as_pat, pats_case):
    response = as_pat.get("/people/X100001/appointments/new/?type=NOPE")

    assert response.status_code == 200
    assert not [line for line in response.content.decode().splitlines() if "<option" in line and " selected>" in line]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (date_fields("planned_for", TODAY - timedelta(days=1)), "The date of the visit must be today or in the future"),
        ({"risks": ""}, "Enter the risks to staff at or around the address"),
        ({"controls": "  "}, "Enter how the risks will be managed"),
        ({"address": ""}, "Enter the address of the visit"),
        ({"address": "x" * 301}, "The address must be 300 characters or fewer"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(as_pat, pats_case, changes, message):
    assert_problem(as_pat.post(URL, form(**changes)), message)
    assert not HomeVisitRiskAssessment.objects.exists()


def test_read_only_staff_cannot_record_one(as_rory, pats_case):
    assert as_rory.get(URL).status_code == 403
    assert as_rory.post(URL, form()).status_code == 403
    assert not HomeVisitRiskAssessment.objects.exists()


def test_other_regions_see_nothing(as_olga, pats_case):
    assert as_olga.get(URL).status_code == 404
    assert as_olga.post(URL, form()).status_code == 404


def test_the_list_uses_a_fixed_number_of_queries(as_pat, pat, pats_case, django_assert_max_num_queries):
    for n in range(30):
        recorded(pats_case, pat, days=n - 15)
        ContactFactory(person=pats_case, type_code="CHVS", starts_at=at(n), outcome_code="ATTC")
    with django_assert_max_num_queries(12):
        assert as_pat.get(TAB).status_code == 200
