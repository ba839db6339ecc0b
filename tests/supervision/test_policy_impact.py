"""What publishing a draft would change, counted over every active case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Person, User
from supervision.models import ContactPolicy
from supervision.policy import Shortfall, policy_impact
from supervision.services import policy as services
from tests.cases.factories import PersonFactory, SentenceFactory
from tests.supervision.factories import ContactFactory, at

pytestmark = pytest.mark.django_db


def case_seen(days_ago: int, *, crn: str) -> Person:
    """A case supervised for 200 days, seen face to face at the start and `days_ago` days ago."""
    person = PersonFactory(crn=crn)
    SentenceFactory(person=person, start_date=timezone.localdate() - timedelta(days=200))
    ContactFactory(person=person, type_code="COAI", starts_at=at(199))
    ContactFactory(person=person, type_code="COAP", starts_at=at(days_ago))
    return person


def draft_with_window(ada: User, days: int) -> ContactPolicy:
    draft = services.create_draft(by=ada, summary="Change the face-to-face window")
    services.save_rule(draft, by=ada, rule=draft.rules.get(is_base=True), face_to_face_window_days=days)
    return draft


def test_a_shorter_window_makes_cases_newly_fall_short(ada: User) -> None:
    case_seen(5, crn="X200001")
    case_seen(20, crn="X200002")
    case_seen(25, crn="X200003")
    case_seen(40, crn="X200004")  # already overdue under version 1
    PersonFactory(crn="X200005")  # not under supervision: not counted
    impact = policy_impact(draft_with_window(ada, 14))
    assert impact.cases == 4
    assert impact.current.version == 1
    assert impact.falling_short_now == 1
    assert impact.falling_short_under_draft == 3
    assert impact.newly_falling_short == 2
    assert impact.no_longer_falling_short == 0
    assert impact.newly_sample == ["X200002", "X200003"]
    row = next(r for r in impact.by_shortfall if r.code == Shortfall.FACE_TO_FACE_OVERDUE)
    assert (row.now, row.under_draft, row.newly, row.no_longer) == (1, 3, 2, 0)


def test_a_longer_window_stops_cases_falling_short(ada: User) -> None:
    case_seen(40, crn="X200011")
    case_seen(70, crn="X200012")
    impact = policy_impact(draft_with_window(ada, 60))
    assert impact.no_longer_falling_short == 1
    assert impact.no_longer_sample == ["X200011"]
    assert impact.newly_falling_short == 0


def test_impact_takes_a_fixed_number_of_queries(ada: User, django_assert_max_num_queries: object) -> None:
    draft = draft_with_window(ada, 14)
    for n in range(12):
        case_seen(n * 3, crn=f"X3000{n:02d}")
    with django_assert_max_num_queries(9):  # type: ignore[operator]
        impact = policy_impact(draft)
    assert impact.cases == 12
