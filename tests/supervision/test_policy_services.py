"""The policy services: drafts only change, publishing rules, and the audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Person
from supervision.models import ContactPolicy, Phase, PolicyStatus
from supervision.policy import evaluate_case
from supervision.services import policy as services
from tests.cases.factories import RegistrationFactory, SentenceFactory, registration_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(ada: Any) -> ContactPolicy:
    return services.create_draft(by=ada, summary="A change")


def test_a_published_version_cannot_be_changed_by_any_service(ada: Any) -> None:
    published = ContactPolicy.objects.get(version=1)
    base = published.rules.get(is_base=True)
    refusals = [
        lambda: services.update_draft(published, by=ada, summary="Rewritten"),
        lambda: services.save_rule(published, by=ada, rule=base, face_to_face_window_days=7),
        lambda: services.save_rule(published, by=ada, name="New", order_type="CO", face_to_face_window_days=7),
        lambda: services.publish(published, by=ada, effective_from=timezone.localdate() + timedelta(days=1)),
        lambda: services.discard_draft(published, by=ada),
    ]
    for refuse in refusals:
        with pytest.raises(ValidationError, match="Version 1 is published: it cannot be changed"):
            refuse()
    base.refresh_from_db()
    assert base.face_to_face_window_days == 30


def test_the_base_rule_cannot_be_scoped_or_left_incomplete(ada: Any, draft: ContactPolicy) -> None:
    base = draft.rules.get(is_base=True)
    with pytest.raises(ValidationError, match="cannot be scoped"):
        services.save_rule(draft, by=ada, rule=base, rosh="HIGH")
    with pytest.raises(ValidationError, match="the base rule sets every parameter"):
        services.save_rule(draft, by=ada, rule=base, failures_limit=None)
    with pytest.raises(ValidationError, match="cannot be removed"):
        services.remove_rule(draft, base, by=ada)


def test_a_rule_refuses_negative_and_zero_windows(ada: Any, draft: ContactPolicy) -> None:
    with pytest.raises(ValidationError, match="must be a whole number, 0 or more"):
        services.save_rule(draft, by=ada, name="Bad", order_type="CO", home_visit_days_low=-1)
    with pytest.raises(ValidationError, match="must be 1 or more"):
        services.save_rule(draft, by=ada, name="Bad", order_type="CO", face_to_face_window_days=0)
    assert not draft.rules.filter(is_base=False).exists()


def test_changes_are_audited_with_the_administrator(ada: Any, draft: ContactPolicy) -> None:
    services.save_rule(draft, by=ada, name="Licences", order_type="LICENCE", face_to_face_window_days=14)
    services.publish(draft, by=ada, effective_from=timezone.localdate() + timedelta(days=1))
    policy_events = apps.get_model("supervision", "ContactPolicyEvent").objects.filter(pgh_obj=draft)
    rule_events = apps.get_model("supervision", "PolicyRuleEvent").objects.filter(policy=draft)
    events = [*policy_events.select_related("pgh_context"), *rule_events.select_related("pgh_context")]
    assert len(events) >= 4  # draft created, rules copied and added, published
    assert {event.pgh_context.metadata["user"] for event in events} == {ada.pk}


def test_discarding_keeps_the_draft_on_record_and_frees_the_way_for_another(ada: Any, draft: ContactPolicy) -> None:
    services.discard_draft(draft, by=ada)
    assert ContactPolicy.objects.get(pk=draft.pk).status == PolicyStatus.DISCARDED
    again = services.create_draft(by=ada, summary="Second attempt")
    assert again.version == draft.version + 1
    assert again.based_on is not None and again.based_on.version == 1


def test_a_phase_scoped_rule_applies_after_the_two_thirds_point_of_a_reset_case(
    ada: Any, draft: ContactPolicy, pats_case: Person
) -> None:
    services.save_rule(draft, by=ada, name="Final third", phase=Phase.FINAL_THIRD, face_to_face_window_days=90)
    services.publish(draft, by=ada, effective_from=timezone.localdate())
    today = timezone.localdate()
    SentenceFactory(
        person=pats_case,
        order_type="CO",
        start_date=today - timedelta(days=300),
        expected_end_date=today + timedelta(days=60),
    )
    evaluation = evaluate_case(pats_case)
    assert evaluation.phase == Phase.FINAL_THIRD
    assert evaluation.params.face_to_face_window_days == 90
    RegistrationFactory(person=pats_case, type=registration_type("MAPP"), mappa_category=2, mappa_level=1)
    exempt = evaluate_case(pats_case)
    assert exempt.phase == Phase.STANDARD  # any MAPPA case is exempt from Probation Reset
    assert exempt.params.face_to_face_window_days == 30
