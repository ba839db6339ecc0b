"""The database reads behind the assessment rules: the records the review rule reads, for one case or many."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from supervision.models.assessments import Assessment
from supervision.rules.assessments import ReviewDue, review_due, review_records


def _array(queryset: Any, **fields: Any) -> Any:
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models.functions import JSONObject

    return ArraySubquery(queryset.order_by().values(json=JSONObject(**fields)))


def review_rows(people: Any, on: dt.date) -> Any:
    """ONE query over `people` (a Person queryset) with every record the review rule reads on `on`, as
    `.values()` rows for `review_records`; callers may annotate more onto it (the checks engine adds
    the assessments in progress). Correlated subqueries: no per-case query whatever the number."""
    from django.db.models import OuterRef, Subquery

    from cases.models import Address, AddressStatus, Registration, Sentence
    from supervision.models import EnforcementAction, EnforcementKind, ReviewTrigger

    person = OuterRef("pk")
    last = Assessment.objects.counting().filter(person=person).latest_first().values("completed_on")[:1]
    # The governing sentence's start, as the contact policy's facts take it (the first assessment's clock).
    current = Sentence.objects.governing(on).filter(person=person).values("start_date")[:1]
    since = OuterRef("last_completed")
    return people.annotate(last_completed=Subquery(last), supervision_start=Subquery(current)).values(
        "pk",
        "last_completed",
        "supervision_start",
        review_sentences=_array(
            Sentence.objects.filter(person=person, terminated_on__isnull=True),
            start=models.F("start_date"),
            order_type=models.F("order_type"),
        ),
        review_manual=_array(
            ReviewTrigger.objects.filter(person=person, met_by__isnull=True),
            reason=models.F("reason"),
            details=models.F("details"),
            raised_on=models.F("raised_on"),
            due=models.F("review_due"),
        ),
        review_registrations=_array(
            Registration.objects.filter(person=person, registered_on__gt=since),
            description=models.F("type__description"),
            on=models.F("registered_on"),
        ),
        review_moves=_array(
            Address.objects.filter(
                person=person,
                status__in=[AddressStatus.MAIN, AddressStatus.NO_FIXED_ABODE],
                start_date__gt=since,
            ),
            on=models.F("start_date"),
        ),
        review_enforcement=_array(
            EnforcementAction.objects.filter(
                person=person,
                kind__in=[EnforcementKind.BREACH_REFERRAL, EnforcementKind.RECALL_CONSIDERATION],
                decided_on__gt=since,
            ),
            kind=models.F("kind"),
            on=models.F("decided_on"),
        ),
    )


def next_review(person: Any, on: dt.date | None = None) -> ReviewDue:
    """When this case's next assessment is due, and why (a fixed number of queries).

    Events since the last complete assessment bring it forward: a registration added, a new main
    address, a breach referral or recall considered, a release on licence; so do open manual
    ReviewTriggers, and the current sentence's first assessment while it is outstanding
    (`first_assessment_due`, `first_assessment_days` after the start: the rule ASSESSMENT_OVERDUE
    applies). The rule is `review_due` over `review_rows`, which the checks engine runs for a whole
    chunk of cases at once.
    """
    from django.utils import timezone

    from cases.models import Person
    from supervision.policy import NoPolicyInForce, policy_for

    on = on or timezone.localdate()
    try:
        _policy, params = policy_for(person, on)
    except NoPolicyInForce:
        return ReviewDue(None, "No contact policy is in force")
    row = review_rows(Person.objects.filter(pk=person.pk), on).get()
    return review_due(
        review_records(row),
        on=on,
        interval_weeks=int(params.assessment_review_weeks),
        trigger_days=int(params.review_trigger_days),
        first_assessment_days=int(params.first_assessment_days),
    )
