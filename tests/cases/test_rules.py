"""Pure rules of the cases app, table-driven: the two-thirds point of a sentence, a registration's
default review date, and how search ranks its matches."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.models import Person, RegistrationType, Sentence
from cases.services import default_review_due
from tests.cases.factories import PersonFactory, registration_type

# --- Two-thirds point ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "two_thirds"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), date(2026, 8, 31)),  # 364 days: day 242
        (date(2024, 3, 1), date(2025, 3, 1), date(2024, 10, 30)),  # a 12-month order over a leap year
        (date(2024, 1, 1), date(2026, 1, 1), date(2025, 5, 2)),  # 24 months, 731 days
        (date(2025, 1, 1), date(2025, 1, 4), date(2025, 1, 3)),  # 3 days: exactly 2
        (date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 1)),  # rounded down, never late
        (date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 1)),  # a zero-length order
    ],
)
def test_the_two_thirds_point_of_a_sentence(start, end, two_thirds):
    assert Sentence(start_date=start, expected_end_date=end).two_thirds_date == two_thirds


@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)), length=st.integers(0, 365 * 10))
def test_the_two_thirds_point_falls_inside_the_sentence_and_two_thirds_of_the_way(start, length):
    end = start + timedelta(days=length)

    point = Sentence(start_date=start, expected_end_date=end).two_thirds_date

    assert start <= point <= end
    assert abs(3 * (point - start).days - 2 * length) < 3


# --- Default review date of a registration ---------------------------------------------------


@pytest.mark.parametrize(
    ("months", "registered_on", "review_due"),
    [
        (3, date(2025, 6, 15), date(2025, 9, 15)),
        (6, date(2025, 6, 15), date(2025, 12, 15)),
        (12, date(2025, 6, 15), date(2026, 6, 15)),
        (3, date(2025, 1, 31), date(2025, 4, 30)),  # no 31 April: the last day of the month
        (6, date(2025, 8, 31), date(2026, 2, 28)),
        (12, date(2024, 2, 29), date(2025, 2, 28)),  # leap day
        (1, date(2025, 12, 15), date(2026, 1, 15)),  # across a year end
    ],
)
def test_the_default_review_date_is_the_types_review_period_after_registration(months, registered_on, review_due):
    assert default_review_due(RegistrationType(review_period_months=months), registered_on) == review_due


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "review_due"),
    [
        ("RCPR", date(2025, 8, 10)),  # child protection: 3 months
        ("ALSH", date(2025, 8, 10)),  # suicide or self-harm: 3 months
        ("ADVP", date(2025, 11, 10)),  # domestic abuse perpetrator: 6 months
        ("MAPP", date(2025, 11, 10)),
        ("REG30", date(2026, 5, 10)),  # domestic abuse history: 12 months
        ("PRC", date(2026, 5, 10)),  # Probation Reset: 12 months
    ],
)
def test_the_seeded_types_carry_their_review_periods(code, review_due):
    assert default_review_due(registration_type(code), date(2025, 5, 10)) == review_due


@pytest.mark.django_db
def test_an_administrators_change_to_a_review_period_applies_to_new_registrations():
    mental_health = registration_type("RMDO")
    mental_health.review_period_months = 2
    mental_health.save()

    assert default_review_due(registration_type("RMDO"), date(2025, 1, 10)) == date(2025, 3, 10)


# --- Search ranking --------------------------------------------------------------------------


@pytest.fixture
def people(gateshead):
    rows = [
        ("X123456", "John", "Smith"),
        ("X123457", "Jane", "Smithson"),
        ("X654321", "Smithy", "Brown"),
        ("X777777", "Ann", "Goldsmith"),
        ("X888888", "Smith", "Jones"),
    ]
    return {crn: PersonFactory(crn=crn, first_name=first, last_name=last, team=gateshead) for crn, first, last in rows}


def ranked(query: str) -> list[tuple[str, int]]:
    return [(p.crn, p.search_rank) for p in Person.objects.search(query)]  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "crn", "rank"),
    [
        ("X123456", "X123456", 100),  # exact CRN
        ("x123456", "X123456", 100),
        (" X123456 ", "X123456", 100),
        ("X12345", "X123457", 80),  # CRN prefix
        ("x1234", "X123456", 80),
        ("smith", "X123456", 70),  # exact surname
        ("smith", "X888888", 70),  # exact forename
        ("smith", "X123457", 60),  # surname prefix
        ("smith", "X654321", 50),  # forename prefix
        ("smith", "X777777", 10),  # anywhere else in a name
        ("jo", "X123456", 50),
    ],
)
def test_search_ranks_each_kind_of_match(people, query, crn, rank):
    assert (crn, rank) in ranked(query)


@pytest.mark.django_db
def test_search_puts_exact_crn_first_then_crn_prefix_then_surname_then_the_rest(people):
    assert [crn for crn, _ in ranked("smith")] == ["X888888", "X123456", "X123457", "X654321", "X777777"]
    assert [crn for crn, _ in ranked("X123456")] == ["X123456"]
    assert [crn for crn, _ in ranked("X1234")] == ["X123456", "X123457"]


@pytest.mark.django_db
def test_equally_good_matches_come_in_name_order(people):
    assert [crn for crn, _ in ranked("X12")] == ["X123456", "X123457"]  # Smith before Smithson


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "   ", "zzz", "X000000"])
def test_search_finds_nothing_for_an_empty_or_unmatched_query(people, query):
    assert ranked(query) == []


@pytest.mark.django_db
def test_a_full_name_match_beats_a_surname_only_match(gateshead):
    PersonFactory(crn="X100101", first_name="Jane", last_name="Smith", team=gateshead)
    PersonFactory(crn="X100102", first_name="John", last_name="Smith", team=gateshead)

    assert ranked("John Smith")[0][0] == "X100102"
