"""The first assessment: one rule in one place (supervision.assessments.first_assessment_due, the
policy's first_assessment_days, 20 by default), so the risk page, the ASSESSMENT_OVERDUE flag and the
flags API give the same answer on every day: day 20 is in time, day 21 is overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Person
from inspections import services
from inspections.models import Flag, FlagKind
from supervision.rules.assessments import FIRST_ASSESSMENT, first_assessment_due
from tests.cases.factories import PersonFactory, SentenceFactory
from tests.supervision.assessment_factories import complete

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.mark.parametrize(
    ("start_days_ago", "completed_days_ago", "due_days"),
    [
        (21, None, 20),  # none yet: due on day 20
        (21, 1, None),  # completed on day 20 of the sentence: met
        (21, 21, None),  # completed on the start date: met
        (21, 22, 20),  # completed the day before the sentence started: a new sentence needs its own
    ],
)
def test_the_rule(start_days_ago, completed_days_ago, due_days):
    start = TODAY - timedelta(days=start_days_ago)
    completed = TODAY - timedelta(days=completed_days_ago) if completed_days_ago is not None else None
    due = first_assessment_due(start=start, last_completed=completed, days=20)
    assert due == (start + timedelta(days=due_days) if due_days is not None else None)


@pytest.mark.parametrize(("days_in", "overdue"), [(19, False), (20, False), (21, True)])
def test_the_risk_page_the_flag_and_the_api_agree_on_day_20_and_21(as_pat, pat, days_in, overdue):
    case = PersonFactory(crn="X100001", practitioner=pat, team=pat.team)
    start = TODAY - timedelta(days=days_in)
    SentenceFactory(person=case, start_date=start, expected_end_date=start + timedelta(days=365))
    due = start + timedelta(days=20)

    services.run_checks(Person.objects.filter(pk=case.pk))
    flag = Flag.objects.open().filter(person=case, kind=FlagKind.ASSESSMENT_OVERDUE).first()
    page = as_pat.get("/people/X100001/risk/").content.decode()
    api = as_pat.get("/api/v1/people/X100001/flags/?open=true").json()["results"]

    assert (flag is not None) is overdue
    assert f"Due by <strong>{due.day} {due:%B %Y}</strong>: {FIRST_ASSESSMENT}" in page
    assert ('govuk-tag--red">Overdue' in page) is overdue
    assert [row["due_by"] for row in api if row["kind"] == FlagKind.ASSESSMENT_OVERDUE] == (
        [due.isoformat()] if overdue else []
    )


def test_an_earlier_sentences_assessment_leaves_the_first_one_due_on_the_page_and_in_the_check(as_pat, pat):
    case = PersonFactory(crn="X100001", practitioner=pat, team=pat.team)
    start = TODAY - timedelta(days=30)
    SentenceFactory(person=case, start_date=start, expected_end_date=start + timedelta(days=365))
    complete(case, pat, TODAY - timedelta(days=40))

    services.run_checks(Person.objects.filter(pk=case.pk))
    page = as_pat.get("/people/X100001/risk/").content.decode()

    due = start + timedelta(days=20)
    assert Flag.objects.open().get(person=case, kind=FlagKind.ASSESSMENT_OVERDUE).due_by == due
    assert f"Due by <strong>{due.day} {due:%B %Y}</strong>: {FIRST_ASSESSMENT}" in page
