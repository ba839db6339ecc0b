"""Supervision's background jobs: the nightly re-evaluation on a real worker, and recording a
contact when the broker is down (the database is the source of truth; nothing fails)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.apps import apps as django_apps
from django.utils import timezone
from kombu.exceptions import OperationalError

from probation.celery import app
from supervision import tasks
from supervision.migrations_seed import seed
from supervision.models import CaseStanding, Contact
from tests.cases.factories import PersonFactory, SentenceFactory
from tests.cases.pages import date_fields, problems
from tests.supervision.factories import contact_type
from tests.test_celery import celery_app, worker  # noqa: F401 - fixtures

TODAY = timezone.localdate()


def supervised(practitioner, crn: str):
    person = PersonFactory(crn=crn, practitioner=practitioner)
    SentenceFactory(person=person, start_date=TODAY - timedelta(days=90), expected_end_date=TODAY + timedelta(days=200))
    return person


@pytest.mark.timeout(90)
@pytest.mark.django_db(transaction=True)
def test_the_nightly_run_fans_out_per_pdu_and_evaluates_every_case(worker, pat, olga):  # noqa: F811
    # An earlier transactional test may have flushed the seeded policy: put the reference data back.
    seed(django_apps, None)
    people = [supervised(pat, "X100001"), supervised(pat, "X100002"), supervised(olga, "X200001")]

    assert tasks.refresh_all_standings.delay().get(timeout=30) == 2  # Gateshead and Camden PDUs

    deadline = time.monotonic() + 30
    while CaseStanding.objects.count() < len(people) and time.monotonic() < deadline:
        time.sleep(0.2)
    standings = {s.person_id: s for s in CaseStanding.objects.all()}
    assert set(standings) == {p.pk for p in people}
    # No face-to-face contact in three months: every case falls short, under policy version 1.
    assert all("FACE_TO_FACE_OVERDUE" in s.shortfalls and s.policy.version == 1 for s in standings.values())

    # Idempotent: a second run leaves the same standings and adds no audit history.
    events = CaseStanding.pgh_event_model.objects.count()
    assert tasks.refresh_pdu_standings.delay(pat.team.pdu_id).get(timeout=30) == 2
    assert CaseStanding.pgh_event_model.objects.count() == events


def test_the_nightly_re_evaluation_is_scheduled_before_the_working_day():
    entry = app.conf.beat_schedule["refresh-contact-standings"]
    assert entry["task"] == tasks.refresh_all_standings.name
    assert entry["schedule"] == crontab(hour=2, minute=30)


@pytest.mark.django_db
def test_recording_a_contact_succeeds_when_the_broker_is_down(
    as_pat, pat, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    person = supervised(pat, "X100001")

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.refresh_standing, "delay", broker_down)
    moment = timezone.localtime() - timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_pat.post(
            f"/people/{person.crn}/contacts/new/",
            {
                "contact_type": str(contact_type("COPT").pk),
                **date_fields("date", moment.date()),
                "time": f"{moment:%H:%M}",
                "outcome": "ATTC",
                "notes": "Weekly telephone catch-up.",
            },
        )

    assert response.status_code == 302, problems(response)
    assert Contact.objects.current().filter(person=person, contact_type__code="COPT").exists()
    assert "nightly sweep will catch up" in caplog.text


@pytest.mark.django_db
def test_the_refresh_task_is_safe_for_a_case_that_does_not_exist():
    assert tasks.refresh_standing("00000000-0000-0000-0000-000000000000") == "missing"
