"""Evaluating real cases: the version in force on a date, stored standings, and query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pghistory.models import Events

from cases.models import Person, User
from supervision.migrations_seed import BASE_RULE
from supervision.models import CaseStanding, ContactPolicy, Phase
from supervision.policy import Shortfall, evaluate_case, policy_for, refresh_standing, refresh_standings
from supervision.services import policy as services
from tests.cases.factories import PersonFactory, RegistrationFactory, SentenceFactory, registration_type
from tests.supervision.factories import ContactFactory, at

pytestmark = pytest.mark.django_db


def supervised(days_in: int = 90, **person: object) -> Person:
    case = PersonFactory(**person)
    SentenceFactory(person=case, start_date=timezone.localdate() - timedelta(days=days_in))
    return case


def publish_version(ada: User, *, effective_in_days: int, **base_params: object) -> ContactPolicy:
    draft = services.create_draft(by=ada, summary="Fortnightly face-to-face contact")
    base = draft.rules.get(is_base=True)
    services.save_rule(draft, by=ada, rule=base, **base_params)
    return services.publish(draft, by=ada, effective_from=timezone.localdate() + timedelta(days=effective_in_days))


def test_a_case_seen_recently_meets_the_standard(pats_case: Person) -> None:
    SentenceFactory(person=pats_case, start_date=timezone.localdate() - timedelta(days=90))
    ContactFactory(person=pats_case, type_code="COAP", starts_at=at(85))
    ContactFactory(person=pats_case, type_code="COAP", starts_at=at(10))
    evaluation = evaluate_case(pats_case)
    assert evaluation.policy.version == 1
    assert evaluation.phase == Phase.STANDARD
    assert evaluation.shortfalls == []
    assert evaluation.next_face_to_face_due == timezone.localdate() + timedelta(days=20)


def test_phone_calls_alone_are_telephone_only_and_face_to_face_overdue(pats_case: Person) -> None:
    SentenceFactory(person=pats_case, start_date=timezone.localdate() - timedelta(days=120))
    ContactFactory(person=pats_case, type_code="COAP", starts_at=at(117))
    ContactFactory(person=pats_case, type_code="COPT", starts_at=at(20))
    ContactFactory(person=pats_case, type_code="COPT", starts_at=at(5))
    evaluation = evaluate_case(pats_case)
    assert set(evaluation.shortfalls) == {Shortfall.TELEPHONE_ONLY, Shortfall.FACE_TO_FACE_OVERDUE}
    assert len(evaluation.explanations) == 2


def test_missed_and_superseded_contacts_do_not_count(pats_case: Person) -> None:
    SentenceFactory(person=pats_case, start_date=timezone.localdate() - timedelta(days=120))
    ContactFactory(person=pats_case, type_code="COAP", starts_at=at(117))
    ContactFactory(person=pats_case, type_code="COAP", outcome_code="UAAB", starts_at=at(5))
    ContactFactory(person=pats_case, type_code="COAP", starts_at=at(6), superseded_at=timezone.now())
    assert Shortfall.FACE_TO_FACE_OVERDUE in evaluate_case(pats_case).shortfalls


def test_a_new_case_is_in_early_engagement_and_needs_weekly_contact(pats_case: Person) -> None:
    SentenceFactory(person=pats_case, start_date=timezone.localdate() - timedelta(days=20))
    ContactFactory(person=pats_case, type_code="COAI", starts_at=at(19))
    ContactFactory(person=pats_case, type_code="COPT", starts_at=at(12))
    evaluation = evaluate_case(pats_case)
    assert evaluation.phase == Phase.EARLY
    assert evaluation.shortfalls == [Shortfall.EARLY_ENGAGEMENT]


def test_a_domestic_abuse_case_needs_a_home_visit(pats_case: Person) -> None:
    SentenceFactory(person=pats_case, start_date=timezone.localdate() - timedelta(days=60))
    RegistrationFactory(person=pats_case, type=registration_type("ADVP"))
    ContactFactory(person=pats_case, type_code="COAP", starts_at=at(58))
    ContactFactory(person=pats_case, type_code="COAP", starts_at=at(3))
    for days in (51, 44, 37):
        ContactFactory(person=pats_case, type_code="COPT", starts_at=at(days))
    evaluation = evaluate_case(pats_case)
    assert evaluation.shortfalls == [Shortfall.HOME_VISIT_OVERDUE]  # medium RoSH: due within 42 days
    assert "Domestic abuse flag" in evaluation.remote_supplement_only
    ContactFactory(person=pats_case, type_code="CHVS", starts_at=at(30))
    assert evaluate_case(pats_case).shortfalls == []


def test_a_case_with_no_active_sentence_has_no_shortfalls(pats_case: Person) -> None:
    evaluation = evaluate_case(pats_case)
    assert not evaluation.active
    assert evaluation.shortfalls == []
    assert evaluation.next_face_to_face_due is None


def test_a_later_version_applies_from_its_effective_date_and_not_before(ada: User, pats_case: Person) -> None:
    SentenceFactory(person=pats_case, start_date=timezone.localdate() - timedelta(days=90))
    ContactFactory(person=pats_case, type_code="COAI", starts_at=at(89))
    ContactFactory(person=pats_case, type_code="COAP", starts_at=at(10))
    version = publish_version(ada, effective_in_days=5, face_to_face_window_days=14)
    today = timezone.localdate()
    before = evaluate_case(pats_case, on=today + timedelta(days=4))
    after = evaluate_case(pats_case, on=today + timedelta(days=5))
    assert before.policy.version == 1
    assert before.shortfalls == []
    assert after.policy == version
    assert after.params.face_to_face_window_days == 14
    assert after.shortfalls == [Shortfall.FACE_TO_FACE_OVERDUE]  # 15 days since the last one
    assert policy_for(pats_case, today + timedelta(days=5)) == (version, after.params)


def test_refresh_standing_records_the_version_used_and_keeps_history(ada: User, pats_case: Person) -> None:
    SentenceFactory(person=pats_case, start_date=timezone.localdate() - timedelta(days=90))
    standing = refresh_standing(pats_case)
    stored = CaseStanding.objects.get(person=pats_case)
    assert stored.policy.version == 1
    assert stored.shortfalls == [Shortfall.INITIAL_APPOINTMENT, Shortfall.FACE_TO_FACE_OVERDUE]
    assert stored.details["policy_version"] == 1
    assert Shortfall.FACE_TO_FACE_OVERDUE in stored.details["explanations"]
    assert standing.phase == Phase.STANDARD
    ContactFactory(person=pats_case, type_code="COAP", starts_at=at(1))
    refresh_standing(pats_case)
    # The contact is face to face: the floor is met, and the initial appointment was held (late).
    assert CaseStanding.objects.get(person=pats_case).shortfalls == []
    assert Events.objects.filter(pgh_obj_model="supervision.CaseStanding").count() >= 2


def test_refresh_standings_evaluates_many_cases_in_bounded_queries(django_assert_max_num_queries: object) -> None:
    cases = [supervised(days_in=60) for _ in range(6)]
    for case in cases[:3]:
        ContactFactory(person=case, type_code="COAP", starts_at=at(2))
    unsupervised = PersonFactory()
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        count = refresh_standings([case.pk for case in [*cases, unsupervised]])
    assert count == 7
    overdue = CaseStanding.objects.filter(shortfalls__contains=[Shortfall.FACE_TO_FACE_OVERDUE]).count()
    assert overdue == 3
    assert CaseStanding.objects.get(person=unsupervised).shortfalls == []


@pytest.mark.parametrize("contacts", [1, 15])
def test_evaluating_a_case_takes_a_fixed_number_of_queries(
    contacts: int, pats_case: Person, django_assert_max_num_queries: object
) -> None:
    SentenceFactory(person=pats_case, start_date=timezone.localdate() - timedelta(days=20))
    RegistrationFactory(person=pats_case, type=registration_type("ADVP"))
    for day in range(contacts):
        ContactFactory(person=pats_case, type_code="COAP", starts_at=at(day + 1))
    # The version in force and its rules, the sentence with contact dates, registrations, Reset
    # decisions, and (in the early weeks) every contact date.
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        evaluate_case(pats_case)


def test_version_one_holds_the_documented_defaults() -> None:
    base = ContactPolicy.objects.get(version=1).rules.get(is_base=True)
    assert {name: getattr(base, name) for name in BASE_RULE} == BASE_RULE


@pytest.mark.parametrize("rosh", ["VERY_HIGH", "HIGH", "LOW", ""])
def test_every_rosh_level_evaluates_in_bulk_as_it_does_alone(rosh: str) -> None:
    """Regression: a very high RoSH case once broke the bulk loader (refresh_standings)."""
    case = supervised(days_in=60, rosh=rosh)
    RegistrationFactory(person=case, type=registration_type("RVHR"))
    assert refresh_standings([case.pk]) == 1
    assert CaseStanding.objects.get(person=case).shortfalls == evaluate_case(case).shortfalls
