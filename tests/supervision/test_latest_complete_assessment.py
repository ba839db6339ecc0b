"""One meaning for "the latest complete assessment": complete (countersigned where that was
required), the latest completed; the same day, the later started. The tier, a new draft's carried
answers, a new sentence plan and the Risk tab all ask `Assessment.objects.latest_complete()`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from supervision.models import Assessment

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def make(person, author, *, status="COMPLETE", days_ago=10, started_days_ago=30, **fields) -> Assessment:
    return Assessment.objects.create(
        person=person,
        type="INITIAL",
        status=status,
        author=author,
        started_at=timezone.now() - timedelta(days=started_days_ago),
        completed_on=TODAY - timedelta(days=days_ago) if status == "COMPLETE" else None,
        **fields,
    )


def test_the_latest_completed_counts_and_drafts_or_unsigned_ones_do_not(pats_case, pat) -> None:
    make(pats_case, pat, days_ago=100, rosh_overall="LOW")
    latest = make(pats_case, pat, days_ago=5, rosh_overall="HIGH")
    make(pats_case, pat, status="DRAFT", rosh_overall="VERY_HIGH")
    make(pats_case, pat, status="AWAITING_COUNTERSIGNATURE", rosh_overall="VERY_HIGH")

    assert Assessment.objects.filter(person=pats_case).latest_complete() == latest


def test_completed_the_same_day_the_later_started_counts(pats_case, pat) -> None:
    make(pats_case, pat, days_ago=5, started_days_ago=9)
    later_started = make(pats_case, pat, days_ago=5, started_days_ago=6)

    assert Assessment.objects.filter(person=pats_case).latest_complete() == later_started
    assert Assessment.objects.filter(person=pats_case).latest_first().first() == later_started


def test_none_without_a_complete_assessment(pats_case, pat) -> None:
    make(pats_case, pat, status="DRAFT")
    assert Assessment.objects.filter(person=pats_case).latest_complete() is None
