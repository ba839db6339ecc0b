"""The practitioner's launch page at `/`: today's and upcoming appointments, outcomes to record,
enforcement decisions due and cases falling short of the contact policy."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from cases.models import AccessRuleKind
from supervision.models import CaseStanding, ContactPolicy
from tests.cases.factories import CaseAccessRuleFactory, PersonFactory, SentenceFactory
from tests.supervision.factories import ContactFactory, EnforcementActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def noon(monkeypatch) -> datetime:
    """Freeze the clock at midday today (local time), so "earlier today" and "later today" are stable.
    Autouse, so it runs before the signed-in clients: their sessions must expire relative to the
    frozen clock, or a run between midnight and 11:00 would find them already expired."""
    moment = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def section(response, heading_id: str) -> str:
    """The HTML from a section's heading up to the next section's heading."""
    content = response.content.decode()
    start = content.index(f'id="{heading_id}"')
    following = re.search(r'<h2 class="govuk-heading-m" id=', content[start + 1 :])
    return content[start : start + 1 + following.start()] if following else content[start:]


def test_it_shows_todays_appointments_with_time_person_type_and_location(as_pat, pats_case, noon):
    ContactFactory(person=pats_case, starts_at=noon.replace(hour=15, minute=30), outcome_code=None, location="Room 4")

    today = section(as_pat.get("/"), "today")

    assert "15:30" in today and "John Smith" in today and "X100001" in today
    assert "Office appointment" in today and "Room 4" in today
    assert "Record outcome" not in today


def test_it_offers_to_record_the_outcome_of_an_appointment_once_it_has_started(as_pat, pats_case, noon):
    contact = ContactFactory(person=pats_case, starts_at=noon.replace(hour=9), outcome_code=None)

    today = section(as_pat.get("/"), "today")

    assert f'href="/people/X100001/contacts/{contact.thread_id}/outcome/"' in today


def test_it_lists_appointments_in_the_next_fourteen_days_but_not_later(as_pat, pats_case, noon):
    ContactFactory(person=pats_case, starts_at=noon + timedelta(days=3), outcome_code=None, type_code="CHVS")
    ContactFactory(person=pats_case, starts_at=noon + timedelta(days=20), outcome_code=None, type_code="COPT")

    upcoming = section(as_pat.get("/"), "upcoming")

    assert "Home visit" in upcoming
    assert "Planned telephone contact" not in upcoming


def test_it_includes_appointments_pat_holds_on_her_cases_and_not_other_peoples(as_pat, pat, eve, pats_case, noon):
    evess = PersonFactory(crn="X100009", first_name="Ann", last_name="Other", practitioner=eve)
    ContactFactory(person=evess, starts_at=noon + timedelta(days=1), outcome_code=None)

    assert "X100009" not in section(as_pat.get("/"), "upcoming")


def test_it_includes_an_appointment_pat_holds_on_a_colleagues_case(as_pat, pat, eve, pats_case, noon):
    covered = PersonFactory(crn="X100008", first_name="Cover", last_name="Case", practitioner=eve)
    ContactFactory(person=covered, starts_at=noon + timedelta(days=2), outcome_code=None, staff=pat)

    assert "X100008" in section(as_pat.get("/"), "upcoming")


def test_it_lists_outcomes_to_record_oldest_first_and_marks_the_overdue_ones(as_pat, pats_case, noon):
    ContactFactory(person=pats_case, starts_at=noon - timedelta(days=1), outcome_code=None, type_code="COPT")
    ContactFactory(person=pats_case, starts_at=noon - timedelta(days=9), outcome_code=None, type_code="CHVS")
    ContactFactory(person=pats_case, starts_at=noon - timedelta(days=5), outcome_code="ATTC")

    outcomes = section(as_pat.get("/"), "outcomes")

    assert outcomes.index("Home visit") < outcomes.index("Planned telephone contact")
    assert "9 days" in outcomes and "1 day<" in outcomes
    assert outcomes.count("Overdue") == 1  # policy v1 allows 2 days
    assert "The contact policy gives 2 days to record an outcome" in outcomes


def test_it_lists_failures_awaiting_an_enforcement_decision_with_a_link_to_compliance(as_pat, pats_case, noon):
    SentenceFactory(person=pats_case)
    ContactFactory(person=pats_case, starts_at=noon - timedelta(days=3), outcome_code="UAAB")
    ContactFactory(person=pats_case, starts_at=noon - timedelta(days=20), outcome_code="AFTA")
    EnforcementActionFactory(person=pats_case, failure_date=(noon - timedelta(days=20)).date())

    decisions = section(as_pat.get("/"), "decisions")

    assert 'href="/people/X100001/compliance/"' in decisions
    assert "Unacceptable absence" in decisions
    assert "Failed to attend" not in decisions  # answered by the warning


def test_it_lists_cases_falling_short_of_the_contact_policy(as_pat, pats_case):
    CaseStanding.objects.create(
        person=pats_case, policy=ContactPolicy.objects.get(version=1), shortfalls=["FACE_TO_FACE_OVERDUE"]
    )

    shortfalls = section(as_pat.get("/"), "shortfalls")

    assert "X100001" in shortfalls and "Face to face overdue" in shortfalls


def test_it_says_what_nothing_to_do_means_when_every_section_is_empty(as_pat, pats_case):
    content = as_pat.get("/").content.decode()

    assert "You have no appointments today." in content
    assert "You have no appointments booked in the next 14 days." in content
    assert "Every past appointment on your cases has an outcome recorded." in content
    assert "No failure to comply on your cases is waiting for an enforcement decision." in content
    assert "All your cases meet the contact policy as last checked." in content


# --- Access --------------------------------------------------------------------------------------


def test_it_leaves_out_a_case_pat_is_excluded_from(as_pat, pat, noon):
    excluded = PersonFactory(crn="X100007", practitioner=pat)
    CaseAccessRuleFactory(person=excluded, user=pat, kind=AccessRuleKind.EXCLUSION)
    ContactFactory(person=excluded, starts_at=noon - timedelta(days=2), outcome_code=None)
    ContactFactory(person=excluded, starts_at=noon + timedelta(hours=2), outcome_code=None)

    assert "X100007" not in as_pat.get("/").content.decode()


def test_it_shows_olga_none_of_the_north_east_cases(as_olga, pats_case, noon):
    ContactFactory(person=pats_case, starts_at=noon - timedelta(days=2), outcome_code=None)

    response = as_olga.get("/")

    assert response.status_code == 200
    assert "X100001" not in response.content.decode()


@pytest.mark.parametrize(("persona", "page"), [("sam", "/team-caseload/"), ("rory", "/search/"), ("ada", "/search/")])
def test_it_sends_other_roles_to_their_own_starting_page(request, persona, page):
    from tests.conftest import client_for

    response = client_for(request.getfixturevalue(persona)).get("/")

    assert response.status_code == 302 and response["Location"] == page


def test_it_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_it_refuses_a_post(as_pat):
    assert as_pat.post("/").status_code == 405


# --- Cost ----------------------------------------------------------------------------------------


def test_it_costs_the_same_number_of_queries_for_a_large_caseload(as_pat, pat, noon, django_assert_max_num_queries):
    policy = ContactPolicy.objects.get(version=1)
    for n in range(32):
        person = PersonFactory(crn=f"X2{n:05d}", practitioner=pat)
        SentenceFactory(person=person)
        ContactFactory(person=person, starts_at=noon.replace(hour=9), outcome_code=None)
        ContactFactory(person=person, starts_at=noon + timedelta(days=2), outcome_code=None)
        ContactFactory(person=person, starts_at=noon - timedelta(days=4), outcome_code=None)
        ContactFactory(person=person, starts_at=noon - timedelta(days=6), outcome_code="UAAB")
        CaseStanding.objects.create(person=person, policy=policy, shortfalls=["TELEPHONE_ONLY"])

    with django_assert_max_num_queries(14):
        response = as_pat.get("/")

    content = response.content.decode()
    assert content.count("Record outcome<span") == 96  # 32 today, 64 in "outcomes to record"
    assert content.count("Telephone only") == 32
