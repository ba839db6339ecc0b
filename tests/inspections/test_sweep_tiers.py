"""The tier's `S` suffix (Probation Reset) starts at the two-thirds point with no record changing:
the sweep queues a tier recalculation, after its chunk commits, for the cases crossing their
two-thirds date that day, and for no one else; a dry run queues nothing; the chunk's query count
does not change."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Person
from inspections import services
from supervision import tasks as supervision_tasks
from tests.cases.factories import PersonFactory, SentenceFactory
from tests.supervision.factories import ContactFactory, at

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def sentenced(pat: Any, started_days_ago: int, length: int = 300, **person: Any) -> Person:
    case = PersonFactory(practitioner=pat, tier="C2", **person)
    start = TODAY - timedelta(days=started_days_ago)
    SentenceFactory(person=case, order_type="CO", start_date=start, expected_end_date=start + timedelta(days=length))
    return case


@pytest.fixture
def queued(monkeypatch: Any) -> list[str]:
    """Run the queued tier task in this process, as a worker would, and note for whom."""
    seen: list[str] = []

    def run(person_id: str) -> Any:
        seen.append(person_id)
        return supervision_tasks.recalculate_tier.apply(args=[person_id]).get()

    monkeypatch.setattr(supervision_tasks.recalculate_tier, "delay", run)
    return seen


def test_a_case_crossing_its_two_thirds_date_today_gets_its_s_tier(
    pat: Any, queued: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    crossing = sentenced(pat, 200)  # 300 days long: two-thirds is day 200, today
    before = sentenced(pat, 199)
    after = sentenced(pat, 201)

    with django_capture_on_commit_callbacks(execute=True):
        services.run_checks(Person.objects.filter(pk__in=[crossing.pk, before.pk, after.pk]))

    # (The new tier announces a case change, and supervision's own tier listener runs it once more.)
    assert set(queued) == {str(crossing.pk)}
    crossing.refresh_from_db()
    assert crossing.tier.endswith("S")


def test_an_exempt_case_is_not_recalculated(
    pat: Any, queued: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    exempt = sentenced(pat, 200, rosh="VERY_HIGH")
    with django_capture_on_commit_callbacks(execute=True):
        services.check_case(exempt)
    assert queued == []


def test_a_dry_run_queues_nothing(pat: Any, queued: list[str], django_capture_on_commit_callbacks: Any) -> None:
    case = sentenced(pat, 200)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_checks(Person.objects.filter(pk=case.pk), dry_run=True)
    assert queued == []


def test_crossing_cases_cost_the_chunk_no_query(pat: Any, queued: list[str]) -> None:
    plan = services.Plan.load()
    counts = []
    for crossing in (False, True):
        cases = [sentenced(pat, 200 if crossing else 100) for _ in range(4)]
        for case in cases:  # seen yesterday: neither set has a contact flag (Reset stops them at 200)
            ContactFactory(person=case, type_code="COAP", starts_at=at(1))
        with CaptureQueriesContext(connection) as queries:
            services.reconcile_chunk([c.pk for c in cases], plan)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
