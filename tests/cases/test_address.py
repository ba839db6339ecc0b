"""Changing a person's main address. The old address is kept as history, never overwritten."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import Address, AddressStatus, Role
from tests.cases.factories import AddressFactory, UserFactory
from tests.cases.pages import assert_problem, client_for, date_fields

pytestmark = pytest.mark.django_db

URL = "/people/X100001/address/"


@pytest.fixture
def current_address(pats_case):
    return AddressFactory(
        person=pats_case,
        line1="1 Old Road",
        town="Gateshead",
        postcode="NE8 1AA",
        start_date=date(2024, 1, 1),
    )


def new_address(**overrides: str) -> dict[str, str]:
    data = {
        "line1": "22 New Street",
        "line2": "",
        "town": "Newcastle",
        "postcode": "NE1 4XF",
        **date_fields("start_date", date(2025, 3, 1)),
    }
    data.update(overrides)
    return data


def addresses(person) -> list[tuple[str, str, date, date | None]]:
    return list(
        Address.objects.filter(person=person)
        .order_by("start_date")
        .values_list("line1", "status", "start_date", "end_date")
    )


def test_it_shows_the_form(as_pat, pats_case):
    response = as_pat.get(URL)

    assert response.status_code == 200
    assert "Change main address" in response.content.decode()
    assert 'name="start_date_day"' in response.content.decode()


def test_it_records_the_new_address_and_keeps_the_old_one_as_history(as_pat, pats_case, current_address):
    response = as_pat.post(URL, new_address(), follow=True)

    assert response.redirect_chain == [("/people/X100001/", 302)]
    assert addresses(pats_case) == [
        ("1 Old Road", AddressStatus.PREVIOUS, date(2024, 1, 1), date(2025, 3, 1)),
        ("22 New Street", AddressStatus.MAIN, date(2025, 3, 1), None),
    ]
    content = response.content.decode()
    assert "Main address updated" in content
    assert "22 New Street, Newcastle, NE1 4XF" in content
    assert "1 Old Road" in content


def test_it_records_a_first_address(as_pat, pats_case):
    as_pat.post(URL, new_address())

    assert addresses(pats_case) == [("22 New Street", AddressStatus.MAIN, date(2025, 3, 1), None)]


@pytest.mark.parametrize("typed", ["ne1 4xf", " NE14XF ", "Ne1  4xF"])
def test_it_stores_the_postcode_in_the_standard_form(as_pat, pats_case, typed):
    as_pat.post(URL, new_address(postcode=typed))

    assert Address.objects.get(person=pats_case).postcode == "NE1 4XF"


def test_it_records_no_fixed_abode_without_an_address(as_pat, pats_case, current_address):
    response = as_pat.post(
        URL,
        {"no_fixed_abode": "on", "line1": "", "postcode": "", **date_fields("start_date", date(2025, 3, 1))},
        follow=True,
    )

    current = Address.objects.get(person=pats_case, end_date=None)
    assert current.status == AddressStatus.NO_FIXED_ABODE
    assert current.line1 == "" and current.postcode == ""
    assert "No fixed abode" in response.content.decode()


def test_a_move_on_the_day_the_current_address_started_is_allowed(as_pat, pats_case, current_address):
    response = as_pat.post(URL, new_address(**date_fields("start_date", date(2024, 1, 1))))

    assert response.status_code == 302


# --- Access ----------------------------------------------------------------------------------


def test_a_practitioner_in_another_region_gets_page_not_found(as_olga, pats_case, current_address):
    assert as_olga.get(URL).status_code == 404
    assert as_olga.post(URL, new_address()).status_code == 404
    assert len(addresses(pats_case)) == 1


def test_an_excluded_colleague_gets_page_not_found(as_eve, eve, pats_case, current_address):
    pats_case.access_rules.create(user=eve, kind="EXCLUSION")

    assert as_eve.get(URL).status_code == 404
    assert as_eve.post(URL, new_address()).status_code == 404
    assert len(addresses(pats_case)) == 1


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.QUALITY_LEAD])
def test_staff_who_may_only_read_are_refused(role, gateshead, pats_case, current_address):
    client = client_for(UserFactory(role=role, team=gateshead))

    assert client.get(URL).status_code == 403
    assert client.post(URL, new_address()).status_code == 403
    assert len(addresses(pats_case)) == 1


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"line1": ""}, "Enter address line 1, typically the building and street"),
        ({"postcode": ""}, "Enter a postcode"),
        ({"postcode": "NOT A CODE"}, "Enter a real postcode"),
        ({"postcode": "NE1 4XF" + " " * 10 + "X"}, "Enter a real postcode"),
        ({"line1": "x" * 201}, "Ensure this value has at most 200 characters (it has 201)."),
        (date_fields("start_date"), "Enter the date they moved in"),
        (
            date_fields("start_date", day="1", month="13", year="2025"),
            "The date they moved in must be a real date",
        ),
        (
            date_fields("start_date", day="1", month="3", year=""),
            "The date they moved in must include a year",
        ),
        (
            date_fields("start_date", timezone.localdate() + timedelta(days=1)),
            "The date they moved in must be today or in the past",
        ),
        (
            date_fields("start_date", date(2023, 12, 31)),
            "The new address must start on or after the current address started",
        ),
    ],
)
def test_it_explains_what_is_wrong_and_changes_nothing(as_pat, pats_case, current_address, overrides, message):
    before = addresses(pats_case)

    response = as_pat.post(URL, new_address(**overrides))

    assert_problem(response, message)
    assert addresses(pats_case) == before


def test_it_keeps_what_was_typed_when_it_shows_the_errors(as_pat, pats_case):
    response = as_pat.post(URL, new_address(postcode="", **date_fields("start_date", day="1", month="3", year="")))

    content = response.content.decode()
    assert 'value="22 New Street"' in content
    assert 'name="start_date_day" type="text" inputmode="numeric" value="1"' in content


# --- Query count -----------------------------------------------------------------------------


@pytest.mark.parametrize("history", [1, 10])
def test_the_form_page_uses_a_fixed_number_of_queries(as_pat, pats_case, history, django_assert_max_num_queries):
    for year in range(history):
        AddressFactory(
            person=pats_case,
            status="PREVIOUS",
            start_date=date(2000 + year, 1, 1),
            end_date=date(2000 + year, 2, 1),
        )

    with django_assert_max_num_queries(8):
        assert as_pat.get(URL).status_code == 200
