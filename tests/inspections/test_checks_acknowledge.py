"""Acknowledging a flag: an SPO of the case's team only, with a reason, expiring within 90 days;
audited; the flag stays open and counts again once the acknowledgement expires."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pghistory.models import Events

from inspections.models import Flag
from inspections.services import acknowledge_flag
from tests.cases.factories import UserFactory
from tests.inspections.factories import FlagFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def flag(pats_case: Any) -> Flag:
    return FlagFactory(person=pats_case)


def test_the_spo_of_the_case_team_acknowledges_with_a_reason_and_expiry(flag: Flag, sam: Any) -> None:
    acknowledged = acknowledge_flag(flag, by=sam, reason="  Seen at home by police; visit booked.  ", expires=TODAY)

    assert acknowledged.is_open and acknowledged.is_acknowledged
    assert acknowledged.acknowledged_by == sam
    assert acknowledged.acknowledgement_reason == "Seen at home by police; visit booked."
    assert Flag.objects.unacknowledged().count() == 0
    event = Events.objects.filter(pgh_obj_id=str(flag.pk), pgh_label="update").latest("pgh_created_at")
    assert event.pgh_context["user"] == sam.pk
    assert event.pgh_context["service"] == "acknowledge_flag"


def test_an_expired_acknowledgement_no_longer_counts(flag: Flag, sam: Any) -> None:
    acknowledge_flag(flag, by=sam, reason="Agreed", expires=TODAY)
    assert Flag.objects.unacknowledged(TODAY + timedelta(days=1)).count() == 1


@pytest.mark.parametrize("who", ["pat", "other_spo", "ada"])
def test_only_an_spo_of_the_case_team_may_acknowledge(flag: Flag, who: str, request: Any, london_team: Any) -> None:
    users = {
        "pat": lambda: request.getfixturevalue("pat"),
        "other_spo": lambda: UserFactory(username="lena", role="SPO", team=london_team),
        "ada": lambda: request.getfixturevalue("ada"),
    }
    with pytest.raises(PermissionDenied):
        acknowledge_flag(flag, by=users[who](), reason="Agreed", expires=TODAY)
    flag.refresh_from_db()
    assert flag.acknowledged_at is None


@pytest.mark.parametrize(
    ("reason", "days", "field"),
    [("   ", 10, "reason"), ("x" * 1001, 10, "reason"), ("Agreed", -1, "expires"), ("Agreed", 91, "expires")],
)
def test_a_reason_and_an_expiry_within_90_days_are_required(
    flag: Flag, sam: Any, reason: str, days: int, field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        acknowledge_flag(flag, by=sam, reason=reason, expires=TODAY + timedelta(days=days))
    assert field in raised.value.message_dict
    flag.refresh_from_db()
    assert flag.acknowledged_at is None


def test_the_latest_expiry_is_90_days_ahead(flag: Flag, sam: Any) -> None:
    assert acknowledge_flag(flag, by=sam, reason="Agreed", expires=TODAY + timedelta(days=90)).is_acknowledged


def test_a_resolved_flag_cannot_be_acknowledged(flag: Flag, sam: Any) -> None:
    Flag.objects.filter(pk=flag.pk).update(resolved_at=timezone.now(), resolution="Condition no longer holds")
    with pytest.raises(ValidationError):
        acknowledge_flag(flag, by=sam, reason="Agreed", expires=TODAY)
