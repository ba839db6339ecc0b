"""Table-driven tests of the pure contact policy rules: parameter resolution, phase and each shortfall."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from kit.calendar import add_working_days
from supervision.migrations_seed import BASE_RULE
from supervision.models import Phase, PolicyRule
from supervision.policy import Shortfall, resolve_parameters
from supervision.policy.facts import CaseFacts, ContactSummary
from supervision.policy.parameters import PolicyParameters
from supervision.policy.resolve import Scope, phase_for, resolve_rules
from supervision.policy.rules import (
    apply_rules,
    early_engagement,
    face_to_face_overdue,
    home_visit_overdue,
    initial_appointment,
    remote_supplement_reasons,
    telephone_only,
)

MONDAY = date(2026, 1, 5)
PARAMS = PolicyParameters.from_values(BASE_RULE)


def facts(start: date = MONDAY, **overrides: Any) -> CaseFacts:
    contacts = ContactSummary(**overrides.pop("contacts", {}))
    values: dict[str, Any] = {
        "person_id": uuid.uuid4(),
        "crn": "X100001",
        "sentence_id": uuid.uuid4(),
        "order_type": "CO",
        "rosh": "MEDIUM",
        "tier_letter": "C",
        "supervision_start": start,
        "expected_end": start + timedelta(days=360),
        "two_thirds": start + timedelta(days=240),
        "contacts": contacts,
    }
    values.update(overrides)
    return CaseFacts(**values)


def base(**params: Any) -> PolicyRule:
    return PolicyRule(is_base=True, name="All cases", **{**BASE_RULE, **params})


def rule(name: str, **fields: Any) -> PolicyRule:
    return PolicyRule(is_base=False, name=name, **fields)


# --- Resolving parameters ---------------------------------------------------------------------

RULES = [
    base(),
    rule("Licences", order_type="LICENCE", face_to_face_window_days=14),
    rule("High RoSH", rosh="HIGH", face_to_face_window_days=10, telephone_only_window_days=21),
    rule("High RoSH licences", order_type="LICENCE", rosh="HIGH", face_to_face_window_days=7),
    rule("Early weeks", phase="EARLY", early_contact_interval_days=3),
    rule("Tier A", tier_letter="A", home_visit_days_low=30),
]


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Scope("CO", "LOW", "D", "STANDARD"), {"face_to_face_window_days": 30, "telephone_only_window_days": 42}),
        (Scope("LICENCE", "LOW", "D", "STANDARD"), {"face_to_face_window_days": 14, "telephone_only_window_days": 42}),
        (Scope("CO", "HIGH", "D", "STANDARD"), {"face_to_face_window_days": 10, "telephone_only_window_days": 21}),
        # The most specific rule wins the parameter it sets; others it leaves blank are inherited.
        (Scope("LICENCE", "HIGH", "D", "STANDARD"), {"face_to_face_window_days": 7, "telephone_only_window_days": 21}),
        (Scope("CO", "LOW", "D", "EARLY"), {"early_contact_interval_days": 3, "face_to_face_window_days": 30}),
        (Scope("CO", "LOW", "D", "STANDARD"), {"early_contact_interval_days": 7}),
        (Scope("CO", "LOW", "A", ""), {"home_visit_days_low": 30, "home_visit_days_medium": 42}),
    ],
)
def test_it_resolves_parameters_by_specificity_with_inheritance(scope: Scope, expected: dict[str, Any]) -> None:
    params = resolve_rules(RULES, scope)
    assert {name: getattr(params, name) for name in expected} == expected
    assert params.as_dict().keys() == BASE_RULE.keys()


def test_it_breaks_ties_between_equally_specific_rules_by_name() -> None:
    rules = [
        base(),
        rule("B rule", rosh="HIGH", face_to_face_window_days=25),
        rule("A rule", tier_letter="B", face_to_face_window_days=20),
    ]
    assert resolve_rules(rules, Scope("CO", "HIGH", "B", "")).face_to_face_window_days == 25


def test_it_applies_a_phase_scoped_rule_only_in_that_phase() -> None:
    rules = [base(), rule("Final third", phase="FINAL_THIRD", face_to_face_window_days=90)]
    assert resolve_rules(rules, Scope("CO", "LOW", "D", "FINAL_THIRD")).face_to_face_window_days == 90
    assert resolve_rules(rules, Scope("CO", "LOW", "D", "")).face_to_face_window_days == 30


@pytest.mark.django_db
def test_resolve_parameters_reads_the_rules_of_a_stored_version() -> None:
    from supervision.models import ContactPolicy

    policy = ContactPolicy.objects.get(version=1)
    assert resolve_parameters(policy, Scope("LICENCE", "HIGH", "B", "EARLY")).as_dict() == BASE_RULE


# --- Phase -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_in", "overrides", "rules", "expected"),
    [
        (27, {}, [base()], Phase.EARLY),
        (28, {}, [base()], Phase.STANDARD),
        # Weeks scoped by phase do not count when working out the phase (that would be circular).
        (40, {}, [base(), rule("Longer early", phase="EARLY", early_engagement_weeks=8)], Phase.STANDARD),
        (40, {}, [base(), rule("Longer for CO", order_type="CO", early_engagement_weeks=8)], Phase.EARLY),
        (239, {}, [base()], Phase.STANDARD),
        (240, {}, [base()], Phase.FINAL_THIRD),
        (240, {"any_mappa": True}, [base()], Phase.STANDARD),
        (240, {"very_high_rosh": True}, [base()], Phase.STANDARD),
        (240, {"child_protection": True}, [base()], Phase.STANDARD),
        (240, {"terrorism": True}, [base()], Phase.STANDARD),
        (240, {"reset_state": "EXEMPT"}, [base()], Phase.STANDARD),
        (240, {"order_type": "LICENCE"}, [base()], Phase.FINAL_THIRD),
    ],
)
def test_the_phase_follows_the_early_weeks_and_the_two_thirds_point(
    days_in: int, overrides: dict[str, Any], rules: list[PolicyRule], expected: str
) -> None:
    assert phase_for(rules, facts(**overrides), MONDAY + timedelta(days=days_in)) == expected


def test_a_case_with_no_active_sentence_has_no_phase_and_no_shortfalls() -> None:
    case = facts(sentence_id=None, supervision_start=None)
    assert phase_for([base()], case, MONDAY) == ""
    assert apply_rules(case, PARAMS, "", MONDAY).shortfalls == []


# --- Shortfall rules -------------------------------------------------------------------------

ON = MONDAY + timedelta(days=100)


@pytest.mark.parametrize(
    ("start", "last_face_to_face", "falls_short", "due"),
    [
        (MONDAY, ON - timedelta(days=30), False, ON),
        (MONDAY, ON - timedelta(days=31), True, ON - timedelta(days=1)),
        (ON - timedelta(days=30), None, False, ON),  # counted from the start for a young case
        (ON - timedelta(days=31), None, True, ON - timedelta(days=1)),
        (MONDAY, ON, False, ON + timedelta(days=30)),
    ],
)
def test_face_to_face_overdue(start: date, last_face_to_face: date | None, falls_short: bool, due: date) -> None:
    case = facts(start, contacts={"last_face_to_face": last_face_to_face})
    assert (face_to_face_overdue(case, PARAMS, Phase.STANDARD, ON) is not None) is falls_short
    assert apply_rules(case, PARAMS, Phase.STANDARD, ON).next_face_to_face_due == due


@pytest.mark.parametrize(
    ("last_made", "last_face_to_face", "falls_short"),
    [
        (ON - timedelta(days=10), ON - timedelta(days=43), True),
        (ON - timedelta(days=10), None, True),
        (ON - timedelta(days=10), ON - timedelta(days=42), False),
        (ON - timedelta(days=43), ON - timedelta(days=60), False),  # nothing at all in the window
        (None, None, False),
    ],
)
def test_telephone_only(last_made: date | None, last_face_to_face: date | None, falls_short: bool) -> None:
    case = facts(contacts={"last_made": last_made, "last_face_to_face": last_face_to_face})
    assert (telephone_only(case, PARAMS, Phase.STANDARD, ON) is not None) is falls_short


FRIDAY = date(2026, 1, 9)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (MONDAY, 5, date(2026, 1, 12)),
        (FRIDAY, 5, date(2026, 1, 16)),
        (FRIDAY, 1, date(2026, 1, 12)),
        (MONDAY, 0, MONDAY),
    ],
)
def test_working_days_skip_weekends(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected


@pytest.mark.parametrize(
    ("contacts", "on", "params", "falls_short"),
    [
        (
            {
                "first_made": date(2026, 1, 12),
                "first_face_to_face": date(2026, 1, 12),
            },
            date(2026, 2, 1),
            {},
            False,
        ),
        # Held late: overdue until it was held, then no longer (the flag resolves, saying how late).
        ({"first_made": date(2026, 1, 13), "first_face_to_face": date(2026, 1, 13)}, date(2026, 1, 13), {}, False),
        ({"first_made": date(2026, 1, 13)}, date(2026, 1, 13), {"initial_must_be_face_to_face": True}, True),
        ({}, date(2026, 1, 12), {}, False),  # not yet due
        ({}, date(2026, 1, 13), {}, True),
        # An earlier remote contact (an initial appointment by video) does not spoil a face-to-face
        # initial appointment held in time...
        (
            {
                "first_made": date(2026, 1, 6),
                "first_initial_or_face_to_face": date(2026, 1, 6),
                "first_face_to_face": date(2026, 1, 8),
            },
            date(2026, 2, 1),
            {},
            False,
        ),
        # ...but on its own it does not meet it when the policy requires face to face.
        (
            {"first_made": date(2026, 1, 6), "first_initial_or_face_to_face": date(2026, 1, 6)},
            date(2026, 2, 1),
            {},
            True,
        ),
        # ...but fine when the policy does not require the initial appointment face to face.
        (
            {"first_made": date(2026, 1, 6), "first_initial_or_face_to_face": date(2026, 1, 6)},
            date(2026, 2, 1),
            {"initial_must_be_face_to_face": False},
            False,
        ),
        # Held a day after a same-day deadline: late, so it fell short until then, and no longer.
        (
            {"first_made": date(2026, 1, 6), "first_initial_or_face_to_face": date(2026, 1, 6)},
            date(2026, 2, 1),
            {"initial_appointment_working_days": 0, "initial_must_be_face_to_face": False},
            False,
        ),
        ({}, date(2026, 1, 6), {"initial_appointment_working_days": 0, "initial_must_be_face_to_face": False}, True),
    ],
)
def test_initial_appointment(contacts: dict[str, Any], on: date, params: dict[str, Any], falls_short: bool) -> None:
    case = facts(MONDAY, contacts=contacts)
    assert (initial_appointment(case, replace(PARAMS, **params), Phase.EARLY, on) is not None) is falls_short


@pytest.mark.parametrize(
    ("contact_days", "days_in", "phase", "falls_short"),
    [
        ((3, 10), 17, Phase.EARLY, False),
        ((3, 10), 18, Phase.EARLY, True),  # 8 days since the last contact
        ((8,), 9, Phase.EARLY, True),  # 8 days from the start to the first contact
        ((7,), 9, Phase.EARLY, False),
        ((), 7, Phase.EARLY, False),
        ((), 30, Phase.STANDARD, False),  # only during early engagement
    ],
)
def test_early_engagement(contact_days: tuple[int, ...], days_in: int, phase: str, falls_short: bool) -> None:
    case = facts(contacts={"early": tuple(MONDAY + timedelta(days=d) for d in contact_days)})
    assert (early_engagement(case, PARAMS, phase, MONDAY + timedelta(days=days_in)) is not None) is falls_short


@pytest.mark.parametrize(
    ("overrides", "first_visit_day", "days_in", "falls_short"),
    [
        ({"rosh": "HIGH"}, None, 15, False),
        ({"rosh": "HIGH"}, None, 16, True),
        ({"rosh": "HIGH"}, 15, 100, False),
        ({"rosh": "HIGH"}, 16, 100, True),
        ({"rosh": "MEDIUM", "domestic_abuse": True}, None, 42, False),
        ({"rosh": "MEDIUM", "domestic_abuse": True}, None, 43, True),
        ({"rosh": "LOW", "child_concern": True}, None, 84, False),
        ({"rosh": "LOW", "child_concern": True}, None, 85, True),
        ({"rosh": "LOW", "domestic_abuse": True, "sexual_offence": True}, None, 16, True),
        ({"rosh": "MEDIUM"}, None, 200, False),  # no domestic abuse, child concern or high RoSH
    ],
)
def test_home_visit_overdue(
    overrides: dict[str, Any], first_visit_day: int | None, days_in: int, falls_short: bool
) -> None:
    first = MONDAY + timedelta(days=first_visit_day) if first_visit_day is not None else None
    case = facts(contacts={"first_home_visit": first}, **overrides)
    assert (
        home_visit_overdue(case, PARAMS, Phase.STANDARD, MONDAY + timedelta(days=days_in)) is not None
    ) is falls_short


def test_every_shortfall_comes_with_an_explanation() -> None:
    case = facts(rosh="HIGH", contacts={"early": (), "last_made": ON - timedelta(days=1)})
    result = apply_rules(case, PARAMS, Phase.EARLY, ON)
    assert set(result.shortfalls) == {
        Shortfall.FACE_TO_FACE_OVERDUE,
        Shortfall.TELEPHONE_ONLY,
        Shortfall.INITIAL_APPOINTMENT,
        Shortfall.EARLY_ENGAGEMENT,
        Shortfall.HOME_VISIT_OVERDUE,
    }
    assert all(finding.explanation for finding in result.findings)


def test_remote_contact_may_only_supplement_for_the_policys_criteria() -> None:
    case = facts(domestic_abuse=True, mappa_level_2_3=True)
    assert remote_supplement_reasons(case, ["DOMESTIC_ABUSE", "VERY_HIGH_ROSH"], ON) == ["Domestic abuse flag"]
    past = facts(order_type="LICENCE")
    assert remote_supplement_reasons(past, ["SUSPENDED_SUPERVISION"], MONDAY + timedelta(days=300)) == [
        "Suspended supervision (Probation Reset)"
    ]


def test_the_typed_parameters_are_exactly_the_rule_parameters() -> None:
    from dataclasses import fields

    from supervision.models.policy import RULE_PARAMETERS

    assert [f.name for f in fields(PolicyParameters)] == list(RULE_PARAMETERS)
