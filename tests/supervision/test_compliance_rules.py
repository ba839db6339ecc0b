"""The pure compliance rules: counting failures to comply, the status shown, and when the statute
makes a breach referral the only lawful decision."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervision.models import EnforcementKind
from supervision.rules.compliance import (
    ComplianceStatus,
    FailureEvent,
    count_failures,
    kinds_for,
    referral_warning,
    rolling_window_start,
    status_for,
)

ON = date(2025, 6, 10)
START = date(2024, 1, 1)


def days_before(n: int) -> date:
    return ON - timedelta(days=n)


@pytest.mark.parametrize(
    ("events", "since", "expected_since", "expected_12_months"),
    [
        pytest.param([], START, 0, 0, id="nothing recorded"),
        pytest.param([(days_before(1), True)], START, 1, 1, id="one failure"),
        pytest.param([(days_before(1), True), (days_before(1), True)], START, 1, 1, id="two on one date count once"),
        pytest.param([(days_before(1), True), (days_before(2), True)], START, 2, 2, id="two dates count twice"),
        pytest.param([(days_before(1), False)], START, 0, 0, id="complied is not a failure"),
        pytest.param(
            [FailureEvent(days_before(1), is_failure=True, counts_toward_standards=False)],
            START,
            0,
            0,
            id="a type that does not count toward national standards is ignored",
        ),
        pytest.param(
            [FailureEvent(days_before(1), is_failure=False), FailureEvent(days_before(2), is_failure=True)],
            START,
            1,
            1,
            id="acceptable absence ignored, failure counted",
        ),
        pytest.param([(days_before(364), True)], START, 1, 1, id="364 days ago is in the 12 months"),
        pytest.param([(days_before(365), True)], START, 1, 0, id="exactly 12 months (365 days) ago is outside"),
        pytest.param([(days_before(366), True)], START, 1, 0, id="366 days ago is outside"),
        pytest.param([(days_before(10), True)], days_before(10), 1, 1, id="a failure on the since date counts"),
        pytest.param([(days_before(11), True)], days_before(10), 0, 1, id="a failure the day before since does not"),
        pytest.param([(ON, True)], START, 1, 1, id="a failure on the day counts"),
        pytest.param([(ON + timedelta(days=1), True)], START, 0, 0, id="nothing after the day counts"),
        pytest.param(
            [(days_before(400), True), (days_before(30), True), (days_before(20), True)],
            days_before(25),
            1,
            2,
            id="since last breach and rolling 12 months differ",
        ),
    ],
)
def test_it_counts_distinct_failure_dates(events, since, expected_since, expected_12_months):
    count = count_failures(events, since=since, on=ON)

    assert count.since_last_breach == expected_since
    assert count.rolling_12_months == expected_12_months


def test_the_rolling_window_starts_the_day_after_the_same_date_a_year_earlier():
    assert rolling_window_start(ON) == date(2024, 6, 11)
    assert rolling_window_start(date(2024, 2, 29)) == date(2023, 3, 1)


failure_events = st.lists(
    st.builds(
        FailureEvent,
        on=st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 7, 1)),
        is_failure=st.booleans(),
        counts_toward_standards=st.booleans(),
    ),
    max_size=30,
)


@given(events=failure_events, data=st.data(), since=st.dates(min_value=date(2023, 1, 1), max_value=ON))
def test_the_count_does_not_depend_on_the_order_or_on_duplicates(events, data, since):
    shuffled = data.draw(st.permutations(events))
    duplicated = shuffled + data.draw(st.lists(st.sampled_from(events), max_size=10)) if events else shuffled

    expected = count_failures(events, since=since, on=ON)

    assert count_failures(shuffled, since=since, on=ON) == expected
    assert count_failures(duplicated, since=since, on=ON) == expected
    assert count_failures(reversed(events), since=since, on=ON) == expected


@given(events=failure_events, since=st.dates(min_value=date(2023, 1, 1), max_value=ON))
def test_the_counts_are_distinct_dates_within_their_windows(events, since):
    count = count_failures(events, since=since, on=ON)

    assert len(set(count.dates_since)) == count.since_last_breach
    assert all(since <= d <= ON for d in count.dates_since)
    assert all(rolling_window_start(ON) <= d <= ON for d in count.dates_in_12_months)


@pytest.mark.parametrize(
    ("failures", "breach", "status"),
    [
        (0, False, ComplianceStatus.GREEN),
        (1, False, ComplianceStatus.NEUTRAL),
        (2, False, ComplianceStatus.RED),
        (7, False, ComplianceStatus.RED),
        (0, True, ComplianceStatus.BREACH),
        (3, True, ComplianceStatus.BREACH),
    ],
)
def test_it_maps_the_count_to_a_status(failures, breach, status):
    assert status_for(failures, breach_in_progress=breach) == status


def test_each_status_has_its_tag_colour():
    assert ComplianceStatus.GREEN.tag_class == "govuk-tag--green"
    assert ComplianceStatus.NEUTRAL.tag_class == "govuk-tag--grey"
    assert ComplianceStatus.RED.tag_class == "govuk-tag--red"
    assert ComplianceStatus.BREACH.tag_class == "govuk-tag--red"
    assert "no breach in progress yet" in ComplianceStatus.RED.label


@pytest.mark.parametrize(
    ("order_type", "warning_days_before", "required"),
    [
        ("CO", 0, True),
        ("CO", 1, True),
        ("CO", 364, True),
        ("CO", 365, False),  # exactly 12 months before
        ("CO", 366, False),
        ("SSO", 364, True),
        ("SSO", 366, False),
        ("LICENCE", 10, False),
        ("PSS", 10, False),
        ("CO", -1, False),  # a warning given after the failure does not count for it
    ],
)
def test_a_warning_in_the_previous_12_months_makes_referral_required(order_type, warning_days_before, required):
    warning = days_before(warning_days_before)

    found = referral_warning(order_type, [warning], ON)

    assert (found == warning) is required
    assert (found is not None) is required


def test_it_names_the_latest_qualifying_warning():
    assert referral_warning("CO", [days_before(400), days_before(200), days_before(100)], ON) == days_before(100)


@pytest.mark.parametrize(
    ("order_type", "kinds"),
    [
        ("CO", {"WARNING_LETTER", "BREACH_REFERRAL", "NO_FURTHER_ACTION"}),
        ("SSO", {"WARNING_LETTER", "BREACH_REFERRAL", "NO_FURTHER_ACTION"}),
        ("LICENCE", {"LICENCE_COMPLIANCE_LETTER", "RECALL_CONSIDERATION", "NO_FURTHER_ACTION"}),
        # PSS is not a licence: no recall; a breach goes to the magistrates' court (CJA 2003 s.256AC).
        ("PSS", {"WARNING_LETTER", "BREACH_REFERRAL", "NO_FURTHER_ACTION"}),
    ],
)
def test_each_order_has_its_own_decisions(order_type, kinds):
    assert set(kinds_for(order_type)) == kinds
    assert kinds_for(order_type, referral_required=True) == (EnforcementKind.BREACH_REFERRAL,)
