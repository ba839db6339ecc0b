"""Changing a person's personal details."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import Person, Role
from tests.cases.factories import UserFactory
from tests.cases.pages import assert_problem, client_for, date_fields, snapshot

pytestmark = pytest.mark.django_db

URL = "/people/X100001/personal-details/"


def valid_form(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "John",
        "middle_names": "Paul",
        "last_name": "Smith-Jones",
        "preferred_name": "Jack",
        **date_fields("date_of_birth", date(1990, 5, 17)),
        "pnc_number": "2004/0012345A",
        "gender": "M",
        "ethnicity": "WHITE",
        "religion": "None",
        "disability": "Dyslexia: written material in large print",
        "neurodivergence": "DECLARED",
        "neurodivergence_details": "ADHD",
        "language": "English",
        "interpreter_required": "",
        "phone": "07700 900123",
        "email": "john@example.com",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def test_it_shows_the_form_filled_in_with_the_current_details(as_pat, pats_case):
    response = as_pat.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Change personal details" in content
    assert 'name="first_name" type="text" value="John"' in content
    assert 'name="date_of_birth_day" type="text" inputmode="numeric" value="17"' in content
    assert 'name="date_of_birth_year" type="text" inputmode="numeric" value="1990"' in content


def test_it_saves_the_changes_and_returns_to_the_person_page(as_pat, pats_case):
    response = as_pat.post(URL, valid_form(), follow=True)

    assert response.redirect_chain == [("/people/X100001/", 302)]
    assert "Personal details updated" in response.content.decode()
    person = Person.objects.get(crn="X100001")
    assert person.last_name == "Smith-Jones"
    assert person.neurodivergence == "DECLARED" and person.neurodivergence_details == "ADHD"
    assert person.email == "john@example.com"
    assert "Smith-Jones" in response.content.decode()


def test_it_stores_a_pnc_number_in_capitals(as_pat, pats_case):
    as_pat.post(URL, valid_form(pnc_number=" 2004/0012345a "))

    assert Person.objects.get(crn="X100001").pnc_number == "2004/0012345A"


def test_it_says_so_when_nothing_changed(as_pat, pats_case):
    unchanged = {
        "first_name": "John",
        "last_name": "Smith",
        **date_fields("date_of_birth", date(1990, 5, 17)),
        "gender": "M",
        "language": "English",
    }
    before = snapshot(pats_case)

    response = as_pat.post(URL, unchanged, follow=True)

    assert "No changes were made" in response.content.decode()
    assert snapshot(pats_case) == before


# --- Access ----------------------------------------------------------------------------------


def test_a_practitioner_in_another_region_gets_page_not_found(as_olga, pats_case):
    before = snapshot(pats_case)

    assert as_olga.get(URL).status_code == 404
    assert as_olga.post(URL, valid_form()).status_code == 404
    assert snapshot(pats_case) == before


def test_an_excluded_colleague_gets_page_not_found(as_eve, eve, pats_case):
    pats_case.access_rules.create(user=eve, kind="EXCLUSION")
    before = snapshot(pats_case)

    assert as_eve.get(URL).status_code == 404
    assert as_eve.post(URL, valid_form()).status_code == 404
    assert snapshot(pats_case) == before


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.QUALITY_LEAD])
def test_staff_who_may_only_read_are_refused(role, gateshead, pats_case):
    client = client_for(UserFactory(role=role, team=gateshead))
    before = snapshot(pats_case)

    assert client.get(URL).status_code == 403
    assert client.post(URL, valid_form()).status_code == 403
    assert snapshot(pats_case) == before


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"first_name": ""}, "Enter a first name"),
        ({"first_name": "   "}, "Enter a first name"),
        ({"last_name": ""}, "Enter a last name"),
        ({"first_name": "J" * 101}, "Ensure this value has at most 100 characters (it has 101)."),
        (date_fields("date_of_birth", day="", month="", year=""), "Enter a date of birth"),
        (
            date_fields("date_of_birth", day="17", month="", year="1990"),
            "The date of birth must include a month",
        ),
        (
            date_fields("date_of_birth", day="", month="", year="1990"),
            "The date of birth must include a day and month",
        ),
        (
            date_fields("date_of_birth", day="31", month="2", year="1990"),
            "The date of birth must be a real date",
        ),
        (
            date_fields("date_of_birth", day="1", month="1", year="90"),
            "The date of birth must be a real date",
        ),
        (
            date_fields("date_of_birth", day="x", month="1", year="1990"),
            "The date of birth must be a real date",
        ),
        (
            date_fields("date_of_birth", day="9" * 30, month="1", year="1990"),
            "The date of birth must be a real date",
        ),
        (
            date_fields("date_of_birth", timezone.localdate() + timedelta(days=1)),
            "The date of birth must be today or in the past",
        ),
        ({"pnc_number": "12345"}, "Enter a PNC number in the correct format, like 2004/0012345A"),
        ({"gender": None}, "Select a gender"),
        ({"gender": "X"}, "Select a valid choice. X is not one of the available choices."),
        ({"email": "not-an-email"}, "Enter an email address in the correct format, like name@example.com"),
        ({"language": ""}, "Enter the main language"),
        (
            {"neurodivergence": "", "neurodivergence_details": "ADHD"},
            "Select 'Declared' to record neurodivergence details",
        ),
        ({"last_name": "Smi\x00th"}, "Null characters are not allowed."),
    ],
)
def test_it_explains_what_is_wrong_and_changes_nothing(as_pat, pats_case, overrides, message):
    before = snapshot(pats_case)

    response = as_pat.post(URL, valid_form(**overrides))

    assert_problem(response, message)
    assert snapshot(pats_case) == before


def test_it_keeps_what_was_typed_when_it_shows_the_errors(as_pat, pats_case):
    response = as_pat.post(URL, valid_form(first_name="", last_name="Typed-Surname"))

    assert 'value="Typed-Surname"' in response.content.decode()
    assert 'href="#id_first_name"' in response.content.decode()


def test_the_error_summary_links_to_the_first_box_of_a_date(as_pat, pats_case):
    response = as_pat.post(URL, valid_form(**date_fields("date_of_birth", day="31", month="2", year="1990")))

    content = response.content.decode()
    assert 'href="#id_date_of_birth_0"' in content
    assert 'id="id_date_of_birth_0"' in content


def test_it_refuses_methods_other_than_get_and_post(as_pat, pats_case):
    assert as_pat.put(URL).status_code == 405
    assert as_pat.delete(URL).status_code == 405


# --- Query count -----------------------------------------------------------------------------


def test_the_form_page_uses_a_fixed_number_of_queries(as_pat, pats_case, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert as_pat.get(URL).status_code == 200
