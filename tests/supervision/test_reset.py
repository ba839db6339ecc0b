"""Probation Reset: who is eligible (supervision stops at two-thirds), who is exempt, the licence
follow-up appointment, and SPO decisions that confirm or override the computed state."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import RoshLevel, Sentence
from supervision.models import ResetDecision, ResetState
from supervision.queries.reset import reset_state
from supervision.rules.reset import (
    ResetExemption,
    ResetFacts,
    compute_reset,
    exemptions_for,
    follow_up_date,
    two_thirds_point,
)
from tests.cases.factories import RegistrationFactory, SentenceFactory, registration_type

TODAY = timezone.localdate()
START = date(2025, 1, 1)
END = date(2025, 12, 31)  # 364 days: two-thirds is 242 days in, 31 August 2025


def facts(order_type: str = "CO", *exemptions: ResetExemption, terminated_on: date | None = None) -> ResetFacts:
    return ResetFacts(order_type, START, END, terminated_on=terminated_on, exemptions=tuple(exemptions))


@pytest.mark.parametrize("order_type", ["CO", "SSO", "LICENCE", "PSS"])
def test_each_order_type_without_exemptions_is_eligible(order_type):
    view = compute_reset(facts(order_type), on=date(2025, 3, 1))

    assert view.computed_state == ResetState.ELIGIBLE
    assert view.two_thirds_date == date(2025, 8, 31)
    assert "two-thirds point" in view.reasons[0]


@pytest.mark.parametrize("exemption", list(ResetExemption))
@pytest.mark.parametrize("order_type", ["CO", "LICENCE"])
def test_each_exemption_keeps_supervision_going(order_type, exemption):
    view = compute_reset(facts(order_type, exemption), on=date(2025, 10, 1))

    assert view.computed_state == ResetState.EXEMPT
    assert view.reasons == [f"Exempt: {exemption.label}"]
    assert not view.supervision_stopped
    assert view.follow_up_date is None


@pytest.mark.parametrize(
    ("on", "stopped"),
    [(date(2025, 8, 30), False), (date(2025, 8, 31), True), (date(2025, 11, 1), True)],
)
def test_supervision_stops_at_the_two_thirds_point_for_eligible_cases(on, stopped):
    assert compute_reset(facts("CO"), on=on).supervision_stopped is stopped


def test_a_licence_has_one_follow_up_midway_through_the_final_third():
    view = compute_reset(facts("LICENCE"), on=date(2025, 9, 1))

    # 31 August to 31 December is 122 days; midway is 61 days on.
    assert view.follow_up_date == date(2025, 10, 31)
    assert compute_reset(facts("PSS"), on=date(2025, 9, 1)).follow_up_date is None
    assert compute_reset(facts("CO"), on=date(2025, 9, 1)).follow_up_date is None


def test_the_two_thirds_point_matches_the_sentence():
    sentence = Sentence(start_date=date(2026, 1, 1), expected_end_date=date(2026, 12, 31))
    assert two_thirds_point(sentence.start_date, sentence.expected_end_date) == sentence.two_thirds_date
    assert follow_up_date(date(2026, 1, 1), date(2026, 1, 4)) == date(2026, 1, 3)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (facts("CO", terminated_on=date(2025, 5, 1)), "The sentence was terminated on 1 May 2025"),
        (
            ResetFacts("CO", date(2023, 1, 1), date(2024, 1, 1)),
            "The sentence ended before Probation Reset began (7 June 2024)",
        ),
        (facts("UNKNOWN"), "Probation Reset does not apply to this kind of sentence"),
    ],
)
def test_it_does_not_apply_to_ended_or_unknown_sentences(case, expected):
    view = compute_reset(case, on=date(2025, 6, 1))

    assert view.computed_state == ResetState.NOT_APPLICABLE
    assert view.reasons == [expected]


# --- From the case's registrations ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "mappa", "exemption"),
    [
        ("MAPP", (1, 1), ResetExemption.MAPPA),
        ("RVHR", None, ResetExemption.VERY_HIGH_ROSH),
        ("RCPR", None, ResetExemption.CHILD_PROTECTION),
        ("RTAO", None, ResetExemption.NATIONAL_SECURITY),
    ],
)
def test_registrations_give_exemptions(pats_case, code, mappa, exemption):
    category, level = mappa or (None, None)
    RegistrationFactory(person=pats_case, type=registration_type(code), mappa_category=category, mappa_level=level)
    sentence = SentenceFactory(person=pats_case)

    view = reset_state(pats_case, sentence)

    assert view.exemptions == (exemption,)
    assert view.computed_state == ResetState.EXEMPT


@pytest.mark.django_db
def test_very_high_rosh_and_closed_registrations(pats_case):
    closed = RegistrationFactory(person=pats_case, type=registration_type("RCPR"))
    closed.deregistered_on = TODAY
    closed.deregistration_reason = "Plan ended"
    closed.save()
    RegistrationFactory(person=pats_case, type=registration_type("RMDO"))

    assert reset_state(pats_case, SentenceFactory(person=pats_case)).computed_state == ResetState.ELIGIBLE
    assert exemptions_for(RoshLevel.VERY_HIGH, []) == (ResetExemption.VERY_HIGH_ROSH,)


@pytest.mark.django_db
def test_the_latest_spo_decision_overrides_the_computed_state(pats_case, sam):
    sentence = SentenceFactory(person=pats_case)
    ResetDecision.objects.create(
        person=pats_case,
        sentence=sentence,
        computed_state="ELIGIBLE",
        state="ELIGIBLE",
        reason="Agreed",
        decided_by=sam,
    )
    ResetDecision.objects.create(
        person=pats_case,
        sentence=sentence,
        computed_state="ELIGIBLE",
        state="EXEMPT",
        reason="Specialist national security case",
        decided_by=sam,
        decided_at=timezone.now() + timedelta(seconds=1),
    )

    view = reset_state(pats_case, sentence)

    assert view.computed_state == ResetState.ELIGIBLE
    assert view.state == ResetState.EXEMPT
    assert view.is_overridden
    assert len(view.decisions) == 2


# --- The SPO's decision page -------------------------------------------------------------------


def url(person, sentence) -> str:
    return f"/people/{person.crn}/compliance/reset/{sentence.pk}/"


@pytest.mark.django_db
def test_an_spo_confirms_the_computed_state(as_sam, pats_case):
    sentence = SentenceFactory(person=pats_case)

    page = as_sam.get(url(pats_case, sentence))
    response = as_sam.post(url(pats_case, sentence), {"state": "ELIGIBLE", "reason": "Low risk, complying well"})

    assert page.status_code == 200 and "Confirm or override Probation Reset" in page.content.decode()
    assert response.status_code == 302
    decision = ResetDecision.objects.get(sentence=sentence)
    assert (decision.computed_state, decision.state, decision.is_override) == ("ELIGIBLE", "ELIGIBLE", False)
    compliance = as_sam.get(f"/people/{pats_case.crn}/compliance/").content.decode()
    assert "Confirmed by SPO" in compliance and "Low risk, complying well" in compliance


@pytest.mark.django_db
def test_an_spo_overrides_with_a_reason(as_sam, pats_case):
    sentence = SentenceFactory(person=pats_case)

    as_sam.post(url(pats_case, sentence), {"state": "EXEMPT", "reason": "Managed by national security division"})

    decision = ResetDecision.objects.get(sentence=sentence)
    assert decision.is_override
    assert "Overridden by SPO" in as_sam.get(f"/people/{pats_case.crn}/compliance/").content.decode()


@pytest.mark.django_db
def test_it_refuses_a_decision_without_a_reason(as_sam, pats_case):
    from tests.cases.pages import assert_problem

    sentence = SentenceFactory(person=pats_case)

    response = as_sam.post(url(pats_case, sentence), {"state": "EXEMPT", "reason": "  "})

    assert_problem(response, "Enter the reason for your decision")
    assert not ResetDecision.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_unknown_state(as_sam, pats_case):
    from tests.cases.pages import assert_problem

    sentence = SentenceFactory(person=pats_case)

    response = as_sam.post(url(pats_case, sentence), {"state": "MAYBE", "reason": "Because"})

    assert_problem(response, "Select whether Probation Reset applies")
    assert not ResetDecision.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("client", "status"), [("as_pat", 403), ("as_rory", 403), ("as_olga", 403)])
def test_only_an_spo_may_decide(request, pats_case, client, status):
    sentence = SentenceFactory(person=pats_case)
    browser = request.getfixturevalue(client)

    assert browser.get(url(pats_case, sentence)).status_code == status
    assert browser.post(url(pats_case, sentence), {"state": "EXEMPT", "reason": "x"}).status_code == status
    assert not ResetDecision.objects.exists()


@pytest.mark.django_db
def test_an_spo_of_another_team_may_not_decide(pats_case, newcastle):
    from tests.cases.factories import UserFactory
    from tests.cases.pages import client_for

    other_spo = client_for(UserFactory(username="nina", role="SPO", team=newcastle))
    sentence = SentenceFactory(person=pats_case)

    assert other_spo.post(url(pats_case, sentence), {"state": "EXEMPT", "reason": "x"}).status_code == 403
    page = other_spo.get(f"/people/{pats_case.crn}/compliance/").content.decode()
    assert "Confirm or override" not in page


@pytest.mark.django_db
def test_an_spo_in_another_region_sees_nothing(london_team, pats_case):
    from tests.cases.factories import UserFactory
    from tests.cases.pages import client_for

    london_spo = client_for(UserFactory(username="lucy", role="SPO", team=london_team))
    sentence = SentenceFactory(person=pats_case)

    assert london_spo.get(url(pats_case, sentence)).status_code == 404


@pytest.mark.django_db
def test_another_persons_sentence_is_not_found(as_sam, pats_case):
    from tests.cases.factories import PersonFactory

    other = SentenceFactory(person=PersonFactory(team=pats_case.team))

    assert as_sam.get(url(pats_case, other)).status_code == 404
