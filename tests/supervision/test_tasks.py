"""Supervision's background jobs: recording a contact when the broker is down (the database is the
source of truth; nothing fails). The nightly re-evaluation is part of the checks sweep
(tests/inspections/test_tasks.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from probation.celery import app
from supervision.models import Contact
from tests.cases.factories import PersonFactory, SentenceFactory
from tests.cases.pages import date_fields, problems
from tests.supervision.factories import contact_type

TODAY = timezone.localdate()


def supervised(practitioner, crn: str):
    person = PersonFactory(crn=crn, practitioner=practitioner)
    SentenceFactory(person=person, start_date=TODAY - timedelta(days=90), expected_end_date=TODAY + timedelta(days=200))
    return person


@pytest.mark.django_db
def test_recording_a_contact_succeeds_when_the_broker_is_down(
    as_pat, pat, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    person = supervised(pat, "X100001")

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    # Whatever listens to the change (the checks engine's task), queueing fails like Redis down.
    monkeypatch.setattr(app, "send_task", broker_down)
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
