"""Deterministic risk assessments for the assessment, plan and review-schedule tests."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cases.models import Person, User
from supervision.models import Assessment, AssessmentStatus, Need

# Everything a complete assessment needs: medium RoSH, low-band predictors, some need everywhere.
FULL: dict[str, Any] = {
    "rosh_public": "MEDIUM",
    "rosh_known_adult": "LOW",
    "rosh_children": "LOW",
    "rosh_staff": "LOW",
    "rosh_prisoners": "LOW",
    "ogrs": Decimal("40.00"),
    "ovp": Decimal("20.00"),
    "ogp": Decimal("30.00"),
    "rsr": Decimal("2.50"),
    "needs": {need.value: "STANDARD" for need in Need},
    "risk_of_harm_analysis": "Risk to the public when drinking.",
    "risk_management_plan": "Alcohol treatment; weekly contact.",
    "contingency_plan": "Recall consideration if he drinks and drives.",
    "safeguarding_information_used": "Police DA check: no call-outs.",
}


def draft(person: Person, author: User, **fields: Any) -> Assessment:
    values = {**FULL, **fields}
    return Assessment.objects.create(person=person, author=author, type="INITIAL", **values)


def complete(person: Person, author: User, completed_on: date, **fields: Any) -> Assessment:
    """A complete assessment that counts, started the day it was completed."""
    started = timezone.make_aware(datetime.combine(completed_on, time(9)))
    values = {**FULL, **fields}
    values.setdefault("rosh_overall", "")
    return Assessment.objects.create(
        person=person,
        author=author,
        type=values.pop("type", "REVIEW"),
        status=AssessmentStatus.COMPLETE,
        started_at=started,
        completed_on=completed_on,
        next_review_due=completed_on + timedelta(weeks=26),
        **values,
    )
